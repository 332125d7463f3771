"""The result cache: a file's static diagnostics, kept until its text or the settings change.

What is stored is the engine's output *before* confirmation, with a *reference* to each
diagnostic's probe (its key and framework, never its program: caches hold data, never code) or
why there is none.  A cached file is used only when the verdict cache answers every probe it
references (``confirm.run.answerable``); otherwise it is linted again and the programs are
rebuilt from the source.  Every entry is type-checked on load; one that fails is a miss.

One JSON file per *settings fingerprint*: shapelint's version, the names, sizes and times of
shapelint's own source files (an editable install whose code changed never serves old results),
Python's and LibCST's versions, and every field of the effective configuration.  Inside, one
entry per file (its reported path and absolute path), holding the hash of its text, its
diagnostics and its ``stat`` signature (size, modification time in nanoseconds, mode, inode).
A file whose signature is unchanged is answered without being read, as ruff and mypy do; one
modified within two seconds of being linted gets no signature (a later edit in the same clock
tick would keep it) and is read and hashed every time.  A missing, corrupted or unwritable
cache only costs time: every failure reads as a miss.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import sys
import time
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from shapelint import __version__
from shapelint.confirm.probe import Probe, ProbeRef
from shapelint.confirm.run import cache_dir, private_dir, read_json, write_json
from shapelint.core.config import Config
from shapelint.core.diagnostics import Diagnostic, Position, Related
from shapelint.core.fix import EDITS, SAFE, UNSAFE, FixPlan, Span

FORMAT = 2
STALE_AFTER = 30 * 24 * 3600  # seconds: result files of other settings unused this long are removed


def fingerprint_files(folders: Sequence[Path]) -> str:
    """A hash of the names, sizes and modification times of the ``.py`` files in these folders
    (and below): an edit changes them without the cost of reading every file on each run."""
    digest = hashlib.sha256()
    for folder in folders:
        for top, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith(".py"):
                    path = os.path.join(top, name)
                    try:
                        info = os.stat(path)
                        stamp = f"{info.st_size}:{info.st_mtime_ns}"
                    except OSError:
                        stamp = "unreadable"
                    digest.update(f"{os.path.relpath(path, folder)}\0{stamp}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """shapelint's own source files (the package and its rules): edited code, new results."""
    rules = importlib.import_module("shapelint.rules")
    return fingerprint_files([Path(__file__).resolve().parents[1], *(Path(p).resolve() for p in rules.__path__)])


_VERSION_LINE = re.compile(r"^__version__\s*=.*?['\"]([^'\"]+)['\"]", re.M)


def _libcst_version() -> str:
    """LibCST's version from its ``_version.py`` where Python would import it from (without
    importing LibCST or ``importlib.metadata``: a cached run loads neither)."""
    for entry in sys.path:
        try:
            with open(os.path.join(entry or ".", "libcst", "_version.py"), encoding="utf-8") as handle:
                found = _VERSION_LINE.search(handle.read())
        except OSError:
            continue
        if found:
            return found.group(1)
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

_KEY = re.compile(r"[0-9a-f]{64}")


class Damaged(ValueError):
    """A cache entry that is not what shapelint writes: it is dropped (a miss)."""


def _probe_to_data(probe) -> Any:
    if probe is None or isinstance(probe, str):
        return probe
    if isinstance(probe, (Probe, ProbeRef)):
        return {"key": probe.key, "framework": probe.framework, "keras": probe.keras}
    raise TypeError(f"cannot store a {type(probe).__name__}")


def _probe_from_data(data) -> Any:
    if data is None or isinstance(data, str):
        return data
    if not (isinstance(data, dict) and set(data) == {"key", "framework", "keras"}):
        raise Damaged("probe")
    key, framework, keras = data["key"], data["framework"], data["keras"]
    if not (isinstance(key, str) and _KEY.fullmatch(key) and framework in ("keras", "torch")
            and type(keras) is int and keras in (0, 2, 3)):
        raise Damaged("probe")
    return ProbeRef(key, framework, keras)


