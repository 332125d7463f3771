"""Literals and the pure operations the interpreter core computes on known values."""
from __future__ import annotations

import operator

import libcst as cst

from shapelint.interp.values import UNKNOWN, AbstractValue, ListVal, is_literal, is_number

_BINOPS = {
    cst.Add: operator.add, cst.Subtract: operator.sub, cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv, cst.Divide: operator.truediv, cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}
_AUGMENTED = {
    cst.AddAssign: operator.add, cst.SubtractAssign: operator.sub,
    cst.MultiplyAssign: operator.mul, cst.FloorDivideAssign: operator.floordiv,
    cst.DivideAssign: operator.truediv, cst.ModuloAssign: operator.mod,
    cst.PowerAssign: operator.pow,
}
_COMPARE = {
    cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le, cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
}
ORDERING = (cst.Equal, cst.NotEqual, cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
TRUTH_KNOWN = (bool, int, str, tuple)  # values whose truth the interpreter may test

# Budgets: a constant the interpreter computes stays small, whatever the file asks
# (``9 ** 9 ** 9``, ``2 ** 10 ** 10``, ``s = s + s`` 36 times).  Past them a value is unknown.
MAX_INT = 10 ** 18  # no shape, size or count in real code is larger
MAX_INT_DIGITS = 19
MAX_SEQUENCE = 10_000  # items of a tuple or list, characters of a string


def bounded(value):
    """``value``, or UNKNOWN when it is past the budgets."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if -MAX_INT <= value <= MAX_INT else UNKNOWN
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else UNKNOWN
    if isinstance(value, (tuple, str)):
        return value if len(value) <= MAX_SEQUENCE else UNKNOWN
    if isinstance(value, ListVal) and value.items is not None and len(value.items) > MAX_SEQUENCE:
        return UNKNOWN
    return value


def _integer(node):
    text = node.value.replace("_", "")
    if len(text) > MAX_INT_DIGITS + 2:  # a 0x / 0o / 0b prefix
        return UNKNOWN  # int() of thousands of digits is slow, or refused
    try:
        return bounded(int(text, 0))
    except ValueError:
        return UNKNOWN


def _float(node):
    try:
        return bounded(float(node.value.replace("_", "")))
    except ValueError:
        return UNKNOWN


def _simple_string(node):
    text = node.value
    if text[:1] in "'\"" and "\\" not in text and text[0] * 3 != text[:3]:
        return text[1:-1]  # a plain one-quoted string: no escapes to interpret
    return _evaluated_string(node)


def _evaluated_string(node):
    try:
        value = node.evaluated_value
    except Exception:  # noqa: BLE001 - odd escapes: the string is simply unknown
        return UNKNOWN
    return value if isinstance(value, str) else UNKNOWN


LITERALS = {
    cst.Integer: _integer, cst.Float: _float, cst.SimpleString: _simple_string,
    cst.ConcatenatedString: _evaluated_string,
}


def binary(op_node, left, right):
    return binop(_BINOPS.get(type(op_node)), left, right)


def augmented(op_node, left, right):
    return binop(_AUGMENTED.get(type(op_node)), left, right)


def _pow_too_big(left, right) -> bool:
    """Whether ``left ** right`` could pass the budget (checked before computing it)."""
    if not isinstance(right, int) or right < 0 or abs(left) <= 1:
        return False
    if isinstance(left, float):
        return right > 1100  # past float's range: an OverflowError, unknown either way
    # |left| >= 2 ** (bits - 1): the result has at least (bits - 1) * right bits.
    return (abs(int(left)).bit_length() - 1) * right > MAX_INT.bit_length()


def binop(op, left, right):
    if op is None:
        return UNKNOWN
    if is_number(left) and is_number(right):
        if op is operator.pow and _pow_too_big(left, right):
            return UNKNOWN
        try:
            result = op(left, right)
        except (ZeroDivisionError, OverflowError, ValueError):
            return UNKNOWN
        return bounded(result) if not isinstance(result, complex) else UNKNOWN
    if op in (operator.add, operator.mul):
        result = bounded(_sequence_op(op, left, right))
        if result is not UNKNOWN:
            return result
    return elementwise(left, right)


def elementwise(left, right):
    """A framework value's own answer to an operator (``x / 255`` on a tensor), or UNKNOWN."""
    if isinstance(left, AbstractValue):
        result = left.elementwise(right)
        if result is not UNKNOWN:
            return result
    return right.elementwise(left) if isinstance(right, AbstractValue) else UNKNOWN


def _sequence_op(op, left, right):
    count = right if isinstance(right, int) else left if isinstance(left, int) else 1
    if (_length(left) + _length(right)) * max(count, 1) > MAX_SEQUENCE:
        return UNKNOWN
    if op is operator.add and isinstance(left, tuple) and isinstance(right, tuple):
        return left + right
    if op is operator.add and isinstance(left, ListVal) and isinstance(right, ListVal):
        if left.items is None or right.items is None:
            return UNKNOWN
        return ListVal(left.items + right.items)
    if op is operator.add and isinstance(left, str) and isinstance(right, str):
        return left + right
    if op is operator.mul and isinstance(left, tuple) and isinstance(right, int) and 0 <= right <= 64:
        return left * right
    if op is operator.mul and isinstance(left, int) and isinstance(right, tuple) and 0 <= left <= 64:
        return right * left
    return UNKNOWN


# A tuple, list or string whose length is past the budget is unknown before it is built.
def _length(value) -> int:
    if isinstance(value, (tuple, str)):
        return len(value)
    if isinstance(value, ListVal) and value.items is not None:
        return len(value.items)
    return 0


def unary(op_node, value):
    if isinstance(op_node, cst.Minus) and is_number(value):
        return bounded(-value)
    if isinstance(op_node, (cst.Minus, cst.Plus)) and isinstance(value, AbstractValue):
        return value.elementwise(0)
    if isinstance(op_node, cst.Plus) and is_number(value):
        return value
    if isinstance(op_node, cst.Not) and isinstance(value, TRUTH_KNOWN):
        return not value
    return UNKNOWN


def boolean(op_node, left, right):
    if isinstance(left, TRUTH_KNOWN) and isinstance(right, TRUTH_KNOWN):
        return (left and right) if isinstance(op_node, cst.And) else (left or right)
    return UNKNOWN


def compare(op, left, right):
    """One link of a comparison chain: a bool, or UNKNOWN."""
    if not (is_literal(left) and is_literal(right)):
        return UNKNOWN
    if isinstance(op, cst.Is):
        return left is right if left is None or right is None else left == right
    if isinstance(op, cst.IsNot):
        return not (left is right if left is None or right is None else left == right)
    if type(op) in _COMPARE:
        try:
            return _COMPARE[type(op)](left, right)
        except TypeError:
            return UNKNOWN
    return UNKNOWN
