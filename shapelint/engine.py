"""The engine: source text + path + configuration in, diagnostics out.

Every front end calls ``lint_source`` (the CLI for files, the flake8 plugin and the language
server for unsaved text).  The stages run one way:
prefilter -> parse (LibCST) -> extract (``extract.py``, which propagates shapes as it goes)
-> rules -> positions (resolved only when something is reported) -> noqa and selection.
"""
from __future__ import annotations

import ast
import os
import re
import sys
import traceback
from typing import List, Optional, Sequence, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from shapelint.confirm.probe import Unsynthesizable
from shapelint.core.analysis import Analysis
from shapelint.core.config import Config
from shapelint.core.diagnostics import Diagnostic, Position, Related
from shapelint.core.files import nesting_problem
from shapelint.core.fix import Span
from shapelint.core.noqa import file_noqa, noqa_lines, silenced
from shapelint.core.notebook import (
    Cell,
    NotebookError,
    build_program,
    cell_problems,
    is_notebook,
    is_python,
    notebook_error,
    read_cells,
)
from shapelint.core.parse_cache import ParseCache
from shapelint.core.prefilter import _PASTED_MARKERS, FRAMEWORK_MARKERS, mentions_framework  # noqa: F401
from shapelint.core.registry import all_rules
from shapelint.core.rule import Message, RuleContext
from shapelint.core.select import select_pieces, use_facts_cache
from shapelint.core.tolerant import repair
from shapelint.frameworks import default_plugins
from shapelint.interp.interpreter import Interpreter

POSITION_RECURSION_LIMIT = 10_000


class Locator:
    """Source positions of nodes, computed once per file and only if a finding needs them."""

    def __init__(self, module: cst.Module, pieces=None):
        self.module = module
        self.pieces = pieces  # the ParseCache that assembled ``module`` from statements, if one did
        self._positions = None

    def _range(self, node):
        cache = self.pieces
        if cache is not None and self._positions is None:
            found = cache.position(self.module, node)
            if found is not None:
                return found
        if self._positions is None:
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            # LibCST's position visitor recurses a few frames per level of an expression: a
            # 500-term sum needs more than Python's default 1,000 (what the parser accepts is
            # bounded by core.files.nesting_problem, far below this).
            if sys.getrecursionlimit() < POSITION_RECURSION_LIMIT:
                sys.setrecursionlimit(POSITION_RECURSION_LIMIT)
            self._positions = wrapper.resolve(PositionProvider)
        return self._positions[node]

    def start(self, node) -> Position:
        r = self._range(node)
        return Position(r.start.line, r.start.column + 1)

    def end(self, node) -> Position:
        r = self._range(node)
        return Position(r.end.line, r.end.column + 1)

    def span(self, node) -> Span:
        return Span(self.start(node), self.end(node))


# A `global x` / `nonlocal x` statement somewhere (not `global_pool`): only then is the tree
# searched for the names such statements rebind.
_GLOBAL_STATEMENT = re.compile(r"(?:^|;)[ \t]*(?:global|nonlocal)[ \t]+[A-Za-z_]", re.M)




# The language server's per-statement parse cache (``core.parse_cache``); None: parse whole.
_PARSE_CACHE = None


def use_parse_cache(enabled: bool = True) -> None:
    """Parse through a per-statement cache from now on (a long-lived process that lints the
    same texts again and again with small edits: the language server)."""
    global _PARSE_CACHE
    if enabled and _PARSE_CACHE is None:
        _PARSE_CACHE = ParseCache()
    elif not enabled:
        _PARSE_CACHE = None
    use_facts_cache(enabled)  # the selection's facts of each statement, by its text


def _parse(source: str, ends: Optional[List[int]] = None) -> Tuple[cst.Module, Optional[ParseCache]]:
    """The module, and the ``ParseCache`` that assembled it (positions are read per piece).
    With the statements' ends known it is parsed a statement at a time even without the
    server's cache: LibCST's parse of a whole large module holds far more memory than its
    statements' trees (the 1.1 MB kept of ``bench/sizes.py``'s 2 MB module: about 720 MB
    more for the whole; by statement the process peaks at about 130 MB) and takes longer."""
    cache = _PARSE_CACHE
    if cache is None and ends is not None:
        cache = ParseCache(size=0)
    if cache is None:
        return cst.parse_module(source), None
    return cache.parse(source, ends), cache


class UnsafeToParse(ValueError):
    """The source is nested or chained beyond what LibCST's native parser survives."""


def parse_module(source: str) -> cst.Module:
    """LibCST's parse, for the doors that parse on their own (summary, hover, fixes): never on
    a source that would crash the parser (``core.files.nesting_problem``)."""
    problem = nesting_problem(source)
    if problem is not None:
        raise UnsafeToParse(problem[3])
    return cst.parse_module(source)