def _int(value) -> int:
    if type(value) is not int or value < 0:
        raise Damaged("number")
    return value


def _cell(value) -> Optional[int]:
    """A notebook cell's number, or None outside notebooks."""
    if value is None:
        return None
    if _int(value) < 1:
        raise Damaged("cell")
    return value


def _position(value) -> Position:
    if not (isinstance(value, list) and len(value) == 2):
        raise Damaged("position")
    return Position(_int(value[0]), _int(value[1]))


def _str(value, optional: bool = False) -> Optional[str]:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise Damaged("text")
    return value


_SCALARS = (str, int, bool, type(None))


def _scalar(value):
    if not isinstance(value, _SCALARS):
        raise Damaged("value")
    return value


def _args_to_data(args) -> list:
    out = []
    for name, value in args:
        if isinstance(value, tuple):
            value = [_scalar(v) for v in value]
        elif isinstance(value, float):
            value = repr(value)  # floats are shown as text anyway
        out.append([name, _scalar(value) if not isinstance(value, list) else value])
    return out


def _args_from_data(data) -> tuple:
    if not isinstance(data, list):
        raise Damaged("args")
    args = []
    for item in data:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise Damaged("args")
        value = item[1]
        args.append((item[0], tuple(_scalar(v) for v in value) if isinstance(value, list) else _scalar(value)))
    return tuple(args)


def _fix_to_data(plan) -> Any:
    """A located ``FixPlan`` as data: the edit's class name, spans and literal fields."""
    if plan is None:
        return None
    edit = {"type": type(plan.edit).__name__}
    for field in fields(plan.edit):
        value = getattr(plan.edit, field.name)
        if field.name in type(plan.edit).nodes:
            edit[field.name] = [[value.start.line, value.start.column], [value.end.line, value.end.column]]
        else:
            edit[field.name] = _scalar(value)
    return {"title": plan.title, "safety": plan.safety, "edit": edit}


def _fix_from_data(data) -> Any:
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("edit"), dict):
        raise Damaged("fix")
    safety = _str(data.get("safety"))
    if safety not in (SAFE, UNSAFE):
        raise Damaged("fix")
    edit = data["edit"]
    cls = EDITS.get(edit.get("type"))
    if cls is None:
        raise Damaged("fix")
    values = {}
    for field in fields(cls):
        if field.name not in edit:
            raise Damaged("fix")
        value = edit[field.name]
        if field.name in cls.nodes:
            if not (isinstance(value, list) and len(value) == 2):
                raise Damaged("fix")
            values[field.name] = Span(_position(value[0]), _position(value[1]))
        else:
            values[field.name] = _scalar(value)
    return FixPlan(_str(data.get("title")), safety, cls(**values))


def diagnostic_to_data(diag: Diagnostic) -> dict:
    return {
        "code": diag.code, "message": diag.message, "path": diag.path,
        "start": [diag.start.line, diag.start.column], "end": [diag.end.line, diag.end.column],
        "related": [[r.path, [r.start.line, r.start.column], [r.end.line, r.end.column], r.message, r.cell]
                    for r in diag.related],
        "cell": diag.cell,
        "verdict": diag.verdict, "tf_message": diag.tf_message, "confirmed_by": diag.confirmed_by,
        "probe": _probe_to_data(diag.probe),
        "fix": _fix_to_data(diag.fix), "args": _args_to_data(diag.args),
    }


def diagnostic_from_data(data: dict) -> Diagnostic:
    """The diagnostic a cache entry describes; ``Damaged`` when any field has the wrong type."""
    if not isinstance(data, dict) or not isinstance(data.get("related"), list):
        raise Damaged("diagnostic")
    related = []
    for item in data["related"]:
        if not (isinstance(item, list) and len(item) == 5):
            raise Damaged("related")
        path, start, end, message, cell = item
        related.append(Related(_str(path), _position(start), _position(end), _str(message), _cell(cell)))
    code = _str(data.get("code"))
    if not re.fullmatch(r"SL\d{3}", code):
        raise Damaged("code")
    verdict = _str(data.get("verdict"), optional=True)
    if verdict not in (None, "confirmed", "refuted", "unconfirmed"):
        raise Damaged("verdict")
    return Diagnostic(code, _str(data.get("message")), _str(data.get("path")),
                      _position(data.get("start")), _position(data.get("end")), tuple(related),
                      verdict, _str(data.get("tf_message"), optional=True),
                      _str(data.get("confirmed_by"), optional=True),
                      probe=_probe_from_data(data.get("probe")), fix=_fix_from_data(data.get("fix")),
                      args=_args_from_data(data.get("args", [])), cell=_cell(data.get("cell")))


