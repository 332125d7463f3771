"""Benchmark: shapelint against flake8 on the same files, in one run.  Prints figures; asserts nothing.

    python tests/benchmark.py [CORPUS_DIR]

Without a directory it downloads the keras-hub 0.32.0 wheel (pip download --no-deps) and
unpacks it into a temporary folder.  Reports, for the corpus's .py files:
  * end to end: `shapelint DIR` and `flake8 -j1 DIR` (both one process) and `flake8 DIR`;
  * where shapelint's time goes, in process: read+prefilter, LibCST parse, extraction and
    rules, and for reference LibCST parse + full qualified-name metadata.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def corpus_dir(argv) -> Path:
    if len(argv) > 1:
        return Path(argv[1])
    tmp = Path(tempfile.mkdtemp(prefix="shapelint-bench-"))
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(tmp),
                    "keras-hub==0.32.0"], check=True)
    wheel = next(tmp.glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(tmp / "src")
    return tmp / "src"


def timed(cmd) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def best_of(n, fn):
    return min(fn() for _ in range(n))


def main(argv) -> None:
    root = corpus_dir(argv)
    files = sorted(p for p in root.rglob("*.py") if p.is_file())
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    lines = sum(t.count("\n") for t in texts)
    print(f"corpus: {root}\n  {len(files)} files, {lines:,} lines")

    def rate(seconds):
        return f"{seconds:7.2f} s  {len(files) / seconds:8.0f} files/s  {lines / seconds / 1000:7.1f} klines/s"

    runs = [
        ("shapelint (1 process)", [sys.executable, "-m", "shapelint", "--exit-zero", str(root)]),
        ("flake8 -j1", [sys.executable, "-m", "flake8", "-j1", "--exit-zero", str(root)]),
        ("flake8 (default jobs)", [sys.executable, "-m", "flake8", "--exit-zero", str(root)]),
    ]
    print("\nend to end, best of 3 (interpreter start-up included):")
    for label, cmd in runs:
        print(f"  {label:24} {rate(best_of(3, lambda: timed(cmd)))}")

    import libcst as cst
    from libcst.metadata import MetadataWrapper, QualifiedNameProvider

    from shapelint.config import Config
    from shapelint.engine import analyse, lint_source, mentions_framework

    config = Config()
    start = time.perf_counter()
    candidates = [t for t in texts if mentions_framework(t)]
    prefilter = time.perf_counter() - start
    # One file at a time, as the CLI does: keeping every tree alive would make the garbage
    # collector's passes, not shapelint, dominate the figures.
    parse = extract = qualified = 0.0
    for index, text in enumerate(candidates):
        start = time.perf_counter()
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError:
            continue
        parse += time.perf_counter() - start
        start = time.perf_counter()
        analyse(module, config, text)
        extract += time.perf_counter() - start
        if index % 4 == 0:
            start = time.perf_counter()
            MetadataWrapper(module, unsafe_skip_copy=True).resolve(QualifiedNameProvider)
            qualified += (time.perf_counter() - start) * 4
        del module
    start = time.perf_counter()
    findings = sum(len(lint_source(t, "x.py", config)) for t in texts)
    total = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        try:
            cst.parse_module(text)
        except cst.ParserSyntaxError:
            pass
    parse_all = time.perf_counter() - start

    print(f"\nin process ({len(candidates)} of {len(files)} files mention keras/tensorflow):")
    print(f"  prefilter (text search)       {prefilter:7.3f} s")
    print(f"  LibCST parse of those         {parse:7.3f} s")
    print(f"  extraction + propagation      {extract:7.3f} s")
    print(f"  whole engine (all stages)     {total:7.3f} s   {findings} findings")
    print(f"  for reference: parse ALL files {parse_all:7.3f} s;"
          f" QualifiedNameProvider would add ~{qualified:7.3f} s (extrapolated from a quarter)")


if __name__ == "__main__":
    main(sys.argv)
