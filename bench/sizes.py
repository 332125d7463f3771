"""Time and peak memory of shapelint on one large file, beside flake8 without shapelint's plugin.

    python bench/sizes.py [FILE ...] [--repeat N]

Default files: generated here, ``gen_0.1.py`` ... ``gen_2.py``: realistic Keras code of 0.1,
0.5, 1 and 2 MB (model-building functions and plain helpers, repeated).  Each file is copied
into a temporary folder whose pyproject.toml raises ``max-file-size`` to 3,000,000 bytes (2 MB is over the default), then
``shapelint --no-cache --no-confirm FILE`` and flake8 (``benchmark.FLAKE8_ALONE``, its default
checks, no shapelint) run on it as subprocesses; the table gives the wall time (best of N)
and the peak resident memory of the process (``wait4``'s ``ru_maxrss``), and each tool's
microseconds per line.  With ``--no-select`` shapelint also runs with the selection off
(``SHAPELINT_NO_SELECT=1``), to show what the selection saves.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import FLAKE8_ALONE  # noqa: E402

SIZES = (0.1, 0.5, 1, 2)
BLOCK = '''
def build_model_{i}(units={i} % 7 + 4):
    model = Sequential()
    model.add(LSTM(units, input_shape=(10, 3), return_sequences=True))
    model.add(LSTM(units))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model


def helper_{i}(rows):
    total = 0
    for row in rows:
        if row and row[0] > {i}:
            total += len(row) * 2
    return {{"total": total, "name": "helper_{i}", "rows": [r for r in rows if r]}}

'''
HEAD = "import numpy as np\nfrom keras.models import Sequential\nfrom keras.layers import LSTM, Dense\n"


def generate(folder: Path):
    """The default files: a Keras module grown block by block to each size."""
    paths = []
    for megabytes in SIZES:
        parts, size, i = [HEAD], len(HEAD), 0
        while size < megabytes * 1e6:
            block = BLOCK.format(i=i)
            parts.append(block)
            size += len(block)
            i += 1
        path = folder / f"gen_{megabytes}.py"
        path.write_text("".join(parts))
        paths.append(path)
    return paths


def run(cmd, cwd, env=None):
    """(wall seconds, peak RSS in MB) of one subprocess."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = 0
    return wall, usage.ru_maxrss / 1024


def best(cmd, cwd, repeat, env=None):
    results = [run(cmd, cwd, env) for _ in range(repeat)]
    return min(r[0] for r in results), max(r[1] for r in results)


def main(argv) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-select", action="store_true", help="also run shapelint with the selection off")
    args = parser.parse_args(argv[1:])
    shapelint = [sys.executable, "-m", "shapelint", "--no-cache", "--no-confirm", "--exit-zero"]
    flake8 = [sys.executable, "-c", FLAKE8_ALONE, "--exit-zero", "--isolated"]
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    header = f"{'file':14} {'MB':>5} {'lines':>7} | {'shapelint s':>11} {'MB RSS':>7} {'us/line':>7} |"
    if args.no_select:
        header += f" {'no-select s':>11} {'MB RSS':>7} |"
    header += f" {'flake8 s':>8} {'MB RSS':>7} {'us/line':>7} | {'ratio':>5}"
    print(header)
    generated = Path(tempfile.mkdtemp(prefix="shapelint-sizes-"))
    for name in args.files or generate(generated):
        source = Path(name)
        if not source.is_file():
            print(f"{name}: missing")
            continue
        folder = Path(tempfile.mkdtemp(prefix="shapelint-size-"))
        try:
            target = folder / source.name
            shutil.copyfile(source, target)
            (folder / "pyproject.toml").write_text("[tool.shapelint]\nmax-file-size = 3000000\n")
            lines = target.read_text(encoding="utf-8").count("\n")
            env = {**os.environ, "SHAPELINT_CACHE_DIR": str(folder / "cache")}
            sl = best(shapelint + [str(target)], folder, args.repeat, env)
            row = (f"{source.name:14} {target.stat().st_size / 1e6:5.2f} {lines:7} | {sl[0]:11.2f} {sl[1]:7.0f} "
                   f"{sl[0] / lines * 1e6:7.1f} |")
            if args.no_select:
                off = best(shapelint + [str(target)], folder, args.repeat, {**env, "SHAPELINT_NO_SELECT": "1"})
                row += f" {off[0]:11.2f} {off[1]:7.0f} |"
            f8 = best(flake8 + [str(target)], folder, args.repeat)
            row += f" {f8[0]:8.2f} {f8[1]:7.0f} {f8[0] / lines * 1e6:7.1f} | {sl[0] / f8[0]:5.2f}"
            print(row, flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(generated, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(sys.argv)
