"""The selection (``shapelint.core.select``) on real code: every file linted with and without
it, the findings compared (code, position, message, related, fix), and how much is kept.

    python bench/select_equivalence.py [FOLDER ...]

Without folders: the corpora of the README (keras-hub, timm, torchvision under /work/corpus)
and Keras's own sources (``keras/src`` of the installed package).  Prints one row per corpus:
files, files the selection applies to, top-level statements kept (of the files that mention a
framework), the findings, whether every file's findings are identical, and the time of each way.  Exits 1 on a
difference (and names the file).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from shapelint.core.config import Config
from shapelint.core.select import selection
from shapelint.engine import lint_source, mentions_framework

DEFAULT = ["/work/corpus/keras_hub-0.32.0-py3-none-any", "/work/corpus/timm-1.0.31-py3-none-any",
           "/work/corpus/torchvision-0.29.1-cp311-cp311-manylinux_2_28_x86_64"]


def keras_src() -> str:
    """Found, not imported: importing Keras loads TensorFlow, whose heap the garbage collector
    would then walk on every LibCST parse (the timings would measure that)."""
    import importlib.util
    spec = importlib.util.find_spec("keras")
    folder = list(spec.submodule_search_locations or [])[0] if spec is not None else ""
    return os.path.join(folder, "src")


def signature(diagnostics):
    return [(d.code, d.start, d.end, d.message, d.related, repr(d.fix), d.args) for d in diagnostics]


def compare(folder: str):
    config = Config(confirm=False)
    paths = sorted(p for p in Path(folder).rglob("*.py") if p.is_file())
    files = selected = kept = total = findings = 0
    differ = []
    seconds = {"whole": 0.0, "selected": 0.0}
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        files += 1
        if not mentions_framework(text):
            continue
        os.environ["SHAPELINT_NO_SELECT"] = "1"
        start = time.perf_counter()
        whole = lint_source(text, str(path), config)
        seconds["whole"] += time.perf_counter() - start
        os.environ["SHAPELINT_NO_SELECT"] = "0"
        start = time.perf_counter()
        chosen = lint_source(text, str(path), config)
        seconds["selected"] += time.perf_counter() - start
        result = selection(text)
        findings += len(whole)
        if result is None:
            import ast
            try:
                statements = len(ast.parse(text).body)
            except (SyntaxError, ValueError):
                statements = 0
            kept += statements
            total += statements
        else:
            selected += 1
            kept += result[1]
            total += result[2]
        if signature(whole) != signature(chosen):
            differ.append(str(path))
    return files, selected, kept, total, findings, differ, seconds


def main(argv) -> int:
    folders = argv[1:] or DEFAULT + [keras_src()]
    print(f"{'corpus':42} {'files':>6} {'selected':>8} {'stmts kept':>11} {'findings':>8} {'identical':>9} "
          f"{'whole s':>8} {'select s':>8}")
    bad = 0
    for folder in folders:
        if not os.path.isdir(folder):
            print(f"{folder}: missing")
            continue
        files, selected, kept, total, findings, differ, seconds = compare(folder)
        name = Path(folder).name if Path(folder).name != "src" else "keras/src"
        share = f"{100 * kept / total:.1f} %" if total else "-"
        print(f"{name[:42]:42} {files:6} {selected:8} {share:>11} {findings:8} {'yes' if not differ else 'NO':>9} "
              f"{seconds['whole']:8.2f} {seconds['selected']:8.2f}")
        for path in differ:
            print(f"  differs: {path}")
        bad += len(differ)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
