"""Tolerant parsing: lint the rest of a file that Python cannot parse.

Code as people paste it holds lines Python rejects: IPython magics (``%matplotlib inline``),
shell escapes (``!pip install keras``), Python 2 ``print x`` statements, a stray line of
prose, a dangling indent, a block whose body lost its indentation.  ``repair`` finds each
offending line with CPython's own parser (fast), replaces it, keeping line numbers, and tries
again, a bounded number of times.

Replacing a line must never invent a value: a line that may have assigned or changed a name
(``X = X.reshape(10, 5, 1``) is replaced by an assignment that makes every name it mentions
unknown, so every check that depends on them stays silent.  Only lines that cannot touch a
Python name (magics, shell escapes, Python 2 ``print``) are simply blanked.
"""
from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

MAX_REPAIRS = 20
UNKNOWN_NAME = "__shapelint_unknown__"  # never bound: the interpreter reads it as unknown

_IDENTIFIER = re.compile(r"(?<![.\w])([A-Za-z_][A-Za-z0-9_]*)")
_INERT = re.compile(r"^\s*(?:[%!]|print\s+[^\s(=]|print\s*$)")  # magics, shell escapes, py2 print
_STRING = re.compile(r"('[^'\n]*'|\"[^\"\n]*\")")
_BLOCK_OPENER = re.compile(r"^expected an indented block after .* on line (\d+)$")
_MODULE_RETURN = re.compile(r"^(?:return|yield)\b[^\n]*", re.MULTILINE)
_ASSIGN = re.compile(r"(?<![=!<>])=(?!=)")
_IMPORTED = re.compile(r"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+(.+)$", re.MULTILINE)


def _imported_names(source: str) -> set:
    """Names the file binds with import statements: modules and their attributes, which a
    broken line can use but not change (unless it assigns them)."""
    names = set()
    for match in _IMPORTED.finditer(source):
        for part in match.group(1).strip("()\\ ").split(","):
            words = part.split()
            if words:
                names.add(words[-1].split(".")[0])
    return names


@dataclass
class Repair:
    text: str  # the source with the offending lines replaced (line numbers kept)
    errors: List[Tuple[int, int, str]] = field(default_factory=list)  # (line, column, message), in order
    lines: List[int] = field(default_factory=list)  # the lines replaced


def _syntax_error(text: str) -> Optional[SyntaxError]:
    try:
        compile(text, "<shapelint>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError, OverflowError):
        return SyntaxError("cannot parse")  # no line to repair
    return None


def _replacement(line: str, unexpected_indent: bool, imported: set) -> str:
    indent = "" if unexpected_indent else line[:len(line) - len(line.lstrip())]
    if _INERT.match(line):
        return indent + "pass" if indent else ""
    code = _STRING.sub("", line)
    assigned = set(_IDENTIFIER.findall(_ASSIGN.split(code, 1)[0])) if _ASSIGN.search(code) else set()
    names = [n for n in dict.fromkeys(_IDENTIFIER.findall(code))
             if not keyword.iskeyword(n) and n not in ("print", "True", "False", "None")
             and (n not in imported or n in assigned)]
    if not names:
        return indent + "pass" if indent else ""
    return indent + " = ".join(names + [UNKNOWN_NAME])


def repair(source: str) -> Optional[Repair]:
    """The source with its unparsable lines replaced, or None when it cannot be repaired
    within ``MAX_REPAIRS`` lines (or is fine as it is)."""
    lines = source.splitlines(keepends=True)
    imported = _imported_names(source)
    opened = False
    result = Repair(source)
    for _ in range(MAX_REPAIRS):
        error = _syntax_error(result.text)
        if error is None:
            if not result.lines:
                return None
            if opened:  # the function's return now sits at module level: it only leaves the function
                result.text = _MODULE_RETURN.sub("", result.text)
            return result
        number = error.lineno
        opener = _BLOCK_OPENER.search(error.msg or "")
        if opener:  # pasted code that lost its indentation: the opener goes, its body stays
            number = int(opener.group(1))
            opened = True
        if number is None or not 1 <= number <= len(lines) or number in result.lines:
            return None
        result.errors.append((number, max(error.offset or 1, 1), error.msg))
        result.lines.append(number)
        original = lines[number - 1]
        ending = original[len(original.rstrip("\r\n")):]
        lines[number - 1] = _replacement(original.rstrip("\r\n"), error.msg == "unexpected indent",
                                         imported) + ending
        result.text = "".join(lines)
    return None
