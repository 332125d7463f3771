"""The shipped fixtures: real-looking user programs with `# expect:` markers."""
from pathlib import Path

import pytest

from shapelint.testing import expected, reported

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))


def test_fixtures_exist():
    bad = [f for f in FILES if expected(f.read_text())]
    clean = [f for f in FILES if not expected(f.read_text())]
    assert len(bad) >= 10 and len(clean) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture(path):
    source = path.read_text(encoding="utf-8")
    assert reported(source, str(path)) == expected(source)


def test_every_rule_has_a_failing_fixture():
    from shapelint.core.registry import all_rules

    seen = set()
    for path in FILES:
        seen |= {code for _, code in expected(path.read_text())}
    wanted = {r.code for r in all_rules() if r.check is not None}
    assert wanted <= seen, wanted - seen


# Failing fixtures without a clean look-alike next to them, and why.
NO_TWIN = {
    "keras/syntax_error.py": "a parse error: with the comma put back it is just a valid model, no look-alike",
    "training/mnist_mistakes.py": "its clean look-alikes are in the file itself (the reshaped fit calls)",
}


def _twins(path):
    """The ``*_ok.py`` files in the same folder whose name shares this one's stem
    (``binary_classifier_softmax.py`` and ``binary_classifier_ok.py``)."""
    stem = path.stem
    return [ok for ok in path.parent.glob("*_ok.py")
            if (stem + "_").startswith(ok.stem[:-2]) or ok.stem.startswith(stem + "_")]


def test_every_failing_fixture_has_a_clean_twin():
    failing = [f for f in FILES if expected(f.read_text(encoding="utf-8"))]
    names = {f.relative_to(FIXTURES).as_posix(): f for f in failing}
    assert set(NO_TWIN) <= set(names), "an exception names a fixture that is gone or no longer fails"
    missing = [name for name, f in names.items() if name not in NO_TWIN and not _twins(f)]
    assert not missing, f"add a clean look-alike <name>_ok.py next to each of {missing}"
    unneeded = [name for name in NO_TWIN if _twins(names[name])]
    assert not unneeded, f"these have a twin now; drop them from NO_TWIN: {unneeded}"


@pytest.mark.parametrize("path", [f for f in FILES if f.name.endswith("_ok.py")],
                         ids=lambda p: str(p.relative_to(FIXTURES)))
def test_clean_twin_reports_nothing(path):
    source = path.read_text(encoding="utf-8")
    assert not expected(source), "an _ok.py fixture carries no # expect: marker"
    assert reported(source, str(path)) == set()
