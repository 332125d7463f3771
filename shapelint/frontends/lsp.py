"""``shapelint server``: a language server over stdio (pygls 2), a thin door onto the engine.

- Diagnostics: the engine's static findings are published as soon as a document is opened,
  saved, or has stopped changing for a moment (``debounceMs``, default 100); confirmation on
  TensorFlow then runs in a background thread and the verdicts replace them when ready.  The
  confirmations go to one warm worker process (``confirm.run.WarmWorker``), started in the
  background when the first document that names a framework opens: TensorFlow / PyTorch are
  imported once per session, not once per verdict.  Every
  result carries the generation of the document it was computed for, and is dropped if the
  document changed since: an old result never overwrites a newer one.
- Hover on a layer: its input and output shapes and parameter count (``facts.py``).
- Quick fixes: ``fixes.py`` (the mechanical fix when certain, and ``# noqa: CODE``).

Positions: the engine counts characters from 1; LSP counts from 0 in the code units of the
negotiated encoding (UTF-16 unless the client offers another), converted per line here.

Jupyter notebooks (LSP 3.17 notebook documents): the server advertises ``notebookDocumentSync``
for ``jupyter-notebook`` documents with Python cells; a notebook is linted as one program, its
code cells in order (``core.notebook``), when it is opened, changed or saved, and the findings
are published per cell, on each cell's URI, with positions in that cell (a related place in
another cell points at that cell).  Hover and quick fixes are not offered on cells yet.

``initializationOptions``: ``{"confirm": false}`` turns confirmation off (it is also off when
``[tool.shapelint] confirm = false``); ``{"debounceMs": 100}``.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import stat
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple
from urllib.parse import unquote

try:
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
    from pygls.uris import from_fs_path, to_fs_path
except ImportError:  # the optional extra is missing: main() says how to install it
    types = LanguageServer = from_fs_path = to_fs_path = None

from shapelint import __version__
from shapelint.confirm.run import CONFIRMED, stop_workers, use_warm_worker
from shapelint.core.config import Config, ConfigError
from shapelint.core.diagnostics import Diagnostic, Position
from shapelint.core.files import read_source
from shapelint.core.notebook import Cell, is_notebook
from shapelint.core.registry import docs_url
from shapelint.engine import unreadable
from shapelint.frontends.facts import LayerFact, facts_at, layer_facts
from shapelint.frontends.fixes import fixes_for
from shapelint.interp.cancel import Cancelled, cancellable
from shapelint.linter import Linter

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FRAMEWORK_WORDS = {"keras": re.compile(r"\b(keras|tensorflow)\b"), "torch": re.compile(r"\btorch\b")}
DEFAULT_DEBOUNCE_MS = 100


@dataclass
class Analysed:
    """One version of a document and what was found in it: diagnostics, hover and code
    actions all read this one analysis."""

    version: Optional[int]
    text: str
    config: Config
    diagnostics: List[Diagnostic]  # static findings, before confirmation
    facts: Optional[List[LayerFact]] = None  # hover facts, computed on the first hover

    def layer_facts(self, path: str) -> List[LayerFact]:
        if self.facts is None:
            self.facts = layer_facts(self.text, path, self.config)
        return self.facts


class Documents:
    """What the server keeps per document: the generation of its text, its pending lint and
    the analysis of its current version."""

    def __init__(self, server):
        self.server = server
        self.linter = Linter()
        self.initialized = False  # an LSP client sent `initialize`
        self.analysed: Dict[str, Analysed] = {}
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self.generation: Dict[str, int] = {}
        self.pending: Dict[str, asyncio.Task] = {}
        self.lint_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shapelint-lint")
        # One confirmation at a time: each starts a TensorFlow worker process.
        self.confirm_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shapelint-confirm")
        self.config_errors: set = set()
        self.notebook_cells: Dict[str, Set[str]] = {}  # notebook URI -> the cell URIs published
        self.warm = None  # the warm confirmation worker, once confirmation is wanted
        self.prewarmed: Set[str] = set()  # the frameworks already being imported there

    def lint_current(self, uri: str, generation: int, lint, *args):
        """``lint(*args)`` in a worker thread, cancelled (None) as soon as a newer version of
        the document arrives: the interpreter checks every few statements."""
        if not self.current(uri, generation):
            return None
        try:
            with cancellable(lambda: not self.current(uri, generation)):
                return lint(*args)
        except Cancelled:
            return None

    def confirm_if_current(self, uri: str, generation: int, found, config):
        """Verdicts for one version's findings, unless the document changed while this waited
        for the confirmation thread (a newer version's verdicts are then on their way)."""
        if not self.current(uri, generation):
            return None
        return self.linter.confirm(found, config)

    def prewarm(self, uri: str) -> None:
        """After a document opens: import the frameworks it names in the warm worker, in the
        background, so that its first verdict does not wait for TensorFlow to load."""
        if self.warm is None:
            return
        found = self.text_of(uri)
        if found is None:
            return
        text, _version, path = found
        wanted = {name for name, pattern in _FRAMEWORK_WORDS.items() if pattern.search(text)} - self.prewarmed
        if not wanted or not self.config_for(path).confirm:
            return
        self.prewarmed |= wanted
        self.confirm_pool.submit(self.warm.prewarm, sorted(wanted))

    def is_cell(self, uri: str) -> bool:
        """Is this text document a cell of an open notebook?"""
        return self.server.workspace.get_notebook_document(cell_uri=uri) is not None

    # --- configuration ---

    def config_for(self, path: str) -> Config:
        """The nearest pyproject.toml's [tool.shapelint] for the document's path."""
        try:
            return self.linter.config_for(path)
        except ConfigError as exc:
            if str(exc) not in self.config_errors:  # say it once, not on every keystroke
                self.config_errors.add(str(exc))
                self.server.window_show_message(types.ShowMessageParams(
                    type=types.MessageType.Error, message=f"shapelint: {exc}; using the defaults"))
            return replace(Config(), **{k: v for k, v in self.linter.overrides.items() if k == "confirm"})

    def text_of(self, uri: str) -> Optional[Tuple[str, Optional[int], str]]:
        """(text, version, path) of an open document, or of a regular file on disk that is
        not too large; None for anything else (a FIFO, a device, a folder, an unreadable
        file): reading those could block or never end."""
        document = self.server.workspace.text_documents.get(uri)
        if document is not None:
            return document.source, document.version, document.path
        path = self.server.workspace.get_text_document(uri).path
        if not path:
            return None
        try:
            text, _problem = read_source(Path(path), self.config_for(path).max_file_size) \
                if stat.S_ISREG(os.stat(path).st_mode) else (None, None)
        except OSError:
            return None
        return None if text is None else (text, None, path)

    def lint_text(self, text: str, path: str, config: Config) -> List[Diagnostic]:
        """The static findings, or one SL002 for a text over max-file-size (as on disk).  A
        notebook's JSON opened as a text document is not linted: its findings belong to cells,
        which only a notebook document has."""
        if is_notebook(path):
            return []
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > config.max_file_size:
            return unreadable(path, f"file skipped: {size:,} bytes is over max-file-size "
                                    f"({config.max_file_size:,} bytes)", config)
        return self.linter.lint_text(text, path, config)

    def analysis(self, uri: str) -> Optional[Analysed]:
        """The analysis of the document's current text (linted now if it has none yet)."""
        found = self.text_of(uri)
        if found is None:
            return None
        text, version, path = found
        current = self.analysed.get(uri)
        if current is not None and current.version == version and current.text == text:
            return current
        config = self.config_for(path)
        return Analysed(version, text, config, self.lint_text(text, path, replace(config, confirm=False)))

    # --- linting ---

    def schedule(self, uri: str, delay: float) -> None:
        """Lint ``uri`` after ``delay`` seconds unless it changes again before."""
        generation = self.generation[uri] = self.generation.get(uri, 0) + 1
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        task = asyncio.get_running_loop().create_task(self.lint(uri, generation, delay))
        self.pending[uri] = task
        task.add_done_callback(lambda done: self.pending.pop(uri, None) if self.pending.get(uri) is done else None)

    def close(self, uri: str, cells: Sequence[str] = ()) -> None:
        """A document closed (or a notebook, with its ``cells``): its diagnostics are cleared."""
        self.generation[uri] = self.generation.get(uri, 0) + 1
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.analysed.pop(uri, None)
        published = self.notebook_cells.pop(uri, None)
        targets = [uri] if published is None else sorted(published | set(cells))
        for target in targets:
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=target, diagnostics=[]))

    def current(self, uri: str, generation: int) -> bool:
        return self.generation.get(uri) == generation

    async def lint(self, uri: str, generation: int, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        if self.server.workspace.get_notebook_document(notebook_uri=uri) is not None:
            await self.lint_notebook(uri, generation)
            return
        loop = asyncio.get_running_loop()
        source = await loop.run_in_executor(self.lint_pool, self.text_of, uri)
        if source is None or not self.current(uri, generation):
            return
        text, version, path = source
        config = self.config_for(path)
        try:
            found = await loop.run_in_executor(self.lint_pool, self.lint_current, uri, generation, self.lint_text,
                                               text, path, config)
        except Exception as exc:  # noqa: BLE001 - a bug on one text must not stop the server
            self.log(types.MessageType.Error, f"shapelint: internal error on {path}: {type(exc).__name__}: {exc}")
            return
        if not self.current(uri, generation):
            return
        self.analysed[uri] = Analysed(version, text, config, found)
        self.publish(uri, version, text, found)
        await self.verdicts(uri, generation, found, config, lambda confirmed: self.publish(uri, version, text, confirmed))

    async def verdicts(self, uri: str, generation: int, found, config: Config, publish) -> None:
        """Confirm one version's findings in the background, then ``publish`` them with their
        verdicts, unless the document changed meanwhile (the static findings stay if it fails)."""
        if not config.confirm or not any(d.probe is not None for d in found):
            return
        loop = asyncio.get_running_loop()
        try:
            confirmed = await loop.run_in_executor(self.confirm_pool, self.confirm_if_current, uri, generation, found, config)
        except Exception as exc:  # noqa: BLE001 - the static findings stay published
            self.log(types.MessageType.Warning, f"shapelint: confirmation failed: {type(exc).__name__}: {exc}")
            return
        if confirmed is not None and self.current(uri, generation):
            publish(confirmed)

    # --- notebooks ---

    def notebook_of(self, uri: str):
        """(cells, cell URIs by number, cell versions by number, path) of an open notebook;
        cells are numbered from 1 over every cell, markdown too (as in the file)."""
        notebook = self.server.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return None
        cells, uris, versions = [], {}, {}
        for number, cell in enumerate(notebook.cells, start=1):
            document = self.server.workspace.text_documents.get(unquote(cell.document))
            code = (cell.kind == types.NotebookCellKind.Code and document is not None
                    and (document.language_id or "python").lower() == "python")
            cells.append(Cell(number, "code" if code else "markdown", document.source if document is not None else ""))
            uris[number] = cell.document
            versions[number] = document.version if document is not None else None
        path = to_fs_path(uri) or unquote(uri)
        return cells, uris, versions, path

    async def lint_notebook(self, uri: str, generation: int) -> None:
        loop = asyncio.get_running_loop()
        notebook = self.notebook_of(uri)
        if notebook is None or not self.current(uri, generation):
            return
        cells, uris, versions, path = notebook
        config = self.config_for(path)
        try:
            found = await loop.run_in_executor(self.lint_pool, self.lint_current, uri, generation,
                                               self.linter.lint_cells, cells, path, config)
        except Exception as exc:  # noqa: BLE001 - a bug on one notebook must not stop the server
            self.log(types.MessageType.Error, f"shapelint: internal error on {path}: {type(exc).__name__}: {exc}")
            return
        if not self.current(uri, generation):
            return
        self.publish_cells(uri, cells, uris, versions, found)
        await self.verdicts(uri, generation, found, config,
                            lambda confirmed: self.publish_cells(uri, cells, uris, versions, confirmed))

    def publish_cells(self, uri: str, cells: Sequence[Cell], uris: Dict[int, str],
                      versions: Dict[int, Optional[int]], found: Sequence[Diagnostic]) -> None:
        """One publication per code cell (an empty one clears it), and an empty one for each
        cell published before that is gone or no longer code."""
        lines = {cell.number: _LINE_BREAK.split(cell.source) for cell in cells}
        by_cell: Dict[int, List[Diagnostic]] = {cell.number: [] for cell in cells if cell.kind == "code"}
        for diag in found:  # a finding of the whole notebook (SL002) goes on its first code cell
            number = diag.cell if diag.cell in uris else min(by_cell, default=None)
            if number is not None:
                by_cell.setdefault(number, []).append(diag)

        def place(cell: int) -> Tuple[str, List[str]]:
            return uris[cell], lines[cell]

        published = set()
        for number, diagnostics in by_cell.items():
            published.add(uris[number])
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uris[number], version=versions.get(number),
                diagnostics=[self.to_lsp(uris[number], lines[number], d, place) for d in diagnostics]))
        for gone in sorted(self.notebook_cells.get(uri, set()) - published):
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=gone, diagnostics=[]))
        self.notebook_cells[uri] = published

    def publish(self, uri: str, version: Optional[int], text: str, found: Sequence[Diagnostic]) -> None:
        lines = _LINE_BREAK.split(text)
        self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=[self.to_lsp(uri, lines, d) for d in found]))

    def log(self, kind, message: str) -> None:
        self.server.window_log_message(types.LogMessageParams(type=kind, message=message))

    # --- conversions ---

    def range(self, lines: List[str], start: Position, end: Position):
        return types.Range(start=self.position(lines, start), end=self.position(lines, end))

    def position(self, lines: List[str], position: Position):
        """Engine (1-based line, 1-based character) -> LSP (0-based, client code units)."""
        line = max(position.line - 1, 0)
        if line >= len(lines):
            return types.Position(line=len(lines), character=0)
        prefix = lines[line][:max(position.column - 1, 0)]
        return types.Position(line=line, character=self.server.workspace.position_codec.client_num_units(prefix))

    def engine_position(self, lines: List[str], position) -> Position:
        """LSP position -> the engine's 1-based line and character column."""
        text = lines[position.line] if position.line < len(lines) else ""
        units = 0
        index = 0
        codec = self.server.workspace.position_codec
        while index < len(text) and units < position.character:
            units += codec.client_num_units(text[index])
            index += 1
        return Position(position.line + 1, index + 1)

    def to_lsp(self, uri: str, lines: List[str], diag: Diagnostic,
               cell_place: Optional[Callable[[int], Tuple[str, List[str]]]] = None):
        """``cell_place``: in a notebook, a cell's number -> (its URI, its lines)."""
        related = []
        for place in diag.related:
            same = place.path == diag.path
            target, text = uri, lines
            if same and cell_place is not None and place.cell is not None:
                target, text = cell_place(place.cell)
            where = self.range(text, place.start, place.end) if same else types.Range(
                start=types.Position(line=place.start.line - 1, character=place.start.column - 1),
                end=types.Position(line=place.end.line - 1, character=place.end.column - 1))
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=target if same else from_fs_path(place.path), range=where),
                message=place.message))
        serious = diag.verdict == CONFIRMED or diag.code == "SL001"
        return types.Diagnostic(
            range=self.range(lines, diag.start, diag.end),
            message=diag.message + diag.suffix(),
            severity=types.DiagnosticSeverity.Error if serious else types.DiagnosticSeverity.Warning,
            code=diag.code,
            code_description=types.CodeDescription(href=docs_url(diag.code)),
            source="shapelint",
            related_information=related or None,
            data={"verdict": diag.verdict} if diag.verdict else None,
        )


