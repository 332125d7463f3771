"""What a rule is: a code, a name, its documentation, its examples, and a check.

Each module in ``rules/`` (shipped as ``shapelint.rules``) defines one ``RULE``.  The check
reads the extracted ``Analysis`` and reports through the ``RuleContext``; the examples are run
by the test suite, and the first invalid / valid example is the documentation's *Example* /
*Use instead*.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Sequence, Tuple

from shapelint.core.fix import FixPlan


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str  # one line
    what: str  # What it does
    why: str  # Why is this bad?
    invalid: Sequence[str] = ()  # examples that must be reported (lines marked `# expect: CODE`)
    valid: Sequence[str] = ()  # look-alikes that must not be
    check: Optional[Callable[["RuleContext"], None]] = None  # None: reported by the engine
    notes: str = ""

    def documentation(self) -> str:
        parts = [f"{self.code} ({self.name})", "", self.summary, "",
                 "## What it does", textwrap.dedent(self.what).strip(), "",
                 "## Why is this bad?", textwrap.dedent(self.why).strip()]
        if self.notes:
            parts += ["", "## Notes", textwrap.dedent(self.notes).strip()]
        if self.invalid:
            parts += ["", "## Example", "```python", textwrap.dedent(self.invalid[0]).strip(), "```"]
        if self.valid:
            parts += ["", "## Use instead", "```python", textwrap.dedent(self.valid[0]).strip(), "```"]
        return "\n".join(parts) + "\n"


@dataclass(frozen=True)
class Message:
    """A finding's words as a template and its arguments (pyflakes' ``messages.py``): rendered
    to text at the edge; JSON output, tests and tools read the arguments, not the wording."""

    template: str
    args: Tuple[Tuple[str, Any], ...]

    @classmethod
    def of(cls, template: str, **args: Any) -> "Message":
        return cls(template, tuple(args.items()))

    def __str__(self) -> str:
        return self.template.format(**dict(self.args))


def assumption_note(assumed) -> str:
    """' (assuming Dense is keras.layers.Dense: the file does not import it)'"""
    items = [f"{name} is {qualified}" for name, qualified in assumed.items()]
    shown = ", ".join(items[:3]) + (f" and {len(items) - 3} more" if len(items) > 3 else "")
    return f" (assuming {shown}: the file does not import {'it' if len(items) == 1 else 'them'})"


class Evidence:
    """What a finding claims, in terms its framework can rebuild and run.  One subclass per
    kind of claim, owned by the framework (``frameworks/keras/evidence.py``,
    ``frameworks/torch/evidence.py``); ``synthesize`` writes the confirmation program (a
    ``shapelint.confirm.probe.Probe``) or raises ``Unsynthesizable``."""

    framework = ""

    def synthesize(self, target_keras: int):
        raise NotImplementedError


@dataclass
class Finding:
    code: str
    node: Any
    message: Any  # a Message, or plain text
    related: List[Tuple[Any, str]] = field(default_factory=list)
    evidence: Optional[Evidence] = None  # what confirmation should show
    fix: Optional[FixPlan] = None  # what would make it right


class RuleContext:
    """What a check sees: the analysis, positions on demand, and a way to report."""

    def __init__(self, analysis, locator, code: str):
        self.analysis = analysis
        self.locator = locator
        self.code = code
        self.findings: List[Finding] = []

    @property
    def target_keras(self) -> int:
        return self.analysis.target_keras

    def line(self, node) -> int:
        return self.locator.start(node).line

    def where(self, origin) -> str:
        """'LSTM at line 6, which returns only its last step'"""
        if origin is None or origin.node is None:
            return "an earlier layer"
        return f"{origin.what} at line {self.line(origin.node)}{origin.note}"

    def report(self, node, message: Any, related: Sequence[Tuple[Any, str]] = (),
               evidence: Optional[Evidence] = None, fix: Optional[FixPlan] = None) -> None:
        assumed = getattr(self.analysis, "assumed", None)
        if assumed:  # snippet mode: say which names were taken for what
            if not isinstance(message, Message):
                message = Message.of("{text}", text=str(message))
            message = Message(message.template + "{assumption}",
                              message.args + (("assumption", assumption_note(assumed)),))
        self.findings.append(Finding(self.code, node, message,
                                     [r for r in related if r[0] is not None], evidence, fix))


def keyword_node(call, name: str):
    """The ``name=...`` argument of a call, to point a finding at it (else the call)."""
    for arg in getattr(call, "args", ()):
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return call


def source_text(node) -> str:
    """The code of a node, as written."""
    import libcst as cst

    return cst.Module(body=[]).code_for_node(node)


def render(value) -> str:
    """A literal as the user would write it."""
    from shapelint.interp.values import ListVal, QualName

    if isinstance(value, ListVal) and value.items is not None:
        return "[" + ", ".join(render(v) for v in value.items) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(render(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, QualName):
        return value.name
    if isinstance(value, (str, int, float, bool)) or value is None:
        return repr(value)
    return "..."
