"""Finding the files to lint (``.py``, ``.pyi`` and ``.ipynb``) and reading them without ever
failing the run."""
from __future__ import annotations

import io
import os
import re
import stat
import tokenize
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

from shapelint.core.config import Config

SKIP_DIRS = {
    ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", "__pycache__", "node_modules",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".eggs", "site-packages", "build", "dist",
    ".ipynb_checkpoints", ".direnv",
}


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def discover(paths: List[Path], config: Config) -> Iterator[Tuple[Path, Optional[str]]]:
    """Yield ``(path, problem)``; ``problem`` is set for arguments that cannot be linted."""
    seen = set()
    for root in paths:
        if not root.exists() and not root.is_symlink():
            yield root, "No such file or directory"
            continue
        if root.is_file() or not root.is_dir():
            if root not in seen:  # an explicit file is linted whatever its name
                seen.add(root)
                yield root, None
            continue
        for dirpath, dirnames, filenames in os.walk(root, onerror=None):
            current = Path(dirpath)
            dirnames[:] = sorted(
                d for d in dirnames
                if d not in SKIP_DIRS and not d.endswith(".egg-info")
                and not _is_virtualenv(current / d) and not config.excluded(current / d)
            )
            for name in sorted(filenames):
                # Python files and Jupyter notebooks (linted as one program: core.notebook).
                if not (name.endswith(".py") or name.endswith(".pyi") or name.endswith(".ipynb")):
                    continue
                path = current / name
                if path in seen or config.excluded(path):
                    continue
                seen.add(path)
                yield path, None


def read_bytes(path, max_size: int) -> Tuple[Optional[bytes], Optional[str]]:
    """``(bytes, None)`` or ``(None, why it cannot be read)``.  Only regular files are opened:
    a FIFO, a device or a socket would block or never end."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, "file skipped: not a regular file"
        if info.st_size > max_size:
            return None, f"file skipped: {info.st_size:,} bytes is over max-file-size ({max_size:,} bytes)"
        # Non-blocking, and checked again once open: the path may have been replaced meanwhile.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, "file skipped: not a regular file"
            data = handle.read(max_size + 1)
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"
    if len(data) > max_size:
        return None, f"file skipped: over max-file-size ({max_size:,} bytes)"
    return data, None


def read_source(path: Path, max_size: int) -> Tuple[Optional[str], Optional[str]]:
    """``(text, None)`` or ``(None, why it cannot be read)`` (``read_bytes``, decoded)."""
    data, problem = read_bytes(path, max_size)
    if data is None:
        return None, problem
    return decode_source(data)


def decode_source(data: bytes) -> Tuple[Optional[str], Optional[str]]:
    if b"\x00" in data:
        return None, "file skipped: it is binary (contains NUL bytes), not Python source"
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return None, f"cannot decode file: {exc}"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        return None, f"cannot decode file as {encoding}: {exc}"
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


# -- what LibCST's native parser survives -------------------------------------------------------
#
# LibCST's parser recurses on the C stack and crashes the process (SIGSEGV, exit 139) on deep
# nesting, long before Python's recursion limit.  Measured with LibCST 1.9.0 on Python 3.11, in
# the main thread with an 8 MB stack: nested parentheses or lists crash from about 1,250 levels,
# nested calls from 1,150, subscript chains (a[0][0]...) from 2,500-3,000, `+` chains from 4,500,
# lambda chains from 3,500, `and` chains from about 8,000.  CPython itself refuses more than
# 200 nested brackets ("too many nested parentheses"), so deeper code is a syntax error (SL001).
# What remains is bounded by a cost, measured before parsing with ``tokenize``: 2 per enclosing
# bracket, plus, along the path of enclosing brackets, what is chained at each level: 2 per
# bracket opened, 1 per operator or operator keyword (reset by `,` `;` `=` and new lines).  So
# 200 nested brackets cost 800, and a cost of 1,000 is at least 3.5 times below every crash
# measured (6 times for nested brackets, 5 for subscript chains, 4.5 for `+` chains, 3.5 for
# lambda chains, 8 for `and`), which leaves room for smaller thread stacks; real code stays far
# below it (every fixture: under 40).
MAX_BRACKET_DEPTH = 200  # CPython's own limit (MAXLEVEL in its tokenizer)
MAX_NESTING_COST = 1000
_CHAIN_KEYWORDS = frozenset({"and", "or", "not", "if", "else", "lambda", "in", "is", "await", "for"})
_RESETS = frozenset({",", ";", "=", ":="})


# A cheap upper bound first (``tokenize`` is pure Python and costs as much as a fifth of a
# file's analysis): within one logical line, every bracket counts 4 (2 for its depth, 2 for the
# chain) and every operator character (`.` and `:` included, as the tokenizer counts them) or
# operator keyword 1, without the resets at `,` `;` `=`.
# That bounds the cost above from above; only a file where the bound passes the limit is
# tokenized.  Strings and comments are skipped as the tokenizer skips them.
_STRING = r"""[rRbBuUfF]{0,2}(?:'{3}[\s\S]*?'{3}|"{3}[\s\S]*?"{3}|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")"""
_COSTLY = re.compile(
    r"(?P<skip>#[^\n]*|" + _STRING + r")"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<newline>\n)"
    r"|[-+*/%@&|^<>=!~.:]|\b(?:and|or|not|if|else|lambda|in|is|await|for)\b")


def _surely_shallow(source: str) -> bool:
    depth = count = 0
    for match in _COSTLY.finditer(source):
        kind = match.lastgroup
        if kind == "skip":
            continue
        if kind == "newline":
            if depth <= 0:
                depth = count = 0
            continue
        if kind == "open":
            depth += 1
            count += 4
        elif kind == "close":
            depth -= 1
        else:
            count += 1
        if count > MAX_NESTING_COST:
            return False
    return True


def nesting_problem(source: str) -> Optional[Tuple[str, int, int, str]]:
    """``(code, line, column, message)`` when the source is nested or chained beyond what the
    parser survives (see above), else None.  Tokenizer errors are left to the parser."""
    if _surely_shallow(source):
        return None
    stack: List[int] = []
    outer = 0  # the chain costs of the enclosing levels
    chain = 0  # the chain cost at the current level
    op, name, newline, nl = tokenize.OP, tokenize.NAME, tokenize.NEWLINE, tokenize.NL
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            kind, text = token.type, token.string
            if kind == op:
                if text in "([{":
                    chain += 2
                    stack.append(chain)
                    outer += chain
                    chain = 0
                    if len(stack) > MAX_BRACKET_DEPTH:
                        return ("SL001", token.start[0], token.start[1] + 1,
                                "cannot parse: too many nested parentheses "
                                f"(Python allows {MAX_BRACKET_DEPTH} levels)")
                elif text in ")]}":
                    if stack:
                        chain = stack.pop()
                        outer -= chain
                elif text in _RESETS:
                    chain = 0
                else:
                    chain += 1
            elif kind == name:
                if text in _CHAIN_KEYWORDS:
                    chain += 1
                else:
                    continue
            elif kind == newline or (kind == nl and not stack):
                chain = 0
                continue
            else:
                continue
            cost = 2 * len(stack) + outer + chain
            if cost > MAX_NESTING_COST:
                return ("SL003", token.start[0], token.start[1] + 1,
                        "analysis failed: the code is nested or chained too deeply for the parser "
                        f"(nesting cost over {MAX_NESTING_COST}); the file is not checked")
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None  # the parser reports it
    return None
