"""Scopes and frames, imports, argument binding and the builtins the interpreter core evaluates."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import libcst as cst

from shapelint.interp import syntax
from shapelint.interp.values import (
    MAX_UNROLL,
    UNKNOWN,
    AbstractValue,
    Enumerated,
    FunctionVal,
    ListVal,
    QualName,
    is_number,
    sequence_items,
)

# Builtins that neither mutate their arguments nor matter for shapes.
PURE_BUILTINS = {"print", "isinstance", "str", "repr", "type", "id", "hasattr", "getattr",
                 "callable", "format", "sorted", "reversed", "enumerate", "zip", "float", "bool",
                 "dict", "set", "round", "open", "super", "vars", "dir", "iter", "next"}


class Scope:
    """Names bound in one function (or the module) and the scope it was defined in."""

    def __init__(self, parent: Optional["Scope"] = None, standalone: bool = False):
        self.vars: Dict[str, Any] = {}
        self.parent = parent
        self.standalone = standalone  # a function analysed without a call site
        self.assign_counts: Dict[str, int] = {}
        self.stars: List[Tuple[str, set]] = []  # (module star-imported here, the names it exports)
        self.rebound_elsewhere: frozenset = parent.rebound_elsewhere if parent is not None else frozenset()
        self.unknown_star = False  # a star import from a module shapelint does not know
        # The module scope's last resort for a name bound nowhere in the file (snippet mode).
        self.fallback: Optional[Callable[[str], Any]] = None

    def lookup(self, name: str, strict: bool = False) -> Any:
        if name in self.vars:
            if strict and self.assign_counts.get(name, 0) > 1:
                return UNKNOWN  # rebound in the enclosing scope: which value a call sees is unclear
            return self.vars[name]
        if self.parent is not None:
            return self.parent.lookup(name, strict or self.standalone)
        if not self.unknown_star:
            for module, exported in reversed(self.stars):
                if exported and name in exported:
                    return QualName(f"{module}.{name}")
        if name in BUILTINS:
            return BUILTINS[name]
        assumed = self.fallback(name) if self.fallback is not None else None
        return UNKNOWN if assumed is None else assumed

    def bind(self, name: str, value: Any) -> None:
        if name in self.rebound_elsewhere:
            value = UNKNOWN  # a function assigns it through `global` / `nonlocal`
        self.vars[name] = value
        self.assign_counts[name] = self.assign_counts.get(name, 0) + 1


BUILTINS: Dict[str, Any] = {
    name: QualName(f"builtins.{name}")
    for name in ("range", "len", "int", "tuple", "list", "min", "max", "abs", "sum", "setattr", "delattr",
                 "object", *PURE_BUILTINS)
}
BUILTINS.update({"True": True, "False": False, "None": None})


def bind_import(node, scope: Scope, handlers) -> None:
    """``import a.b as c`` / ``from a import b``: names bound to qualified names; a star
    import binds what the plug-ins say the module exports (``handlers.star_exports``)."""
    if isinstance(node, cst.Import):
        for alias in node.names:
            dotted = syntax.dotted(alias.name)
            if alias.asname is not None:
                scope.bind(alias.asname.name.value, QualName(dotted))
            else:
                root = dotted.split(".")[0]
                scope.bind(root, QualName(root))
        return
    if node.relative:
        module = None
    else:
        module = syntax.dotted(node.module) if node.module is not None else None
    if isinstance(node.names, cst.ImportStar):
        exported = handlers.star_exports(module) if module is not None else None
        if exported is not None:
            scope.stars.append((module, exported))
        else:
            scope.unknown_star = True
        return
    for alias in node.names:
        name = alias.name.value if isinstance(alias.name, cst.Name) else syntax.dotted(alias.name)
        bound = alias.asname.name.value if alias.asname is not None else name
        scope.bind(bound, QualName(f"{module}.{name}") if module else UNKNOWN)


def call_scope(fn: FunctionVal, args, kwargs, opaque) -> Optional[Scope]:
    """The scope a call of a user function runs in, its parameters bound; None when Python
    would reject the call."""
    scope = Scope(parent=fn.scope)
    params = fn.node.params
    positional = [p.name.value for p in list(params.posonly_params) + list(params.params)]
    for index, name in enumerate(positional):
        if index < len(args):
            scope.vars[name] = args[index]
        elif name in kwargs:
            scope.vars[name] = kwargs[name]
        elif opaque:
            scope.vars[name] = UNKNOWN
        else:
            scope.vars[name] = fn.defaults.get(name, UNKNOWN)
    for param in params.kwonly_params:
        name = param.name.value
        if name in kwargs:
            scope.vars[name] = kwargs[name]
        else:
            scope.vars[name] = UNKNOWN if opaque else fn.defaults.get(name, UNKNOWN)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            scope.vars[star.name.value] = UNKNOWN
    if len(args) > len(positional) and not isinstance(params.star_arg, cst.Param):
        return None
    return scope


def iteration_values(iterable) -> Optional[List[Any]]:
    """The values a ``for`` loop or a comprehension runs over, when known and few."""
    if isinstance(iterable, range):
        return list(iterable) if len(iterable) <= MAX_UNROLL else None
    items = sequence_items(iterable)
    if items is not None and len(items) <= MAX_UNROLL:
        return list(items)
    return None


@dataclass
class Frame:
    scope: Scope
    depth: int = 0  # call depth
    conditional: int = 0  # nesting of branches whose execution is not certain
    result: Any = None
    result_uncertain: bool = False


def call_builtin(name, args, kwargs, opaque, interp):
    if name in ("setattr", "delattr") and args and isinstance(args[0], AbstractValue):
        args[0].attributes_replaced(interp)
    if name in ("setattr", "delattr") and args and isinstance(args[0], QualName):
        interp.patch(args[1] if len(args) > 1 and isinstance(args[1], str) else "*")
    if name == "vars" and args:
        interp.escape(args[0])  # the object's own __dict__: changes through it are not followed
    if opaque:
        return UNKNOWN
    try:
        if name == "range" and all(isinstance(a, int) and not isinstance(a, bool) for a in args) \
                and 1 <= len(args) <= 3 and not kwargs:
            numbers = range(*args)
            len(numbers)  # OverflowError past sys.maxsize items: unknown
            return numbers
        if name == "len" and len(args) == 1:
            items = sequence_items(args[0])
            if items is not None:
                return len(items)
            length = args[0].length() if isinstance(args[0], AbstractValue) else None
            if length is not None:
                return length
            if isinstance(args[0], str):
                return len(args[0])
            return UNKNOWN
        if name == "int" and len(args) == 1 and is_number(args[0]):
            return int(args[0])
        if name in ("tuple", "list") and len(args) == 1:
            items = sequence_items(args[0])
            if items is None:
                return UNKNOWN
            if name == "tuple":
                return tuple(items)
            return ListVal(list(items))
        if name in ("min", "max", "sum") and len(args) >= 1 and not kwargs:
            values = sequence_items(args[0]) if len(args) == 1 else list(args)
            if values and all(is_number(v) for v in values):
                return {"min": min, "max": max, "sum": sum}[name](values)
            return UNKNOWN
        if name == "abs" and len(args) == 1 and is_number(args[0]):
            return abs(args[0])
        if name == "enumerate" and len(args) == 1 and not kwargs and isinstance(args[0], AbstractValue) \
                and args[0].each() is not UNKNOWN:
            return Enumerated(args[0])
        if name in ("iter", "next") and len(args) == 1 and not kwargs and isinstance(args[0], AbstractValue) \
                and args[0].each() is not UNKNOWN:
            return args[0] if name == "iter" else args[0].each()  # `next(iter(loader))`: one batch
    except (TypeError, ValueError, OverflowError):
        return UNKNOWN
    if name not in PURE_BUILTINS:
        interp.escape_all(args, kwargs)
    return UNKNOWN
