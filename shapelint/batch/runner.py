"""Running the engine over many files: reading, the result cache, and a process pool.

Nothing here knows a rule: each file still goes through ``engine.lint_source`` exactly once,
in this process or in a pool worker.  The main process reads every file (for its content
hash), answers what it can from the cache and the prefilter, and only the remaining files
that mention a framework are parsed, in a pool when there is enough of them to pay for it.

Every file is isolated: whatever goes wrong while analysing one (an exception, a
RecursionError, a MemoryError, a pool worker that dies) is one SL003 diagnostic for that file,
and the other files' findings are kept.
"""
from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

from shapelint.batch.cache import ResultCache, content_hash, signature
from shapelint.confirm.probe import ProbeRef
from shapelint.core.config import Config
from shapelint.core.diagnostics import Diagnostic
from shapelint.core.files import decode_source, discover, read_source
from shapelint.core.notebook import read_limit
from shapelint.core.prefilter import mentions_framework
from shapelint.core.registry import all_rules


# The engine (LibCST, the interpreter, the rules) is imported on first use: a run the result
# cache answers whole never loads it (about 0.6 s of CPU).
def lint_file(text: str, path: str, config: Config) -> List[Diagnostic]:
    from shapelint.engine import lint_file as lint
    return lint(text, path, config)


def analysis_failed(path: str, reason, config: Config) -> List[Diagnostic]:
    from shapelint.engine import analysis_failed as failed
    return failed(path, reason, config)


def unreadable(path: str, problem: str, config: Config) -> List[Diagnostic]:
    from shapelint.engine import unreadable as skipped
    return skipped(path, problem, config)

# A pool costs a fork per worker and pickling each file's text and diagnostics, 20-30 ms on
# the 2-core development machine; on keras-hub files two workers broke even at about 16 files
# and 75 KB to parse (0.19 s either way) and won below 1 s from there on (32 files, 227 KB:
# 0.41 s against 0.75 s).  Below this, automatic -j stays in process.
POOL_MIN_FILES = 8
POOL_MIN_BYTES = 64_000

STDIN = "-"


@dataclass
class Job:
    path: str
    text: Optional[str] = None
    digest: Optional[str] = None
    diagnostics: Optional[List[Diagnostic]] = None
    error: Optional[str] = None
    stamp: Optional[List[int]] = None  # the file's ``stat`` signature (``batch.cache.signature``)


@dataclass
class RunResult:
    diagnostics: List[Diagnostic] = field(default_factory=list)
    errors: List[Tuple[str, str]] = field(default_factory=list)  # (path, what went wrong)
    files: int = 0
    parsed: int = 0  # files that went through the engine (not answered by cache or prefilter)
    cached: int = 0
    workers: int = 1


def auto_jobs() -> int:
    return os.cpu_count() or 1


def _lint_one(text: str, path: str, config: Config) -> Tuple[Optional[List[Diagnostic]], Optional[str]]:
    try:
        return lint_file(text, path, config), None
    except Exception as exc:  # noqa: BLE001 - one file's bug is one SL003, the run goes on
        return analysis_failed(path, exc, config), None


_worker_config: Optional[Config] = None


def _init_worker(config: Config) -> None:
    global _worker_config
    _worker_config = config


def _lint_in_worker(text: str, path: str):
    return _lint_one(text, path, _worker_config)


def _pool_context():
    import multiprocessing

    # fork shares the already imported engine and rules: a worker starts in milliseconds.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _run_pool(jobs: List[Job], config: Config, workers: int) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import shapelint.engine  # noqa: F401 - imported once, before forking
    all_rules()  # import every rule before forking
    order = sorted(jobs, key=lambda j: len(j.text), reverse=True)  # longest first: even finish
    broken = False
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                             initializer=_init_worker, initargs=(config,)) as pool:
        try:
            futures = [(job, pool.submit(_lint_in_worker, job.text, job.path)) for job in order]
            for job, future in futures:
                try:
                    job.diagnostics, job.error = future.result()
                except BrokenProcessPool:
                    broken = True  # a worker died: every unfinished file is run again below
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
                    job.diagnostics = analysis_failed(
                        job.path, f"the worker process failed: {type(exc).__name__}: {exc}", config)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    if broken:
        # Which file killed the worker is unknown: each unfinished one runs alone, in a process
        # of its own, so the one that kills it again costs only itself (SL003).
        for job in order:
            if job.diagnostics is None and job.error is None:
                job.diagnostics = _lint_isolated(job, config)


def _isolated_main(send, text: str, path: str, config: Config) -> None:
    result = _lint_one(text, path, config)
    try:
        send.send(result)
    except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled
        send.send((analysis_failed(path, f"cannot return the result: {type(exc).__name__}: {exc}",
                                   config), None))
    send.close()