def _entry_from_data(entry) -> Tuple[str, List[Diagnostic]]:
    if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
            and isinstance(entry[1], list) and (entry[2] is None or _signature(entry[2]))):
        raise Damaged("entry")
    return entry[0], [diagnostic_from_data(d) for d in entry[1]]


def _signature(value) -> bool:
    return isinstance(value, list) and len(value) == 4 and all(type(v) is int for v in value)


RACY_NS = 2_000_000_000  # a file modified this recently has no trusted signature


def signature(info: os.stat_result) -> Optional[List[int]]:
    """What says a file is unchanged since it was linted, or None when its modification time
    is too recent to trust (an edit in the same clock tick would keep it)."""
    if time.time_ns() - info.st_mtime_ns < RACY_NS:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_mode, info.st_ino]


# -- the cache --------------------------------------------------------------------------------

class ResultCache:
    """Diagnostics by file for one settings fingerprint; ``directory=None`` disables it."""

    def __init__(self, config: Config, directory: Optional[Path] = None, enabled: bool = True):
        self.path: Optional[Path] = None
        self.entries: Dict[str, list] = {}
        self.dirty = False
        if not enabled:
            return
        base = directory or cache_dir()
        folder = base / f"results-v{FORMAT}"
        if not (private_dir(base) and private_dir(folder)):
            return  # cannot be created, or other users could write it: no cache
        self.path = folder / f"{settings_fingerprint(config)[:32]}.json"
        data = read_json(self.path)
        if isinstance(data, dict) and isinstance(data.get("entries"), dict):
            # Each entry is type-checked when it is used (``get``, ``unchanged``): a damaged
            # one is a miss, and the file's new result replaces it.
            self.entries = {key: entry for key, entry in data["entries"].items()
                            if isinstance(key, str) and "\0" in key and isinstance(entry, list)}

    @staticmethod
    def key(path: str) -> str:
        return f"{path}\0{os.path.abspath(path)}"

    def get(self, path: str, digest: str) -> Optional[List[Diagnostic]]:
        """The diagnostics of the file whose text hashes to ``digest``, or None."""
        entry = self.entries.get(self.key(path))
        try:
            if entry is None or len(entry) != 3 or entry[0] != digest:
                return None
            return _entry_from_data(entry)[1]
        except (Damaged, TypeError, ValueError):
            return None  # a damaged entry is a miss

    def unchanged(self, path: str, stamp: Optional[List[int]]) -> Optional[List[Diagnostic]]:
        """The diagnostics of the file if its ``signature`` is the one stored, or None."""
        entry = self.entries.get(self.key(path))
        if entry is None or stamp is None or len(entry) != 3 or entry[2] != stamp:
            return None
        try:
            return _entry_from_data(entry)[1]
        except (Damaged, TypeError, ValueError):
            return None

    def put(self, path: str, digest: str, diagnostics: List[Diagnostic],
            stamp: Optional[List[int]] = None) -> None:
        if self.path is None:
            return
        try:
            data = [diagnostic_to_data(d) for d in diagnostics]
        except TypeError:
            return  # something that cannot be written down is simply not cached
        key = self.key(path)
        entry = [digest, data, stamp]
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        try:
            # Entries of files that no longer exist would only grow the file.
            entries = {k: v for k, v in self.entries.items() if os.path.exists(k.split("\0", 1)[1])}
            write_json(self.path, {"entries": entries})
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
