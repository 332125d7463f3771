"""One lint session: the policy every door (command line, flake8 plugin, language server,
summary) shares, written once.

- **Configuration**: the nearest ``pyproject.toml`` with a ``[tool.shapelint]`` table above a
  file's folder (or one given file), discovered once per folder, then the door's overrides
  (``--select``, ``--target-keras``, ``--no-confirm``...).  A bad table is a ``ConfigError``
  for every door alike.
- **Lint**: ``engine.lint_file`` for one text (Python, or a Jupyter notebook's code cells as
  one program), ``lint_cells`` for an editor's notebook, ``batch.runner.lint_paths`` for many
  files (process pool, result cache).
- **Confirm**: verdicts from TensorFlow / PyTorch (``confirm.run.confirm``) when the
  configuration asks for them, then refuted findings are dropped unless ``show_refuted``.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from shapelint.batch.runner import RunResult, lint_paths
from shapelint.confirm.run import REFUTED, confirm
from shapelint.core.config import Config, find_pyproject, load_config
from shapelint.core.diagnostics import Diagnostic
from shapelint.core.notebook import Cell


def lint_file(text: str, path: str, config: Optional[Config] = None) -> List[Diagnostic]:
    """``engine.lint_file``, imported on first use: a run the result cache answers never loads
    the engine (LibCST, the interpreter, the rules)."""
    from shapelint import engine
    return engine.lint_file(text, path, config)


def lint_source(text: str, path: str, config: Optional[Config] = None) -> List[Diagnostic]:
    from shapelint import engine
    return engine.lint_source(text, path, config)


def lint_cells(cells: Sequence[Cell], path: str, config: Optional[Config] = None) -> List[Diagnostic]:
    from shapelint import engine
    return engine.lint_cells(cells, path, config)


class Linter:
    def __init__(self, *, config_file: Optional[Path] = None, overrides: Optional[Mapping[str, Any]] = None,
                 use_cache: bool = True, show_refuted: bool = False,
                 notify: Optional[Callable[[str], None]] = None):
        self.config_file = config_file  # read instead of discovering (``--config``)
        self.overrides: Dict[str, Any] = dict(overrides or {})
        self.use_cache = use_cache
        self.show_refuted = show_refuted
        self.notify = notify  # one-line notices for the user (stderr, a window message)
        self._configs: Dict[Path, Config] = {}

    # -- configuration ----------------------------------------------------------------------
    def config_for(self, path: Optional[str] = None) -> Config:
        """The configuration for a file (its folder's nearest pyproject.toml), or for the
        current directory; raises ``ConfigError``."""
        if self.config_file is not None:
            folder = self.config_file.resolve()
        else:
            candidate = Path(path) if path else None
            folder = candidate.parent if candidate is not None and candidate.is_absolute() else Path.cwd()
            folder = folder.resolve()
        if folder not in self._configs:
            source = self.config_file if self.config_file is not None else find_pyproject(folder)
            self._configs[folder] = self._apply(load_config(source))
        return self._configs[folder]

    def forget_configs(self) -> None:
        """Discover configuration files again (an editor saved a file: a pyproject.toml may
        have changed)."""
        self._configs.clear()

    def _apply(self, config: Config) -> Config:
        changes = dict(self.overrides)
        for key in ("extend_select", "ignore"):  # the command line adds to the file's lists
            if key in changes:
                changes[key] = tuple(getattr(config, key)) + tuple(changes[key])
        if changes.get("confirm") is True:
            changes["confirm"] = config.confirm  # a door may turn confirmation off, never on
        return replace(config, **changes)

    # -- lint --------------------------------------------------------------------------------
    def lint_text(self, text: str, path: str, config: Optional[Config] = None) -> List[Diagnostic]:
        """The static findings of one Python text (probes attached when confirmation is on),
        whatever its name: the flake8 plugin and the language server's text documents stay
        Python-only (notebooks: ``lint_file``, ``lint_cells``)."""
        return lint_source(text, path, config or self.config_for(path))

    def lint_file(self, text: str, path: str, config: Optional[Config] = None) -> List[Diagnostic]:
        """A file's text as its name says: a Jupyter notebook's JSON (``.ipynb``, findings per
        cell) or Python."""
        return lint_file(text, path, config or self.config_for(path))

    def lint_cells(self, cells: Sequence[Cell], path: str, config: Optional[Config] = None) -> List[Diagnostic]:
        """The static findings of a notebook's cells (an editor's notebook document), linted
        as one program; each finding carries its cell."""
        return lint_cells(cells, path, config or self.config_for(path))

    def lint_paths(self, paths: Sequence[Path], *, jobs: Optional[int] = None,
                   stdin_name: Optional[str] = None, read_stdin=None) -> RunResult:
        kwargs = {} if read_stdin is None else {"read_stdin": read_stdin}
        return lint_paths(paths, self.config_for(None), jobs=jobs, use_cache=self.use_cache,
                          stdin_name=stdin_name, **kwargs)

    # -- confirm -----------------------------------------------------------------------------
    def confirm(self, diagnostics: List[Diagnostic], config: Optional[Config] = None) -> List[Diagnostic]:
        """Verdicts for the findings that carry a probe; refuted ones dropped unless
        ``show_refuted``.  Nothing happens when confirmation is off."""
        config = config or self.config_for(None)
        if not config.confirm or not any(d.probe is not None for d in diagnostics):
            return diagnostics
        confirmed = confirm(diagnostics, use_cache=self.use_cache, notify=self.notify)
        if self.show_refuted:
            return confirmed
        return [d for d in confirmed if d.verdict != REFUTED]

    def check_text(self, text: str, path: str) -> List[Diagnostic]:
        """Lint and confirm one text: what a door shows."""
        config = self.config_for(path)
        return self.confirm(self.lint_text(text, path, config), config)