def _lint_isolated(job: Job, config: Config) -> List[Diagnostic]:
    """Lint one file in a single-use process; a process that dies is SL003 for this file."""
    context = _pool_context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_isolated_main, args=(send, job.text, job.path, config))
    process.start()
    send.close()
    try:
        result = receive.recv()
    except (EOFError, OSError):
        result = None
    finally:
        receive.close()
        process.join()
    if result is not None:
        diagnostics, error = result
        return diagnostics if error is None else analysis_failed(job.path, error, config)
    code = process.exitcode
    why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    return analysis_failed(job.path, f"the process analysing it died ({why})", config)


def _stamp(path: Path, limit: int) -> Optional[List[int]]:
    """The signature of a regular file within ``limit`` bytes, else None (read it as usual)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        return None
    return signature(info)


def _answered(cached: List[Diagnostic], config: Config, verdicts):
    """``(cached, verdicts)``, ``cached`` None when a finding's verdict is not known: a
    cached finding's program is not cached, so the file is linted again to rebuild it."""
    if config.confirm and any(isinstance(d.probe, ProbeRef) for d in cached):
        from shapelint.confirm.run import VerdictCache, answerable, usable_cache_dir

        verdicts = verdicts or VerdictCache(usable_cache_dir())
        if not answerable((d.probe for d in cached), verdicts):
            return None, verdicts
    return cached, verdicts


def choose_workers(jobs: Sequence[Job], requested: Optional[int]) -> int:
    """1 (in process) unless more than one worker is asked for and there is enough to parse."""
    workers = auto_jobs() if requested is None or requested <= 0 else requested
    workers = min(workers, len(jobs))
    if workers <= 1:
        return 1
    if requested is None and (len(jobs) < POOL_MIN_FILES
                              or sum(len(j.text) for j in jobs) < POOL_MIN_BYTES):
        return 1
    return workers


def lint_paths(paths: Sequence[Path], config: Config, *, jobs: Optional[int] = None,
               use_cache: bool = True, stdin_name: Optional[str] = None,
               read_stdin: Optional[Callable[[], bytes]] = None) -> RunResult:
    """Lint files and folders (``-`` is standard input, reported as ``stdin_name``).

    ``jobs``: None is automatic (one worker per CPU when there is enough to parse), 1 is this
    process, N is N workers.  ``use_cache=False`` reads and writes no cache at all."""
    result = RunResult()
    cache = ResultCache(config, enabled=use_cache)
    verdicts = None
    pending: List[Job] = []
    ordered: List[Job] = []
    sources = [(None, None)] if any(str(p) == STDIN for p in paths) else []
    sources += discover([p for p in paths if str(p) != STDIN], config)
    for path, problem in sources:
        stamp = None
        if path is None:
            name = stdin_name or STDIN
            data = read_stdin() if read_stdin is not None \
                else sys.stdin.buffer.read(config.max_file_size + 1)
            if len(data) > config.max_file_size:
                text, problem = None, (f"file skipped: standard input is over max-file-size "
                                       f"({config.max_file_size:,} bytes)")
            else:
                text, problem = decode_source(data)
        else:
            name = str(path)
            # A notebook's outputs are not linted: max-file-size applies to its code cells.
            limit = read_limit(name, config.max_file_size)
            if not problem and cache.path is not None:
                # Unchanged since it was linted (size, time, mode, inode): not even read.
                stamp = _stamp(path, limit)
                cached = cache.unchanged(name, stamp)
                if cached is not None:
                    cached, verdicts = _answered(cached, config, verdicts)
                if cached is not None:
                    ordered.append(Job(name, diagnostics=cached))
                    result.cached += 1
                    continue
            text, problem = (None, problem) if problem else read_source(path, limit)
        job = Job(name)
        ordered.append(job)
        if text is None:
            job.diagnostics = unreadable(name, problem, config)
            continue
        job.digest = content_hash(text) if cache.path is not None else ""
        if not mentions_framework(text):
            job.diagnostics = []
            cache.put(name, job.digest, [], stamp)
            continue
        job.text, job.stamp = text, stamp
        cached = cache.get(name, job.digest)
        if cached is not None:
            cached, verdicts = _answered(cached, config, verdicts)
        if cached is not None:
            job.diagnostics = cached
            cache.put(name, job.digest, cached, stamp)  # the signature, if it changed
            result.cached += 1
            continue
        pending.append(job)
    result.files = len(ordered)
    result.parsed = len(pending)
    result.workers = choose_workers(pending, jobs)
    if result.workers > 1:
        _run_pool(pending, config, result.workers)
    else:
        for job in pending:
            job.diagnostics, job.error = _lint_one(job.text, job.path, config)
    for job in pending:
        # SL003 is not kept: a failure (a dead worker, memory) may not happen again.
        if job.error is None and not any(d.code == "SL003" for d in job.diagnostics):
            cache.put(job.path, job.digest, job.diagnostics, job.stamp)
        job.text = None
    cache.save()
    for job in ordered:
        if job.error is not None:
            result.errors.append((job.path, job.error))
        else:
            result.diagnostics.extend(job.diagnostics)
    return result
