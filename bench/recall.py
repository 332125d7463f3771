"""Recall on hold-out cases (bench/recall_cases.py): for each, is a finding reported on the
line marked ``# bug``, and is the fixed version clean?  Prints a line per case and the totals;
asserts nothing.

    python bench/recall.py [--confirm] [--target-keras 2|3] [--cases so|MODULE]
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shapelint.core.config import Config  # noqa: E402
from shapelint.linter import Linter  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--confirm", action="store_true", help="confirm on TensorFlow / PyTorch (slow)")
    parser.add_argument("--target-keras", type=int, default=3)
    parser.add_argument("--cases", default="recall_cases",
                        help="module of bench/ holding CASES ('so' = recall_cases_so)")
    args = parser.parse_args()
    module = {"so": "recall_cases_so"}.get(args.cases, args.cases)
    CASES = importlib.import_module(module).CASES
    linter = Linter(use_cache=False)
    config = Config(confirm=args.confirm, target_keras=args.target_keras)
    found = clean = 0
    for name, (bug, fixed) in CASES.items():
        bug = bug.lstrip("\n")
        lines = [n for n, line in enumerate(bug.splitlines(), 1) if line.rstrip().endswith("# bug")]
        diags = linter.lint_text(bug, f"{name}.py", config)
        if args.confirm:
            diags = linter.confirm(diags, config)
        on_line = [d for d in diags if d.start.line in lines and d.code not in ("SL001",)]
        after = [d for d in linter.lint_text(fixed.lstrip("\n"), f"{name}_fixed.py", config)
                 if d.code not in ("SL001",)]
        found += bool(on_line)
        clean += not after
        codes = ",".join(sorted({d.code for d in on_line})) or "-"
        extra = f"  FIXED VERSION: {', '.join(f'{d.code}@{d.start.line}' for d in after)}" if after else ""
        print(f"{'found ' if on_line else 'missed'} {codes:12} {name}{extra}")
    total = len(CASES)
    print(f"\nrecall: {found}/{total} bugs found on the fix's line ({100 * found / total:.0f} %); "
          f"fixed versions clean: {clean}/{total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
