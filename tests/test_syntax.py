"""The interpreter's tree helpers (``interp.syntax``): ``walk`` visits the nodes LibCST's own
``visit`` visits (in field order rather than source order), without rebuilding the tree;
``has_jump``."""
from pathlib import Path

import libcst as cst
import pytest

from shapelint.interp import syntax

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").rglob("*.py"))


class _LibcstOrder(cst.CSTVisitor):
    def __init__(self):
        self.seen = []

    def on_visit(self, node):
        self.seen.append(node)
        return not isinstance(node, cst.FunctionDef)  # children of a def skipped, as below


class _WalkOrder:
    def __init__(self):
        self.seen = []

    def __getattr__(self, name):
        if not name.startswith("visit_"):
            raise AttributeError(name)

        def record(node):
            self.seen.append(node)
            return False if isinstance(node, cst.FunctionDef) else None
        return record


@pytest.mark.parametrize("path", FIXTURES[::3], ids=lambda p: p.name)
def test_walk_visits_what_libcst_visits(path):
    try:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
    except cst.ParserSyntaxError:
        return
    expected, walked = _LibcstOrder(), _WalkOrder()
    module.visit(expected)
    syntax.walk(module, walked)
    assert len(walked.seen) == len(expected.seen) > 10
    # The same node objects: LibCST's visit hands over the originals (nothing changes).
    assert sorted(map(id, walked.seen)) == sorted(map(id, expected.seen))


def _loop(source: str) -> cst.For:
    return cst.parse_module(source).body[0]


@pytest.mark.parametrize("source, jumps", [
    ("for x in xs:\n    if x:\n        break\n", True),
    ("for x in xs:\n    while True:\n        continue\n", False),  # the inner loop's own
    ("for x in xs:\n    for y in ys:\n        pass\n    else:\n        break\n", True),  # the else's is ours
    ("for x in xs:\n    while x:\n        x -= 1\n    else:\n        continue\n", True),
    ("for x in xs:\n    def f():\n        for y in ys:\n            break\n", False),
    ("for x in xs:\n    y = [z for z in x]\n", False),
])
def test_has_jump(source, jumps):
    assert syntax.has_jump(_loop(source).body) is jumps
