"""Symbolic shapes.

A dimension is a known ``int``, ``None`` (any size, as Keras means it: the batch axis of an
``Input(shape=...)``, a variable number of timesteps) or ``UNKNOWN_DIM`` (the analysis does not
know it).  A shape is a tuple of dimensions including the batch axis, or ``None`` when even the
rank is unknown.  Every check treats ``UNKNOWN_DIM`` and ``None`` shapes as "stay silent".
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Tuple, Union

from shapelint.core.layers import Sentinel


class _UnknownDim(Sentinel):
    """A dimension the analysis does not know (shown as ``?``)."""

    def __repr__(self) -> str:
        return "?"


UNKNOWN_DIM = _UnknownDim()
Dim = Union[int, None, _UnknownDim]
Shape = Optional[Tuple[Dim, ...]]


def is_known(dim: Dim) -> bool:
    """A concrete integer size."""
    return isinstance(dim, int) and not isinstance(dim, bool)


def as_int(value: Any) -> Optional[int]:
    """``value`` when it is an int (not a bool), else None: the one int test of shapelint."""
    return value if is_known(value) else None


def format_dim(dim: Dim) -> str:
    if dim is None:
        return "None"
    if dim is UNKNOWN_DIM:
        return "?"
    return str(dim)


def format_shape(shape: Shape) -> str:
    if shape is None:
        return "?"
    inner = ", ".join(format_dim(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def product(dims) -> Optional[int]:
    total = 1
    for d in dims:
        if not is_known(d):
            return None
        total *= d
    return total


@dataclass(eq=False)
class Origin:
    """Where a tensor's shape came from, for messages and related locations."""

    node: Any  # the libcst node to point at
    what: str  # "LSTM", "Input", "input_shape=(3, 1) on LSTM"
    note: str = ""  # ", which returns only its last step"


@dataclass(eq=False)
class Tensor:
    """A symbolic Keras tensor: its shape (with the batch axis) and where it came from."""

    shape: Shape
    origin: Optional[Origin] = None
    producer: Any = None  # the Application that made it, if any
    root: bool = False  # declared by the user (Input, input_shape, build, a numpy array)

    @property
    def rank(self) -> Optional[int]:
        return None if self.shape is None else len(self.shape)
