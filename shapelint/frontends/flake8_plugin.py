"""The flake8 door: ``flake8`` runs shapelint's engine on the lines it has already read.

flake8 owns selection here: every shapelint rule runs and flake8's ``--select``,
``--ignore``, ``--extend-ignore``, ``per-file-ignores`` and ``# noqa`` decide what is shown
(``[tool.shapelint]`` select/ignore would silently fight them, so they are not read; its
``target-keras`` is).  SL001 is dropped: flake8 reports syntax errors itself (E999).

Confirmation on TensorFlow is off unless ``--shapelint-confirm`` is given: flake8 checks one
file at a time, so each file with findings not yet in the verdict cache would start its own
TensorFlow process.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

from shapelint import __version__
from shapelint.core.config import Config, ConfigError, find_pyproject, load_config
from shapelint.confirm.run import REFUTED, confirm
from shapelint.engine import lint_source

SYNTAX_ERROR = "SL001"  # flake8's E999 says it


@lru_cache(maxsize=None)
def _project_target_keras(cwd: str) -> int:
    try:
        return load_config(find_pyproject(Path(cwd))).target_keras
    except ConfigError:
        return 3


class ShapelintChecker:
    name = "shapelint"
    version = __version__

    confirm = False
    target_keras: Optional[int] = None  # None: [tool.shapelint] target-keras, else 3

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
        cls.confirm = bool(options.shapelint_confirm)
        value = options.shapelint_target_keras
        cls.target_keras = int(value) if value else None

    def config(self) -> Config:
        target = self.target_keras or _project_target_keras(str(Path.cwd()))
        return Config(target_keras=target, confirm=self.confirm)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        source = "".join(self.lines)
        diagnostics = [d for d in lint_source(source, self.filename, self.config())
                       if d.code != SYNTAX_ERROR]
        if self.confirm and diagnostics:
            diagnostics = [d for d in confirm(diagnostics) if d.verdict != REFUTED]
        for diag in diagnostics:
            # flake8 wants 0-based columns from plugins and adds one when it prints.
            yield diag.start.line, diag.start.column - 1, f"{diag.code} {diag.message}{diag.suffix()}", type(self)
