"""Confirmation: run every finding's synthesized program on real TensorFlow, once per run.

The engine attaches to each Keras finding a ``Probe`` (``synthesize.py``) or the reason there
is none.  ``confirm`` looks each probe up in the verdict cache, runs the missing ones in one
worker process (TensorFlow imported once; a temporary working directory; a timeout), and
returns the diagnostics with a verdict:

* ``confirmed``: TensorFlow raised the error the rule predicts (or produced all-1.0 outputs);
* ``refuted``: TensorFlow built and ran it without the problem: the CLI drops the finding;
* ``unconfirmed``: no program, no TensorFlow, or the worker failed: the finding stays.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from shapelint.core.diagnostics import Diagnostic
from shapelint.confirm.probe import Probe

CONFIRMED, REFUTED, UNCONFIRMED = "confirmed", "refuted", "unconfirmed"
CACHE_VERSION = 1
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def tensorflow_version() -> Optional[str]:
    """TensorFlow's version, without importing it (None when it is not installed)."""
    if importlib.util.find_spec("tensorflow") is None:
        return None
    for dist in ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel", "tf-nightly"):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "unknown"


def torch_version() -> Optional[str]:
    """PyTorch's version, without importing it (None when it is not installed)."""
    if importlib.util.find_spec("torch") is None:
        return None
    try:
        return importlib.metadata.version("torch").split("+")[0]
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def tf_keras_installed() -> bool:
    return importlib.util.find_spec("tf_keras") is not None


def cache_dir() -> Path:
    explicit = os.environ.get("SHAPELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shapelint"


class VerdictCache:
    """Verdicts by probe and TensorFlow version, in one JSON file."""

    def __init__(self, directory: Optional[Path]):
        self.path = directory / f"verdicts-v{CACHE_VERSION}.json" if directory else None
        self.entries: Dict[str, List[str]] = {}
        self.dirty = False
        if self.path is not None and self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    self.entries = data
            except (OSError, ValueError):
                self.entries = {}

    @staticmethod
    def key(probe: Probe, version: str) -> str:
        return f"{version}:{probe.key}"

    def get(self, probe: Probe, version: str) -> Optional[Tuple[str, str]]:
        entry = self.entries.get(self.key(probe, version))
        return (entry[0], entry[1]) if entry else None

    def put(self, probe: Probe, version: str, verdict: Tuple[str, str]) -> None:
        self.entries[self.key(probe, version)] = list(verdict)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.entries), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


def excerpt(error: str, expect) -> str:
    """TensorFlow's message on one line, without colour codes, cut around what matters."""
    text = " ".join(_ANSI.sub("", error).split())
    if len(text) <= 200:
        return text
    at = min((text.find(sub) for sub in expect if isinstance(sub, str) and sub in text), default=0)
    start = max(0, at - 80)
    return ("..." if start else "") + text[start:start + 200].rstrip() + "..."


def judge(probe: Probe, result: dict) -> Tuple[str, str]:
    framework = "PyTorch" if probe.framework == "torch" else "TensorFlow"
    if "import_error" in result:
        return UNCONFIRMED, f"cannot import {'PyTorch' if probe.framework == 'torch' else 'Keras'} " \
                            f"for the check: {result['import_error']}"
    if probe.check == "rows":  # a sample given without its batch axis
        if not result.get("ok"):
            error = result.get("error", "")
            if any(sub in _ANSI.sub("", error) for sub in probe.expect):
                return CONFIRMED, excerpt(error, probe.expect)
            return UNCONFIRMED, f"TensorFlow raised a different error: {excerpt(error, ())}"
        rows = result.get("value")
        if rows == 1:
            return REFUTED, "Keras returned one prediction"
        return CONFIRMED, f"Keras returned {rows} predictions for what was meant as one sample"
    if probe.check == "raises":
        if result.get("ok"):
            return REFUTED, f"{framework} ran it without an error"
        error = result.get("error", "")
        if any(sub in _ANSI.sub("", error) for sub in probe.expect):
            return CONFIRMED, excerpt(error, probe.expect)
        return UNCONFIRMED, f"{framework} raised a different error: {excerpt(error, ())}"
    if not result.get("ok"):
        return UNCONFIRMED, f"the check failed: {excerpt(result.get('error', ''), ())}"
    value = result.get("value")
    if probe.check == "warns":
        if isinstance(value, str) and any(sub in value for sub in probe.expect):
            return CONFIRMED, f"UserWarning: {excerpt(value, probe.expect)}"
        return REFUTED, f"{framework} did not warn"
    if probe.check == "batch_sums":
        if isinstance(value, list) and len(value) == 2 and value[1] is True and value[0] > 1:
            return CONFIRMED, f"for a batch of {value[0]} samples, each class's probabilities sum to 1 across the batch"
        return REFUTED, "the probabilities do not sum to 1 across the batch"
    if probe.check == "all_ones":
        if value is True:
            return CONFIRMED, "every output of the model is exactly 1.0"
        return REFUTED, "the outputs are not all 1.0"
    if probe.check == "differs":
        declared = list(probe.expect[0])
        if value is not None and list(value) != declared:
            shown = tuple(value)
            return CONFIRMED, f"the layer is built for {shown}, not the declared {tuple(declared)}"
        return REFUTED, "the layer is built for the declared shape"
    return UNCONFIRMED, f"unknown check {probe.check}"


