"""The confirmation worker: one process per run that imports TensorFlow once and runs many
synthesized programs.  Reads a JSON list of jobs on stdin, writes one JSON line per job.

Run only by ``shapelint.confirm``, in a temporary working directory, with the programs that
``shapelint.synthesize`` wrote from literal layer configurations in the same run: no program
is ever read from a cache (the caches keep probe keys and verdicts, not code).
"""
from __future__ import annotations

import json
import os
import sys
import time
import warnings

# Memory a confirmation may use beyond what the imports took (address space, MiB); a model
# too large for it fails with an out-of-memory error instead of exhausting the machine.
DEFAULT_BUDGET_MB = 3072
# What a job raises when it hits the ceiling.
OUT_OF_MEMORY = ("MemoryError", "ResourceExhaustedError", "OutOfMemoryError", "std::bad_alloc")


def _address_space() -> int:
    """This process's current virtual size in bytes (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory() -> int:
    """Cap the address space at what the imports use plus the budget
    (``SHAPELINT_CONFIRM_MEMORY_MB``, 0 for no cap); returns the cap in bytes, 0 if none."""
    try:
        import resource
    except ImportError:  # not on this platform: no ceiling
        return 0
    try:
        budget = int(os.environ.get("SHAPELINT_CONFIRM_MEMORY_MB", DEFAULT_BUDGET_MB))
    except ValueError:
        budget = DEFAULT_BUDGET_MB
    used = _address_space()
    if budget <= 0 or not used:
        return 0
    cap = used + budget * 2**20
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft != resource.RLIM_INFINITY and soft < cap:
            return soft
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        return 0
    return cap


def _load(flavour):
    if flavour == "torch":
        import torch

        return torch
    if flavour == 2:
        import tf_keras as keras  # noqa: F401 - Keras 2

        return keras
    import keras

    return keras


def _load_flavours(jobs, modules) -> None:
    for flavour in sorted({_flavour(job) for job in jobs}, key=str):
        if flavour not in modules:
            try:
                modules[flavour] = _load(flavour)
            except ImportError:
                pass  # reported per job


def _run_jobs(jobs, modules, np) -> None:
    for job in jobs:
        started = time.perf_counter()
        try:
            flavour = _flavour(job)
            if flavour not in modules:
                modules[flavour] = _load(flavour)
            if not isinstance(job.get("program"), str):
                raise TypeError("a job without a program")
            namespace = {"np": np, "__name__": "__shapelint_probe__"}
            if flavour != "torch":
                namespace["keras"] = modules[flavour]
            if "tf.data" in job["program"]:
                import tensorflow as tf

                namespace["tf"] = tf
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(job["program"], "<shapelint-probe>", "exec"), namespace)  # noqa: S102
            result = {"ok": True, "value": _jsonable(namespace.get("__result__"))}
        except ImportError as exc:
            result = {"ok": False, "import_error": f"{type(exc).__name__}: {exc}"}
        except BaseException as exc:  # noqa: BLE001 - every failure is the measured fact
            error = f"{type(exc).__name__}: {exc}"
            result = {"ok": False, "error": error}
            if any(sign in error[:300] for sign in OUT_OF_MEMORY):
                result["out_of_memory"] = True
        result["id"] = job.get("id")
        result["seconds"] = round(time.perf_counter() - started, 4)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


def main() -> int:
    """One batch: a JSON list of jobs on standard input, one result line per job."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    jobs = json.load(sys.stdin)
    import numpy as np

    modules: dict = {}
    started = time.perf_counter()
    _load_flavours(jobs, modules)
    cap = limit_memory()
    sys.stdout.write(json.dumps({"import_seconds": round(time.perf_counter() - started, 3),
                                 "memory_cap": cap}) + "\n")
    _run_jobs(jobs, modules, np)
    return 0


def _fresh_session(modules) -> None:
    """Forget the models of earlier batches: frees their memory, and layer names
    (``lstm_1``) in error messages start again as in a new process."""
    for flavour, module in modules.items():
        if flavour == "torch":
            continue
        try:
            module.backend.clear_session()
        except Exception:  # noqa: BLE001 - a stale session only costs memory
            pass


def serve() -> int:
    """A warm worker (the language server's): one JSON list of jobs per input line, answered
    by one line per job and then ``{"batch_done": true}``; the imports are paid once."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np

    modules: dict = {}
    capped = False
    for line in sys.stdin:
        try:
            jobs = json.loads(line)
        except ValueError:
            jobs = None
        if not isinstance(jobs, list):
            sys.stdout.write(json.dumps({"batch_done": True, "error": "not a list of jobs"}) + "\n")
            sys.stdout.flush()
            continue
        started = time.perf_counter()
        _load_flavours(jobs, modules)
        if not capped:
            capped = True
            limit_memory()
        sys.stdout.write(json.dumps({"import_seconds": round(time.perf_counter() - started, 3)}) + "\n")
        _fresh_session(modules)
        _run_jobs(jobs, modules, np)
        sys.stdout.write(json.dumps({"batch_done": True}) + "\n")
        sys.stdout.flush()
    return 0


def _flavour(job):
    return "torch" if job.get("framework") == "torch" else job.get("keras", 3)


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str, list)):
        return value
    return repr(value)


if __name__ == "__main__":
    raise SystemExit(serve() if sys.argv[1:] == ["--serve"] else main())
