"""The interpreter core: a small abstract interpreter over the LibCST tree, Python only.

It walks the module's statements in order, binding names to abstract values (``values.py``):
imports become qualified names, literals and simple arithmetic are computed, lists are
tracked, user functions are called with the arguments they are given.  Everything a framework
means (Keras layers, PyTorch modules, numpy arrays) comes from plug-ins (``plugins.py``): a
call of a qualified name goes through their handler table, and the values they create answer
calls, attributes, methods and subscripts themselves (``values.AbstractValue``).  Control flow
is followed where its effect is certain (``for _ in range(N)`` with a known N, ``if`` on a
known value, function calls with literal arguments); anywhere else the affected names become
``UNKNOWN`` and the affected values uncertain (``journal.py``), which silences every check
downstream.

The user's code is never executed: only literals and a fixed list of pure operations are
evaluated here.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Optional

import libcst as cst

from shapelint.interp import cancel, operators, syntax
from shapelint.interp.classes import UserClassVal
from shapelint.interp.journal import BREAK, NORMAL, RAISE, RETURN, Journal
from shapelint.interp.plugins import HandlerTable, Plugin, default_plugins
from shapelint.interp.scope import Frame, Scope, bind_import, call_builtin, call_scope, iteration_values
from shapelint.interp.values import (
    MISSING,
    UNKNOWN,
    AbstractValue,
    BoundMethod,
    DataclassVal,
    DictVal,
    FunctionVal,
    ListVal,
    QualName,
    literal_key,
    same,
    sequence_items,
)

__all__ = ["Interpreter", "Scope", "Frame", "BudgetExceeded"]

MAX_CALL_DEPTH = 4
STEP_BUDGET = 60_000  # statements interpreted per file before giving up (values go unknown)
# Nesting of expressions evaluated one inside another: each level costs a few Python frames,
# and real code nests a few dozen at most.
MAX_EXPRESSION_DEPTH = 100


class BudgetExceeded(Exception):
    pass


class Interpreter:
    """Runs one module.  Plug-ins reach it through ``analysis`` (where findings' facts are
    recorded), ``eval``, ``call_function``, ``touch`` / ``make_uncertain`` / ``escape`` and
    ``queue_standalone``."""

    def __init__(self, module: cst.Module, target_keras: int, analysis, scan_globals: bool = True,
                 plugins: Optional[Iterable[Plugin]] = None):
        self.scan_globals = scan_globals  # False when the source has no global/nonlocal at all
        self.module = module
        self.target_keras = target_keras  # read by the Keras plug-in
        self.analysis = analysis  # where plug-ins record what they find
        self.handlers = HandlerTable(default_plugins() if plugins is None else plugins)
        self.journal = Journal(self)
        self.pending_functions: List[Any] = []  # (FunctionDef or value with .standalone(), scope)
        self.queued: set = set()
        self.steps = 0
        self.cancelled = cancel.current()  # the server's "a newer version arrived" check
        self.expression_depth = 0
        self._bound_anywhere: Optional[set] = None
        self.patched: set = set()  # attribute names the file assigns on a module ("*": unknown ones)
        self._bound_computed = False
        self._jumps: dict = {}  # for loop -> whether its body breaks or continues

    # -- entry point ------------------------------------------------------------------
    def run(self) -> None:
        scope = Scope()
        scope.fallback = self.assume_unbound
        if self.scan_globals:
            scope.rebound_elsewhere = syntax.globals_declared(self.module)
        try:
            self.exec_block(self.module.body, Frame(scope))
            # Functions and methods never called with known arguments (and values plug-ins
            # queued, such as nn.Module classes): analyse them once with unknown parameters,
            # so their literal mistakes are still found.
            index = 0
            while index < len(self.pending_functions):
                item, defining = self.pending_functions[index]
                index += 1
                if isinstance(item, cst.FunctionDef):
                    self.analyse_standalone(item, defining)
                else:
                    item.standalone(self, defining)
        except BudgetExceeded:
            pass

    def patch(self, attribute: str) -> None:
        """A module attribute replaced (``layers.LSTM = MyLSTM``, ``setattr(layers, "LSTM",
        ...)``): from here on, a call of any qualified name ending in it is unknown."""
        self.patched.add(attribute)

    def assume_unbound(self, name: str) -> Any:
        """Snippet mode: a framework name the file never binds (pasted code whose imports were
        left out) means what the plug-ins say (``Dense``: ``keras.layers.Dense``); the finding
        says so (``analysis.assumed``).  None for any other name."""
        qualified = self.handlers.snippet_names.get(name)
        if qualified is None:
            return None
        if not self._bound_computed:  # only files that use such a name pay for this pass
            self._bound_anywhere = syntax.bound_names(self.module)
            self._bound_computed = True
        if self._bound_anywhere is None or name in self._bound_anywhere:
            return None  # a star import, or bound somewhere: not ours to guess
        self.analysis.assumed.setdefault(name, qualified)
        return QualName(qualified)

    def analyse_standalone(self, fn: cst.FunctionDef, defining: Scope) -> None:
        scope = Scope(parent=defining, standalone=True)
        for param in syntax.all_params(fn.params):
            scope.vars[param] = UNKNOWN
        self.exec_block(syntax.body(fn), Frame(scope, depth=1))

    def queue_standalone(self, node, scope: Scope) -> None:
        """Analyse ``node`` after the module, once: a ``FunctionDef``, or a value with a
        ``standalone(interp, scope)`` method (an ``nn.Module`` class)."""
        if id(node) not in self.queued:
            self.queued.add(id(node))
            self.pending_functions.append((node, scope))

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
        if self.cancelled is not None and not self.steps % 32 and self.cancelled():
            raise cancel.Cancelled
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                status = self.exec_small(small, frame)
                if status != NORMAL:
                    return status
            return NORMAL
        handler = getattr(self, f"exec_{type(stmt).__name__}", None)
        if handler is None:
            for name in syntax.assigned_names(stmt):
                frame.scope.bind(name, UNKNOWN)
            return NORMAL
        return handler(stmt, frame)

    def exec_small(self, small, frame: Frame) -> str:
        scope = frame.scope
        if isinstance(small, cst.Expr):
            value = self.eval(small.value, frame)
            if isinstance(value, AbstractValue):
                value.discarded(small.value)
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
            self.assign(small.target, operators.augmented(small.operator, current, value), frame)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            bind_import(small, scope, self.handlers)
        elif isinstance(small, cst.Return):
            value = self.eval(small.value, frame) if small.value is not None else None
            if frame.conditional:
                frame.result_uncertain = True
            else:
                frame.result = value
            return RETURN
        elif isinstance(small, cst.Raise):
            if small.exc is not None:
                self.eval(small.exc, frame)
            return RAISE
        elif isinstance(small, (cst.Break, cst.Continue)):
            return BREAK
        elif isinstance(small, cst.Del):
            for name in syntax.target_names(small.target):
                scope.bind(name, UNKNOWN)
            if isinstance(small.target, cst.Subscript):
                base = self.eval(small.target.value, frame)
                if isinstance(base, (DictVal, ListVal)):
                    self.make_uncertain(base)
        elif isinstance(small, cst.Assert):
            self.eval(small.test, frame)
        elif isinstance(small, (cst.Global, cst.Nonlocal)):
            for item in small.names:
                scope.bind(item.name.value, UNKNOWN)
        return NORMAL

    def exec_FunctionDef(self, node: cst.FunctionDef, frame: Frame) -> str:
        for deco in node.decorators:
            self.eval(deco.decorator, frame)
        defaults = {}
        for param in syntax.with_defaults(node.params):
            defaults[param.name.value] = self.eval(param.default, frame)
        fn = FunctionVal(node, frame.scope, defaults)
        frame.scope.bind(node.name.value, fn if not node.decorators else UNKNOWN)
        self.queue_standalone(node, frame.scope)
        return NORMAL

    def exec_ClassDef(self, node: cst.ClassDef, frame: Frame) -> str:
        """A class is unknown unless a plug-in models it (``class Net(nn.Module)``)."""
        body_scope = Scope(parent=frame.scope)
        class_frame = Frame(body_scope, depth=frame.depth, conditional=frame.conditional + 1)
        cls = None
        if not node.keywords:
            bases = [self.eval(arg.value, frame) for arg in node.bases]
            cls = self.handlers.class_value(self, node, bases, frame)
            if cls is None and not bases:
                record = self.dataclass_value(node, class_frame)
                if record is not None:
                    frame.scope.bind(node.name.value, record)
                    return NORMAL
            if cls is None and not node.decorators and all(b == QualName("builtins.object") for b in bases):
                cls = UserClassVal(node)  # a plain class: followed through its instances
        for stmt in syntax.body(node):
            if isinstance(stmt, cst.FunctionDef):
                if cls is not None and not stmt.decorators:
                    defaults = {p.name.value: self.eval(p.default, class_frame)
                                for p in syntax.with_defaults(stmt.params)}
                    if cls.define_method(self, stmt.name.value, FunctionVal(stmt, frame.scope, defaults)):
                        continue  # analysed through instances of the class
                self.queue_standalone(stmt, frame.scope)
            else:
                self.exec_statement(stmt, class_frame)
        frame.scope.bind(node.name.value, UNKNOWN if cls is None else cls)
        if cls is not None:
            cls.class_defined(self, node, frame.scope)
        return NORMAL

    # Decorator keywords that keep ``__init__(self, field1, field2, ...)``.
    _DATACLASS_KEYWORDS = frozenset({"frozen", "eq", "repr", "order", "unsafe_hash", "slots"})

    def dataclass_value(self, node: cst.ClassDef, class_frame: Frame):
        """``@dataclass`` over annotated fields only (``hidden: int = 128``), or None."""
        if len(node.decorators) != 1:
            return None
        decorator = node.decorators[0].decorator
        call = decorator if isinstance(decorator, cst.Call) else None
        if call is not None and any(a.keyword is None or a.keyword.value not in self._DATACLASS_KEYWORDS
                                    for a in call.args):
            return None
        if self.eval(call.func if call is not None else decorator, class_frame) != QualName("dataclasses.dataclass"):
            return None
        fields = {}
        for stmt in syntax.body(node):
            small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
            if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
                continue  # the docstring
            if not isinstance(small, cst.AnnAssign) or not isinstance(small.target, cst.Name) \
                    or "Var" in cst.Module(body=[]).code_for_node(small.annotation.annotation):
                return None  # a method, a ClassVar / InitVar, anything else: not modelled
            value = MISSING if small.value is None else self.eval(small.value, class_frame)
            if isinstance(small.value, cst.Call):
                return None  # field(...): init=False, default_factory...
            fields[small.target.value] = value
        return DataclassVal(fields)

    def exec_If(self, node: cst.If, frame: Frame) -> str:
        test = self.eval(node.test, frame)
        if isinstance(test, operators.TRUTH_KNOWN):
            if test:
                return self.exec_block(syntax.body(node), frame)
            if node.orelse is None:
                return NORMAL
            return self.exec_else(node.orelse, frame)
        branches = [lambda f: self.exec_block(syntax.body(node), f)]
        if node.orelse is not None:
            branches.append(lambda f: self.exec_else(node.orelse, f))
        else:
            branches.append(lambda f: NORMAL)
        return self.journal.run_branches(branches, frame)

    def exec_else(self, orelse, frame: Frame) -> str:
        if isinstance(orelse, cst.If):
            return self.exec_If(orelse, frame)
        return self.exec_block(syntax.body(orelse), frame)

    def has_jump(self, loop: cst.For) -> bool:
        """``break`` / ``continue`` in the loop's body (a walk of the body, once per loop: a
        loop inside a function called many times would walk it again each time)."""
        found = self._jumps.get(loop)  # (LibCST nodes hash and compare by identity)
        if found is None:
            found = self._jumps[loop] = syntax.has_jump(loop.body)
        return found

    def exec_For(self, node: cst.For, frame: Frame) -> str:
        iterable = self.eval(node.iter, frame)
        items = iteration_values(iterable)
        if items is not None and node.orelse is None and not self.has_jump(node):
            for item in items:
                self.assign(node.target, item, frame)
                status = self.exec_block(syntax.body(node), frame)
                if status != NORMAL:
                    return status
            return NORMAL
        self.assign(node.target, iterable.each() if isinstance(iterable, AbstractValue) else UNKNOWN, frame)
        status = self.journal.run_uncertain_loop(lambda f: self.exec_block(syntax.body(node), f), frame)
        if node.orelse is not None:
            self.journal.run_uncertain_loop(lambda f: self.exec_block(syntax.body(node.orelse), f), frame)
        return status

    def exec_While(self, node: cst.While, frame: Frame) -> str:
        self.eval(node.test, frame)
        self.journal.run_uncertain_loop(lambda f: self.exec_block(syntax.body(node), f), frame)
        return NORMAL

    def exec_With(self, node: cst.With, frame: Frame) -> str:
        if any(syntax.expects_exception(item.item) for item in node.items):
            # `with pytest.raises(...)` / `self.assertRaises(...)`: the body is meant to fail
            # (a test of the error itself); it is not followed, and what it binds is unknown.
            for name in syntax.assigned_names(node):
                frame.scope.bind(name, UNKNOWN)
            return NORMAL
        for item in node.items:
            self.eval(item.item, frame)
            if item.asname is not None:
                self.assign(item.asname.name, UNKNOWN, frame)
        return self.exec_block(syntax.body(node), frame)

    def exec_Try(self, node, frame: Frame) -> str:
        # The body is taken to complete (``try: import tensorflow as tf`` must stay bound);
        # handlers are analysed for their own mistakes on a copy whose bindings are dropped.
        frame.conditional += 1
        try:
            status = self.exec_block(syntax.body(node), frame)
        finally:
            frame.conditional -= 1
        for handler in node.handlers:
            self.journal.run_branches([lambda f, h=handler: self.exec_block(syntax.body(h), f)], frame,
                                      discard=True)
        if status == NORMAL and node.orelse is not None:
            status = self.exec_block(syntax.body(node.orelse), frame)
        if node.finalbody is not None:
            self.exec_block(syntax.body(node.finalbody), frame)
        return NORMAL if status == RAISE else status

    exec_TryStar = exec_Try

    def exec_Match(self, node, frame: Frame) -> str:
        self.eval(node.subject, frame)
        branches = [lambda f, c=case: self.exec_block(syntax.body(c), f) for case in node.cases]
        branches.append(lambda f: NORMAL)
        return self.journal.run_branches(branches, frame)

    # -- the journal and values that escape -----------------------------------------
    def touch(self, obj) -> None:
        """Journal ``obj``'s state before changing it."""
        self.journal.touch(obj)

    def make_uncertain(self, obj) -> None:
        self.journal.make_uncertain(obj)

    def escape(self, value) -> None:
        """``value`` reaches code shapelint does not follow: stop trusting its state."""
        if isinstance(value, tuple):
            for item in value:
                self.escape(item)
        elif isinstance(value, AbstractValue):
            value.escape(self)

    def escape_all(self, args, kwargs) -> None:
        for value in list(args) + list(kwargs.values()):
            self.escape(value)

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
            if isinstance(target, cst.Attribute) and isinstance(base, QualName):
                self.patch(target.attr.value)  # `layers.LSTM = MyLSTM`: not Keras's LSTM any more
            if isinstance(target, cst.Attribute) and isinstance(base, AbstractValue) \
                    and base.set_attribute(self, target.attr.value, value):
                return  # recorded by the value (`self.fc1 = nn.Linear(...)` on an nn.Module)
            self.escape(value)
            if isinstance(target, cst.Subscript) and isinstance(base, (DictVal, ListVal)):
                self.make_uncertain(base)  # `cfg["hidden"] = 256`, `layers[0] = ...`
            if isinstance(target, cst.Attribute) and target.attr.value not in self.handlers.harmless_attributes \
                    and isinstance(base, AbstractValue):
                base.mutated(self, target, frame)  # `layer.return_sequences = True`, `X.shape = (...)`

    # -- expressions ------------------------------------------------------------------
    def eval(self, node, frame: Frame) -> Any:
        literal = operators.LITERALS.get(type(node))
        if literal is not None:
            return literal(node)
        if self.expression_depth >= MAX_EXPRESSION_DEPTH:
            return UNKNOWN  # a 500-term sum, 500 unary minus signs: unknown, not a RecursionError
        method = getattr(self, f"eval_{type(node).__name__}", None)
        self.expression_depth += 1
        try:
            if method is None:
                self.eval_children(node, frame)
                return UNKNOWN
            return method(node, frame)
        finally:
            self.expression_depth -= 1

    def eval_children(self, node, frame: Frame) -> None:
        """Evaluate sub-expressions for their own sake (layer constructions inside a lambda,
        a comprehension, an f-string); their values are not used."""
        for child in syntax.children(node):
            if isinstance(child, cst.BaseExpression):
                self.eval(child, frame)
            elif isinstance(child, (cst.Arg, cst.Element, cst.DictElement, cst.StarredDictElement,
                                    cst.CompFor, cst.CompIf, cst.FormattedStringExpression)):
                self.eval_children(child, frame)

    def eval_Name(self, node, frame):
        return frame.scope.lookup(node.value)

    def eval_Attribute(self, node, frame):
        base = self.eval(node.value, frame)
        attr = node.attr.value
        if isinstance(base, AbstractValue):
            return base.attribute(self, attr, node, frame)
        if isinstance(base, (tuple, str)):
            return BoundMethod(base, attr)
        return self.handlers.foreign_attribute(self, base, attr, node, frame)

    def eval_Tuple(self, node, frame):
        return self.eval_elements(node.elements, frame)

    def eval_Dict(self, node, frame):
        """A dict literal with literal keys is tracked (``{"hidden": 128}``); any other is unknown."""
        items = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                self.eval_children(element, frame)
                items = None
                continue
            key, value = self.eval(element.key, frame), self.eval(element.value, frame)
            if items is not None and literal_key(key):
                items[key] = value
            else:
                self.escape(value)
                items = None
        return DictVal(items) if items is not None else UNKNOWN

    def eval_List(self, node, frame):
        items = self.eval_elements(node.elements, frame)
        return ListVal(list(items) if items is not UNKNOWN else None)

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
        if isinstance(base, AbstractValue):
            return base.subscript(self, node, frame)
        return self.subscript_sequence(base, node, frame)

    def subscript_sequence(self, base, node, frame):
        """``items[i]``, ``items[a:b]`` on a tuple or a tracked list; anything else is unknown."""
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

    def eval_BinaryOperation(self, node, frame):
        left = self.eval(node.left, frame)
        return operators.binary(node.operator, left, self.eval(node.right, frame))

    def eval_UnaryOperation(self, node, frame):
        return operators.unary(node.operator, self.eval(node.expression, frame))

    def eval_BooleanOperation(self, node, frame):
        left = self.eval(node.left, frame)
        return operators.boolean(node.operator, left, self.eval(node.right, frame))

    def eval_Comparison(self, node, frame):
        left = self.eval(node.left, frame)
        if len(node.comparisons) == 1 and type(node.comparisons[0].operator) in operators.ORDERING:
            right = self.eval(node.comparisons[0].comparator, frame)
            if isinstance(left, AbstractValue) or isinstance(right, AbstractValue):
                return operators.elementwise(left, right)  # `x > 0.5` on a tensor: a mask
            outcome = operators.compare(node.comparisons[0].operator, left, right)
            return UNKNOWN if outcome is UNKNOWN else bool(outcome)
        result = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            outcome = operators.compare(target.operator, left, right)
            if outcome is UNKNOWN:
                return UNKNOWN  # the rest of the chain is not evaluated
            result = result and outcome
            left = right
        return bool(result)

    def eval_IfExp(self, node, frame):
        test = self.eval(node.test, frame)
        if isinstance(test, operators.TRUTH_KNOWN):
            return self.eval(node.body if test else node.orelse, frame)
        body = self.eval(node.body, frame)
        orelse = self.eval(node.orelse, frame)
        return body if same(body, orelse) else UNKNOWN

    def eval_Lambda(self, node, frame):
        return UNKNOWN

    def eval_ListComp(self, node, frame):
        comp = node.for_in
        iterable = self.eval(comp.iter, frame)
        items = iteration_values(iterable)
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
        if isinstance(func, AbstractValue):
            return func.call(self, args, kwargs, opaque, node, frame)
        self.escape_all(args, kwargs)
        return UNKNOWN

    def call_qualname(self, func: QualName, args, kwargs, opaque, node, frame):
        """A qualified name called: a builtin, or whatever the plug-ins' handler table says."""
        if func.name.startswith("builtins."):
            return call_builtin(func.name[9:], args, kwargs, opaque, self)
        handler = self.handlers.handler(func.name)
        if handler is not None and self.patched and (
                "*" in self.patched or func.name.rsplit(".", 1)[-1] in self.patched):
            handler = None  # the file replaced this attribute of a module: whatever it is now
        if handler is None:
            self.escape_all(args, kwargs)
            return UNKNOWN
        return handler(self, args, kwargs, opaque, node, frame)

    def call_method(self, receiver, name, args, kwargs, opaque, node, frame):
        if isinstance(receiver, AbstractValue):
            return receiver.call_method(self, name, args, kwargs, opaque, node, frame)
        self.escape_all(args, kwargs)  # a method of a tuple or a str
        return UNKNOWN

    def call_function(self, fn: FunctionVal, args, kwargs, opaque, node, frame):
        if frame.depth >= MAX_CALL_DEPTH:
            self.escape_all(args, kwargs)
            return UNKNOWN
        scope = call_scope(fn, args, kwargs, opaque)
        if scope is None:
            return UNKNOWN  # a call Python would reject
        callee = Frame(scope, depth=frame.depth + 1)
        status = self.exec_block(syntax.body(fn.node), callee)
        if status == RAISE or callee.result_uncertain:
            return UNKNOWN
        return callee.result
