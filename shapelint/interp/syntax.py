"""LibCST helpers of the interpreter core: names, parameters, bodies, assigned names."""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Tuple

import libcst as cst


def dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def body(node):
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    return body.body


def all_params(params: cst.Parameters) -> List[str]:
    out = [p.name.value for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            out.append(star.name.value)
    return out


def with_defaults(params: cst.Parameters):
    for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
        if p.default is not None:
            yield p


def target_names(node) -> List[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        out = []
        for element in node.elements:
            out.extend(target_names(element.value))
        return out
    if isinstance(node, cst.StarredElement):
        return target_names(node.value)
    return []


_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}


def children(node) -> List[Any]:
    """The child nodes of ``node``, in field order (LibCST's own ``children`` runs a visitor)."""
    kind = type(node)
    names = _CHILD_FIELDS.get(kind)
    if names is None:
        names = _CHILD_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    out: List[Any] = []
    node_type = cst.CSTNode
    for name in names:
        value = getattr(node, name)
        if isinstance(value, node_type):
            out.append(value)
        elif type(value) in (tuple, list):
            out.extend(item for item in value if isinstance(item, node_type))
    return out


def walk(root, visitor) -> None:
    """Call ``visitor.visit_<Node>(node)`` on ``root`` and every node under it (the nodes
    ``node.visit(visitor)`` would visit, in field order rather than source order); a
    ``visit_`` method that returns False skips that node's children.  LibCST's own ``visit``
    rebuilds and re-validates every node it passes, even for a visitor that changes nothing:
    on keras-io, a third of the engine's time outside the parser went there."""
    stack = [root]
    pop, extend = stack.pop, stack.extend
    methods: Dict[type, Any] = {}
    while stack:
        node = pop()
        kind = type(node)
        method = methods.get(kind, _MISSING)
        if method is _MISSING:
            method = methods[kind] = getattr(visitor, "visit_" + kind.__name__, None)
        if method is not None and method(node) is False:
            continue
        extend(reversed(children(node)))


def holds(root, target) -> bool:
    """Whether ``target`` is ``root`` or one of the nodes under it (by identity)."""
    stack = [root]
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        if node is target:
            return True
        extend(children(node))
    return False


_MISSING = object()


class _AssignedNames(cst.CSTVisitor):
    def __init__(self):
        self.names: List[str] = []

    def visit_AssignTarget(self, node):
        self.names.extend(target_names(node.target))

    def visit_AugAssign(self, node):
        self.names.extend(target_names(node.target))

    def visit_AnnAssign(self, node):
        self.names.extend(target_names(node.target))

    def visit_For(self, node):
        self.names.extend(target_names(node.target))

    def visit_FunctionDef(self, node):
        self.names.append(node.name.value)
        return False

    def visit_ClassDef(self, node):
        self.names.append(node.name.value)
        return False


def assigned_names(stmt) -> List[str]:
    visitor = _AssignedNames()
    walk(stmt, visitor)
    return visitor.names


class _JumpFinder(cst.CSTVisitor):
    def __init__(self):
        self.found = False

    def visit_Break(self, node):
        self.found = True

    def visit_Continue(self, node):
        self.found = True

    def visit_For(self, node):
        # A jump in a nested loop's body is that loop's, but one in its ``else`` is ours.
        if node.orelse is not None and has_jump(node.orelse):
            self.found = True
        return False

    def visit_While(self, node):
        if node.orelse is not None and has_jump(node.orelse):
            self.found = True
        return False

    def visit_FunctionDef(self, node):
        return False

    def visit_ClassDef(self, node):
        return False


class _GlobalFinder(cst.CSTVisitor):
    def __init__(self):
        self.names = set()

    def visit_Global(self, node):
        self.names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node):
        self.names.update(item.name.value for item in node.names)


def globals_declared(module) -> frozenset:
    finder = _GlobalFinder()
    walk(module, finder)
    return frozenset(finder.names)


def has_jump(body) -> bool:
    finder = _JumpFinder()
    walk(body, finder)
    return finder.found


def literal_int(node) -> Optional[int]:
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
            and isinstance(node.expression, cst.Integer):
        return -int(node.expression.value, 0)
    return None


class _BoundNames(cst.CSTVisitor):
    """Every name the module binds anywhere, in any scope, and whether it star-imports."""

    def __init__(self):
        self.names: set = set()
        self.star = False

    def _targets(self, node) -> None:
        self.names.update(target_names(node))

    def visit_AssignTarget(self, node):
        self._targets(node.target)

    def visit_AugAssign(self, node):
        self._targets(node.target)

    def visit_AnnAssign(self, node):
        self._targets(node.target)

    def visit_For(self, node):
        self._targets(node.target)

    def visit_CompFor(self, node):
        self._targets(node.target)

    def visit_NamedExpr(self, node):
        self._targets(node.target)

    def visit_AsName(self, node):
        self._targets(node.name)

    def visit_ExceptHandler(self, node):
        if node.name is not None:
            self._targets(node.name.name)

    def visit_FunctionDef(self, node):
        self.names.add(node.name.value)
        self.names.update(all_params(node.params))

    def visit_Lambda(self, node):
        self.names.update(all_params(node.params))

    def visit_ClassDef(self, node):
        self.names.add(node.name.value)

    def visit_Import(self, node):
        for alias in node.names:
            if alias.asname is None:
                self.names.add(dotted(alias.name).split(".")[0])

    def visit_ImportFrom(self, node):
        if isinstance(node.names, cst.ImportStar):
            self.star = True
            return
        for alias in node.names:
            if alias.asname is None:
                self.names.add(dotted(alias.name))

    def visit_Global(self, node):
        self.names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node):
        self.names.update(item.name.value for item in node.names)

    def visit_MatchAs(self, node):
        if node.name is not None:
            self.names.add(node.name.value)

    def visit_MatchStar(self, node):
        if node.name is not None:
            self.names.add(node.name.value)


def bound_names(module) -> Optional[set]:
    """The names the module binds anywhere; None when it has a star import (anything may be
    bound)."""
    finder = _BoundNames()
    walk(module, finder)
    return None if finder.star else finder.names


_RAISES = ("raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp", "assertWarns",
           "assertWarnsRegex")


def expects_exception(expr) -> bool:
    """``pytest.raises(...)``, ``self.assertRaises(...)``, ``raises(...)``: a context whose
    body a test expects to raise."""
    if not isinstance(expr, cst.Call):
        return False
    func = expr.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return name in _RAISES
