"""Test helpers: expectations written on the line, as in flake8-bugbear's fixtures.

A line ending in ``# expect: SL101`` (or ``# expect: SL101, SL121``) must be reported with
those codes, and no other line may be reported.
"""
from __future__ import annotations

import re
import textwrap
from typing import List, Set, Tuple

from shapelint.core.config import Config
from shapelint.engine import lint_source

_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>SL\d+(?:\s*,\s*SL\d+)*)")
_TARGET = re.compile(r"#\s*shapelint-test:\s*target-keras=(?P<target>[23])")


def expected(source: str) -> Set[Tuple[int, str]]:
    found = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group("codes")):
                found.add((number, code))
    return found


def config_for(source: str, **settings) -> Config:
    """The configuration a test file asks for (``# shapelint-test: target-keras=2``), with
    ``settings`` on top (``confirm=False``)."""
    match = _TARGET.search(source)
    if match:
        settings.setdefault("target_keras", int(match.group("target")))
    return Config(**settings)


def reported(source: str, path: str = "<test>", config: Config = None) -> Set[Tuple[int, str]]:
    diagnostics = lint_source(source, path, config or config_for(source))
    return {(d.start.line, d.code) for d in diagnostics}


def codes(source: str, **config) -> List[str]:
    """Codes reported on a dedented snippet: the one-line assertion helper."""
    source = textwrap.dedent(source)
    return [d.code for d in lint_source(source, "<test>", Config(**config))]
