"""Every rule's documented examples: invalid ones report exactly their markers, valid ones nothing."""
import textwrap

import pytest

from shapelint.core.registry import all_rules
from shapelint.testing import expected, reported

EXAMPLES = [
    pytest.param(rule, kind, textwrap.dedent(source), id=f"{rule.code}-{kind}-{i}")
    for rule in all_rules()
    for kind, sources in (("invalid", rule.invalid), ("valid", rule.valid))
    for i, source in enumerate(sources)
]


@pytest.mark.parametrize("rule,kind,source", EXAMPLES)
def test_example(rule, kind, source):
    want = expected(source)
    if kind == "invalid":
        assert want, "an invalid example must mark the reported line with # expect:"
        assert {code for _, code in want} == {rule.code}
    else:
        assert not want
    assert reported(source) == want


def test_every_checked_rule_has_examples():
    for rule in all_rules():
        if rule.code in ("SL002",):  # about files, not code: covered by test_cli
            continue
        assert rule.invalid and rule.valid, rule.code


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_documentation_has_content(rule):
    # documentation() always writes the headings; what can be missing is the text under them.
    assert rule.summary.strip() and rule.what.strip() and rule.why.strip()
