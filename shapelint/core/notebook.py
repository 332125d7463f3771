"""Jupyter notebooks: one Python program from the code cells, and the way back to the cells.

A notebook (``.ipynb``, nbformat 4, read with the standard ``json`` module) is linted as the
kernel runs it: its code cells in order, as one program.  Markdown and raw cells are skipped.
``build_program`` writes that program and a line map: each code cell's lines are copied as they
are, one after the other (every cell ends with a line break), so program line
``cell.first_line + k`` is line ``k + 1`` of the cell, character for character.  Only the lines
that are not Python are replaced, each by one line:

- IPython line magics (``%matplotlib inline``) and shell escapes (``!pip install keras``), and
  help lines (``model.summary?``), at the start of a logical line: blanked (``pass`` where
  indented, so a block keeps a body);
- ``x = !ls`` and ``x = %sx ls``: ``x = __shapelint_unknown__``, so ``x`` becomes unknown
  (never a value shapelint invented);
- a cell magic on the cell's first line: ``%%time`` and ``%%capture`` run their body as Python
  in the notebook's namespace, so only the magic line is blanked; any other cell magic
  (``%%bash``, ``%%writefile``, ``%%timeit``, ``%%html``...) is not Python run in the notebook's
  namespace, and the whole cell is left out, as ruff leaves it out.

Each cell must parse on its own (the kernel compiles it alone): a cell that does not is an
SL001 of that cell, repaired with ``core.tolerant`` (the rest of the cell is linted) or, when
that fails, replaced by a line that makes every name it may bind unknown; the other cells are
linted as usual.

Cells are numbered as ruff numbers them: from 1, counting every cell of the notebook (markdown
and raw cells too), so "cell 3" is the third cell on the screen.  Positions inside a cell are
1-based lines and characters, as in a file.

Edits (``--fix``, code actions) are made on the program; ``NotebookProgram.cell_edit`` maps an
edit's span back to one cell (and refuses one that crosses cells or touches a replaced line),
and ``NotebookProgram.cell_sources`` splits a whole edited program back into the cells' new
sources.  A finding mapped to its cell keeps its fix plan in program coordinates: ``--fix``
(``frontends.autofix``) fixes the program, then maps the edits back to the cells.

Writing back (``replace_sources``): only the changed cells' ``source`` values are replaced in
the file's own text, located by a small JSON scanner; everything else (outputs, metadata, key
order, indentation, escapes) stays byte for byte.  A source written as a list of lines stays a
list (one string per line, each with its line break, as Jupyter writes it; the lines that did
not change keep their original JSON text), a string stays a string.
"""
from __future__ import annotations

import ast
import bisect
import builtins
import difflib
import json
import keyword
import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

from shapelint.core.diagnostics import Diagnostic, Position
from shapelint.core.tolerant import UNKNOWN_NAME, _imported_names, repair

NOTEBOOK_SUFFIX = ".ipynb"
# A notebook's outputs (plots as base64 images) may weigh megabytes that are never linted: the
# file is read up to this size, and max-file-size applies to its program (the code cells).
NOTEBOOK_MAX_BYTES = 64_000_000


def read_limit(path: str, max_file_size: int) -> int:
    """How many bytes of ``path`` may be read: max-file-size, or for a notebook (whose
    program, not its file, max-file-size bounds) up to ``NOTEBOOK_MAX_BYTES``."""
    return max(max_file_size, NOTEBOOK_MAX_BYTES) if is_notebook(path) else max_file_size

# Cell magics whose body is Python run in the notebook's own namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "capture"})

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_IDENTIFIER = re.compile(r"(?<![.\w])([A-Za-z_][A-Za-z0-9_]*)")
_ESCAPE = re.compile(r"^[ \t]*(?:!|%)")  # a shell escape or a line magic
_HELP = re.compile(r"^[ \t]*(?:\?{1,2}[\w.]+|[\w.]+(?:\(\))?\?{1,2})[ \t]*$")  # obj?  ??obj
_ASSIGN_ESCAPE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<targets>[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*)[ \t]*=[ \t]*[!%]")
_BUILTINS = frozenset(dir(builtins))
_LINE_WORD = re.compile(r"\b(lines? )(\d+)\b")


