"""Benchmark: shapelint (cold, warm, -j1, -j auto) against flake8 on the same files, in one run.
Prints figures; asserts nothing.

    python bench/benchmark.py [CORPUS_DIR] [--repeat N] [--stages]

Without a directory it downloads the keras-hub 0.32.0 wheel (pip download --no-deps) and
unpacks it into a temporary folder: Keras models (and some PyTorch-backend code).  End to end,
best of N (default 3), interpreter start-up included, on the corpus's .py files:
  * shapelint cold: an empty result cache, automatic jobs; warm: the same again, cache hits;
  * shapelint -j1 and -j auto without the cache (one process against the pool);
  * flake8 with its default jobs and flake8 -j1 (without shapelint's plugin), and flake8 with
    the plugin (default jobs);
  * the parse share: LibCST's parse against the whole engine, with and without the selection
    of the statements that can matter (``shapelint.core.select``), in process;
  * issue 14's figures: cold shapelint / plain flake8, the warm re-run (the language server's
    figures come from its own benchmark).
Every shapelint run is --no-confirm: this measures the linter, not TensorFlow (see
bench/benchmark_confirm.py).  --stages adds where shapelint's time goes, in process.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CORPUS = "keras-hub==0.32.0"
# flake8 as it is without shapelint: its plugin finder, minus shapelint's entry point.
FLAKE8_ALONE = (
    "import sys, flake8.plugins.finder as finder\n"
    "found = finder._find_importlib_plugins\n"
    "finder._find_importlib_plugins = lambda: (p for p in found() if p.package != 'shapelint')\n"
    "from flake8.main.cli import main\n"
    "sys.exit(main())\n"
)


def corpus_dir(given) -> Path:
    if given:
        return Path(given)
    tmp = Path(tempfile.mkdtemp(prefix="shapelint-bench-"))
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(tmp),
                    CORPUS], check=True)
    wheel = next(tmp.glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(tmp / "src")
    return tmp / "src"


def timed(cmd, env=None):
    """(wall seconds, CPU seconds of the process and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compile_shapelint() -> None:
    """Byte-compile shapelint as ``pip install`` does: a checkout run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run (0.1 s)."""
    import compileall

    import shapelint
    import shapelint.rules

    for folder in [*shapelint.__path__, *shapelint.rules.__path__]:
        compileall.compile_dir(folder, quiet=1)


def end_to_end(root: Path, files: int, lines: int, repeat: int) -> None:
    shapelint = [sys.executable, "-m", "shapelint", "--exit-zero", "--no-confirm"]
    flake8 = [sys.executable, "-c", FLAKE8_ALONE, "--exit-zero", "--isolated"]
    flake8_sl = [sys.executable, "-m", "flake8", "--exit-zero", "--isolated"]
    cache_root = Path(tempfile.mkdtemp(prefix="shapelint-bench-cache-"))

    def env_with(cache: Path):
        return {**os.environ, "SHAPELINT_CACHE_DIR": str(cache)}

    labels = ["shapelint cold (-j auto)", "shapelint warm (cache hits)", "shapelint -j1 --no-cache",
              "shapelint -j auto --no-cache", "flake8 (default jobs)", "flake8 -j1",
              "flake8 + shapelint plugin"]
    times = {label: [] for label in labels}
    # Round robin: a burst of load from other processes hits one round, not one configuration.
    for attempt in range(repeat):
        cache = cache_root / f"run{attempt}"  # empty: the first run is cold, the second warm
        commands = [
            (shapelint + [str(root)], cache), (shapelint + [str(root)], cache),
            (shapelint + ["-j1", "--no-cache", str(root)], cache_root / "unused"),
            (shapelint + ["--no-cache", str(root)], cache_root / "unused"),
            (flake8 + [str(root)], None), (flake8 + ["-j1", str(root)], None), (flake8_sl + [str(root)], None),
        ]
        for label, (cmd, folder) in zip(labels, commands):
            times[label].append(timed(cmd, env_with(folder or cache_root / "unused")))
    rows = [(label, min(times[label])) for label in labels]
    shutil.rmtree(cache_root, ignore_errors=True)
    print(f"\nend to end, best of {repeat} (interpreter start-up included; {os.cpu_count()} CPUs):")
    print(f"  {'':30} {'seconds':>8} {'files/s':>9} {'klines/s':>9} {'CPU s':>8}")
    for label, (seconds, cpu) in rows:
        print(f"  {label:30} {seconds:8.2f} {files / seconds:9.0f} {lines / seconds / 1000:9.1f} {cpu:8.2f}")
    return dict(rows)


def parse_share(texts) -> None:
    """Where the engine's time goes with and without the selection (``core.select``): the
    LibCST parse against the whole engine, in process, one file at a time."""
    import libcst as cst

    from shapelint.core.config import Config
    from shapelint.core.select import selection
    from shapelint.engine import lint_source, mentions_framework

    config = Config(confirm=False)
    candidates = [t for t in texts if mentions_framework(t)]
    figures = {}
    for label, select in (("whole text", False), ("selection", True)):
        os.environ["SHAPELINT_NO_SELECT"] = "0" if select else "1"
        parse = choose = 0.0
        for text in candidates:
            start = time.perf_counter()
            chosen = selection(text) if select else None
            choose += time.perf_counter() - start
            start = time.perf_counter()
            try:
                cst.parse_module(chosen[0] if chosen is not None else text)
            except Exception:  # noqa: BLE001 - a syntax error: its parse time counts all the same
                pass
            parse += time.perf_counter() - start
        start = time.perf_counter()
        for text in candidates:
            lint_source(text, "x.py", config)
        figures[label] = (parse, choose, time.perf_counter() - start)
    os.environ.pop("SHAPELINT_NO_SELECT", None)
    print(f"\nparse share, in process ({len(candidates)} files mention a framework):")
    print(f"  {'':12} {'LibCST parse s':>14} {'ast selection s':>15} {'engine s':>9} {'parse share':>11}")
    for label, (parse, choose, total) in figures.items():
        print(f"  {label:12} {parse:14.2f} {choose:15.2f} {total:9.2f} {100 * parse / total:10.0f} %")


def stages(texts) -> None:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, QualifiedNameProvider

    from shapelint.core.config import Config
    from shapelint.engine import analyse, lint_source, mentions_framework

    config = Config(confirm=False)
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
    print(f"\nin one process ({len(candidates)} of {len(texts)} files mention a framework):")
    print(f"  prefilter (text search)       {prefilter:7.3f} s")
    print(f"  LibCST parse of those         {parse:7.3f} s")
    print(f"  extraction + propagation      {extract:7.3f} s")
    print(f"  whole engine (all stages)     {total:7.3f} s   {findings} findings")
    print(f"  for reference: QualifiedNameProvider would add ~{qualified:7.3f} s (extrapolated from a quarter)")


def main(argv) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help=f"a folder of .py files (default: the {CORPUS} wheel)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (the best counts)")
    parser.add_argument("--stages", action="store_true", help="also time shapelint's stages in process")
    args = parser.parse_args(argv[1:])
    root = corpus_dir(args.corpus)
    paths = sorted(p for p in root.rglob("*.py") if p.is_file())
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    lines = sum(t.count("\n") for t in texts)
    torch = sum("import torch" in t for t in texts)
    source = args.corpus or f"{CORPUS} (wheel)"
    print(f"corpus: {source} at {root}\n  {len(paths)} .py files, {lines:,} lines; "
          f"{sum('keras' in t for t in texts)} mention keras, {torch} import torch")
    print(f"  load average before: {os.getloadavg()[0]:.2f} (other processes share the CPUs)")
    compile_shapelint()
    rows = end_to_end(root, len(paths), lines, args.repeat)
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    parse_share(texts)
    if args.stages:
        stages(texts)
    cold, warm = rows["shapelint cold (-j auto)"][0], rows["shapelint warm (cache hits)"][0]
    flake8 = rows["flake8 (default jobs)"][0]
    print("\nissue 14's figures (same machine, this run):")
    print(f"  {'measure':58} {'shapelint':>10} {'flake8':>8} {'aim':>8}")
    print(f"  {'cold, shapelint / plain flake8 (ratio)':58} {cold / flake8:10.2f} {'1':>8} {'<= 0.5':>8}")
    print(f"  {'cold seconds':58} {cold:10.2f} {flake8:8.2f}")
    print(f"  {'unchanged re-run (warm cache), seconds':58} {warm:10.2f} {'-':>8} {'<= 0.3':>8}")
    # The editor's figures: bench/lsp_bench.py's scripted client, without confirmation.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import lsp_bench  # noqa: E402

    big = next(root.rglob("d_fine_layers.py"), None)
    with tempfile.TemporaryDirectory() as work:
        small = Path(work) / "forecast.py"
        small.write_text(lsp_bench.SMALL)
        for label, path, aim in (("language server, full-text edit -> diagnostics (1,800 lines), ms", big, "<= 200"),
                                 ("language server, same, 50-line file, ms", small, "<= 150")):
            if path is None:
                print(f"  {label:58} {'(no d_fine_layers.py in this corpus)':>10}")
                continue
            edits = lsp_bench.measure(path, 5, confirm=False)["edit_ms"]
            shown = f"{statistics.median(edits):.0f}" if edits else "none"
            print(f"  {label:58} {shown:>10} {'-':>8} {aim:>8}")


if __name__ == "__main__":
    main(sys.argv)
