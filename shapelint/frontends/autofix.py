"""``--fix``, ``--unsafe-fixes`` and ``--diff`` on the command line: the language server's fixes
(``frontends.fixes.fix_source``, one implementation), applied to files.

- Only files with a finding that carries a fix are read again and rewritten; a file whose text
  does not change is never written (its modification time stays).
- A finding TensorFlow refuted is not fixed (the fix would change correct code).
- Writes are atomic: the fixed text goes to a temporary file in the same folder, gets the
  original's permission bits, and replaces the file with ``os.replace``.  The encoding (with its
  byte-order mark) and the line endings are the original's.  A symbolic link is followed, as
  ruff does: the file it names is rewritten and the link stays a link.  A file that changed on
  disk while it was being fixed is left alone.
- Standard input (``-``): the fixed text is written to standard output (the findings go to
  standard error), as ruff does.
- Notebooks (``.ipynb``): the code cells' program (``core.notebook``) is fixed as a file is
  (``fix_source``: the same fixes, rounds and checks), the edits are mapped back to the cells
  (an edit that crosses cells or touches a line shapelint replaced, a magic, refuses the
  notebook's fixes), and only the changed cells' ``source`` values are rewritten in the file's
  own JSON text (``core.notebook.replace_sources``): outputs, metadata and the other cells stay
  byte for byte.  ``--diff`` shows one unified diff per changed cell (``--- path:cell 3``), as
  ruff does.
"""
from __future__ import annotations

import difflib
import io
import os
import stat
import tempfile
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from shapelint.confirm.run import REFUTED
from shapelint.core.config import Config
from shapelint.core.diagnostics import Diagnostic
from shapelint.core.files import decode_source, read_bytes
from shapelint.core.fix import FixPlan
from shapelint.core.notebook import (
    Cell,
    NotebookError,
    NotebookProgram,
    build_program,
    is_notebook,
    read_cells,
    read_limit,
    replace_sources,
)
from shapelint.core.positions import Position
from shapelint.frontends.fixes import TextEdit, _line_starts, _offset, _position, apply_edits, edits_between, fix_source


@dataclass
class FixRun:
    diagnostics: List[Diagnostic]  # what remains (every file's findings, fixed files' new ones)
    fixed: int = 0  # fixes applied (or that --diff would apply)
    hidden: int = 0  # unsafe fixes available with --unsafe-fixes
    changed: List[str] = field(default_factory=list)  # files written (or that would be)
    diff: str = ""  # unified diff of every change (for --diff)
    notes: List[str] = field(default_factory=list)  # refused fixes, files left alone (stderr)
    errors: List[Tuple[str, str]] = field(default_factory=list)  # (path, why it was not written)
    stdout: Optional[bytes] = None  # standard input's text, fixed (for '-')


def _encoding(data: bytes) -> str:
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return "utf-8"


def unified_diff(old: str, new: str, name: str) -> str:
    lines = []
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                     fromfile=name, tofile=name):
        lines.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def write_atomic(path: Path, data: bytes, expected: bytes) -> Optional[str]:
    """Replace the file ``path`` names (a symbolic link's target) with ``data``; None, or why
    not.  ``expected``: the bytes the fix was made from; a file that no longer holds them is
    left alone."""
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        with open(target, "rb") as handle:
            if handle.read(len(expected) + 1) != expected:
                return "the file changed while it was being fixed: not written"
        handle_fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                                suffix=".shapelint-fix")
    except OSError as exc:
        return f"cannot write the fixes: {exc.strerror or exc}"
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, target)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return f"cannot write the fixes: {exc.strerror or exc}"
    return None


