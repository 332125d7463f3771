"""Golden snapshots: every fixture's findings in full (position, code, message, related
locations, quick fixes), so that a reworded message or a lost fix is a reviewed diff.

After an intended change, rewrite them and review the diff:

    SHAPELINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py
"""
import difflib
import os
from pathlib import Path

import pytest

from shapelint.engine import lint_source
from shapelint.frontends.fixes import fixes_for
from shapelint.testing import config_for

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
FILES = sorted(FIXTURES.rglob("*.py"))
UPDATE = os.environ.get("SHAPELINT_UPDATE_SNAPSHOTS") == "1"


def span(start, end) -> str:
    return f"{start.line}:{start.column}-{end.line}:{end.column}"


def render(source: str, path: str) -> str:
    """What a user is shown for one file: the only code to re-point when the engine changes."""
    config = config_for(source, confirm=False)
    lines = []
    for diag in lint_source(source, path, config):
        lines.append(f"{span(diag.start, diag.end)} {diag.code} {diag.message}")
        for rel in diag.related:
            where = span(rel.start, rel.end) if rel.path == path else f"{rel.path}:{span(rel.start, rel.end)}"
            lines.append(f"    related {where} {rel.message}")
        for fix in fixes_for(source, diag, config):
            lines.append(f"    {'preferred fix' if fix.preferred else 'fix'} [{fix.code}, {fix.safety}] {fix.title}")
            lines += [f"        {span(e.start, e.end)} -> {e.new_text!r}" for e in fix.edits]
    return "\n".join(lines or ["no findings"]) + "\n"


def snapshot_of(fixture: Path) -> Path:
    return SNAPSHOTS / fixture.relative_to(FIXTURES).with_suffix(".txt")


@pytest.mark.parametrize("fixture", FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_snapshot(fixture):
    actual = render(fixture.read_text(encoding="utf-8"), fixture.relative_to(ROOT).as_posix())
    snapshot = snapshot_of(fixture)
    if UPDATE:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(actual, encoding="utf-8")
        return
    if not snapshot.exists():
        pytest.fail(f"no snapshot {snapshot.relative_to(ROOT)}: run with SHAPELINT_UPDATE_SNAPSHOTS=1 "
                    "and review it", pytrace=False)
    wanted = snapshot.read_text(encoding="utf-8")
    if actual != wanted:
        diff = difflib.unified_diff(wanted.splitlines(keepends=True), actual.splitlines(keepends=True),
                                    str(snapshot.relative_to(ROOT)), "now")
        pytest.fail("".join(diff) + "\n(intended? rerun with SHAPELINT_UPDATE_SNAPSHOTS=1 and review "
                    "the diff)", pytrace=False)


def test_no_snapshot_without_its_fixture():
    orphans = {s for s in SNAPSHOTS.rglob("*.txt")} - {snapshot_of(f) for f in FILES}
    if UPDATE:
        for orphan in orphans:
            orphan.unlink()
    else:
        assert not orphans, sorted(str(o.relative_to(ROOT)) for o in orphans)
