"""User classes: a class statement the interpreter follows through its instances.

``UserClassVal`` keeps the methods a class statement defines; calling it gives a
``UserInstanceVal`` whose attributes are what ``__init__`` set, and whose methods run with the
instance as ``self``.  An attribute that a method other than ``__init__`` assigns is unknown
(a setter, a ``build`` or ``reset`` method may replace it).  Plain classes (no base, or
``object``) are modelled by the interpreter itself; plug-ins subclass both values for the
classes they model (``class M(keras.Model)``: calling an instance runs ``call``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict

import libcst as cst

from shapelint.interp.syntax import all_params, assigned_names, body, walk
from shapelint.interp.values import MISSING, UNKNOWN, AbstractValue, same

# Methods that change how attributes are read or set, or how instances are made: a class
# defining one of them is not followed.
UNFOLLOWED_METHODS = frozenset({"__getattr__", "__getattribute__", "__setattr__", "__delattr__", "__new__",
                                "__init_subclass__", "__class_getitem__", "__set_name__", "__get__",
                                "__set__"})


@dataclass(eq=False)
class UserClassVal(AbstractValue):
    """A class whose instances are followed; ``TRACED``: the methods analysed only through
    instances (the others are also analysed on their own, with unknown arguments)."""

    node: Any
    methods: Dict[str, Any] = field(default_factory=dict)  # name -> FunctionVal
    volatile: frozenset = frozenset()  # attributes some method other than __init__ assigns
    followed: bool = True  # False once a method makes instances unpredictable

    TRACED: frozenset = frozenset()

    def call(self, interp, args, kwargs, opaque, node, frame):
        if not self.followed:
            interp.escape_all(args, kwargs)
            return UNKNOWN
        instance = self.instance(node)
        init = self.methods.get("__init__")
        if init is not None:
            interp.call_function(init, [instance] + list(args), kwargs, opaque, node, frame)
        elif args or kwargs or opaque:
            interp.escape_all(args, kwargs)
            return UNKNOWN  # object() takes no arguments
        return instance

    def instance(self, node) -> "UserInstanceVal":
        return UserInstanceVal(self, node)

    def forget(self) -> None:
        """The class may have been changed (``Cls.method = ...``, ``setattr(Cls, ...)``, the
        class handed to code shapelint does not follow): its instances are not followed."""
        self.followed = False

    def mutated(self, interp, target, frame):
        self.forget()

    def attributes_replaced(self, interp):
        self.forget()

    def escape(self, interp):
        self.forget()

    # -- the class statement --
    def define_method(self, interp, name, fn) -> bool:
        self.methods[name] = fn
        if name in UNFOLLOWED_METHODS:
            self.followed = False
        return name in self.TRACED

    def class_defined(self, interp, node, scope) -> None:
        # Names the class body binds otherwise than by ``def`` (``call = tf.function(call)``,
        # class attributes) are not followed either.
        rebound = {name for stmt in body(node) if not isinstance(stmt, cst.FunctionDef)
                   for name in assigned_names(stmt)}
        self.volatile = attributes_set_outside_init(node) | frozenset(rebound)
        if any(stmt.decorators and stmt.name.value in UNFOLLOWED_METHODS
               for stmt in body(node) if isinstance(stmt, cst.FunctionDef)):
            self.followed = False


@dataclass(eq=False)
class UserInstanceVal(AbstractValue):
    """An instance of a ``UserClassVal``: its attributes as set by ``__init__`` and since."""

    cls: UserClassVal
    node: Any
    attrs: Dict[str, Any] = field(default_factory=dict)
    uncertain: bool = False  # changed where shapelint could not follow: attributes unknown

    def attribute(self, interp, name, node, frame):
        if self.uncertain or not self.cls.followed or name in self.cls.volatile:
            return UNKNOWN
        if name in self.attrs:
            return self.attrs[name]
        method = self.cls.methods.get(name)
        if method is not None:
            return InstanceMethod(self, method)
        return self.missing_attribute(interp, name, node, frame)

    def missing_attribute(self, interp, name, node, frame):
        """An attribute neither set nor a method of the class (a class attribute, one of a base)."""
        return UNKNOWN

    def call(self, interp, args, kwargs, opaque, node, frame):
        method = None if self.uncertain or not self.cls.followed else self.cls.methods.get("__call__")
        if method is None:
            return super().call(interp, args, kwargs, opaque, node, frame)
        return interp.call_function(method, [self] + list(args), kwargs, opaque, node, frame)

    def set_attribute(self, interp, name, value) -> bool:
        interp.touch(self)
        self.attrs[name] = value
        return True

    def attributes_replaced(self, interp):
        interp.make_uncertain(self)

    def escape(self, interp):
        interp.make_uncertain(self)

    def state(self):
        return (dict(self.attrs), self.uncertain)

    def set_state(self, state):
        attrs, self.uncertain = state
        self.attrs = dict(attrs)

    def make_uncertain(self):
        self.attrs = {name: UNKNOWN for name in self.attrs}
        self.uncertain = True

    def merge_states(self, states):
        """The attributes every branch agrees on; the others are unknown."""
        if any(uncertain for _attrs, uncertain in states):
            return None
        merged = {}
        for name in set().union(*(attrs for attrs, _ in states)):
            values = [attrs.get(name, MISSING) for attrs, _ in states]
            agree = all(v is values[0] or same(v, values[0]) for v in values[1:])
            merged[name] = values[0] if agree and values[0] is not MISSING else UNKNOWN
        return (merged, False)


@dataclass(eq=False)
class InstanceMethod(AbstractValue):
    """``instance.method``: calling it runs the method with the instance as ``self``."""

    instance: UserInstanceVal
    function: Any  # FunctionVal

    def call(self, interp, args, kwargs, opaque, node, frame):
        return interp.call_function(self.function, [self.instance] + list(args), kwargs, opaque, node, frame)


def attributes_set_outside_init(class_node: cst.ClassDef) -> frozenset:
    """``self.x = ...`` in any method but ``__init__`` (hooks, setters, reset methods)."""
    names: set = set()
    for stmt in body(class_node):
        if not isinstance(stmt, cst.FunctionDef) or stmt.name.value == "__init__":
            continue
        params = all_params(stmt.params)
        if not params:
            continue
        finder = _SelfAttributeAssignments(params[0])
        walk(stmt, finder)
        names |= finder.names
    return frozenset(names)


class _SelfAttributeAssignments(cst.CSTVisitor):
    def __init__(self, receiver: str):
        self.receiver = receiver
        self.names: set = set()

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
