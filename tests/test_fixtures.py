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
