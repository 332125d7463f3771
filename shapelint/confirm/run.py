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

import contextlib
import importlib.util
import json
import os
import queue
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple, Union

from shapelint.confirm.probe import Probe, ProbeRef
from shapelint.core.diagnostics import Diagnostic

CONFIRMED, REFUTED, UNCONFIRMED = "confirmed", "refuted", "unconfirmed"
STATUSES = (CONFIRMED, REFUTED, UNCONFIRMED)
CACHE_VERSION = 1
TIMED_OUT = "the confirmation worker timed out"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def tensorflow_version() -> Optional[str]:
    """TensorFlow's version, without importing it (None when it is not installed)."""
    if importlib.util.find_spec("tensorflow") is None:
        return None
    return _distribution_version("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel",
                                 "tf-nightly")


def torch_version() -> Optional[str]:
    """PyTorch's version, without importing it (None when it is not installed)."""
    if importlib.util.find_spec("torch") is None:
        return None
    return _distribution_version("torch").split("+")[0]


def tf_keras_installed() -> bool:
    return importlib.util.find_spec("tf_keras") is not None


def _distribution_version(*names: str) -> str:
    import importlib.metadata  # (only when something is confirmed: a cached run never needs it)

    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "unknown"


def keras_version() -> str:
    """The ``keras`` package's version (Keras 3), read without importing it."""
    return _distribution_version("keras", "keras-nightly")


def tf_keras_version() -> str:
    """``tf_keras``'s version (Keras 2), read without importing it."""
    return _distribution_version("tf-keras", "tf_keras", "tf-keras-nightly")


class Installed:
    """What can run a probe here, asked once per run: why not (``missing``), and the version
    string its verdict is cached under (``version``): Keras 3 findings by the ``keras`` and
    TensorFlow versions, Keras 2 by ``tf_keras``'s and TensorFlow's, PyTorch by torch's."""

    def __init__(self):
        self._memo: Dict[str, Optional[str]] = {}

    def _get(self, name: str, read) -> Optional[str]:
        if name not in self._memo:
            self._memo[name] = read()
        return self._memo[name]

    @property
    def tensorflow(self) -> Optional[str]:
        return self._get("tensorflow", tensorflow_version)

    @property
    def torch(self) -> Optional[str]:
        return self._get("torch", torch_version)

    def missing(self, probe: Union[Probe, ProbeRef]) -> Optional[str]:
        if probe.framework == "torch":
            return "PyTorch is not installed" if self.torch is None else None
        if self.tensorflow is None:
            return "TensorFlow is not installed"
        if probe.keras == 2 and not self._get("tf_keras", lambda: "yes" if tf_keras_installed() else None):
            return "tf_keras (Keras 2) is not installed"
        return None

    def version(self, probe: Union[Probe, ProbeRef]) -> str:
        if probe.framework == "torch":
            return f"torch {self.torch}"
        if probe.keras == 2:
            return f"tf_keras {self._get('tf_keras_version', tf_keras_version)}+tensorflow {self.tensorflow}"
        return f"keras {self._get('keras_version', keras_version)}+tensorflow {self.tensorflow}"


def cache_dir() -> Path:
    explicit = os.environ.get("SHAPELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shapelint"


_warned = set()


def _warn_once(text: str) -> None:
    if text not in _warned:
        _warned.add(text)
        print(f"shapelint: warning: {text}", file=sys.stderr)


def private_dir(folder: Path) -> bool:
    """Create ``folder`` (mode 0700) if needed; True when it can hold a cache: a folder owned
    by the current user that no other user can write.  A folder that cannot be created is
    silently no cache (it only costs time); one that others control is refused, with one
    warning, because what a cache holds decides what is reported."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return False
    problem = None
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        problem = "it is not owned by the current user"
    elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        problem = f"other users can write to it (chmod 700 {folder})"
    if problem is not None:
        _warn_once(f"not using the cache folder {folder}: {problem}; running without a cache")
        return False
    return True


def usable_cache_dir() -> Optional[Path]:
    """The cache folder, or None when it cannot be used safely (see ``private_dir``)."""
    folder = cache_dir()
    return folder if private_dir(folder) else None


def read_json(path: Path):
    """A cache file's JSON, or None (missing, not a regular file, damaged, too deep)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None
        with open(path, "rb") as handle:
            return json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError, RecursionError, MemoryError):
        return None