def fix_run(found: Sequence[Diagnostic], shown: Sequence[Diagnostic], config: Config, *,
            unsafe: bool, write: bool, stdin: Optional[Tuple[str, bytes]] = None,
            confirm: Callable[[List[Diagnostic]], List[Diagnostic]] = lambda ds: ds) -> FixRun:
    """Fix the files of ``shown`` (the findings as the run shows them: confirmed, refuted ones
    dropped or marked); ``found`` are the static findings before confirmation.  ``write``:
    rewrite the files (``--fix``), else only compute the diff (``--diff``).  ``stdin``: the
    name standard input is reported under and its bytes.  ``confirm`` gives the verdicts of a
    fixed file's remaining findings."""
    by_path: Dict[str, List[Diagnostic]] = defaultdict(list)
    for diag in shown:
        by_path[diag.path].append(diag)
    static: Dict[str, Set[Tuple[str, str]]] = defaultdict(set)
    for diag in found:
        static[diag.path].add((diag.code, diag.message))
    result = FixRun([])
    stdin_name = stdin[0] if stdin is not None else None
    order = list(dict.fromkeys(d.path for d in shown))
    for name in order:
        diags = by_path[name]
        kept = {(d.code, d.message) for d in diags if d.verdict != REFUTED}
        refuted = static[name] - kept  # refuted by TensorFlow: dropped, or shown as refuted
        if not any(isinstance(d.fix, FixPlan) for d in diags):
            result.diagnostics.extend(diags)
            continue
        notebook = is_notebook(name)
        if name == stdin_name and stdin is not None:
            data: Optional[bytes] = stdin[1]
        else:
            # A notebook's outputs may be large: its code cells are what max-file-size bounds.
            data, problem = read_bytes(name, read_limit(name, config.max_file_size))
            if data is None:
                result.notes.append(f"{name}: fixes not applied: {problem}")
                result.diagnostics.extend(diags)
                continue
        assert data is not None
        text, _ = decode_source(data)
        if text is None:
            result.diagnostics.extend(diags)
            continue
        if notebook:
            _fix_notebook(result, name, data, text, diags, refuted, config, unsafe=unsafe,
                          write=write and name != stdin_name, stdin=name == stdin_name, confirm=confirm)
            continue
        outcome = fix_source(text, name, config, unsafe=unsafe,
                             skip=lambda d, refuted=refuted: (d.code, d.message) in refuted)
        result.hidden += outcome.hidden
        if outcome.refused:
            result.notes.append(f"{name}: {outcome.refused}")
        if outcome.text == text:
            result.diagnostics.extend(diags)
            continue
        encoding = _encoding(data)
        new_data = outcome.text.encode(encoding)
        if name != stdin_name and write:
            error = write_atomic(Path(name), new_data, data)
            if error is not None:
                result.errors.append((name, error))
                result.diagnostics.extend(diags)
                continue
        result.fixed += len(outcome.applied)
        result.changed.append(name)
        result.diff += unified_diff(text, outcome.text, name)
        if name == stdin_name:
            result.stdout = new_data
        result.diagnostics.extend(confirm(outcome.remaining))
    return result


def cell_edit(program: NotebookProgram, edit: TextEdit) -> Tuple[int, TextEdit]:
    """An edit of the program as (cell number, the edit in that cell's source); ``ValueError``
    when it crosses cells or touches a line that is not the cell's own (``cell_edit``).  An
    edit that ends at the start of the next cell ends with its cell's last line break."""
    span = program.cell_at(edit.start.line)
    if span is None:
        raise ValueError("the edit is past the last cell")
    end = edit.end
    if end.line == span.last_line + 1 and end.column == 1 and end.line > edit.start.line:
        number, begin, _ = program.cell_edit(edit.start, Position(span.last_line, 1))
        return number, TextEdit(begin, Position(span.line_count + 1, 1), edit.new_text)
    number, begin, finish = program.cell_edit(edit.start, end)
    return number, TextEdit(begin, finish, edit.new_text)