def notebook_sync():
    """What the server asks for: Jupyter notebooks, their Python cells."""
    return types.NotebookDocumentSyncOptions(notebook_selector=[types.NotebookDocumentFilterWithCells(
        notebook="jupyter-notebook", cells=[types.NotebookCellLanguage(language="python")])])


def build_server() -> "LanguageServer":
    server = LanguageServer("shapelint", __version__, notebook_document_sync=notebook_sync())
    # Every edit re-parses only the statements it touched (core.parse_cache).
    from shapelint.engine import use_parse_cache

    use_parse_cache(True)
    documents = Documents(server)
    server.documents = documents

    @server.feature(types.INITIALIZE)
    def initialize(ls, params: types.InitializeParams):
        documents.initialized = True
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        if options.get("confirm") is False:
            documents.linter.overrides["confirm"] = False
        else:
            documents.warm = use_warm_worker(True)
        debounce = options.get("debounceMs")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool) and debounce >= 0:
            documents.debounce = debounce / 1000

    @server.feature(types.SHUTDOWN)
    def shutdown(ls, params):
        # A running confirmation would hold the shutdown for up to a minute: stop it now.
        stop_workers()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: types.DidOpenTextDocumentParams):
        documents.linter.forget_configs()
        documents.schedule(params.text_document.uri, 0)
        documents.prewarm(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: types.DidChangeTextDocumentParams):
        documents.schedule(params.text_document.uri, documents.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls, params: types.DidSaveTextDocumentParams):
        documents.linter.forget_configs()  # settings take effect on save
        documents.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls, params: types.DidCloseTextDocumentParams):
        documents.close(params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_did_open(ls, params: types.DidOpenNotebookDocumentParams):
        documents.linter.forget_configs()
        documents.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_did_change(ls, params: types.DidChangeNotebookDocumentParams):
        documents.schedule(params.notebook_document.uri, documents.debounce)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_did_save(ls, params: types.DidSaveNotebookDocumentParams):
        documents.linter.forget_configs()
        documents.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_did_close(ls, params: types.DidCloseNotebookDocumentParams):
        documents.close(params.notebook_document.uri, [cell.uri for cell in params.cell_text_documents])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls, params: types.HoverParams):
        if documents.is_cell(params.text_document.uri):
            return None  # a cell alone is not the program: no facts from it
        def compute():
            analysed = documents.analysis(params.text_document.uri)
            if analysed is None:
                return "", []
            path = ls.workspace.get_text_document(params.text_document.uri).path
            return analysed.text, analysed.layer_facts(path)

        text, facts = await asyncio.get_running_loop().run_in_executor(documents.lint_pool, compute)
        lines = _LINE_BREAK.split(text)
        found = facts_at(facts, documents.engine_position(lines, params.position))
        if not found:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                         value="\n\n---\n\n".join(f.markdown() for f in found)),
            range=documents.range(lines, found[0].start, found[0].end))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    async def code_action(ls, params: types.CodeActionParams):
        uri = params.text_document.uri
        wanted = {(d.code, d.range.start.line, d.range.start.character): d
                  for d in params.context.diagnostics if d.source == "shapelint"}
        if not wanted or documents.is_cell(uri):  # fixes in cells: not yet
            return []
        def compute():
            analysed = documents.analysis(uri)
            if analysed is None:
                return [], []
            lines = _LINE_BREAK.split(analysed.text)
            out = []
            for diag in analysed.diagnostics:
                start = documents.position(lines, diag.start)
                shown = wanted.get((diag.code, start.line, start.character))
                if shown is not None:
                    out.extend((shown, fix) for fix in fixes_for(analysed.text, diag, analysed.config))
            return lines, out

        lines, found = await asyncio.get_running_loop().run_in_executor(documents.lint_pool, compute)
        return [types.CodeAction(title=fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=[shown],
                                 is_preferred=fix.preferred or None,
                                 edit=types.WorkspaceEdit(changes={uri: [
                                     types.TextEdit(range=documents.range(lines, edit.start, edit.end),
                                                    new_text=edit.new_text) for edit in fix.edits]}))
                for shown, fix in found]

    return server


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="shapelint server",
        description="Run the shapelint language server on standard input and output (LSP).")
    parser.parse_args(list(argv or []))
    if LanguageServer is None:
        print("shapelint: error: the language server needs pygls: pip install 'shapelint[lsp]'",
              file=sys.stderr)
        return 2
    server = build_server()
    server.start_io()
    if not server.documents.initialized:
        # Standard input ended before any client spoke: not an editor (`shapelint server` run
        # in CI in a project with a server/ folder, say), so do not pass silently.
        print("shapelint server: no language client on standard input (it ended before "
              "'initialize'); to lint a folder named server, write 'shapelint check server'",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
