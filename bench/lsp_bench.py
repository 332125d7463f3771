"""The language server as an editor sees it: a scripted LSP client over stdio.
Prints figures; asserts nothing.

    python bench/lsp_bench.py [FILE ...] [--edits N] [--no-confirm]

For each file (by default the 1,841-line ``d_fine_layers.py`` of the keras-hub 0.32.0 wheel,
downloaded like bench/benchmark.py does, and a 50-line Keras script) with a buggy model
appended so that there is something to report: open -> first diagnostics, then N full-text
edits (default 5, each changing the model's units so that its verdict is a new program to
run, never a cached one) each timed until the diagnostics of that version arrive (median,
min, max), and, with confirmation on, open -> first verdict ("confirmed by ...") and edit -> verdict of
that version (the warm worker's figures).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from shapelint.testing import ServerProcess

BUG = """
import keras as _k
_m = _k.Sequential([_k.Input(shape=(10, 8)), _k.layers.LSTM(32), _k.layers.LSTM(16)])

"""
SMALL = "\n".join([
    "import numpy as np",
    "from keras.models import Sequential",
    "from keras.layers import LSTM, Dense, Dropout",
    "",
    "",
    "def windows(series, size):",
    "    X, y = [], []",
    "    for i in range(len(series) - size):",
    "        X.append(series[i:i + size])",
    "        y.append(series[i + size])",
    "    return np.array(X), np.array(y)",
    "",
    "",
] + [f"setting_{i} = {i}  # a line of configuration" for i in range(25)] + [
    "",
    "model = Sequential()",
    "model.add(LSTM(64, input_shape=(30, 1), return_sequences=True))",
    "model.add(Dropout(0.2))",
    "model.add(LSTM(32))",
    "model.add(Dense(1))",
    "model.compile(loss='mse', optimizer='adam')",
    "",
]) + "\n"


def Client(confirm: bool, cache_dir: str) -> ServerProcess:
    """The server with an empty result and verdict cache (every verdict is a program run,
    none remembered), initialized."""
    server = ServerProcess({**os.environ, "SHAPELINT_CACHE_DIR": cache_dir})
    server.initialize({"confirm": confirm})
    return server


def _diagnostics(uri, version=None, verdict=False):
    def match(message):
        if message.get("method") != "textDocument/publishDiagnostics" or message["params"]["uri"] != uri:
            return False
        params = message["params"]
        if version is not None and params.get("version") not in (version, None):
            return False
        if not params["diagnostics"]:
            return False
        return not verdict or any("confirmed by" in d.get("message", "") for d in params["diagnostics"])
    return match


def measure(path: Path, edits: int = 5, confirm: bool = True) -> dict:
    text = path.read_text(encoding="utf-8") + BUG
    uri = "file://" + str(path.resolve()) + ".bench.py"
    cache = tempfile.mkdtemp(prefix="shapelint-lsp-bench-")
    client = Client(confirm, cache)
    result: dict = {"lines": text.count("\n")}
    try:
        started = time.perf_counter()
        client.open(uri, text)
        if client.wait(_diagnostics(uri, 1), 120):
            result["open_ms"] = (time.perf_counter() - started) * 1000
        if confirm and client.wait(_diagnostics(uri, 1, verdict=True), 180):
            result["open_verdict_ms"] = (time.perf_counter() - started) * 1000
        times, verdicts = [], []
        for version in range(2, edits + 2):
            # Each edit changes the model (a new program to confirm, not a cached verdict).
            text = text.replace(f"LSTM({30 + version})", f"LSTM({31 + version})")
            started = time.perf_counter()
            client.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}})
            if client.wait(_diagnostics(uri, version), 60):
                times.append((time.perf_counter() - started) * 1000)
            if confirm and client.wait(_diagnostics(uri, version, verdict=True), 120):
                verdicts.append((time.perf_counter() - started) * 1000)
        result["edit_ms"] = times
        result["edit_verdict_ms"] = verdicts
    finally:
        client.close()
        shutil.rmtree(cache, ignore_errors=True)
    return result


def _spread(values) -> str:
    if not values:
        return "none"
    return f"{statistics.median(values):.0f} ({min(values):.0f}..{max(values):.0f})"


def default_files(workdir: Path):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from benchmark import corpus_dir  # noqa: E402 - the keras-hub wheel, as bench/benchmark.py finds it

    big = next(corpus_dir(None).rglob("d_fine_layers.py"))
    small = workdir / "forecast.py"
    small.write_text(SMALL)
    return [big, small]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--no-confirm", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        files = args.files or default_files(Path(work))
        print(f"language server, {args.edits} full-text edits per file; load average {os.getloadavg()[0]:.2f}")
        print(f"  {'file':28} {'lines':>6} {'open ms':>8} {'edit -> diagnostics ms':>26} "
              f"{'open -> verdict ms':>19} {'edit -> verdict ms':>24}")
        for path in files:
            found = measure(path, args.edits, confirm=not args.no_confirm)
            opened = found.get("open_verdict_ms")
            print(f"  {path.name[:28]:28} {found['lines']:6} {found.get('open_ms', 0):8.0f} "
                  f"{_spread(found['edit_ms']):>26} {(f'{opened:.0f}' if opened else '-'):>19} "
                  f"{_spread(found['edit_verdict_ms']):>24}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
