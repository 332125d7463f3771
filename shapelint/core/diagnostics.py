"""Diagnostics: what every front end (CLI, flake8, language server) receives."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

from shapelint.core.positions import Position

__all__ = ["Diagnostic", "Position", "Related"]


@dataclass(frozen=True)
class Related:
    """Another place involved in a finding: where a shape came from."""

    path: str
    start: Position
    end: Position
    message: str
    cell: Optional[int] = None  # in a notebook: the cell (positions are then in the cell)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    path: str
    start: Position
    end: Position
    related: Tuple[Related, ...] = field(default=())
    # Confirmation on TensorFlow (None: not attempted).
    verdict: Optional[str] = None  # confirmed | refuted | unconfirmed
    tf_message: Optional[str] = None  # the framework's words, or why there is no verdict
    confirmed_by: Optional[str] = None  # "TensorFlow 2.21", "PyTorch 2.13"
    probe: Any = field(default=None, compare=False, repr=False)  # synthesize.Probe or a reason
    fix: Any = field(default=None, compare=False, repr=False)  # core.fix.FixPlan, located
    # The message's arguments by name (core.rule.Message): what a tool reads instead of the words.
    args: Tuple[Tuple[str, Any], ...] = field(default=(), compare=False)
    # In a notebook: the cell, numbered from 1 over every cell as Jupyter shows them (markdown
    # too, as ruff counts); start, end and the related places are then lines in that cell.
    cell: Optional[int] = None

    def suffix(self) -> str:
        """The text output's short verdict."""
        if self.verdict is None:
            return ""
        if self.verdict == "unconfirmed":
            return f" [unconfirmed: {self.tf_message}]"
        return f" [{self.verdict} by {self.confirmed_by}: {self.tf_message}]"

    def sort_key(self):
        return (self.path, self.cell or 0, self.start, self.code)

    def to_dict(self) -> Dict[str, Any]:
        from shapelint.core.registry import rule_for

        rule = rule_for(self.code)
        return {
            "code": self.code,
            "name": rule.name if rule else None,
            "message": self.message,
            "args": dict(self.args),
            "filename": self.path,
            "cell": self.cell,  # as ruff: null outside notebooks; then location is in the cell
            "location": {"row": self.start.line, "column": self.start.column},
            "end_location": {"row": self.end.line, "column": self.end.column},
            "verdict": self.verdict,
            "confirmation_message": self.tf_message,
            "confirmed_by": self.confirmed_by,
            # Before 0.2 the same text was only under this name, PyTorch's words included;
            # kept for one release, to be removed in 0.3.
            "tensorflow_message": self.tf_message,
            "related": [
                {
                    "filename": r.path,
                    "cell": r.cell,
                    "location": {"row": r.start.line, "column": r.start.column},
                    "end_location": {"row": r.end.line, "column": r.end.column},
                    "message": r.message,
                }
                for r in self.related
            ],
        }
