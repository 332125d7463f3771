"""Literals and the pure operations the interpreter core computes on known values."""
from __future__ import annotations

import operator

import libcst as cst

from shapelint.interp.values import UNKNOWN, ListVal, is_literal, is_number

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
TRUTH_KNOWN = (bool, int, str, tuple)  # values whose truth the interpreter may test


def _integer(node):
    try:
        return int(node.value.replace("_", ""), 0)
    except ValueError:
        return UNKNOWN


def _float(node):
    try:
        return float(node.value.replace("_", ""))
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


def binop(op, left, right):
    if op is None:
        return UNKNOWN
    if is_number(left) and is_number(right):
        try:
            result = op(left, right)
        except (ZeroDivisionError, OverflowError, ValueError):
            return UNKNOWN
        return result if not isinstance(result, complex) else UNKNOWN
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


def unary(op_node, value):
    if isinstance(op_node, cst.Minus) and is_number(value):
        return -value
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