def analyse(module: cst.Module, config: Config, source: Optional[str] = None) -> Analysis:
    analysis = Analysis(target_keras=config.target_keras)
    scan = source is None or _GLOBAL_STATEMENT.search(source) is not None
    Interpreter(module, config.target_keras, analysis, scan_globals=scan, plugins=default_plugins()).run()
    return analysis


def lint_source(source: str, path: str, config: Optional[Config] = None) -> List[Diagnostic]:
    """Lint one file's text.  ``path`` is used for reporting and per-file-ignores only."""
    config = config or Config()
    if not mentions_framework(source):
        return []
    # LibCST's native parser crashes the process on deep nesting: measure it first.
    problem = nesting_problem(source)
    if problem is not None:
        code, line, column, message = problem
        start = Position(line, column)
        return _filter([Diagnostic(code, message, path, start, start)], source, path, config)
    # Only the statements that can matter reach LibCST (``core.select``), lines kept; noqa is
    # read from the whole text.  Whatever fails on the selection is done again on the whole.
    chosen = select_pieces(source)
    ends = None
    if chosen is not None:
        selected, ends = chosen
        if selected is not source:
            try:
                return _filter(_lint_module(*_parse(selected, ends), selected, path, config), source, path, config)
            except Exception:  # noqa: BLE001 - the whole text gives the error its true words
                ends = None
    try:
        module, pieces = _parse(source, ends)
    except (cst.ParserSyntaxError, cst.CSTValidationError) as exc:
        return _filter(_lint_the_rest(source, path, config, syntax_error(exc, source, path)), source, path, config)
    except Exception as exc:  # noqa: BLE001 - RecursionError, MemoryError, a parser bug: SL003
        return _filter(analysis_failed(path, exc, config), source, path, config)
    try:
        return _filter(_lint_module(module, pieces, source, path, config), source, path, config)
    except Exception as exc:  # noqa: BLE001 - one file's failure is one diagnostic, the run goes on
        return _filter(analysis_failed(path, exc, config), source, path, config)


def lint_file(text: str, path: str, config: Optional[Config] = None) -> List[Diagnostic]:
    """Lint one file's text as its name says: a Jupyter notebook (``.ipynb``) or Python."""
    if is_notebook(path):
        return lint_notebook(text, path, config)
    return lint_source(text, path, config)


def lint_notebook(text: str, path: str, config: Optional[Config] = None) -> List[Diagnostic]:
    """Lint a notebook's JSON text as one program, its code cells in order
    (``core.notebook``); the findings carry their cell and positions in it."""
    config = config or Config()
    try:
        cells, metadata = read_cells(text)
    except NotebookError as exc:
        return [d for d in [notebook_error(path, exc)] if config.enabled(d.code, path)]
    if not is_python(metadata):
        return []
    return lint_cells(cells, path, config)


def lint_cells(cells: Sequence[Cell], path: str, config: Optional[Config] = None) -> List[Diagnostic]:
    """Lint a notebook's cells (from its file, or from an editor) as one program."""
    config = config or Config()
    program = build_program(cells)
    if not mentions_framework(program.text):
        return []
    size = len(program.text.encode("utf-8", "surrogatepass"))
    if size > config.max_file_size:
        return unreadable(path, f"file skipped: its code cells hold {size:,} bytes, over max-file-size "
                                f"({config.max_file_size:,} bytes)", config)
    found = [program.map_diagnostic(d) for d in lint_source(program.text, path, config)]
    # The cells' own SL001s already speak of lines in their cell.
    found += [program.map_diagnostic(d, words=False)
              for d in _filter(cell_problems(program, path), program.text, path, config)]
    return sorted(found, key=Diagnostic.sort_key)


def _lint_the_rest(source: str, path: str, config: Config, error: Diagnostic) -> List[Diagnostic]:
    """SL001 for a file Python cannot parse, and the findings of the rest of it: the lines it
    rejects (IPython magics, ``print x``, prose...) replaced, line numbers kept
    (``core.tolerant``).  The findings' messages are the file's own; the SL001 says what was
    skipped."""
    repaired = repair(source)
    if repaired is None:
        return [error]
    try:
        module = cst.parse_module(repaired.text)
    except Exception:  # noqa: BLE001 - the repair did not give LibCST a module: the SL001 stays
        return [error]
    try:
        found = _lint_module(module, None, repaired.text, path, config)
    except Exception as exc:  # noqa: BLE001 - a crash on the rest is said, as on any file
        return [error] + analysis_failed(path, exc, config)
    line, column, reason = repaired.errors[0]
    lines = sorted(repaired.lines)
    skipped = f"line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}"
    start = Position(line, column)
    first = Diagnostic("SL001", f"cannot parse: {reason}; the rest of the file was checked without {skipped}",
                       path, start, start)
    return [first] + [d for d in found if d.code != "SL001"]