def write_json(path: Path, data) -> None:
    """Write through a fresh temporary file in the same folder, then rename: never a fixed
    temporary name (no symlink to follow), never a half-written file for a concurrent reader."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# "keras 3.12.0+tensorflow 2.20.0:<probe key>", "tf_keras ...", "torch 2.9.0:<probe key>";
# keys of other shapes (older shapelint versions, tampering) are dropped on load.
_VERDICT_KEY = re.compile(r"(?:keras|tf_keras|torch) [^:]+:[0-9a-f]{64}")


def valid_verdict(value) -> bool:
    return (isinstance(value, list) and len(value) == 2 and value[0] in STATUSES
            and isinstance(value[0], str) and isinstance(value[1], str))


class VerdictCache:
    """Verdicts by probe key and framework version, in one JSON file (data only: a status and
    a message per key; an entry of any other shape is dropped on load)."""

    def __init__(self, directory: Optional[Path]):
        self.path = directory / f"verdicts-v{CACHE_VERSION}.json" if directory else None
        self.entries: Dict[str, Tuple[str, str]] = self._load()
        self.added: Dict[str, Tuple[str, str]] = {}

    def _load(self) -> Dict[str, Tuple[str, str]]:
        data = read_json(self.path) if self.path is not None else None
        if not isinstance(data, dict):
            return {}
        return {key: (value[0], value[1]) for key, value in data.items()
                if isinstance(key, str) and _VERDICT_KEY.fullmatch(key) and valid_verdict(value)}

    @staticmethod
    def key(probe: Union[Probe, ProbeRef], version: str) -> str:
        return f"{version}:{probe.key}"

    def get(self, probe: Union[Probe, ProbeRef], version: str) -> Optional[Tuple[str, str]]:
        return self.entries.get(self.key(probe, version))

    def put(self, probe: Union[Probe, ProbeRef], version: str, verdict: Tuple[str, str]) -> None:
        self.entries[self.key(probe, version)] = self.added[self.key(probe, version)] = tuple(verdict)

    def save(self) -> None:
        if not self.added or self.path is None:
            return
        try:
            with _locked(self.path.with_suffix(".lock")):
                merged = self._load()  # what other runs saved meanwhile is kept
                merged.update(self.added)
                write_json(self.path, {key: list(value) for key, value in merged.items()})
            self.added = {}
        except OSError:
            pass  # a cache that cannot be written only costs time


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock between shapelint processes (where ``fcntl`` exists), so that
    concurrent saves merge instead of losing each other's verdicts.  The lock file is never
    followed if it is a symlink; without a lock, saves are still atomic."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def answerable(probes: Iterable, cache: VerdictCache) -> bool:
    """Whether every cached probe reference can be given its verdict without its program: the
    verdict is cached, or its framework is not installed here.  Otherwise the file must be
    linted again (the program is rebuilt from the source, never read from a cache)."""
    installed = Installed()
    for probe in probes:
        if isinstance(probe, ProbeRef) and installed.missing(probe) is None \
                and cache.get(probe, installed.version(probe)) is None:
            return False
    return True


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
    if result.get("out_of_memory"):
        return UNCONFIRMED, "model too large to build within the confirmation's memory limit " \
                            "(SHAPELINT_CONFIRM_MEMORY_MB)"
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


# Confirmation workers running now: killed and reaped on shutdown (``stop_workers``).
_RUNNING: set = set()


def stop_workers() -> None:
    """Kill and reap every confirmation worker (the language server's shutdown, a SIGTERM);
    each ``run_worker`` then returns at once and removes its temporary folder, and the warm
    worker, if any, is stopped and its folder removed."""
    for proc in list(_RUNNING):
        try:
            proc.kill()
        except OSError:
            pass
    if _WARM is not None:
        _WARM.stop()


def _worker_env(workdir: str) -> Dict[str, str]:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    # Few malloc arenas: their reserved address space would count against the memory cap.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    env.update({"TF_CPP_MIN_LOG_LEVEL": "3", "KERAS_HOME": workdir, "CUDA_VISIBLE_DEVICES": "",
                "KERAS_BACKEND": "tensorflow", "PYTHONDONTWRITEBYTECODE": "1",
                "TF_USE_LEGACY_KERAS": "0"})
    return env


def _collect(lines: Iterable[str], results: dict) -> None:
    """Results by job id (and ``import_seconds``) from the worker's output lines."""
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and "id" in item:
            results[item["id"]] = item
        elif isinstance(item, dict) and "import_seconds" in item:
            results["import_seconds"] = item["import_seconds"]


def run_worker(jobs: List[dict], timeout: float) -> Tuple[Dict[int, dict], Optional[str]]:
    """Run the jobs in one TensorFlow process; returns results by id (and, under the key
    ``"import_seconds"``, how long importing Keras took) and a failure, if any.  With a warm
    worker in use (``use_warm_worker``), the jobs go to it."""
    if _WARM is not None:
        return _WARM.run(jobs, timeout)
    with tempfile.TemporaryDirectory(prefix="shapelint-confirm-") as workdir:
        proc = subprocess.Popen([sys.executable, "-m", "shapelint.confirm.worker"], cwd=workdir,
                                env=_worker_env(workdir), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        failure = None
        _RUNNING.add(proc)
        try:
            out, err = proc.communicate(json.dumps(jobs), timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            failure = f"{TIMED_OUT} after {timeout:.0f} s"
        finally:
            if proc.poll() is None:  # leaving early (a signal, shutdown): the worker goes too
                proc.kill()
                proc.wait()
            _RUNNING.discard(proc)
        results: dict = {}
        _collect(out.splitlines(), results)
        if failure is None and proc.returncode != 0:
            last = (err or "").strip().splitlines()[-1:] or ["no output"]
            failure = f"the confirmation worker failed: {last[0]}"
        return results, failure


class WarmWorker:
    """One long-lived worker process (``python -m shapelint.confirm.worker --serve``) that
    keeps TensorFlow / PyTorch imported between confirmations: the language server's, where
    every edit asks for verdicts again.  One batch at a time; a timeout or a crash kills the
    process, and the next batch starts a new one; so does a process that has run
    ``max_probes`` programs or hit its memory ceiling (recycled, so that what they leave
    behind cannot accumulate)."""

    def __init__(self, max_probes: int = 500) -> None:
        self.max_probes = max_probes
        self._probes = 0
        self._lock = threading.Lock()
        self._proc: Optional[subprocess.Popen] = None
        self._lines: "queue.Queue[Optional[str]]" = queue.Queue()
        self._workdir: Optional[str] = None
        self.starts = 0  # how many processes were started (tests, logs)

    def _start(self) -> subprocess.Popen:
        self._workdir = tempfile.mkdtemp(prefix="shapelint-confirm-")
        stderr = open(os.path.join(self._workdir, "stderr.log"), "w")  # noqa: SIM115 - the child owns it
        try:
            proc = subprocess.Popen([sys.executable, "-m", "shapelint.confirm.worker", "--serve"],
                                    cwd=self._workdir, env=_worker_env(self._workdir), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=stderr, text=True, bufsize=1)
        finally:
            stderr.close()
        self._lines = lines = queue.Queue()

        def pump(stream=proc.stdout) -> None:
            for line in stream:
                lines.put(line)
            lines.put(None)  # end of output: the process is gone

        threading.Thread(target=pump, name="shapelint-warm-worker", daemon=True).start()
        self._proc = proc
        self._probes = 0
        self.starts += 1
        return proc

    def prewarm(self, frameworks: Iterable[str] = ("keras",), keras: int = 3) -> None:
        """Start the process and import the frameworks now (the server calls this in the
        background after the first document opens), so the first verdict does not wait."""
        jobs = [{"id": f"warm-{name}", "program": "", "framework": name, "keras": keras} for name in frameworks]
        self.run(jobs, timeout=300)

    def _stderr_tail(self) -> str:
        try:
            with open(os.path.join(self._workdir or "", "stderr.log")) as log:
                last = log.read().strip().splitlines()[-1:]
        except OSError:
            last = []
        return last[0] if last else "no output"

    def run(self, jobs: List[dict], timeout: float) -> Tuple[Dict[int, dict], Optional[str]]:
        with self._lock:
            proc = self._proc if self._proc is not None and self._proc.poll() is None else None
            if proc is None:
                self._kill()
                proc = self._start()
            results: dict = {}
            try:
                assert proc.stdin is not None
                proc.stdin.write(json.dumps(jobs) + "\n")
                proc.stdin.flush()
            except (OSError, ValueError):
                failure = f"the confirmation worker failed: {self._stderr_tail()}"
                self._kill()
                return results, failure
            deadline = time.monotonic() + timeout
            while True:
                try:
                    line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    self._kill()
                    return results, f"{TIMED_OUT} after {timeout:.0f} s"
                if line is None:
                    failure = f"the confirmation worker failed: {self._stderr_tail()}"
                    self._kill()
                    return results, failure
                if '"batch_done"' in line:
                    self._probes += len(jobs)
                    out_of_memory = any(isinstance(r, dict) and r.get("out_of_memory") for r in results.values())
                    if self._probes >= self.max_probes or out_of_memory:
                        self._kill()  # recycled: what a model too large left behind goes with it
                    return results, None
                _collect([line], results)

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError, ValueError):
                    if stream is not None:
                        stream.close()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def stop(self) -> None:
        """Kill the process (a running batch returns with a failure) and remove its folder."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.kill()
        with self._lock:
            self._kill()


_WARM: Optional[WarmWorker] = None


def use_warm_worker(enabled: bool = True) -> Optional[WarmWorker]:
    """Route every later confirmation of this process to one long-lived worker (or back to
    one worker per run); returns the warm worker, if any."""
    global _WARM
    if not enabled and _WARM is not None:
        _WARM.stop()
    _WARM = WarmWorker() if enabled else None
    return _WARM


def confirm(diagnostics: List[Diagnostic], *, use_cache: bool = True,
            timeout: Optional[float] = None, notify=None) -> List[Diagnostic]:
    """Diagnostics with a verdict on every one that has a probe (or a reason for none).

    A ``ProbeRef`` (a cached finding) is answered from the verdict cache only: the worker runs
    nothing but programs synthesized in this run (``Probe``).  ``use_cache=False`` neither
    reads nor writes the verdict cache."""
    pending = [d for d in diagnostics if d.probe is not None]
    if not pending:
        return diagnostics
    installed = Installed()
    cache = VerdictCache(usable_cache_dir() if use_cache else None)
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
        if not isinstance(probe, (Probe, ProbeRef)):
            verdicts[index] = (UNCONFIRMED, "no model to build")
            continue
        missing = installed.missing(probe)
        if missing is not None:
            verdicts[index] = (UNCONFIRMED, missing)
            continue
        cached = cache.get(probe, installed.version(probe))
        if cached is not None:
            verdicts[index] = cached
            continue
        if type(probe) is not Probe or not isinstance(probe.program, str):
            verdicts[index] = (UNCONFIRMED, "the verdict of this cached finding is no longer cached "
                                            "(--no-cache checks it again)")
            continue
        probes[index] = probe
        jobs.append({"id": index, "program": probe.program, "keras": probe.keras,
                     "framework": probe.framework})
    if notify is not None and installed.tensorflow is None and any(
            isinstance(d.probe, (Probe, ProbeRef)) and d.probe.framework == "keras" for d in pending):
        notify("TensorFlow is not installed, so findings are not confirmed "
               "(pip install tensorflow-cpu; --no-confirm silences this)")
    if jobs:
        unique: Dict[str, dict] = {}
        for job in jobs:
            unique.setdefault(probes[job["id"]].key, job)
        order = list(unique.values())
        results, failure = run_worker(order, timeout if timeout is not None else 60 + 3 * len(unique))
        # The worker runs the jobs in order once its imports are done: after a timeout, the
        # first without a result is the one that hung (its timeout is cached like a verdict,
        # so the next run does not wait for it again); those after it never ran.
        hung = next((job["id"] for job in order if job["id"] not in results), None) \
            if failure is not None and failure.startswith(TIMED_OUT) and "import_seconds" in results else None
        for job in jobs:
            probe = probes[job["id"]]
            first = unique[probe.key]["id"]
            result = results.get(first)
            if result is None:
                if first == hung:
                    verdict = (UNCONFIRMED, f"{failure} on this check")
                    cache.put(probe, installed.version(probe), verdict)
                elif hung is not None:
                    verdict = (UNCONFIRMED, "not checked: another check timed out first")
                else:
                    verdict = (UNCONFIRMED, failure or "the confirmation worker gave no result")
                verdicts[job["id"]] = verdict
                continue
            verdict = judge(probe, result)
            verdicts[job["id"]] = verdict
            if verdict[0] != UNCONFIRMED or "different error" in verdict[1] or result.get("out_of_memory"):
                cache.put(probe, installed.version(probe), verdict)
        cache.save()
    versions = {"keras": installed.tensorflow}
    if any(isinstance(d.probe, (Probe, ProbeRef)) and d.probe.framework == "torch" for d in pending):
        versions["torch"] = installed.torch
    out = []
    for index, diag in enumerate(diagnostics):
        if index in verdicts:
            status, message = verdicts[index]
            diag = replace(diag, verdict=status, tf_message=message, confirmed_by=_engine(diag.probe, versions))
        out.append(diag)
    return out


def _engine(probe, versions) -> str:
    """'TensorFlow 2.21', 'TensorFlow 2.21 (tf_keras)', 'PyTorch 2.13'."""
    torch = isinstance(probe, (Probe, ProbeRef)) and probe.framework == "torch"
    version = versions.get("torch" if torch else "keras")
    short = ".".join(version.split(".")[:2]) if version else None
    name = "PyTorch" if torch else "TensorFlow"
    engine = f"{name} {short}" if short else name
    keras2 = isinstance(probe, (Probe, ProbeRef)) and probe.keras == 2 and not torch
    return f"{engine}{' (tf_keras)' if keras2 else ''}"
