"""Extraction: a small abstract interpreter over the LibCST tree.

It walks the module's statements in order, binding names to abstract values (``values.py``):
imports become qualified names, literals and simple arithmetic are computed, Keras layer
constructions become ``LayerVal`` records, and Sequential ``.add`` / functional ``layer(x)``
calls apply layers to symbolic tensors through ``propagate.py``.  Control flow is followed
where its effect is certain (``for _ in range(N)`` with a known N, ``if`` on a known value,
function calls with literal arguments); anywhere else the affected names become ``UNKNOWN``
and the affected models uncertain, which silences every check downstream.

The user's code is never executed: only literals and a fixed list of pure operations are
evaluated here.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import libcst as cst

from shapelint.frameworks.data import arrays
from shapelint.frameworks.keras import catalog
from shapelint.frameworks import names
from shapelint.frameworks.keras import propagate
from shapelint.frameworks.torch import catalog as torch_catalog
from shapelint.frameworks.torch import model as torch_model
from shapelint.core.analysis import Analysis, ModelCall
from shapelint.core.rule import source_text
from shapelint.core.shapes import UNKNOWN_DIM, Tensor, is_known
from shapelint.interp.values import (
    MAX_UNROLL, UNKNOWN, ArrayVal, BoundMethod, DatasetVal, FunctionalModelVal, FunctionVal, LayerVal, ListVal, QualName,
    SequentialVal, UnknownLayer, sequence_items,
)
from shapelint.frameworks.torch.model import (
    OrderedDictVal, TorchBoundMethod, TorchClassVal, TorchLayerVal, TorchModuleListVal, TorchModuleVal,
    TorchSequentialVal, TorchTensor,
)

MAX_CALL_DEPTH = 4
STEP_BUDGET = 60_000  # statements interpreted per file before giving up (values go unknown)

# Methods of a model that do not change its structure.
MODEL_METHODS_PURE = {
    "compile", "summary", "save", "save_weights", "load_weights", "get_weights",
    "set_weights", "count_params", "to_json", "get_config", "get_layer", "evaluate_generator",
    "predict_generator", "fit_generator", "export", "reset_metrics",
}
MODEL_CALLS = {"fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
               "reset_states"}
# Attributes that can be set on a layer or model without changing any shape.
HARMLESS_ATTRIBUTES = {"trainable", "name", "stop_training", "optimizer", "compiled_loss"}
# Tensor methods that keep the shape.
TENSOR_IDENTITY_METHODS = {"contiguous", "float", "double", "half", "to", "cuda", "cpu", "detach", "clone",
                           "relu", "sigmoid", "tanh", "requires_grad_", "long", "int", "bool"}
# numpy methods that change an array's shape in place.
IN_PLACE_ARRAY_METHODS = {"resize"}
# Builtins that neither mutate their arguments nor matter for shapes.
PURE_BUILTINS = {"print", "isinstance", "str", "repr", "type", "id", "hasattr", "getattr",
                 "callable", "format", "sorted", "reversed", "enumerate", "zip", "float", "bool",
                 "dict", "set", "round", "open", "super", "vars", "dir", "iter", "next"}

NORMAL, RETURN, RAISE, BREAK = "normal", "return", "raise", "break"

_BINOPS = {
    cst.Add: operator.add, cst.Subtract: operator.sub, cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv, cst.Divide: operator.truediv, cst.Modulo: operator.mod,
    cst.Power: operator.pow,
}
_COMPARE = {
    cst.Equal: operator.eq, cst.NotEqual: operator.ne, cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le, cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
}


class BudgetExceeded(Exception):
    pass


class Scope:
    """Names bound in one function (or the module) and the scope it was defined in."""

    def __init__(self, parent: Optional["Scope"] = None, standalone: bool = False):
        self.vars: Dict[str, Any] = {}
        self.parent = parent
        self.standalone = standalone  # a function analysed without a call site
        self.assign_counts: Dict[str, int] = {}
        self.stars: List[str] = []  # modules star-imported here
        self.rebound_elsewhere: frozenset = parent.rebound_elsewhere if parent is not None else frozenset()
        self.unknown_star = False  # a star import from a module shapelint does not know

    def lookup(self, name: str, strict: bool = False) -> Any:
        if name in self.vars:
            if strict and self.assign_counts.get(name, 0) > 1:
                return UNKNOWN  # rebound in the enclosing scope: which value a call sees is unclear
            return self.vars[name]
        if self.parent is not None:
            return self.parent.lookup(name, strict or self.standalone)
        if not self.unknown_star:
            for module in reversed(self.stars):
                exported = names.star_exports(module)
                if exported and name in exported:
                    return QualName(f"{module}.{name}")
        return BUILTINS.get(name, UNKNOWN)

    def bind(self, name: str, value: Any) -> None:
        if name in self.rebound_elsewhere:
            value = UNKNOWN  # a function assigns it through `global` / `nonlocal`
        self.vars[name] = value
        self.assign_counts[name] = self.assign_counts.get(name, 0) + 1


BUILTINS: Dict[str, Any] = {
    name: QualName(f"builtins.{name}")
    for name in ("range", "len", "int", "tuple", "list", "min", "max", "abs", "sum", "setattr", "delattr",
                 *PURE_BUILTINS)
}
BUILTINS.update({"True": True, "False": False, "None": None})


@dataclass
class Frame:
    scope: Scope
    depth: int = 0  # call depth
    conditional: int = 0  # nesting of branches whose execution is not certain
    result: Any = None
    result_uncertain: bool = False
    returned: bool = False


class Interpreter:
    def __init__(self, module: cst.Module, target_keras: int, analysis: Analysis,
                 scan_globals: bool = True):
        self.scan_globals = scan_globals  # False when the source has no global/nonlocal at all
        self.module = module
        self.target_keras = target_keras
        self.analysis = analysis
        self.journal: List[Tuple[Any, Any]] = []  # (mutable object, its state before a change)
        self.pending_functions: List[Tuple[cst.FunctionDef, Scope]] = []
        self.queued: set = set()
        self.steps = 0

    # -- entry point ------------------------------------------------------------------
    def run(self) -> None:
        scope = Scope()
        if self.scan_globals:
            scope.rebound_elsewhere = _globals_declared(self.module)
        try:
            self.exec_block(self.module.body, Frame(scope))
            # Functions and methods never called with known arguments: analyse them once
            # with unknown parameters, so their literal mistakes are still found.
            index = 0
            while index < len(self.pending_functions):
                fn_node, defining = self.pending_functions[index]
                index += 1
                if isinstance(fn_node, TorchClassVal):
                    # An nn.Module class: built with its default arguments, run on any input.
                    self.instantiate(fn_node, [], {}, False, fn_node.node, Frame(defining))
                else:
                    self.analyse_standalone(fn_node, defining)
        except BudgetExceeded:
            pass

    def analyse_standalone(self, fn: cst.FunctionDef, defining: Scope) -> None:
        scope = Scope(parent=defining, standalone=True)
        for param in _all_params(fn.params):
            scope.vars[param] = UNKNOWN
        self.exec_block(_body(fn), Frame(scope, depth=1))

    # -- statements -------------------------------------------------------------------
    def exec_block(self, statements, frame: Frame) -> str:
        for stmt in statements:
            status = self.exec_statement(stmt, frame)
            if status != NORMAL:
                return status
        return NORMAL

    def exec_statement(self, stmt, frame: Frame) -> str:
        self.steps += 1
        if self.steps > STEP_BUDGET:
            raise BudgetExceeded
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                status = self.exec_small(small, frame)
                if status != NORMAL:
                    return status
            return NORMAL
        handler = getattr(self, f"exec_{type(stmt).__name__}", None)
        if handler is None:
            self.forget_assigned(stmt, frame)
            return NORMAL
        return handler(stmt, frame)

    def exec_small(self, small, frame: Frame) -> str:
        scope = frame.scope
        if isinstance(small, cst.Expr):
            value = self.eval(small.value, frame)
            if isinstance(value, DatasetVal) and value.source is not None and value.batched_at is small.value:
                value.source.discarded_batch = small.value  # `data.batch(32)` on its own line
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, frame)
            for target in small.targets:
                self.assign(target.target, value, frame)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.assign(small.target, self.eval(small.value, frame), frame)
        elif isinstance(small, cst.AugAssign):
            current = self.eval(small.target, frame)
            value = self.eval(small.value, frame)
            self.assign(small.target, _binop(_augmented(small.operator), current, value), frame)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            self.exec_import(small, scope)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, frame) if small.value is not None else None
            if frame.conditional:
                frame.result_uncertain = True
            else:
                frame.result = value
            frame.returned = True
            return RETURN
        elif isinstance(small, cst.Raise):
            if small.exc is not None:
                self.eval(small.exc, frame)
            return RAISE
        elif isinstance(small, (cst.Break, cst.Continue)):
            return BREAK
        elif isinstance(small, cst.Del):
            for name in _target_names(small.target):
                scope.bind(name, UNKNOWN)
        elif isinstance(small, cst.Assert):
            self.eval(small.test, frame)
        elif isinstance(small, (cst.Global, cst.Nonlocal)):
            for item in small.names:
                scope.bind(item.name.value, UNKNOWN)
        return NORMAL

    def exec_import(self, node, scope: Scope) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = _dotted(alias.name)
                if alias.asname is not None:
                    scope.bind(alias.asname.name.value, QualName(dotted))
                else:
                    root = dotted.split(".")[0]
                    scope.bind(root, QualName(root))
            return
        if node.relative:
            module = None
        else:
            module = _dotted(node.module) if node.module is not None else None
        if isinstance(node.names, cst.ImportStar):
            if module is not None and names.star_exports(module) is not None:
                scope.stars.append(module)
            else:
                scope.unknown_star = True
            return
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else _dotted(alias.name)
            bound = alias.asname.name.value if alias.asname is not None else name
            scope.bind(bound, QualName(f"{module}.{name}") if module else UNKNOWN)

    def exec_FunctionDef(self, node: cst.FunctionDef, frame: Frame) -> str:
        for deco in node.decorators:
            self.eval(deco.decorator, frame)
        defaults = {}
        for param in _with_defaults(node.params):
            defaults[param.name.value] = self.eval(param.default, frame)
        fn = FunctionVal(node, frame.scope, defaults)
        frame.scope.bind(node.name.value, fn if not node.decorators else UNKNOWN)
        self.queue_standalone(node, frame.scope)
        return NORMAL

    def queue_standalone(self, node, scope: Scope) -> None:
        if id(node) not in self.queued:
            self.queued.add(id(node))
            self.pending_functions.append((node, scope))

    def exec_ClassDef(self, node: cst.ClassDef, frame: Frame) -> str:
        body_scope = Scope(parent=frame.scope)
        class_frame = Frame(body_scope, depth=frame.depth, conditional=frame.conditional + 1)
        torch_class = self.torch_class(node, frame)
        for stmt in _body(node):
            if isinstance(stmt, cst.FunctionDef):
                name = stmt.name.value
                if torch_class is not None and not stmt.decorators:
                    defaults = {p.name.value: self.eval(p.default, class_frame) for p in _with_defaults(stmt.params)}
                    torch_class.methods[name] = FunctionVal(stmt, frame.scope, defaults)
                    if name in ("__init__", "forward"):
                        continue  # analysed through instances of the class
                self.queue_standalone(stmt, frame.scope)
            else:
                self.exec_statement(stmt, class_frame)
        frame.scope.bind(node.name.value, UNKNOWN if torch_class is None else torch_class)
        if torch_class is not None:
            torch_class.volatile = _attributes_set_outside_init(node)
            self.pending_functions.append((torch_class, frame.scope))
        return NORMAL

    # -- PyTorch modules --------------------------------------------------------------
    def torch_class(self, node: cst.ClassDef, frame: Frame) -> Optional[TorchClassVal]:
        """A class deriving directly from ``nn.Module`` (others stay unknown)."""
        if node.keywords:
            return None
        bases = [self.eval(arg.value, frame) for arg in node.bases]
        for base in bases:
            meaning = names.meaning(base.name) if isinstance(base, QualName) else None
            if meaning is not None and meaning.kind == "torch_module" and len(bases) == 1:
                return TorchClassVal(node, {})
        return None

    def instantiate(self, cls: TorchClassVal, args, kwargs, opaque, node, frame) -> TorchModuleVal:
        instance = TorchModuleVal(cls, node)
        init = cls.methods.get("__init__")
        if init is not None:
            self.call_function(init, [instance] + list(args), kwargs, opaque, node, frame)
        self.run_forward(instance, [torch_model.any_tensor()], {}, False, node, frame)
        return instance

    def run_forward(self, instance: TorchModuleVal, args, kwargs, opaque, node, frame):
        forward = instance.cls.methods.get("forward")
        if forward is None:
            return UNKNOWN
        return self.call_function(forward, [instance] + list(args), kwargs, opaque, node, frame)

    def run_torch_sequential(self, model: TorchSequentialVal, value, frame, construction=False):
        if model.entries is None:
            return torch_model.any_tensor()
        for entry in model.entries:
            if isinstance(entry, TorchLayerVal):
                value = torch_model.apply_layer(self.analysis, entry, value, entry.node)
            elif isinstance(entry, TorchSequentialVal):
                value = self.run_torch_sequential(entry, value, frame, construction)
            elif isinstance(entry, TorchModuleVal) and not construction:
                value = self.run_forward(entry, [value], {}, False, entry.node, frame)
            else:
                value = torch_model.any_tensor()
        return value

    def index_tensor(self, tensor: TorchTensor, node: cst.Subscript, frame):
        items = []
        for element in node.slice:
            part = element.slice
            if isinstance(part, cst.Index):
                if isinstance(part.value, cst.Ellipsis):
                    items.append(torch_model.IndexItem("ellipsis", code="..."))
                    continue
                value = self.eval(part.value, frame)
                if value is None:
                    items.append(torch_model.IndexItem("none", code="None"))
                elif isinstance(value, int) and not isinstance(value, bool) and part.star is None:
                    items.append(torch_model.IndexItem("int", value, str(value)))
                else:
                    return UNKNOWN  # a tensor, a list or an unknown index
            else:
                bounds = tuple(self.eval(b, frame) if b is not None else None
                               for b in (part.lower, part.upper, part.step))
                if any(b is not None and b is not UNKNOWN and torch_catalog.as_int(b) is None for b in bounds):
                    return UNKNOWN
                literal = all(b is None or torch_catalog.as_int(b) is not None for b in bounds)
                code = ":".join("" if b is None else str(b) for b in bounds[:2]) + (
                    f":{bounds[2]}" if bounds[2] is not None else "")
                items.append(torch_model.IndexItem("slice", bounds, code if literal else None))
        return torch_model.index(tensor, items, node, source_text(node))

    def axis_size(self, expr, frame) -> Optional[torch_model.AxisOf]:
        """``len(t)``, ``t.size(k)``, ``t.shape[k]`` with ``t`` a name or ``self.name``."""
        tensor, axis = None, None
        if isinstance(expr, cst.Call) and len(expr.args) == 1 and not expr.args[0].keyword:
            if isinstance(expr.func, cst.Name) and expr.func.value == "len":
                tensor, axis = expr.args[0].value, 0
            elif isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "size":
                tensor, axis = expr.func.value, _literal_int(expr.args[0].value)
        elif isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Attribute) \
                and expr.value.attr.value == "shape" and len(expr.slice) == 1 \
                and isinstance(expr.slice[0].slice, cst.Index):
            tensor, axis = expr.value.value, _literal_int(expr.slice[0].slice.value)
        if axis is None or not isinstance(tensor, (cst.Name, cst.Attribute)) or \
                not isinstance(tensor, cst.Name) and not isinstance(tensor.value, cst.Name):
            return None
        value = self.eval(tensor, frame)
        return torch_model.AxisOf(value, axis) if isinstance(value, TorchTensor) else None

    def call_torch(self, meaning, args, kwargs, opaque, node, frame):
        kind = meaning.kind
        if kind == "torch_layer":
            layer = torch_model.make_layer(torch_catalog.LAYERS[meaning.name], node, args, kwargs, opaque)
            self.analysis.torch_layers.append(layer)
            return layer
        if kind == "torch_sequential":
            entries = None if opaque or kwargs else list(args)
            if entries is not None and len(entries) == 1 and isinstance(entries[0], OrderedDictVal):
                entries = entries[0].values
            model = TorchSequentialVal(node, entries)
            self.run_torch_sequential(model, torch_model.any_tensor(), frame, construction=True)
            return model
        if kind == "torch_modulelist":
            if opaque or kwargs:
                return TorchModuleListVal(None)
            return TorchModuleListVal(sequence_items(args[0]) if args else [])
        if kind == "ordered_dict":
            pairs = sequence_items(args[0]) if len(args) == 1 and not kwargs and not opaque else None
            if pairs is None or not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
                return OrderedDictVal(None)
            return OrderedDictVal([p[1] for p in pairs])
        if kind == "torch_softmax":
            spec = torch_catalog.LAYERS[{"softmax": "Softmax", "log_softmax": "LogSoftmax",
                                         "softmin": "Softmin"}[meaning.name]]
            dim = {"dim": kwargs["dim"]} if "dim" in kwargs else {}
            layer = torch_model.make_layer(spec, node, args[1:2], dim, opaque, functional=meaning.name)
            return torch_model.apply_layer(self.analysis, layer, args[0] if args else kwargs.get("input"), node)
        if kind == "torch_pool":
            module, positional = torch_catalog.POOL_FUNCTIONS[meaning.name]
            layer = torch_model.make_layer(torch_catalog.LAYERS[module], node, args[1:],
                                           {k: v for k, v in kwargs.items() if k != "input"}, opaque,
                                           functional=meaning.name, positional=positional)
            return torch_model.apply_layer(self.analysis, layer, args[0] if args else kwargs.get("input"), node)
        if kind == "torch_elementwise":
            value = args[0] if args else kwargs.get("input", UNKNOWN)
            return value if isinstance(value, TorchTensor) else UNKNOWN
        if kind == "torch_flatten":
            if opaque or not args:
                return UNKNOWN
            start = args[1] if len(args) > 1 else kwargs.get("start_dim", 0)
            end = args[2] if len(args) > 2 else kwargs.get("end_dim", -1)
            return torch_model.flatten(torch_model.tensor_of(args[0]), start, end, node, source_text(node))
        if kind == "torch_tensor":
            if opaque or "size" in kwargs or "out" in kwargs:
                return UNKNOWN
            return torch_model.exact(list(args), node, source_text(node))
        return UNKNOWN

    def tensor_method(self, tensor: TorchTensor, name, args, kwargs, opaque, node, frame):
        if opaque:
            return UNKNOWN
        if name in ("view", "reshape") and not kwargs:
            sizes = list(args)
            if len(args) == 1 and isinstance(args[0], tuple):
                sizes = list(args[0])
            else:
                for index, arg in enumerate(node.args):
                    sizes[index] = self.axis_size(arg.value, frame) or sizes[index]
            return torch_model.view(tensor, sizes, node, source_text(node))
        if name == "flatten":
            start = args[0] if args else kwargs.get("start_dim", 0)
            end = args[1] if len(args) > 1 else kwargs.get("end_dim", -1)
            return torch_model.flatten(tensor, start, end, node, source_text(node))
        if name in TENSOR_IDENTITY_METHODS:
            return tensor
        if name in ("dim", "ndimension") and not args and not kwargs:
            return torch_model.known_shape(tensor, "ndim")
        if name == "size" and not kwargs and len(args) <= 1:
            shape = torch_model.known_shape(tensor, "shape")
            if not args or shape is UNKNOWN:
                return shape
            axis = torch_catalog.as_int(args[0])
            return shape[axis] if axis is not None and -len(shape) <= axis < len(shape) else UNKNOWN
        if name in ("transpose", "permute", "unsqueeze", "squeeze") and not kwargs:
            return torch_model.reorder(tensor, name, list(args), node, source_text(node))
        if name in ("softmax", "log_softmax") and (args or "dim" in kwargs):
            spec = torch_catalog.LAYERS["Softmax" if name == "softmax" else "LogSoftmax"]
            layer = torch_model.make_layer(spec, node, args[:1], {k: v for k, v in kwargs.items() if k == "dim"},
                                           opaque, functional=name)
            return torch_model.apply_layer(self.analysis, layer, tensor, node)
        return UNKNOWN

    def exec_If(self, node: cst.If, frame: Frame) -> str:
        test = self.eval(node.test, frame)
        if isinstance(test, (bool, int, str, tuple)) and not isinstance(test, ArrayVal):
            if test:
                return self.exec_block(_body(node), frame)
            if node.orelse is None:
                return NORMAL
            return self.exec_else(node.orelse, frame)
        branches = [lambda f: self.exec_block(_body(node), f)]
        if node.orelse is not None:
            branches.append(lambda f: self.exec_else(node.orelse, f))
        else:
            branches.append(lambda f: NORMAL)
        return self.run_branches(branches, frame)

    def exec_else(self, orelse, frame: Frame) -> str:
        if isinstance(orelse, cst.If):
            return self.exec_If(orelse, frame)
        return self.exec_block(_body(orelse), frame)

    def exec_For(self, node: cst.For, frame: Frame) -> str:
        items = self.iteration_values(self.eval(node.iter, frame))
        if items is not None and not _has_jump(node.body) and node.orelse is None:
            for item in items:
                self.assign(node.target, item, frame)
                status = self.exec_block(_body(node), frame)
                if status != NORMAL:
                    return status
            return NORMAL
        self.assign(node.target, UNKNOWN, frame)
        status = self.run_uncertain_loop(lambda f: self.exec_block(_body(node), f), frame)
        if node.orelse is not None:
            self.run_uncertain_loop(lambda f: self.exec_block(_body(node.orelse), f), frame)
        return status

    def exec_While(self, node: cst.While, frame: Frame) -> str:
        self.eval(node.test, frame)
        self.run_uncertain_loop(lambda f: self.exec_block(_body(node), f), frame)
        return NORMAL

    def exec_With(self, node: cst.With, frame: Frame) -> str:
        for item in node.items:
            self.eval(item.item, frame)
            if item.asname is not None:
                self.assign(item.asname.name, UNKNOWN, frame)
        return self.exec_block(_body(node), frame)

    def exec_Try(self, node, frame: Frame) -> str:
        # The body is taken to complete (``try: import tensorflow as tf`` must stay bound);
        # handlers are analysed for their own mistakes on a copy whose bindings are dropped.
        frame.conditional += 1
        try:
            status = self.exec_block(_body(node), frame)
        finally:
            frame.conditional -= 1
        for handler in node.handlers:
            self.run_branches([lambda f, h=handler: self.exec_block(_body(h), f)], frame,
                              discard=True)
        if status == NORMAL and node.orelse is not None:
            status = self.exec_block(_body(node.orelse), frame)
        if node.finalbody is not None:
            self.exec_block(_body(node.finalbody), frame)
        return NORMAL if status == RAISE else status

    exec_TryStar = exec_Try

    def exec_Match(self, node, frame: Frame) -> str:
        self.eval(node.subject, frame)
        branches = [lambda f, c=case: self.exec_block(_body(c), f) for case in node.cases]
        branches.append(lambda f: NORMAL)
        return self.run_branches(branches, frame)

    # -- control-flow merging ---------------------------------------------------------
    # Models and lists are mutable.  Every mutation is journaled first (``touch``), so a
    # branch can be undone and compared at a cost proportional to what it changed.
    def touch(self, obj) -> None:
        self.journal.append((obj, _state(obj)))

    def _changes_since(self, mark: int):
        """Objects mutated since ``mark``, with their state at ``mark``."""
        first = {}
        for obj, state in self.journal[mark:]:
            first.setdefault(id(obj), (obj, state))
        return first

    def _undo(self, mark: int) -> None:
        for obj, state in reversed(self.journal[mark:]):
            _set_state(obj, state)
        del self.journal[mark:]

    def run_branches(self, branches, frame: Frame, discard: bool = False) -> str:
        """Run each branch from the same state; keep what all surviving branches agree on."""
        before_vars = dict(frame.scope.vars)
        mark = len(self.journal)
        outcomes = []
        for branch in branches:
            frame.scope.vars = dict(before_vars)
            frame.conditional += 1
            try:
                status = branch(frame)
            finally:
                frame.conditional -= 1
            changed = {key: (obj, _state(obj), before)
                       for key, (obj, before) in self._changes_since(mark).items()}
            outcomes.append((status, dict(frame.scope.vars), changed))
            self._undo(mark)
        frame.scope.vars = before_vars
        if discard:
            return NORMAL
        live = [o for o in outcomes if o[0] in (NORMAL, BREAK)]
        if not live:
            return outcomes[0][0] if all(o[0] == outcomes[0][0] for o in outcomes) else RAISE
        # Names: equal in every surviving branch, or unknown.
        for name in set().union(*(o[1] for o in live)):
            values = [o[1].get(name, _MISSING) for o in live]
            value = values[0] if all(_same(values[0], v) for v in values[1:]) else UNKNOWN
            if name not in before_vars or not _same(before_vars[name], value):
                frame.scope.bind(name, value)
        # Mutable objects: the state the surviving branches agree on, else uncertain.
        touched = {}
        for outcome in outcomes:
            for key, (obj, _after, before) in outcome[2].items():
                touched.setdefault(key, (obj, before))
        for key, (obj, before) in touched.items():
            states = [o[2][key][1] if key in o[2] else before for o in live]
            self.touch(obj)
            if all(_same_state(states[0], s) for s in states[1:]):
                _set_state(obj, states[0])
            elif isinstance(obj, TorchModuleVal):
                _set_state(obj, _merge_attributes(states))
            else:
                self.make_uncertain(obj)
        return NORMAL

    def run_uncertain_loop(self, body, frame: Frame) -> str:
        """A loop that may run any number of times: run its body once to check it, then
        forget whatever it changed."""
        before_vars = dict(frame.scope.vars)
        mark = len(self.journal)
        frame.conditional += 1
        try:
            body(frame)
        finally:
            frame.conditional -= 1
        for name, value in list(frame.scope.vars.items()):
            if name not in before_vars or not _same(before_vars[name], value):
                frame.scope.bind(name, UNKNOWN)
        for obj, before in self._changes_since(mark).values():
            if not _same_state(before, _state(obj)):
                after = _state(obj)
                self.touch(obj)
                _set_state(obj, before)
                if isinstance(obj, TorchModuleVal):
                    _set_state(obj, _merge_attributes([before, after]))
                else:
                    self.make_uncertain(obj)
        return NORMAL

    def forget_assigned(self, stmt, frame: Frame) -> None:
        for name in _assigned_names(stmt):
            frame.scope.bind(name, UNKNOWN)

    def make_uncertain(self, obj) -> None:
        self.touch(obj)
        if isinstance(obj, SequentialVal):
            obj.entries = obj.entries + [UnknownLayer()]
            obj.output = Tensor(None)
            obj.uncertain = True
        elif isinstance(obj, ListVal):
            obj.items = None
        elif isinstance(obj, TorchModuleVal):
            obj.attrs = {name: UNKNOWN for name in obj.attrs}
            obj.cls = TorchClassVal(obj.cls.node, {})  # methods may now see other attributes
        elif isinstance(obj, TorchSequentialVal):
            obj.entries = None

    def escape(self, value, seen=None) -> None:
        """``value`` reaches code shapelint does not follow: stop trusting its state."""
        if isinstance(value, (SequentialVal, ListVal)):
            if isinstance(value, ListVal) and value.items is not None:
                items = value.items
                self.make_uncertain(value)
                for item in items:
                    self.escape(item)
            else:
                self.make_uncertain(value)
        elif isinstance(value, tuple):
            for item in value:
                self.escape(item)

    # -- assignment -------------------------------------------------------------------
    def assign(self, target, value, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.scope.bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            values = sequence_items(value)
            if values is not None and len(values) == len(elements) and not any(
                isinstance(e, cst.StarredElement) for e in elements
            ):
                for element, item in zip(elements, values):
                    self.assign(element.value, item, frame)
            else:
                for element in elements:
                    self.assign(element.value, UNKNOWN, frame)
        elif isinstance(target, cst.StarredElement):
            self.assign(target.value, UNKNOWN, frame)
        else:  # attribute or subscript: the value escapes our view
            base = self.eval(target.value, frame) if isinstance(target, (cst.Attribute, cst.Subscript)) \
                else UNKNOWN
            if isinstance(target, cst.Attribute) and isinstance(base, TorchModuleVal):
                self.touch(base)  # `self.fc1 = nn.Linear(...)`: a submodule
                # A tensor kept on the module is state (a buffer, a placeholder): not followed.
                base.attrs[target.attr.value] = UNKNOWN if isinstance(value, TorchTensor) else value
                return
            self.escape(value)
            if isinstance(target, cst.Attribute):
                self.mutated(base, target, frame)

    def mutated(self, obj, target: cst.Attribute, frame: Frame) -> None:
        """``layer.return_sequences = True``, ``X.shape = (...)``: what shapelint recorded about
        the object no longer holds."""
        if target.attr.value in HARMLESS_ATTRIBUTES:
            return
        if isinstance(obj, (LayerVal, TorchLayerVal)):
            obj.args = {}
            obj.opaque = True  # every argument is unknown from now on
        elif isinstance(obj, ArrayVal) and isinstance(target.value, cst.Name):
            frame.scope.bind(target.value.value, UNKNOWN)
        elif isinstance(obj, (SequentialVal, ListVal)):
            self.make_uncertain(obj)

    # -- expressions ------------------------------------------------------------------
    def eval(self, node, frame: Frame) -> Any:
        method = getattr(self, f"eval_{type(node).__name__}", None)
        if method is None:
            self.eval_children(node, frame)
            return UNKNOWN
        return method(node, frame)

    def eval_children(self, node, frame: Frame) -> None:
        """Evaluate sub-expressions for their own sake (layer constructions inside a lambda,
        a comprehension, an f-string); their values are not used."""
        for child in _children(node):
            if isinstance(child, cst.BaseExpression):
                self.eval(child, frame)
            elif isinstance(child, (cst.Arg, cst.Element, cst.DictElement, cst.StarredDictElement,
                                    cst.CompFor, cst.CompIf, cst.FormattedStringExpression)):
                self.eval_children(child, frame)

    def eval_Integer(self, node, frame):
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return UNKNOWN

    def eval_Float(self, node, frame):
        try:
            return float(node.value.replace("_", ""))
        except ValueError:
            return UNKNOWN

    def eval_SimpleString(self, node, frame):
        text = node.value
        if text[:1] in "'\"" and "\\" not in text and text[0] * 3 != text[:3]:
            return text[1:-1]  # a plain one-quoted string: no escapes to interpret
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd escapes: the string is simply unknown
            return UNKNOWN
        return value if isinstance(value, str) else UNKNOWN

    def eval_ConcatenatedString(self, node, frame):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001
            return UNKNOWN
        return value if isinstance(value, str) else UNKNOWN

    def eval_Name(self, node, frame):
        return frame.scope.lookup(node.value)

    def eval_Attribute(self, node, frame):
        base = self.eval(node.value, frame)
        attr = node.attr.value
        if isinstance(base, QualName):
            return base.child(attr)
        if isinstance(base, ArrayVal):
            if attr == "shape":
                return tuple(UNKNOWN if d is UNKNOWN_DIM else d for d in base.shape)
            if attr == "T":
                return ArrayVal(tuple(reversed(base.shape)), node, base.what)
            if attr == "ndim":
                return len(base.shape)
            return BoundMethod(base, attr)
        if isinstance(base, Tensor):
            if attr == "shape" and base.shape is not None:
                return tuple(UNKNOWN if d is UNKNOWN_DIM else d for d in base.shape)
            return UNKNOWN
        if isinstance(base, TorchModuleVal):
            if attr in base.cls.volatile:
                return UNKNOWN  # another method (a hook, a setter) may replace it
            if attr in base.attrs:
                return base.attrs[attr]
            method = base.cls.methods.get(attr)
            if method is not None:
                return TorchBoundMethod(base, method)
            return BoundMethod(base, attr) if attr in ("add_module", "register_module") else UNKNOWN
        if isinstance(base, TorchTensor):
            if attr in ("shape", "ndim"):
                return torch_model.known_shape(base, attr)
            return UNKNOWN if attr in ("T", "mT", "data", "grad", "dtype", "device") else BoundMethod(base, attr)
        if isinstance(base, (SequentialVal, FunctionalModelVal, ListVal, tuple, str, LayerVal, DatasetVal,
                             TorchSequentialVal)):
            return BoundMethod(base, attr)
        return UNKNOWN

    def eval_Tuple(self, node, frame):
        return self.eval_elements(node.elements, frame)

    def eval_List(self, node, frame):
        items = self.eval_elements(node.elements, frame)
        lst = ListVal(list(items) if items is not UNKNOWN else None)
        return lst

    def eval_elements(self, elements, frame):
        out = []
        ok = True
        for element in elements:
            value = self.eval(element.value, frame)
            if isinstance(element, cst.StarredElement):
                items = sequence_items(value)
                if items is None:
                    ok = False
                else:
                    out.extend(items)
            else:
                out.append(value)
        return tuple(out) if ok else UNKNOWN

    def eval_Subscript(self, node, frame):
        base = self.eval(node.value, frame)
        if isinstance(base, ArrayVal):
            return self.index_array(base, node, frame)
        if isinstance(base, TorchTensor):
            return self.index_tensor(base, node, frame)
        if len(node.slice) != 1:
            for element in node.slice:
                self.eval_children(element, frame)
            return UNKNOWN
        index = node.slice[0].slice
        items = sequence_items(base)
        if isinstance(index, cst.Index):
            key = self.eval(index.value, frame)
            if items is not None and isinstance(key, int) and not isinstance(key, bool):
                if -len(items) <= key < len(items):
                    return items[key]
            return UNKNOWN
        if isinstance(index, cst.Slice):
            bounds = [self.eval(part, frame) if part is not None else None
                      for part in (index.lower, index.upper, index.step)]
            if items is not None and all(b is None or (isinstance(b, int) and not isinstance(b, bool))
                                         for b in bounds):
                return tuple(items[slice(*bounds)])
        return UNKNOWN

    def index_array(self, base: ArrayVal, node, frame):
        """``X[:, 0]``, ``X[10:]``, ``X[i]`` on an array of known shape."""
        parts = []
        for element in node.slice:
            index = element.slice
            if isinstance(index, cst.Index):
                value = self.eval(index.value, frame)
                if not (isinstance(value, int) and not isinstance(value, bool)):
                    return UNKNOWN  # a fancy index, a mask, None/newaxis, Ellipsis...
                parts.append(value)
            else:
                bounds = [self.eval(p, frame) if p is not None else None
                          for p in (index.lower, index.upper, index.step)]
                known = all(b is None or (isinstance(b, int) and not isinstance(b, bool)) for b in bounds)
                parts.append(slice(*bounds) if known else arrays.UNKNOWN_SLICE)
        shape = arrays.index_shape(base.shape, parts)
        return UNKNOWN if shape is None else ArrayVal(shape, node, "a slice")

    def eval_BinaryOperation(self, node, frame):
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        result = _binop(_BINOPS.get(type(node.operator)), left, right)
        return result

    def eval_UnaryOperation(self, node, frame):
        value = self.eval(node.expression, frame)
        if isinstance(node.operator, cst.Minus) and _is_number(value):
            return -value
        if isinstance(node.operator, cst.Plus) and _is_number(value):
            return value
        if isinstance(node.operator, cst.Not) and isinstance(value, (bool, int, str, tuple)):
            return not value
        return UNKNOWN

    def eval_BooleanOperation(self, node, frame):
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        if isinstance(left, (bool, int, str, tuple)) and isinstance(right, (bool, int, str, tuple)):
            return (left and right) if isinstance(node.operator, cst.And) else (left or right)
        return UNKNOWN

    def eval_Comparison(self, node, frame):
        left = self.eval(node.left, frame)
        result = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            op = target.operator
            if isinstance(op, cst.Is) and _is_literal(left) and _is_literal(right):
                outcome = left is right if left is None or right is None else left == right
            elif isinstance(op, cst.IsNot) and _is_literal(left) and _is_literal(right):
                outcome = not (left is right if left is None or right is None else left == right)
            elif type(op) in _COMPARE and _is_literal(left) and _is_literal(right):
                try:
                    outcome = _COMPARE[type(op)](left, right)
                except TypeError:
                    return UNKNOWN
            else:
                return UNKNOWN
            result = result and outcome
            left = right
        return bool(result)

    def eval_IfExp(self, node, frame):
        test = self.eval(node.test, frame)
        if isinstance(test, (bool, int, str, tuple)):
            return self.eval(node.body if test else node.orelse, frame)
        body = self.eval(node.body, frame)
        orelse = self.eval(node.orelse, frame)
        return body if _same(body, orelse) else UNKNOWN

    def eval_Lambda(self, node, frame):
        return UNKNOWN

    def eval_ListComp(self, node, frame):
        comp = node.for_in
        iterable = self.eval(comp.iter, frame)
        items = self.iteration_values(iterable)
        child = Frame(Scope(parent=frame.scope), depth=frame.depth, conditional=frame.conditional)
        child.scope.vars = dict()
        if items is not None and comp.inner_for_in is None and not comp.ifs:
            out = []
            for item in items:
                self.assign(comp.target, item, child)
                out.append(self.eval(node.elt, child))
            return ListVal(out)
        self.assign(comp.target, UNKNOWN, child)
        child.conditional += 1
        self.eval(node.elt, child)
        return UNKNOWN

    def eval_Call(self, node: cst.Call, frame: Frame):
        func = self.eval(node.func, frame)
        args, kwargs, opaque = [], {}, False
        for arg in node.args:
            value = self.eval(arg.value, frame)
            if arg.star == "*":
                items = sequence_items(value)
                if items is None:
                    opaque = True
                else:
                    args.extend(items)
            elif arg.star == "**":
                opaque = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        return self.call(func, args, kwargs, opaque, node, frame)

    # -- calls ------------------------------------------------------------------------
    def call(self, func, args, kwargs, opaque, node, frame):
        if isinstance(func, QualName):
            return self.call_qualname(func, args, kwargs, opaque, node, frame)
        if isinstance(func, FunctionVal):
            return self.call_function(func, args, kwargs, opaque, node, frame)
        if isinstance(func, LayerVal):
            return propagate.apply_layer_call(self.analysis, func, args, node)
        if isinstance(func, (SequentialVal, FunctionalModelVal)):
            return propagate.apply_model(self.analysis, func, args[0] if args else UNKNOWN, node)
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, opaque, node, frame)
        if isinstance(func, TorchLayerVal):
            if func.name == "Bilinear":
                if len(args) != 2 or kwargs or opaque:
                    return UNKNOWN
                return torch_model.apply_bilinear(self.analysis, func, args[0], args[1], node)
            output = torch_model.apply_layer(self.analysis, func, args[0] if args else UNKNOWN, node)
            if (len(args) > 1 or kwargs or opaque) and not func.spec.returns_state and output is not torch_model.DEAD:
                return UNKNOWN  # `up(x, output_size=...)`: the input is checked, the output not known
            return output
        if isinstance(func, TorchSequentialVal):
            return self.run_torch_sequential(func, args[0] if args else UNKNOWN, frame)
        if isinstance(func, TorchModuleVal):
            return self.run_forward(func, args, kwargs, opaque, node, frame)
        if isinstance(func, TorchClassVal):
            return self.instantiate(func, args, kwargs, opaque, node, frame)
        if isinstance(func, TorchBoundMethod):
            return self.call_function(func.function, [func.instance] + list(args), kwargs, opaque, node, frame)
        for value in list(args) + list(kwargs.values()):
            self.escape(value)
        return UNKNOWN

    def call_qualname(self, func: QualName, args, kwargs, opaque, node, frame):
        if func.name.startswith("builtins."):
            if func.name in ("builtins.setattr", "builtins.delattr") and args and isinstance(args[0], TorchModuleVal):
                self.make_uncertain(args[0])
            return _call_builtin(func.name[9:], args, kwargs, opaque, self)
        meaning = names.meaning(func.name)
        if meaning is not None and meaning.kind.startswith(("torch_", "ordered_dict")):
            return self.call_torch(meaning, args, kwargs, opaque, node, frame)
        if meaning is None or meaning.kind == "keras":
            for value in list(args) + list(kwargs.values()):
                self.escape(value)
            return UNKNOWN
        keras = meaning.keras or self.target_keras
        if meaning.kind in ("layer", "input"):
            spec = catalog.LAYERS["InputLayer" if meaning.name == "Input" else meaning.name]
            layer = make_layer(spec, node, args, kwargs, opaque, keras)
            self.analysis.layers.append(layer)
            if meaning.name == "Input":
                layer.alias = "Input"
                return propagate.input_tensor(layer)
            return layer
        if meaning.kind == "sequential":
            model = SequentialVal(node, keras=keras)
            self.analysis.models.append(model)
            entries = args[0] if args else kwargs.get("layers")
            items = sequence_items(entries)
            if entries is not None and items is None:
                self.make_uncertain(model)
            for item in items or ():
                propagate.sequential_add(self.analysis, model, item, node)
            return model
        if meaning.kind == "model":
            inputs = args[0] if args else kwargs.get("inputs", UNKNOWN)
            outputs = args[1] if len(args) > 1 else kwargs.get("outputs", UNKNOWN)
            model = FunctionalModelVal(node, inputs, outputs, keras=keras)
            self.analysis.models.append(model)
            return model
        if meaning.kind == "merge":
            spec = catalog.LAYERS[meaning.name]
            tensors = args[0] if args else kwargs.get("inputs", UNKNOWN)
            layer_kwargs = {k: v for k, v in kwargs.items() if k != "inputs"}
            layer = make_layer(spec, node, [], layer_kwargs, opaque, keras)
            self.analysis.layers.append(layer)
            return propagate.apply_layer_call(self.analysis, layer, [tensors], node)
        if meaning.kind == "numpy":
            return arrays.numpy_call(meaning.name, args, kwargs, opaque, node)
        if meaning.kind == "dataset" and not opaque:
            return arrays.from_tensor_slices(args, kwargs, node)
        if meaning.kind == "to_categorical" and not opaque:
            return arrays.to_categorical(args, kwargs, node)
        if meaning.kind == "load_data" and not args and not kwargs:
            return arrays.dataset_load(meaning.name, node)
        return UNKNOWN

    def call_method(self, method: BoundMethod, args, kwargs, opaque, node, frame):
        receiver, name = method.receiver, method.name
        if isinstance(receiver, SequentialVal):
            if name == "add" and args and not opaque:
                self.touch(receiver)
                propagate.sequential_add(self.analysis, receiver, args[0], node)
                return None
            if name == "build" and not opaque:
                shape = args[0] if args else kwargs.get("input_shape", UNKNOWN)
                self.touch(receiver)
                propagate.sequential_build(self.analysis, receiver, shape, node)
                return None
        if isinstance(receiver, (SequentialVal, FunctionalModelVal)):
            if name in MODEL_CALLS or name == "compile":
                self.analysis.model_calls.append(
                    ModelCall(receiver, name, node, list(args), dict(kwargs), opaque))
                return UNKNOWN  # data is read, never changed: nothing escapes
            if name in MODEL_METHODS_PURE:
                return UNKNOWN
            self.make_uncertain(receiver) if isinstance(receiver, SequentialVal) else None
            return UNKNOWN
        if isinstance(receiver, ListVal):
            if receiver.items is not None and not opaque:
                if name == "append" and len(args) == 1:
                    self.touch(receiver)
                    receiver.items.append(args[0])
                    return None
                if name == "extend" and len(args) == 1 and sequence_items(args[0]) is not None:
                    self.touch(receiver)
                    receiver.items.extend(sequence_items(args[0]))
                    return None
            self.make_uncertain(receiver)
            for value in args:
                self.escape(value)
            return UNKNOWN
        if isinstance(receiver, TorchTensor):
            return self.tensor_method(receiver, name, args, kwargs, opaque, node, frame)
        if isinstance(receiver, TorchModuleVal):  # add_module / register_module
            self.touch(receiver)
            if len(args) == 2 and isinstance(args[0], str) and not kwargs and not opaque:
                receiver.attrs[args[0]] = args[1]
            else:
                self.make_uncertain(receiver)
            return None
        if isinstance(receiver, TorchSequentialVal):
            self.touch(receiver)
            if name == "append" and len(args) == 1 and not kwargs and receiver.entries is not None:
                receiver.entries.append(args[0])
                return receiver
            receiver.entries = None
            return UNKNOWN
        if isinstance(receiver, ArrayVal):
            if name in IN_PLACE_ARRAY_METHODS and isinstance(node.func, cst.Attribute) \
                    and isinstance(node.func.value, cst.Name):
                frame.scope.bind(node.func.value.value, UNKNOWN)
                return None
            return arrays.array_method(receiver, name, args, kwargs, opaque, node)
        if isinstance(receiver, DatasetVal):
            return UNKNOWN if opaque else arrays.dataset_method(receiver, name, args, kwargs, node)
        for value in list(args) + list(kwargs.values()):
            self.escape(value)
        return UNKNOWN

    def call_function(self, fn: FunctionVal, args, kwargs, opaque, node, frame):
        if frame.depth >= MAX_CALL_DEPTH:
            for value in list(args) + list(kwargs.values()):
                self.escape(value)
            return UNKNOWN
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
            return UNKNOWN  # a call Python would reject
        callee = Frame(scope, depth=frame.depth + 1)
        status = self.exec_block(_body(fn.node), callee)
        if status == RAISE or callee.result_uncertain:
            return UNKNOWN
        return callee.result

    def iteration_values(self, iterable) -> Optional[List[Any]]:
        if isinstance(iterable, range):
            return list(iterable) if len(iterable) <= MAX_UNROLL else None
        items = sequence_items(iterable)
        if items is not None and len(items) <= MAX_UNROLL:
            return list(items)
        return None


def make_layer(spec, node, args, kwargs, opaque, keras) -> LayerVal:
    named = dict(kwargs)
    for index, value in enumerate(args):
        if index < len(spec.positional):
            named.setdefault(spec.positional[index], value)
    inner = named.get("layer")
    return LayerVal(spec=spec, node=node, args=named, opaque=opaque, keras=keras,
                    inner=inner if isinstance(inner, LayerVal) else None,
                    extra_args=len(args) > len(spec.positional))


# -- helpers ------------------------------------------------------------------------------

_MISSING = object()


def _same(a, b) -> bool:
    if a is b:
        return True
    if _is_literal(a) and _is_literal(b):
        return type(a) is type(b) and a == b
    return False


def _is_literal(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, tuple) and all(_is_literal(v) for v in value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _state(obj):
    if isinstance(obj, SequentialVal):
        return (tuple(obj.entries), obj.input, obj.output, obj.uncertain)
    if isinstance(obj, TorchModuleVal):
        return dict(obj.attrs)
    if isinstance(obj, TorchSequentialVal):
        return None if obj.entries is None else tuple(obj.entries)
    return None if obj.items is None else tuple(obj.items)


def _set_state(obj, state) -> None:
    if isinstance(obj, SequentialVal):
        entries, obj.input, obj.output, obj.uncertain = state
        obj.entries = list(entries)
    elif isinstance(obj, TorchModuleVal):
        obj.attrs = dict(state)
    elif isinstance(obj, TorchSequentialVal):
        obj.entries = None if state is None else list(state)
    else:
        obj.items = None if state is None else list(state)


def _same_state(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(
            a[k] is b[k] or _same(a[k], b[k]) for k in a)
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _merge_attributes(states) -> Dict[str, Any]:
    """A module's attributes after branches: those every branch agrees on, else unknown."""
    merged = {}
    for name in set().union(*states):
        values = [state.get(name, _MISSING) for state in states]
        same = all(v is values[0] or _same(v, values[0]) for v in values[1:])
        merged[name] = values[0] if same and values[0] is not _MISSING else UNKNOWN
    return merged


