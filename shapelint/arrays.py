"""Shapes of numpy arrays built from literals and constructors.

Only what the code makes certain: ``np.zeros((4, 5, 1))``, ``np.array([[1, 2], [3, 4]])``,
``X.reshape(4, 5, 1)``.  Anything else is ``UNKNOWN``.
"""
from __future__ import annotations

from typing import Any, Optional

from .values import UNKNOWN, ArrayVal, ListVal


def _int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shape_arg(value) -> Optional[tuple]:
    if _int(value):
        return (value,)
    if isinstance(value, ListVal) and value.items is not None:
        value = tuple(value.items)
    if isinstance(value, tuple) and all(_int(v) for v in value):
        return value
    return None


def literal_shape(value) -> Optional[tuple]:
    """The shape of a nested list/tuple literal of numbers, if rectangular."""
    if isinstance(value, ListVal):
        if value.items is None:
            return None
        value = tuple(value.items)
    if isinstance(value, ArrayVal):
        return value.shape
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ()
    if isinstance(value, tuple):
        if not value:
            return (0,)
        inner = [literal_shape(v) for v in value]
        if any(s is None for s in inner) or any(s != inner[0] for s in inner):
            return None
        return (len(value),) + inner[0]
    return None


def _reshape(shape: tuple, target: Optional[tuple]) -> Optional[tuple]:
    if target is None:
        return None
    size = 1
    for d in shape:
        size *= d
    if list(target).count(-1) > 1:
        return None
    if -1 in target:
        known = 1
        for d in target:
            if d != -1:
                known *= d
        if known == 0 or size % known:
            return None
        target = tuple(size // known if d == -1 else d for d in target)
    total = 1
    for d in target:
        total *= d
    return target if total == size else None


def numpy_call(name: str, args, kwargs, opaque: bool, node) -> Any:
    if opaque:
        return UNKNOWN
    shape = None
    if name in ("zeros", "ones", "empty", "full") and args:
        shape = _shape_arg(args[0])
    elif name in ("random.rand", "random.randn") and all(_int(a) for a in args) and not kwargs:
        shape = tuple(args)
    elif name in ("random.random", "random.random_sample") and (args or "size" in kwargs):
        shape = _shape_arg(args[0] if args else kwargs["size"])
    elif name in ("random.randint", "random.normal", "random.uniform"):
        size = kwargs.get("size", args[2] if len(args) > 2 else None)
        shape = _shape_arg(size) if size is not None else None
    elif name == "eye" and args and _int(args[0]):
        cols = args[1] if len(args) > 1 else kwargs.get("M", args[0])
        shape = (args[0], cols) if _int(cols) else None
    elif name == "arange" and len(args) == 1 and _int(args[0]) and not kwargs:
        shape = (max(args[0], 0),)
    elif name in ("array", "asarray") and args:
        shape = literal_shape(args[0])
    elif name == "reshape" and len(args) >= 2 and isinstance(args[0], ArrayVal):
        shape = _reshape(args[0].shape, _shape_arg(args[1]))
    elif name == "expand_dims" and len(args) >= 2 and isinstance(args[0], ArrayVal) and _int(args[1]):
        base = list(args[0].shape)
        axis = args[1] if args[1] >= 0 else len(base) + 1 + args[1]
        if 0 <= axis <= len(base):
            shape = tuple(base[:axis] + [1] + base[axis:])
    if shape is None or not all(_int(d) and d >= 0 for d in shape):
        return UNKNOWN
    return ArrayVal(tuple(shape), node, f"np.{name}")


def array_method(array: ArrayVal, name: str, args, kwargs, opaque: bool, node) -> Any:
    if opaque:
        return UNKNOWN
    if name == "reshape":
        target = _shape_arg(args[0]) if len(args) == 1 else (tuple(args) if all(_int(a) for a in args) else None)
        shape = _reshape(array.shape, target)
        return UNKNOWN if shape is None else ArrayVal(shape, node, "reshape")
    if name in ("astype", "copy"):
        return ArrayVal(array.shape, array.node, array.what)
    return UNKNOWN
