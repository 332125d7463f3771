"""The flake8 door: ``flake8`` runs shapelint's engine on the lines it has already read.

flake8 owns selection here: every shapelint rule runs and flake8's ``--select``,
``--ignore``, ``--extend-ignore``, ``per-file-ignores`` and ``# noqa`` decide what is shown
(``[tool.shapelint]`` select/ignore would silently fight them, so they are not read; its
``target-keras`` is).  SL001 is dropped: flake8 reports syntax errors itself (E999).

``# flake8: noqa`` on a line of its own is honoured as flake8 honours it for every check: flake8
skips the file before any plugin runs (also when the line names codes, ``# flake8: noqa:
SL101``, which flake8 reads the same way; ``--disable-noqa`` checks the file anyway).  Only
``.py`` files: flake8 does not read notebooks.  shapelint's own command line reads its own
directive, ``# shapelint: noqa``, not flake8's: a file kept from flake8's style checks is not
meant to hide a model that crashes.

Confirmation on TensorFlow is off unless ``--shapelint-confirm`` is given: flake8 checks one
file at a time, so each file with findings not yet in the verdict cache would start its own
TensorFlow process.
"""
from __future__ import annotations

import sys
from typing import Iterator, List, Optional, Tuple

from shapelint import __version__
from shapelint.core.config import ConfigError
from shapelint.linter import Linter

SYNTAX_ERROR = "SL001"  # flake8's E999 says it
# flake8 decides what is shown: every shapelint rule runs, whatever [tool.shapelint] selects.
_EVERY_RULE = {"select": ("SL",), "extend_select": (), "ignore": (), "per_file_ignores": {}}


class ShapelintChecker:
    name = "shapelint"
    version = __version__

    linter: Optional[Linter] = None  # one session per flake8 run (set by parse_options)

    def __init__(self, tree, filename: str, lines: List[str]):
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager) -> None:
        manager.add_option("--shapelint-confirm", action="store_true", parse_from_config=True,
                           help="shapelint: build flagged Keras models on TensorFlow and drop the "
                                "findings it refutes (slow: one TensorFlow start per file)")
        manager.add_option("--shapelint-target-keras", parse_from_config=True, default=None,
                           choices=("2", "3"),
                           help="shapelint: the Keras major version the code targets, 2 or 3 "
                                "(default: [tool.shapelint] target-keras, else 3)")

    @classmethod
    def parse_options(cls, options) -> None:
        overrides = dict(_EVERY_RULE, confirm=bool(options.shapelint_confirm))
        if options.shapelint_target_keras:
            overrides["target_keras"] = int(options.shapelint_target_keras)
        cls.linter = Linter(overrides=overrides)
        try:
            cls.linter.config_for(None)  # a bad [tool.shapelint] stops the run, as it does shapelint's
        except ConfigError as exc:
            print(f"shapelint: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        linter = self.linter or Linter(overrides=dict(_EVERY_RULE, confirm=False))
        diagnostics = linter.check_text("".join(self.lines), self.filename)
        for diag in diagnostics:
            if diag.code == SYNTAX_ERROR:
                continue
            # flake8 wants 0-based columns from plugins and adds one when it prints.
            yield diag.start.line, diag.start.column - 1, f"{diag.code} {diag.message}{diag.suffix()}", type(self)