def run_worker(jobs: List[dict], timeout: float) -> Tuple[Dict[int, dict], Optional[str]]:
    """Run the jobs in one TensorFlow process; returns results by id (and, under the key
    ``"import_seconds"``, how long importing Keras took) and a failure, if any."""
    with tempfile.TemporaryDirectory(prefix="shapelint-confirm-") as workdir:
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        env.update({"TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_HOME": workdir, "CUDA_VISIBLE_DEVICES": "",
                    "KERAS_BACKEND": "tensorflow", "PYTHONDONTWRITEBYTECODE": "1",
                    "TF_USE_LEGACY_KERAS": "0"})
        proc = subprocess.Popen([sys.executable, "-m", "shapelint.confirm.worker"], cwd=workdir, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        failure = None
        try:
            out, err = proc.communicate(json.dumps(jobs), timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            failure = f"the confirmation worker timed out after {timeout:.0f} s"
        results = {}
        for line in out.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict) and "id" in item:
                results[item["id"]] = item
            elif isinstance(item, dict) and "import_seconds" in item:
                results["import_seconds"] = item["import_seconds"]
        if failure is None and proc.returncode != 0:
            last = (err or "").strip().splitlines()[-1:] or ["no output"]
            failure = f"the confirmation worker failed: {last[0]}"
        return results, failure


def confirm(diagnostics: List[Diagnostic], *, use_cache: bool = True,
            timeout: Optional[float] = None, notify=None) -> List[Diagnostic]:
    """Diagnostics with a verdict on every one that has a probe (or a reason for none)."""
    pending = [d for d in diagnostics if d.probe is not None]
    if not pending:
        return diagnostics
    versions = {"keras": tensorflow_version()}
    if any(isinstance(d.probe, Probe) and d.probe.framework == "torch" for d in pending):
        versions["torch"] = torch_version()
    version = versions["keras"]
    cache = VerdictCache(cache_dir() if use_cache else None)
    verdicts: Dict[int, Tuple[str, str]] = {}
    jobs: List[dict] = []
    probes: Dict[int, Probe] = {}
    for index, diag in enumerate(diagnostics):
        probe = diag.probe
        if probe is None:
            continue
        if isinstance(probe, str):
            verdicts[index] = (UNCONFIRMED, f"no model to build: {probe}")
            continue
        if probe.framework == "torch":
            if versions["torch"] is None:
                verdicts[index] = (UNCONFIRMED, "PyTorch is not installed")
                continue
        elif version is None:
            verdicts[index] = (UNCONFIRMED, "TensorFlow is not installed")
            continue
        if probe.keras == 2 and not tf_keras_installed():
            verdicts[index] = (UNCONFIRMED, "tf_keras (Keras 2) is not installed")
            continue
        cached = cache.get(probe, versions[probe.framework])
        if cached is not None:
            verdicts[index] = cached
            continue
        probes[index] = probe
        jobs.append({"id": index, "program": probe.program, "keras": probe.keras,
                     "framework": probe.framework})
    if version is None and notify is not None and any(
            isinstance(d.probe, Probe) and d.probe.framework == "keras" for d in pending):
        notify("TensorFlow is not installed, so findings are not confirmed "
               "(pip install tensorflow-cpu; --no-confirm silences this)")
    if jobs:
        unique: Dict[str, dict] = {}
        for job in jobs:
            unique.setdefault(probes[job["id"]].key, job)
        results, failure = run_worker(list(unique.values()),
                                      timeout if timeout is not None else 60 + 3 * len(unique))
        for job in jobs:
            probe = probes[job["id"]]
            result = results.get(unique[probe.key]["id"])
            if result is None:
                verdicts[job["id"]] = (UNCONFIRMED, failure or "the confirmation worker gave no result")
                continue
            verdict = judge(probe, result)
            verdicts[job["id"]] = verdict
            if verdict[0] != UNCONFIRMED or "different error" in verdict[1]:
                cache.put(probe, versions[probe.framework], verdict)
        cache.save()
    out = []
    for index, diag in enumerate(diagnostics):
        if index in verdicts:
            status, message = verdicts[index]
            diag = replace(diag, verdict=status, tf_message=message, confirmed_by=_engine(diag.probe, versions))
        out.append(diag)
    return out


def _engine(probe, versions) -> str:
    """'TensorFlow 2.21', 'TensorFlow 2.21 (tf_keras)', 'PyTorch 2.13'."""
    torch = isinstance(probe, Probe) and probe.framework == "torch"
    version = versions.get("torch" if torch else "keras")
    short = ".".join(version.split(".")[:2]) if version else None
    name = "PyTorch" if torch else "TensorFlow"
    engine = f"{name} {short}" if short else name
    keras2 = isinstance(probe, Probe) and probe.keras == 2 and not torch
    return f"{engine}{' (tf_keras)' if keras2 else ''}"
