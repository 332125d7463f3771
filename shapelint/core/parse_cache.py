"""Parse once per statement: LibCST modules assembled from cached top-level statements.

An editor sends the whole text on every keystroke, but an edit changes one statement.  The
language server parses each top-level statement's text on its own (with the comments and
blank lines before it), keeps the result keyed by that text, and assembles the module from
the cached pieces: an edit re-parses only the statements it touched.  The assembled module
prints back to exactly the text given (tests check every fixture and corpus file), so
positions, noqa and fixes read it like a module parsed whole.

Statements are found with CPython's ``ast`` (a small fraction of LibCST's cost).  Anything
unusual falls back to one whole parse: ``ast`` cannot read the text, a form feed or a lone
carriage return.
"""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from shapelint.core.select import statement_ends
from shapelint.interp.syntax import holds


class ParseCache:
    """Parsed statement groups by their text, least recently used dropped past ``size``.
    Safe to share between threads (the server lints documents on two)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._lock = threading.RLock()
        self._pieces: "OrderedDict[str, cst.Module]" = OrderedDict()
        # Node positions inside each piece, relative to the piece's first line (computed on
        # the first finding that needs one, then kept with the piece).
        self._positions: Dict[int, Any] = {}
        # The pieces of the last assembled modules with their line offsets and texts (by
        # module id).
        self._layouts: "OrderedDict[int, Tuple[cst.Module, List[Tuple[cst.Module, int, str]]]]" = OrderedDict()
        self.hits = 0
        self.misses = 0

    def position(self, module: cst.Module, node) -> Optional[CodeRange]:
        with self._lock:
            return self._position(module, node)

    def _position(self, module: cst.Module, node) -> Optional[CodeRange]:
        """Where ``node`` is in ``module`` (one this cache assembled), from the positions of
        the one piece that holds it: an edit elsewhere costs no position work, and a large
        file computes the positions of the pieces with findings only.  None when the node is
        not inside a cached piece (the caller computes it on the whole module)."""
        layout = self._layouts.get(id(module))
        if layout is None or layout[0] is not module:
            return None
        pieces = layout[1]
        for piece, offset, _ in pieces:  # pieces whose positions are known: a lookup each
            entry = self._positions.get(id(piece))
            if entry is not None and entry[0] is piece:
                found = entry[1].get(node)
                if found is not None:
                    return _shifted(found, offset)
        # Which piece holds the node: those whose text contains the node's code first (a
        # string search), each confirmed by identity (a walk of its tree, a tenth of the
        # cost of its positions).
        try:
            code: Optional[str] = _EMPTY.code_for_node(node)
        except Exception:  # noqa: BLE001 - a node LibCST cannot print: every piece is a candidate
            code = None
        ordered = sorted(pieces, key=lambda item: code is None or code not in item[2])
        for piece, offset, _ in ordered:
            if not holds(piece, node):
                continue
            entry = self._positions.get(id(piece))
            if entry is None or entry[0] is not piece:  # (an id can be reused once freed)
                if sys.getrecursionlimit() < 10_000:
                    sys.setrecursionlimit(10_000)
                entry = (piece, MetadataWrapper(piece, unsafe_skip_copy=True).resolve(PositionProvider))
                self._positions[id(piece)] = entry
            found = entry[1].get(node)
            return _shifted(found, offset) if found is not None else None
        return None

    def parse(self, text: str, ends: Optional[List[int]] = None) -> cst.Module:
        """The module of ``text``: assembled from cached statements when it can be, else one
        LibCST parse (whose errors, ``ParserSyntaxError`` and the rest, reach the caller).
        ``ends``: the last line of each top-level statement group, when the caller knows them
        (``core.select`` does), so that the text is not read with ``ast`` again."""
        with self._lock:
            return self._parse(text, ends)

    def _parse(self, text: str, ends: Optional[List[int]]) -> cst.Module:
        pieces = split(text, ends)
        if pieces is None:
            return cst.parse_module(text)
        modules: List[cst.Module] = []
        used = set()
        offsets: List[int] = []
        line = 0
        for piece in pieces:
            offsets.append(line)
            line += piece.count("\n")
            module = self._pieces.get(piece)
            if module is None:
                self.misses += 1
                module = cst.parse_module(piece)
                self._pieces[piece] = module
                if len(self._pieces) > self.size:
                    self._pieces.popitem(last=False)
            else:
                self.hits += 1
                self._pieces.move_to_end(piece)
                if id(module) in used:  # the same text twice: nodes must be distinct objects
                    module = module.deep_clone()
            used.add(id(module))
            modules.append(module)
        assembled = assemble(modules, text)
        self._layouts[id(assembled)] = (assembled, list(zip(modules, offsets, pieces)))
        while len(self._layouts) > 16:
            self._layouts.popitem(last=False)
        if len(self._positions) > 2 * self.size:  # positions of pieces no longer cached
            kept = {id(m) for m in self._pieces.values()}
            self._positions = {k: v for k, v in self._positions.items() if k in kept}
        return assembled


_EMPTY = cst.Module(body=[])


def _shifted(found: CodeRange, offset: int) -> CodeRange:
    return CodeRange(CodePosition(found.start.line + offset, found.start.column),
                     CodePosition(found.end.line + offset, found.end.column))


def split(text: str, ends: Optional[List[int]] = None) -> Optional[List[str]]:
    """The text cut after each top-level statement (statements sharing a line stay together);
    the comments and blank lines before a statement belong to its piece, and what follows
    the last statement is the last piece.  None when the text should be parsed whole."""
    if "\f" in text or "\r" in text.replace("\r\n", ""):
        return None
    lines = text.splitlines(keepends=True)
    if ends is None:
        ends = statement_ends(text)
    if not ends:
        return None
    pieces: List[str] = []
    previous = 0
    for end in ends:
        pieces.append("".join(lines[previous:end]))
        previous = end
    tail = "".join(lines[previous:])
    if tail:
        pieces.append(tail)
    return pieces


def assemble(modules: List[cst.Module], text: str) -> cst.Module:
    """One module from the pieces' modules: each piece's leading lines go before its first
    statement, and the last piece's lines after everything are the module's footer."""
    body: List[Any] = []
    footer: Tuple[cst.EmptyLine, ...] = ()
    pending: List[cst.EmptyLine] = []
    for module in modules:
        if not module.body:
            pending.extend(module.header)
            pending.extend(module.footer)
            continue
        opening = module.body[0]
        leading = [*pending, *module.header, *opening.leading_lines]
        pending = list(module.footer)
        body.append(opening.with_changes(leading_lines=leading))
        body.extend(module.body[1:])
    footer = tuple(pending)
    model = modules[0]
    return cst.Module(body=body, header=(), footer=footer, encoding=model.encoding,
                      default_indent=model.default_indent, default_newline=model.default_newline,
                      has_trailing_newline=text.endswith(("\n", "\r")))