def is_notebook(path: str) -> bool:
    return str(path).lower().endswith(NOTEBOOK_SUFFIX)


class NotebookError(ValueError):
    """The file is not a notebook shapelint can read: ``line`` and ``column`` in the file."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.line, self.column = line, column


@dataclass(frozen=True)
class Cell:
    """One cell of the notebook, as read."""

    number: int  # 1-based, counting every cell (markdown and raw too)
    kind: str  # code, markdown, raw
    source: str


@dataclass(frozen=True)
class CellSpan:
    """Where a linted code cell sits in the program."""

    number: int  # the cell's number (see Cell)
    first_line: int  # program line of the cell's line 1
    line_count: int  # lines of the cell in the program (an empty cell has one)

    @property
    def last_line(self) -> int:
        return self.first_line + self.line_count - 1


@dataclass
class NotebookProgram:
    text: str  # the program: the linted code cells, in order
    cells: List[CellSpan] = field(default_factory=list)
    sources: Dict[int, str] = field(default_factory=dict)  # cell number -> its original source
    replaced: Dict[int, str] = field(default_factory=dict)  # program line -> what it replaced (not Python)
    problems: List[Tuple[int, int, int, str]] = field(default_factory=list)  # SL001: (cell, line, column, message)
    skipped: List[Tuple[int, str]] = field(default_factory=list)  # (cell number, why) for code cells left out

    # -- the line map -------------------------------------------------------------------------
    def cell_at(self, line: int) -> Optional[CellSpan]:
        """The cell holding a program line (None past the end)."""
        starts = [c.first_line for c in self.cells]
        index = bisect.bisect_right(starts, line) - 1
        if index < 0:
            return None
        cell = self.cells[index]
        return cell if line <= cell.last_line else None

    def locate(self, line: int) -> Optional[Tuple[int, int]]:
        """Program line -> (cell number, line in the cell)."""
        cell = self.cell_at(line)
        return None if cell is None else (cell.number, line - cell.first_line + 1)

    def to_cell(self, position: Position) -> Tuple[Optional[int], Position]:
        """A program position as (cell number, position in the cell)."""
        found = self.locate(position.line)
        if found is None:
            if not self.cells:
                return None, position
            last = self.cells[-1]  # the end of the program: the end of the last cell
            return last.number, Position(last.line_count, max(position.column, 1))
        return found[0], Position(found[1], position.column)

    def to_program(self, cell: int, position: Position) -> Position:
        """A position in a cell as a program position."""
        for span in self.cells:
            if span.number == cell:
                return Position(span.first_line + position.line - 1, position.column)
        raise KeyError(f"cell {cell} is not part of the program")

    def cell_edit(self, start: Position, end: Position) -> Tuple[int, Position, Position]:
        """An edit of the program (``start`` to ``end``, as a fix's span) as (cell number,
        start, end in that cell's source); ``ValueError`` when it crosses cells or touches a
        line that is not the cell's own (a magic, a repaired line)."""
        first, begin = self.to_cell(start)
        second, finish = self.to_cell(end)
        if first is None or first != second:
            raise ValueError("the edit is not inside one cell")
        if any(line in self.replaced for line in range(start.line, end.line + 1)):
            raise ValueError("the edit touches a line shapelint replaced (a magic or an unparsable line)")
        return first, begin, finish

    def cell_sources(self, program: str) -> Dict[int, str]:
        """An edited program split back into the new source of each linted cell (cell number
        -> source); ``ValueError`` when a cell's line count or a replaced line changed, since
        then the cells cannot be told apart.  A cell whose source did not end with a line
        break gets none back."""
        lines = program.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != sum(c.line_count for c in self.cells):
            raise ValueError("the edit added or removed lines")
        original = self.text.split("\n")
        for number in self.replaced:
            if lines[number - 1] != original[number - 1]:
                raise ValueError(f"program line {number} was replaced by shapelint and cannot be edited")
        out = {}
        for span in self.cells:
            old = _LINE_BREAK.split(self.sources[span.number])
            new = lines[span.first_line - 1:span.last_line]
            # Lines shapelint replaced go back as they were.
            for k in range(len(new)):
                if span.first_line + k in self.replaced:
                    new[k] = old[k]
            out[span.number] = "\n".join(new)
        return out

    def cell_words(self, text: str, cell: Optional[int]) -> str:
        """A message's "line 17" (a program line) as the user sees it: "line 2" in the finding's
        own cell, "line 2 of cell 4" in another."""
        def name(match: "re.Match[str]") -> str:
            where = self.locate(int(match.group(2)))
            if where is None:
                return match.group(0)
            other = "" if where[0] == cell else f" of cell {where[0]}"
            return f"{match.group(1)}{where[1]}{other}"
        return _LINE_WORD.sub(name, text)

    def map_diagnostic(self, diag: Diagnostic, words: bool = True) -> Diagnostic:
        """A finding on the program as a finding in its cell (its related locations too).
        ``words``: its message names program lines, to be said in cells (``cell_words``); the
        message's line arguments (``*line``) become lines in their cells, with ``*line_cell``
        beside them.  The fix plan is kept as it is, in program coordinates (``--fix`` applies it
        to the program: ``frontends.autofix``)."""
        cell, start = self.to_cell(diag.start)
        end_cell, end = self.to_cell(diag.end)
        if end_cell != cell:
            end = start
        related = []
        for place in diag.related:
            if place.path != diag.path:
                related.append(place)
                continue
            where, begin = self.to_cell(place.start)
            other, finish = self.to_cell(place.end)
            message = self.cell_words(place.message, where) if words else place.message
            related.append(replace(place, start=begin, end=finish if other == where else begin, cell=where,
                                   message=message))
        if not words:
            return replace(diag, start=start, end=end, related=tuple(related), cell=cell)
        args = []
        for key, value in diag.args:
            found = self.locate(value) if key.endswith("line") and type(value) is int else None
            if found is None:
                args.append((key, self.cell_words(value, cell) if isinstance(value, str) else value))
            else:
                args += [(key, found[1]), (f"{key}_cell", found[0])]
        return replace(diag, start=start, end=end, related=tuple(related), cell=cell,
                       message=self.cell_words(diag.message, cell), args=tuple(args))


# -- reading ------------------------------------------------------------------------------------

def _source(value: Any, number: int) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    raise NotebookError(f"cell {number}: its source is neither a string nor a list of strings")


def read_cells(text: str) -> Tuple[List[Cell], Dict[str, Any]]:
    """The cells and metadata of a notebook's JSON text; ``NotebookError`` when it is not a
    notebook in format 4."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"the file is not valid JSON ({exc.msg})", exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:
        raise NotebookError(f"the file is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        if isinstance(data, dict) and "worksheets" in data:
            raise NotebookError("nbformat 3 is not supported; convert the notebook to format 4 "
                                "(jupyter nbconvert --to notebook)")
        raise NotebookError("the JSON is not a Jupyter notebook (no list of cells)")
    if data.get("nbformat", 4) != 4:
        raise NotebookError(f"expected Jupyter notebook format 4, found {data.get('nbformat')!r}")
    cells = []
    for number, raw in enumerate(data["cells"], start=1):
        if not isinstance(raw, dict):
            raise NotebookError(f"cell {number} is not a JSON object")
        kind = raw.get("cell_type")
        cells.append(Cell(number, kind if isinstance(kind, str) else "", _source(raw.get("source", ""), number)))
    metadata = data.get("metadata")
    return cells, metadata if isinstance(metadata, dict) else {}


def is_python(metadata: Dict[str, Any]) -> bool:
    """A notebook for another language (R, Julia) is not linted; no metadata means Python."""
    for key, name in (("language_info", "name"), ("kernelspec", "language")):
        info = metadata.get(key)
        if isinstance(info, dict) and isinstance(info.get(name), str):
            return info[name].lower() in ("python", "python3", "ipython", "ipython3")
    return True


# -- the program --------------------------------------------------------------------------------

def _logical_starts(lines: Sequence[str]) -> List[bool]:
    """For each line: does a logical line start there (not inside brackets, a string or after
    a backslash)?  A line that is an IPython escape is not scanned (it is not Python)."""
    starts = []
    depth = 0
    quote: Optional[str] = None  # the open string's quote (''' or " ...)
    continued = False
    for line in lines:
        at_start = depth == 0 and quote is None and not continued
        starts.append(at_start)
        if at_start and (_ESCAPE.match(line) or _HELP.match(line) or _ASSIGN_ESCAPE.match(line)):
            continued = line.rstrip().endswith("\\")
            continue
        continued = False
        index = 0
        while index < len(line):
            char = line[index]
            if quote is not None:
                if char == "\\":
                    index += 2
                    continue
                if line.startswith(quote, index):
                    index += len(quote)
                    quote = None
                    continue
                index += 1
                continue
            if char == "#":
                break
            if char in "\"'":
                triple = line[index:index + 3]
                quote = triple if triple in ('"""', "'''") else char
                index += len(quote)
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth = max(depth - 1, 0)
            elif char == "\\" and index == len(line) - 1:
                continued = True
            index += 1
        if quote is not None and len(quote) == 1:
            quote = None  # an unclosed one-line string ends with its line (a syntax error anyway)
    return starts


def _neutralise(lines: List[str]) -> Dict[int, str]:
    """Replace the IPython lines of one cell in place; returns {index: original line}."""
    replaced: Dict[int, str] = {}
    starts = _logical_starts(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        if not starts[index]:
            index += 1
            continue
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        assignment = _ASSIGN_ESCAPE.match(line)
        if assignment:
            targets = [t.strip() for t in assignment.group("targets").split(",")]
            new = indent + " = ".join(targets + [UNKNOWN_NAME])
        elif _ESCAPE.match(line) or _HELP.match(line):
            new = indent + "pass" if indent else ""
        else:
            index += 1
            continue
        replaced[index] = line
        lines[index] = new
        # A backslash at the end continues the magic on the next line.
        while line.rstrip().endswith("\\") and index + 1 < len(lines):
            index += 1
            line = lines[index]
            replaced[index] = line
            lines[index] = ""
        index += 1
    return replaced


def _parse_error(text: str) -> Optional[SyntaxError]:
    try:
        compile(text, "<cell>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return SyntaxError(str(exc) or "cannot parse")
    return None


def _forget(cell_text: str, imported: set) -> str:
    """One line that makes every name a cell may have bound unknown (the cell is not linted)."""
    names = [n for n in dict.fromkeys(_IDENTIFIER.findall(re.sub(r"#[^\n]*", "", cell_text)))
             if not keyword.iskeyword(n) and n not in _BUILTINS and n not in imported]
    return " = ".join(names + [UNKNOWN_NAME]) if names else ""


def _cell_magic(lines: List[str]) -> Optional[str]:
    for line in lines:
        if line.strip():
            stripped = line.lstrip()
            if stripped.startswith("%%"):
                return stripped[2:].split(None, 1)[0] if stripped[2:].strip() else ""
            return None
    return None


def build_program(cells: Sequence[Cell]) -> NotebookProgram:
    """The program the code cells make, with its line map (see the module's documentation)."""
    program = NotebookProgram("")
    imported = {name for name in _imported_names("\n".join(c.source for c in cells if c.kind == "code"))
                if name.isidentifier() and not keyword.iskeyword(name)}
    chunks: List[str] = []
    next_line = 1
    for cell in cells:
        if cell.kind != "code":
            continue
        lines = _LINE_BREAK.split(cell.source)
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()  # the cell's final line break
        magic = _cell_magic(lines)
        replaced: Dict[int, str] = {}
        if magic is not None:
            if magic not in PYTHON_CELL_MAGICS:
                program.skipped.append((cell.number, f"cell magic %%{magic}"))
                continue
            first = next(i for i, line in enumerate(lines) if line.strip())
            replaced[first] = lines[first]
            lines[first] = ""
        replaced.update(_neutralise(lines))
        text = "\n".join(lines) + "\n"
        error = _parse_error(text)
        if error is not None:
            line, column = max(error.lineno or 1, 1), max(error.offset or 1, 1)
            # The names other cells import are modules and classes a broken line can use, not
            # change: one line that imports them first tells ``repair`` so (then it goes).
            header = f"import {', '.join(sorted(imported))}\n" if imported else ""
            shift = 1 if header else 0
            fixed = repair(header + text)
            if fixed is not None:
                skipped = sorted(n - shift for n in fixed.lines)
                which = f"line{'s' if len(skipped) > 1 else ''} {', '.join(map(str, skipped))}"
                line, column, reason = fixed.errors[0]
                program.problems.append((cell.number, line - shift, column,
                                         f"cannot parse: {reason}; the rest of the cell was checked without {which}"))
                new_lines = fixed.text.split("\n")[shift:shift + len(lines)]
                for k, (old, new) in enumerate(zip(lines, new_lines)):
                    if old != new:
                        replaced.setdefault(k, old)
                lines = new_lines
            else:
                program.problems.append((cell.number, min(line, len(lines)), column,
                                         f"cannot parse: {error.msg}; the cell was not checked"))
                replaced.update({k: old for k, old in enumerate(lines)})
                lines = [_forget("\n".join(lines), imported)] + [""] * (len(lines) - 1)
        program.cells.append(CellSpan(cell.number, next_line, len(lines)))
        program.sources[cell.number] = cell.source
        for k, old in replaced.items():
            program.replaced[next_line + k] = old
        chunks.append("\n".join(lines) + "\n")
        next_line += len(lines)
    program.text = "".join(chunks)
    return program


def cell_problems(program: NotebookProgram, path: str) -> List[Diagnostic]:
    """The SL001 of each cell that does not parse, in program coordinates."""
    out = []
    for number, line, column, message in program.problems:
        start = program.to_program(number, Position(line, column))
        out.append(Diagnostic("SL001", message, path, start, start))
    return out


# -- writing back: the changed sources, in the file's own text ------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip_space(text: str, index: int) -> int:
    match = _JSON_SPACE.match(text, index)
    return match.end() if match else index


def _expect(text: str, index: int, char: str) -> int:
    if index >= len(text) or text[index] != char:
        raise NotebookError(f"the notebook's JSON is not as expected at character {index} ({char!r})")
    return index + 1


def _value_end(text: str, index: int) -> int:
    try:
        return _DECODER.raw_decode(text, index)[1]
    except (ValueError, RecursionError) as exc:
        raise NotebookError(f"the file is not valid JSON ({exc})") from None


def _members(text: str, index: int) -> List[Tuple[str, int, int]]:
    """(key, start, end of the value) of each member of the JSON object at ``index``."""
    index = _skip_space(text, _expect(text, _skip_space(text, index), "{"))
    out: List[Tuple[str, int, int]] = []
    if text.startswith("}", index):
        return out
    while True:
        try:
            key, index = _DECODER.raw_decode(text, index)
        except ValueError as exc:
            raise NotebookError(f"the file is not valid JSON ({exc})") from None
        index = _skip_space(text, _expect(text, _skip_space(text, index), ":"))
        end = _value_end(text, index)
        out.append((str(key), index, end))
        index = _skip_space(text, end)
        if text.startswith(",", index):
            index = _skip_space(text, index + 1)
            continue
        _expect(text, index, "}")
        return out


def _elements(text: str, index: int) -> List[Tuple[int, int]]:
    """(start, end) of each element of the JSON array at ``index``."""
    index = _skip_space(text, _expect(text, _skip_space(text, index), "["))
    out: List[Tuple[int, int]] = []
    if text.startswith("]", index):
        return out
    while True:
        end = _value_end(text, index)
        out.append((index, end))
        index = _skip_space(text, end)
        if text.startswith(",", index):
            index = _skip_space(text, index + 1)
            continue
        _expect(text, index, "]")
        return out


def source_spans(text: str) -> Dict[int, Tuple[int, int]]:
    """Cell number -> the character span of its ``source`` value in the notebook's JSON text
    (the last one when a key is repeated, as ``json.loads`` reads it)."""
    cells = [(start, end) for key, start, end in _members(text, 0) if key == "cells"]
    if not cells:
        raise NotebookError("the JSON is not a Jupyter notebook (no list of cells)")
    spans: Dict[int, Tuple[int, int]] = {}
    for number, (start, _) in enumerate(_elements(text, cells[-1][0]), start=1):
        for key, value_start, value_end in _members(text, start):
            if key == "source":
                spans[number] = (value_start, value_end)
    return spans


def _escapes_non_ascii(text: str) -> bool:
    """Did the writer escape non-ASCII characters (``ensure_ascii``)?  Jupyter does not."""
    if not text.isascii():
        return False
    return any(int(code, 16) >= 0x80 for code in re.findall(r"\\u([0-9a-fA-F]{4})", text))


def _line_indent(text: str, index: int) -> str:
    line_start = text.rfind("\n", 0, index) + 1
    line = text[line_start:index]
    return line[:len(line) - len(line.lstrip(" \t"))]


def _encoded_lines(text: str, start: int, end: int, source: str, ascii_only: bool) -> str:
    """``source`` as a JSON list of lines laid out as the list at ``text[start:end]``."""
    old = _elements(text, start)
    old_raw = [text[a:b] for a, b in old]
    old_values = [json.loads(raw) for raw in old_raw]
    new_values = source.splitlines(keepends=True)  # as nbformat splits a source
    if not new_values:
        return "[]"
    if len(old) >= 2:
        opening, separator, closing = text[start + 1:old[0][0]], text[old[0][1]:old[1][0]], text[old[-1][1]:end - 1]
    elif len(old) == 1:
        opening, closing = text[start + 1:old[0][0]], text[old[0][1]:end - 1]
        separator = "," + (opening or " ")
    else:
        newline = "\r\n" if "\r\n" in text else "\n"
        indent = _line_indent(text, start)
        top = _line_indent(text, _members(text, 0)[0][1]) if text.lstrip().startswith("{") else " "
        unit = top or " "
        opening, closing = newline + indent + unit, newline + indent
        separator = "," + opening
    encoded: List[str] = []
    matcher = difflib.SequenceMatcher(None, old_values, new_values, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            encoded.extend(old_raw[i1:i2])
        else:
            encoded.extend(json.dumps(value, ensure_ascii=ascii_only) for value in new_values[j1:j2])
    return "[" + opening + separator.join(encoded) + closing + "]"


def _without_sources(data: Any) -> Any:
    return {**data, "cells": [{k: v for k, v in cell.items() if k != "source"} if isinstance(cell, dict) else cell
                              for cell in data["cells"]]}


def replace_sources(text: str, sources: Dict[int, str]) -> str:
    """The notebook's JSON text with the ``source`` of the cells in ``sources`` (cell number ->
    new source) replaced, and nothing else changed (see the module's documentation).
    ``NotebookError`` when the file is not a notebook or the result would not read back as
    the same notebook with the new sources."""
    if not sources:
        return text
    spans = source_spans(text)
    missing = sorted(set(sources) - set(spans))
    if missing:
        raise NotebookError(f"cell {missing[0]} has no source to replace")
    ascii_only = _escapes_non_ascii(text)
    out = text
    for number in sorted(sources, key=lambda n: spans[n][0], reverse=True):
        start, end = spans[number]
        if text.startswith("[", start):
            value = _encoded_lines(text, start, end, sources[number], ascii_only)
        else:
            value = json.dumps(sources[number], ensure_ascii=ascii_only)
        out = out[:start] + value + out[end:]
    # The result must be the same notebook, with the new sources.
    try:
        before, after = json.loads(text), json.loads(out)
    except (ValueError, RecursionError) as exc:
        raise NotebookError(f"the rewritten notebook would not be valid JSON ({exc})") from None
    same = isinstance(after, dict) and isinstance(after.get("cells"), list) \
        and len(after["cells"]) == len(before["cells"]) and _without_sources(before) == _without_sources(after)
    if same:
        for number, cell in enumerate(after["cells"], start=1):
            expected = sources.get(number, _source(before["cells"][number - 1].get("source", ""), number))
            if _source(cell.get("source", ""), number) != expected:
                same = False
    if not same:
        raise NotebookError("the rewritten notebook would not read back as the same notebook")
    return out


def notebook_error(path: str, error: NotebookError) -> Diagnostic:
    start = Position(error.line, error.column)
    return Diagnostic("SL001", f"cannot read the notebook: {error}", path, start, start)


__all__ = ["Cell", "CellSpan", "NotebookError", "NotebookProgram", "build_program", "cell_problems",
           "is_notebook", "is_python", "notebook_error", "read_cells", "replace_sources",
           "source_spans"]