def _lint_module(module: cst.Module, pieces: Optional[ParseCache], source: str, path: str,
                 config: Config) -> List[Diagnostic]:
    """The rules' findings on a parsed file (noqa and selection are applied by the caller);
    ``pieces``: the cache that assembled it, if one did."""
    analysis = analyse(module, config, source)
    locator = Locator(module, pieces)
    diagnostics: List[Diagnostic] = []
    for rule in all_rules():
        if rule.check is None or not config.enabled(rule.code, path):
            continue
        context = RuleContext(analysis, locator, rule.code)
        rule.check(context)
        for finding in context.findings:
            related = tuple(
                Related(path, locator.start(node), locator.end(node), message)
                for node, message in finding.related
            )
            fix = finding.fix.located(locator.span) if finding.fix is not None else None
            message = finding.message
            diagnostics.append(Diagnostic(finding.code, str(message), path,
                                          locator.start(finding.node), locator.end(finding.node),
                                          related, probe=_probe(finding, config) if config.confirm else None,
                                          fix=fix, args=message.args if isinstance(message, Message) else ()))
    return diagnostics


def _probe(finding, config: Config):
    """The program that would confirm the finding, or why there is none."""
    if finding.evidence is None:
        return "no TensorFlow check exists for this kind of finding"
    try:
        return finding.evidence.synthesize(config.target_keras)
    except Unsynthesizable as exc:
        return str(exc)


def syntax_error(exc: Exception, source: str, path: str) -> Diagnostic:
    """SL001 at the position CPython's own parser gives (LibCST's is often a line off).

    ``exc``: LibCST's ``ParserSyntaxError``, or the ``CSTValidationError`` it raises for code
    its grammar accepts but Python does not (``'a' b'b'``)."""
    try:
        compile(source, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        start = Position(max(err.lineno or 1, 1), max(err.offset or 1, 1))
        return Diagnostic("SL001", f"cannot parse: {err.msg}", path, start, start)
    except (ValueError, RecursionError, MemoryError):
        pass
    else:
        # Python accepts it; LibCST does not (5,000 adjacent string literals): not the user's
        # syntax error but a limit of shapelint's parser.
        start = Position(1, 1)
        return Diagnostic("SL003", "analysis failed: the parser shapelint uses (LibCST) cannot read this "
                                   "file, although it is valid Python; the file is not checked",
                          path, start, start)
    if isinstance(exc, cst.ParserSyntaxError):
        start = Position(max(exc.raw_line, 1), exc.raw_column + 1)
        text = exc.message
    else:
        start, text = Position(1, 1), str(exc)
    message = text.strip().splitlines()[0] if text and text.strip() else "invalid syntax"
    return Diagnostic("SL001", f"cannot parse: {message}", path, start, start)


def _filter(diagnostics, source: str, path: str, config: Config) -> List[Diagnostic]:
    noqa = noqa_lines(source)
    whole_file = file_noqa(source)
    seen = set()
    kept = []
    for diag in sorted(diagnostics, key=Diagnostic.sort_key):
        key = (diag.code, diag.start, diag.end)
        if key in seen or not config.enabled(diag.code, path):
            continue
        if silenced(noqa.get(diag.start.line), diag.code) or silenced(whole_file, diag.code):
            continue
        seen.add(key)
        kept.append(diag)
    return kept


def unreadable(path: str, problem: str, config: Config) -> List[Diagnostic]:
    if not config.enabled("SL002", path):
        return []
    start = Position(1, 1)
    return [Diagnostic("SL002", problem, path, start, start)]


def analysis_failed(path: str, reason, config: Config) -> List[Diagnostic]:
    """SL003: the analysis of this file failed (a crash, RecursionError, MemoryError, a dead
    worker); ``reason`` is the exception or the words.  The other files are not affected."""
    if not config.enabled("SL003", path):
        return []
    if isinstance(reason, BaseException):
        where = ""
        frames = traceback.extract_tb(reason.__traceback__)
        if frames:
            frame = frames[-1]
            where = f" (in {os.path.basename(frame.filename)}:{frame.lineno})"
        detail = str(reason).strip().splitlines()[0][:200] if str(reason).strip() else ""
        reason = f"{type(reason).__name__}{': ' + detail if detail else ''}{where}"
    start = Position(1, 1)
    return [Diagnostic("SL003", f"analysis failed: {reason}; the file is not checked",
                       path, start, start)]