def _binop(op, left, right):
    if op is None:
        return UNKNOWN
    if _is_number(left) and _is_number(right):
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


def _augmented(op):
    mapping = {
        cst.AddAssign: operator.add, cst.SubtractAssign: operator.sub,
        cst.MultiplyAssign: operator.mul, cst.FloorDivideAssign: operator.floordiv,
        cst.DivideAssign: operator.truediv, cst.ModuloAssign: operator.mod,
        cst.PowerAssign: operator.pow,
    }
    return mapping.get(type(op))


def _call_builtin(name, args, kwargs, opaque, interp):
    if opaque:
        return UNKNOWN
    try:
        if name == "range" and all(isinstance(a, int) and not isinstance(a, bool) for a in args) \
                and 1 <= len(args) <= 3 and not kwargs:
            return range(*args)
        if name == "len" and len(args) == 1:
            items = sequence_items(args[0])
            if items is not None:
                return len(items)
            if isinstance(args[0], ArrayVal) and args[0].shape and is_known(args[0].shape[0]):
                return args[0].shape[0]
            if isinstance(args[0], str):
                return len(args[0])
            return UNKNOWN
        if name == "int" and len(args) == 1 and _is_number(args[0]):
            return int(args[0])
        if name in ("tuple", "list") and len(args) == 1:
            items = sequence_items(args[0])
            if items is None:
                return UNKNOWN
            if name == "tuple":
                return tuple(items)
            lst = ListVal(list(items))
            return lst
        if name in ("min", "max", "sum") and len(args) >= 1 and not kwargs:
            values = sequence_items(args[0]) if len(args) == 1 else list(args)
            if values and all(_is_number(v) for v in values):
                return {"min": min, "max": max, "sum": sum}[name](values)
            return UNKNOWN
        if name == "abs" and len(args) == 1 and _is_number(args[0]):
            return abs(args[0])
    except (TypeError, ValueError):
        return UNKNOWN
    if name not in PURE_BUILTINS:
        for value in list(args) + list(kwargs.values()):
            interp.escape(value)
    return UNKNOWN


