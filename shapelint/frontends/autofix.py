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
- Notebooks (``.ipynb``) are not rewritten here: their fixes are not applied.
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
from shapelint.core.files import decode_source
from shapelint.core.fix import FixPlan
from shapelint.frontends.fixes import fix_source


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


def _read(name: str, max_size: int) -> Tuple[Optional[bytes], Optional[str]]:
    try:
        with open(name, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, "not a regular file"
            data = handle.read(max_size + 1)
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"
    return (None, "over max-file-size") if len(data) > max_size else (data, None)


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
        if not any(isinstance(d.fix, FixPlan) for d in diags) or name.endswith(".ipynb"):
            result.diagnostics.extend(diags)
            continue
        if name == stdin_name and stdin is not None:
            data: Optional[bytes] = stdin[1]
        else:
            data, problem = _read(name, config.max_file_size)
            if data is None:
                result.notes.append(f"{name}: fixes not applied: {problem}")
                result.diagnostics.extend(diags)
                continue
        assert data is not None
        text, _ = decode_source(data)
        if text is None:
            result.diagnostics.extend(diags)
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