def _finer(text: str, edit: TextEdit) -> List[TextEdit]:
    """``edit`` of ``text`` as the edits of the characters that differ."""
    starts = _line_starts(text)
    begin = _offset(starts, text, edit.start)
    old = text[begin:_offset(starts, text, edit.end)]
    matcher = difflib.SequenceMatcher(None, old, edit.new_text, autojunk=False)
    return [TextEdit(_position(starts, begin + i1), _position(starts, begin + i2), edit.new_text[j1:j2])
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def fixed_cells(program: NotebookProgram, new_program: str) -> Dict[int, str]:
    """The new source of each cell the fixed program changed (cell number -> source), the
    edits applied to the cell's own source (its line breaks, its magics kept); ``ValueError``
    when an edit cannot be mapped to one cell, or the cells would not make the fixed program
    again."""
    by_cell: Dict[int, List[TextEdit]] = defaultdict(list)
    for edit in edits_between(program.text, new_program):
        try:
            placed = [cell_edit(program, edit)]
        except ValueError:
            # Changed lines of two cells side by side make one edit: split it by characters.
            placed = [cell_edit(program, part) for part in _finer(program.text, edit)]
        for number, moved in placed:
            by_cell[number].append(moved)
    changed = {number: apply_edits(program.sources[number], edits) for number, edits in by_cell.items()}
    changed = {number: source for number, source in changed.items() if source != program.sources[number]}
    # Read back as cells, the new sources must make the program that was fixed and checked.
    cells = [Cell(span.number, "code", changed.get(span.number, program.sources[span.number]))
             for span in program.cells]
    if build_program(cells).text != new_program:
        raise ValueError("the fixed cells would not make the fixed program")
    return changed


def cell_diff(old: Dict[int, str], new: Dict[int, str], name: str) -> str:
    """One unified diff per changed cell, named ``path:cell N`` as ruff names it."""
    out = []
    for number in sorted(new):
        # A cell's last line has no line break in the file: none is shown missing.
        out.append(unified_diff(old[number] + "\n", new[number] + "\n", f"{name}:cell {number}"))
    return "".join(out)


def _fix_notebook(result: FixRun, name: str, data: bytes, text: str, diags: List[Diagnostic],
                  refuted: Set[Tuple[str, str]], config: Config, *, unsafe: bool, write: bool, stdin: bool,
                  confirm: Callable[[List[Diagnostic]], List[Diagnostic]]) -> None:
    """``fix_run`` for one notebook: its program fixed, the changed cells written back."""
    try:
        cells, _ = read_cells(text)
    except NotebookError:
        result.diagnostics.extend(diags)
        return
    program = build_program(cells)
    # Refuted findings are known by their words in the cell; the program's speak of its lines.
    outcome = fix_source(program.text, name, config, unsafe=unsafe,
                         skip=lambda d: (d.code, program.map_diagnostic(d).message) in refuted)
    result.hidden += outcome.hidden
    if outcome.refused:
        result.notes.append(f"{name}: {outcome.refused}")
    if outcome.text == program.text:
        result.diagnostics.extend(diags)
        return
    try:
        changed = fixed_cells(program, outcome.text)
        new_text = replace_sources(text, changed)
    except (ValueError, NotebookError) as exc:
        result.notes.append(f"{name}: fixes not applied: {exc}")
        result.diagnostics.extend(diags)
        return
    new_data = new_text.encode(_encoding(data))
    if write:
        error = write_atomic(Path(name), new_data, data)
        if error is not None:
            result.errors.append((name, error))
            result.diagnostics.extend(diags)
            return
    from shapelint.engine import lint_file  # loaded already: fix_source lints with it

    result.fixed += len(outcome.applied)
    result.changed.append(name)
    result.diff += cell_diff(program.sources, changed, name)
    if stdin:
        result.stdout = new_data
    result.diagnostics.extend(confirm(lint_file(new_text, name, config)))


def counted(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 'es' if word.endswith('x') else 's'}"


def summary_lines(run: FixRun, remaining: int, unsafe: bool, diff: bool) -> List[str]:
    """ruff's closing lines: 'Found 3 errors (2 fixed, 1 remaining).' and the hidden fixes."""
    lines = []
    if diff:
        if run.fixed:
            lines.append(f"Would fix {counted(run.fixed, 'error')}.")
    elif run.fixed or remaining:
        total = run.fixed + remaining
        lines.append(f"Found {counted(total, 'error')} ({run.fixed} fixed, {remaining} remaining).")
    if run.hidden and not unsafe:
        fixes = f"{run.hidden} hidden fix{'' if run.hidden == 1 else 'es'} can be enabled with the " \
                f"`--unsafe-fixes` option"
        lines.append(f"No fixes available ({fixes})." if not run.fixed else f"{fixes[0].upper()}{fixes[1:]}.")
    return lines
