"""The result cache: a file's static diagnostics, kept until its text or the settings change.

What is stored is the engine's output *before* confirmation, with each diagnostic's probe (the
program that would confirm it, or why there is none), so a cached finding is confirmed like a
fresh one and the verdict cache then answers without TensorFlow.

One JSON file per *settings fingerprint*: shapelint's version, a hash of shapelint's own source
files (an editable install whose code changed never serves old results), Python's and LibCST's
versions, and every field of the effective configuration.  Inside, one entry per file (its
reported path and absolute path), holding the hash of its text and its diagnostics.  A missing,
corrupted or unwritable cache only costs time: every failure reads as a miss.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import os
import sys
import tempfile
import time
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from shapelint import __version__
from shapelint.core.config import Config
from shapelint.confirm.run import cache_dir
from shapelint.core.diagnostics import Diagnostic, Position, Related
from shapelint.confirm.probe import Probe

FORMAT = 1
STALE_AFTER = 30 * 24 * 3600  # seconds: result files of other settings unused this long are removed


def fingerprint_files(folders: Sequence[Path]) -> str:
    """A hash of the names and contents of the ``.py`` files in these folders (and below)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                digest.update(b"unreadable")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """shapelint's own source files (the package and its rules): edited code, new results."""
    rules = importlib.import_module("shapelint.rules")
    return fingerprint_files([Path(__file__).resolve().parents[1], *(Path(p).resolve() for p in rules.__path__)])


def _libcst_version() -> str:
    try:
        return importlib.metadata.version("libcst")
    except Exception:  # noqa: BLE001 - metadata missing: the fingerprint still changes with code
        return "unknown"


def settings_fingerprint(config: Config) -> str:
    settings = {f.name: repr(getattr(config, f.name)) for f in fields(config)}
    text = json.dumps({
        "format": FORMAT, "shapelint": __version__, "code": code_fingerprint(),
        "python": list(sys.version_info[:2]), "libcst": _libcst_version(), "config": settings,
    }, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# -- (de)serialising diagnostics --------------------------------------------------------------

def _encode(value: Any) -> Any:
    """JSON with tuples kept as tuples: a probe's key hashes ``repr(expect)``."""
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(_decode(v) for v in value["tuple"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _probe_to_data(probe) -> Any:
    if probe is None or isinstance(probe, str):
        return probe
    return {f.name: _encode(getattr(probe, f.name)) for f in fields(probe)}


def _probe_from_data(data) -> Any:
    if data is None or isinstance(data, str):
        return data
    return Probe(**{name: _decode(value) for name, value in data.items()})


def diagnostic_to_data(diag: Diagnostic) -> dict:
    return {
        "code": diag.code, "message": diag.message, "path": diag.path,
        "start": [diag.start.line, diag.start.column], "end": [diag.end.line, diag.end.column],
        "related": [[r.path, [r.start.line, r.start.column], [r.end.line, r.end.column], r.message]
                    for r in diag.related],
        "verdict": diag.verdict, "tf_message": diag.tf_message, "confirmed_by": diag.confirmed_by,
        "probe": _probe_to_data(diag.probe),
    }


def diagnostic_from_data(data: dict) -> Diagnostic:
    related = tuple(Related(path, Position(*start), Position(*end), message)
                    for path, start, end, message in data["related"])
    return Diagnostic(data["code"], data["message"], data["path"], Position(*data["start"]),
                      Position(*data["end"]), related, data["verdict"], data["tf_message"],
                      data["confirmed_by"], probe=_probe_from_data(data["probe"]))


# -- the cache --------------------------------------------------------------------------------

class ResultCache:
    """Diagnostics by file for one settings fingerprint; ``directory=None`` disables it."""

    def __init__(self, config: Config, directory: Optional[Path] = None, enabled: bool = True):
        self.path: Optional[Path] = None
        self.entries: Dict[str, list] = {}
        self.dirty = False
        if not enabled:
            return
        folder = (directory or cache_dir()) / f"results-v{FORMAT}"
        self.path = folder / f"{settings_fingerprint(config)[:32]}.json"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
        except (OSError, ValueError):
            self.entries = {}

    @staticmethod
    def key(path: str) -> str:
        return f"{path}\0{os.path.abspath(path)}"

    def get(self, path: str, digest: str) -> Optional[List[Diagnostic]]:
        entry = self.entries.get(self.key(path))
        try:
            if entry is None or entry[0] != digest:
                return None
            return [diagnostic_from_data(d) for d in entry[1]]
        except (TypeError, KeyError, IndexError, ValueError, AttributeError):
            return None  # a damaged entry is a miss

    def put(self, path: str, digest: str, diagnostics: List[Diagnostic]) -> None:
        if self.path is None:
            return
        try:
            data = [diagnostic_to_data(d) for d in diagnostics]
        except TypeError:
            return  # something that cannot be written down is simply not cached
        self.entries[self.key(path)] = [digest, data]
        self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Entries of files that no longer exist would only grow the file.
            entries = {k: v for k, v in self.entries.items() if os.path.exists(k.split("\0", 1)[1])}
            handle, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".results-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump({"entries": entries}, out)
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            self._remove_stale()
        except OSError:
            pass  # a cache that cannot be written only costs time

    def _remove_stale(self) -> None:
        """Result files of settings (or shapelint code) not used for a month."""
        now = time.time()
        for other in self.path.parent.glob("*.json"):
            try:
                if other != self.path and now - other.stat().st_mtime > STALE_AFTER:
                    other.unlink()
            except OSError:
                pass