def _dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _body(node):
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    return body.body


def _all_params(params: cst.Parameters) -> List[str]:
    out = [p.name.value for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            out.append(star.name.value)
    return out


def _with_defaults(params: cst.Parameters):
    for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
        if p.default is not None:
            yield p


def _target_names(node) -> List[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        out = []
        for element in node.elements:
            out.extend(_target_names(element.value))
        return out
    if isinstance(node, cst.StarredElement):
        return _target_names(node.value)
    return []


class _AssignedNames(cst.CSTVisitor):
    def __init__(self):
        self.names: List[str] = []

    def visit_AssignTarget(self, node):
        self.names.extend(_target_names(node.target))

    def visit_AugAssign(self, node):
        self.names.extend(_target_names(node.target))

    def visit_AnnAssign(self, node):
        self.names.extend(_target_names(node.target))

    def visit_For(self, node):
        self.names.extend(_target_names(node.target))

    def visit_FunctionDef(self, node):
        self.names.append(node.name.value)
        return False

    def visit_ClassDef(self, node):
        self.names.append(node.name.value)
        return False


def _assigned_names(stmt) -> List[str]:
    visitor = _AssignedNames()
    stmt.visit(visitor)
    return visitor.names


class _JumpFinder(cst.CSTVisitor):
    def __init__(self):
        self.found = False

    def visit_Break(self, node):
        self.found = True

    def visit_Continue(self, node):
        self.found = True

    def visit_For(self, node):
        return False

    def visit_While(self, node):
        return False

    def visit_FunctionDef(self, node):
        return False


class _GlobalFinder(cst.CSTVisitor):
    def __init__(self):
        self.names = set()

    def visit_Global(self, node):
        self.names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node):
        self.names.update(item.name.value for item in node.names)


def _globals_declared(module) -> frozenset:
    finder = _GlobalFinder()
    module.visit(finder)
    return frozenset(finder.names)


def _has_jump(body) -> bool:
    finder = _JumpFinder()
    body.visit(finder)
    return finder.found


def _attributes_set_outside_init(class_node: cst.ClassDef) -> frozenset:
    """``self.x = ...`` in any method but ``__init__`` (hooks, setters, reset methods)."""
    names = set()
    for stmt in _body(class_node):
        if not isinstance(stmt, cst.FunctionDef) or stmt.name.value == "__init__":
            continue
        params = _all_params(stmt.params)
        if not params:
            continue
        finder = _SelfAttributeAssignments(params[0])
        stmt.visit(finder)
        names |= finder.names
    return frozenset(names)


class _SelfAttributeAssignments(cst.CSTVisitor):
    def __init__(self, receiver: str):
        self.receiver = receiver
        self.names = set()

    def _target(self, target) -> None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value == self.receiver:
            self.names.add(target.attr.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value)

    def visit_AssignTarget(self, node):
        self._target(node.target)

    def visit_AugAssign(self, node):
        self._target(node.target)

    def visit_AnnAssign(self, node):
        self._target(node.target)


def _children(node):
    """The child nodes of ``node``, in field order: LibCST's ``children`` runs a visitor."""
    for name in node.__dataclass_fields__:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


def _literal_int(node) -> Optional[int]:
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
            and isinstance(node.expression, cst.Integer):
        return -int(node.expression.value, 0)
    return None
