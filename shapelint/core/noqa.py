"""``# noqa`` comments, read per line from the source text (no tree needed)."""
from __future__ import annotations

import re
from typing import Dict, FrozenSet, Optional

# flake8's syntax: "# noqa" alone silences the line; "# noqa: SL101, SL102" only those codes.
NOQA_COMMENT = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
ALL = frozenset({"*"})
# ruff's file-level form, on a line of its own: "# shapelint: noqa" silences the whole file,
# "# shapelint: noqa: SL301" only those codes in it.
_FILE_NOQA = re.compile(r"^[ \t]*#[ \t]*shapelint:[ \t]*noqa"
                        r"(?:[ \t]*:[ \t]*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?[ \t]*$",
                        re.IGNORECASE | re.MULTILINE)


def noqa_lines(source: str) -> Dict[int, FrozenSet[str]]:
    """Line number (1-based) -> codes silenced there (``ALL`` for a bare noqa)."""
    found: Dict[int, FrozenSet[str]] = {}
    if "noqa" not in source and "NOQA" not in source.upper():
        return found
    for number, line in enumerate(source.splitlines(), start=1):
        if "#" not in line:
            continue
        match = NOQA_COMMENT.search(line)
        if match:
            codes = match.group("codes")
            found[number] = ALL if not codes else frozenset(
                c.upper() for c in re.split(r"[,\s]+", codes) if c)
    return found


def silenced(codes: Optional[FrozenSet[str]], code: str) -> bool:
    if codes is None:
        return False
    return codes is ALL or code in codes


def file_noqa(source: str) -> Optional[FrozenSet[str]]:
    """Codes silenced in the whole file by ``# shapelint: noqa`` lines (``ALL`` for a bare one)."""
    if "shapelint" not in source:
        return None
    codes: set = set()
    for match in _FILE_NOQA.finditer(source):
        if not match.group("codes"):
            return ALL
        codes.update(c.upper() for c in re.split(r"[,\s]+", match.group("codes")) if c)
    return frozenset(codes) if codes else None
