"""Benchmark of confirmation on the shipped fixtures.  Prints figures; asserts nothing.

    python bench/benchmark_confirm.py

Reports the one-time cost of importing Keras/TensorFlow in the worker, the cost of each
confirmed model, and the wall time of `shapelint fixtures/` cold (empty verdict cache),
warm (unchanged second run: no TensorFlow import at all) and without confirmation.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    from shapelint.confirm.run import run_worker
    from shapelint.engine import lint_source
    from shapelint.frameworks.keras.synthesize import Probe
    from shapelint.testing import config_for

    diagnostics = []
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        source = path.read_text()
        diagnostics += lint_source(source, str(path), config_for(source))
    probes = {d.probe.key: d.probe for d in diagnostics if isinstance(d.probe, Probe)}
    jobs = [{"id": i, "program": p.program, "keras": p.keras} for i, p in enumerate(probes.values())]
    for flavour in (3, 2):
        subset = [j for j in jobs if j["keras"] == flavour]
        if not subset:
            continue
        start = time.perf_counter()
        results, failure = run_worker(subset, timeout=600)
        total = time.perf_counter() - start
        per_job = [r["seconds"] for k, r in results.items() if k != "import_seconds"]
        name = "Keras 3 (tf.keras)" if flavour == 3 else "Keras 2 (tf_keras)"
        print(f"{name}: {len(subset)} distinct programs, worker wall time {total:.2f} s"
              f"{'' if failure is None else ' (' + failure + ')'}")
        print(f"  import in the worker        {results.get('import_seconds', float('nan')):6.2f} s")
        print(f"  per model: median {statistics.median(per_job) * 1000:6.0f} ms, "
              f"mean {statistics.mean(per_job) * 1000:6.0f} ms, max {max(per_job) * 1000:6.0f} ms")

    cmd = [sys.executable, "-m", "shapelint", "--exit-zero", "fixtures/"]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, SHAPELINT_CACHE_DIR=cache)
        cold = wall(cmd, env)
        warm = wall(cmd, env)
        off = wall(cmd + ["--no-confirm"], env)
    print(f"\nshapelint fixtures/ ({len(diagnostics)} findings, {len(probes)} distinct programs):")
    print(f"  cold, empty verdict cache   {cold:6.2f} s")
    print(f"  unchanged second run        {warm:6.2f} s")
    print(f"  --no-confirm                {off:6.2f} s")


if __name__ == "__main__":
    main()
