"""What confirmation runs: a program written from literal configuration, and how to judge it.

A ``Probe`` says what to run and how to judge it:
  * ``raises``: the program must raise, with one of ``expect`` in the message;
  * ``all_ones``: the program sets ``__result__`` to whether every output is exactly 1.0;
  * ``differs``: the program sets ``__result__`` to a shape that must differ from ``expect``;
  * ``rows``, ``warns``, ``batch_sums``: see ``confirm.run.judge``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Tuple

from shapelint.interp.values import ListVal


class Unsynthesizable(Exception):
    """The evidence involves something shapelint cannot write down as a literal program."""


@dataclass(frozen=True)
class Probe:
    program: str
    check: str  # raises | all_ones | differs
    expect: Tuple[Any, ...]
    keras: int  # 3: keras 3 on TensorFlow; 2: tf_keras; 0 for PyTorch
    framework: str = "keras"  # keras | torch

    @property
    def key(self) -> str:
        text = f"{self.framework}{self.keras}\n{self.check}\n{self.expect!r}\n{self.program}"
        return hashlib.sha256(text.encode()).hexdigest()


def render_literal(value: Any) -> str:
    """A Python literal (numbers, strings, None, tuples and tracked lists of them) as source."""
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Unsynthesizable("a float that is not finite")
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(render_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, ListVal) and value.items is not None:
        return "[" + ", ".join(render_literal(v) for v in value.items) + "]"
    raise Unsynthesizable(f"a value that is not a literal ({type(value).__name__})")


@dataclass(frozen=True)
class ProbeRef:
    """What the result cache keeps of a ``Probe``: its key and flavour, never its program.

    A cached finding is answered from the verdict cache by this key; when the verdict is not
    there, the file is linted again and the program rebuilt from the source (caches hold data,
    never code)."""

    key: str  # Probe.key: 64 hex digits
    framework: str = "keras"  # keras | torch
    keras: int = 3  # 3, 2 (tf_keras) or 0 (PyTorch)

    @classmethod
    def of(cls, probe: "Probe") -> "ProbeRef":
        return cls(probe.key, probe.framework, probe.keras)
