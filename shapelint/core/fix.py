"""Fixes as rules attach them when they report (Fixit's ``report(node, replacement=...)``, ruff's
``Fix::safe_edit``): a title, a safety level, and one typed edit of the tree.

A rule knows what is wrong and what would make it right, so it says so when it reports: the
edit names tree nodes (``nodes``); the engine turns them into source spans (``located``), so a
diagnostic carries plain data (picklable, cacheable); ``frontends/fixes.py`` rewrites the text
from it, checks that the result parses and lints better, and offers it (the language server's
quick fix; the command line's ``--fix``).  Nothing looks at a message's wording.

Safety, as ruff means it: ``safe`` keeps what the code means (a Keras 1 keyword under its Keras 3
name); ``unsafe`` changes behaviour the user may have meant differently (another activation,
``return_sequences=True``, ``shuffle=False``), so it is applied only when asked.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, ClassVar, Dict, Optional, Tuple, Type

from shapelint.core.positions import Position

SAFE, UNSAFE = "safe", "unsafe"


@dataclass(frozen=True)
class Span:
    start: Position
    end: Position


class Edit:
    """One change to the tree.  The fields named in ``nodes`` hold LibCST nodes when a rule
    reports and ``Span``s once the engine has located them."""

    nodes: ClassVar[Tuple[str, ...]] = ()

    def located(self, locate: Callable[[Any], Span]) -> "Edit":
        return replace(self, **{name: locate(getattr(self, name)) for name in self.nodes})  # type: ignore[type-var]


@dataclass(frozen=True)
class SetArgument(Edit):
    """``keyword=value`` on a call (``value`` a Python literal): the keyword's value replaced
    when present, else the positional argument at ``position`` when the call passes it so,
    else the keyword added."""

    nodes: ClassVar[Tuple[str, ...]] = ("call",)
    call: Any
    keyword: str
    value: Any
    position: Optional[int] = None


@dataclass(frozen=True)
class RenameKeyword(Edit):
    """``old=`` becomes ``new=`` on a call (unless ``new=`` is there already)."""

    nodes: ClassVar[Tuple[str, ...]] = ("call",)
    call: Any
    old: str
    new: str


@dataclass(frozen=True)
class DeclareBatchInput(Edit):
    """``batch_input_shape=`` on the first layer of a Sequential model: removed, and
    ``Input(batch_shape=...)`` declared as the model's first element instead."""

    nodes: ClassVar[Tuple[str, ...]] = ("layer",)
    layer: Any


@dataclass(frozen=True)
class ReplaceImportModule(Edit):
    """``from old.module import names`` becomes ``from new import names`` (``module``: the
    import's dotted module, ``new``: the module to spell instead)."""

    nodes: ClassVar[Tuple[str, ...]] = ("module",)
    module: Any
    new: str


EDITS: Dict[str, Type[Edit]] = {cls.__name__: cls for cls in (SetArgument, RenameKeyword, DeclareBatchInput,
                                                             ReplaceImportModule)}


@dataclass(frozen=True)
class FixPlan:
    title: str
    safety: str  # SAFE | UNSAFE
    edit: Edit

    def located(self, locate: Callable[[Any], Span]) -> "FixPlan":
        return replace(self, edit=self.edit.located(locate))
