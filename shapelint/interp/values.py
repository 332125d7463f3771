"""Abstract values of the interpreter core, and the protocol every modelled value answers.

Plain Python literals (int, float, str, bool, None, tuple) stand for themselves.  Everything
the interpreter cannot determine is ``UNKNOWN``.  The core models only Python itself: names
bound to module attributes (``QualName``), lists being built, user functions and bound
methods.  Framework plug-ins (``shapelint.frameworks``) define their own values (layers,
models, tensors, arrays) as subclasses of ``AbstractValue``: the interpreter asks a value what
calling it, reading or setting an attribute, calling a method or subscripting it gives,
instead of testing its class.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from shapelint.core.layers import UNKNOWN

__all__ = ["UNKNOWN"]  # the one unknown (core.layers), re-exported for the interpreter and plug-ins

MAX_UNROLL = 64  # loop iterations and range() lengths followed one by one
MISSING = object()  # a name or attribute absent from one branch's state



class AbstractValue:
    """What the interpreter asks of a value.  ``interp`` is the ``Interpreter``, ``node`` the
    LibCST node at hand, ``frame`` the current ``Frame``; ``opaque`` says that ``*args`` /
    ``**kwargs`` of unknown content were passed.  The defaults describe a value shapelint
    knows nothing about: calls let their arguments escape and give ``UNKNOWN``.

    Mutable values (whose state branches may change) also implement ``state`` /
    ``set_state`` / ``make_uncertain`` and are journaled with ``interp.touch(value)`` before
    every change."""

    def call(self, interp, args, kwargs, opaque, node, frame) -> Any:
        interp.escape_all(args, kwargs)
        return UNKNOWN

    def attribute(self, interp, name: str, node, frame) -> Any:
        return UNKNOWN

    def call_method(self, interp, name: str, args, kwargs, opaque, node, frame) -> Any:
        interp.escape_all(args, kwargs)
        return UNKNOWN

    def subscript(self, interp, node, frame) -> Any:
        return interp.subscript_sequence(self, node, frame)

    def length(self) -> Optional[int]:
        """``len(value)`` when known."""
        return None

    def elementwise(self, other) -> Any:
        """``self <op> other`` / ``other <op> self`` for an arithmetic or comparison operator
        (``x * 2``, ``x > 0.5``): the result when the value knows it, applied elementwise."""
        return UNKNOWN

    def each(self) -> Any:
        """What every step of a ``for`` loop over the value gives, when it is the same for all
        (a data loader's batch); the loop's count stays unknown."""
        return UNKNOWN

    def set_attribute(self, interp, name: str, value) -> bool:
        """``value.name = ...``: True when the value recorded it (nothing escapes then)."""
        return False

    def mutated(self, interp, target, frame) -> None:
        """``value.attr = ...`` outside shapelint's view: what was recorded may no longer hold."""

    def attributes_replaced(self, interp) -> None:
        """``setattr(value, ...)`` / ``delattr(value, ...)``."""

    def escape(self, interp) -> None:
        """The value reaches code shapelint does not follow."""

    def discarded(self, node) -> None:
        """The value of an expression statement, thrown away."""

    # -- mutable values -----------------------------------------------------------------
    def state(self) -> Any:
        raise TypeError(f"{type(self).__name__} is not mutable")

    def set_state(self, state) -> None:
        raise TypeError(f"{type(self).__name__} is not mutable")

    def make_uncertain(self) -> None:
        """Forget what is known (the interpreter journals the value first)."""

    def merge_states(self, states) -> Any:
        """The state after branches that disagree, or None: the value becomes uncertain."""
        return None


@dataclass(frozen=True)
class QualName(AbstractValue):
    """A name bound to a module attribute, e.g. ``tensorflow.keras.layers.LSTM``."""

    name: str

    def child(self, attr: str) -> "QualName":
        return QualName(f"{self.name}.{attr}")

    def attribute(self, interp, name, node, frame):
        return self.child(name)

    def call(self, interp, args, kwargs, opaque, node, frame):
        return interp.call_qualname(self, args, kwargs, opaque, node, frame)


@dataclass(eq=False)
class ListVal(AbstractValue):
    """A Python list literal being built (``layers = []; layers.append(...)``)."""

    items: Optional[List[Any]]  # None once shapelint lost track of it

    def attribute(self, interp, name, node, frame):
        return BoundMethod(self, name)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if self.items is not None and not opaque:
            if name == "append" and len(args) == 1:
                interp.touch(self)
                self.items.append(args[0])
                return None
            if name == "extend" and len(args) == 1 and sequence_items(args[0]) is not None:
                interp.touch(self)
                self.items.extend(sequence_items(args[0]))
                return None
        interp.make_uncertain(self)
        for value in args:
            interp.escape(value)
        return UNKNOWN

    def escape(self, interp):
        items = self.items
        interp.make_uncertain(self)
        for item in items or ():
            interp.escape(item)

    def mutated(self, interp, target, frame):
        interp.make_uncertain(self)

    def state(self):
        return None if self.items is None else tuple(self.items)

    def set_state(self, state):
        self.items = None if state is None else list(state)

    def make_uncertain(self):
        self.items = None


@dataclass(eq=False)
class DictVal(AbstractValue):
    """A dict literal with literal keys (``cfg = {"hidden": 128}``): ``cfg["hidden"]`` and
    ``cfg.get("hidden")`` are followed; any change (an item set or deleted, a method other
    than a read, the dict reaching code shapelint does not follow) makes it unknown."""

    items: Optional[Dict[Any, Any]]  # None once shapelint lost track of it

    READS = frozenset({"get", "keys", "values", "items", "copy"})

    def attribute(self, interp, name, node, frame):
        return BoundMethod(self, name)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if self.items is not None and not opaque and not kwargs and name == "get" and 1 <= len(args) <= 2 \
                and literal_key(args[0]):
            return self.items.get(args[0], args[1] if len(args) == 2 else None)
        if name not in self.READS:
            interp.make_uncertain(self)
        for value in args:
            interp.escape(value)
        return UNKNOWN

    def subscript(self, interp, node, frame):
        if self.items is None or len(node.slice) != 1 or not hasattr(node.slice[0].slice, "value"):
            return UNKNOWN
        key = interp.eval(node.slice[0].slice.value, frame)
        return self.items.get(key, UNKNOWN) if literal_key(key) else UNKNOWN

    def length(self):
        return None if self.items is None else len(self.items)

    def escape(self, interp):
        items = self.items
        interp.make_uncertain(self)
        for item in (items or {}).values():
            interp.escape(item)

    def mutated(self, interp, target, frame):
        interp.make_uncertain(self)

    def state(self):
        return None if self.items is None else dict(self.items)

    def set_state(self, state):
        self.items = None if state is None else dict(state)

    def make_uncertain(self):
        self.items = None


@dataclass(eq=False)
class DataclassVal(AbstractValue):
    """A ``@dataclass`` whose body is only annotated fields (``hidden: int = 128``): calling it
    gives an instance whose fields are the defaults or the arguments."""

    fields: Optional[Dict[str, Any]]  # name -> default (MISSING: none); None once changed

    def attribute(self, interp, name, node, frame):
        if name.startswith("__"):
            interp.make_uncertain(self)  # `Config.__dict__`, `__annotations__`...: anything may follow
        value = (self.fields or {}).get(name, MISSING)
        return UNKNOWN if value is MISSING else value

    def attributes_replaced(self, interp):
        interp.make_uncertain(self)

    def call(self, interp, args, kwargs, opaque, node, frame):
        if self.fields is None or opaque or len(args) > len(self.fields) or set(kwargs) - set(self.fields):
            interp.escape_all(args, kwargs)
            return UNKNOWN
        values = dict(self.fields)
        values.update(zip(self.fields, args))
        values.update(kwargs)
        if any(v is MISSING for v in values.values()):
            return UNKNOWN  # Python raises: a field without a value
        return DataclassInstance(values)

    def mutated(self, interp, target, frame):
        interp.make_uncertain(self)

    def state(self):
        return None if self.fields is None else dict(self.fields)

    def set_state(self, state):
        self.fields = None if state is None else dict(state)

    def make_uncertain(self):
        self.fields = None


@dataclass(eq=False)
class DataclassInstance(AbstractValue):
    """An instance of a ``DataclassVal``: its fields, unknown once anything may change them."""

    values: Optional[Dict[str, Any]]

    def attribute(self, interp, name, node, frame):
        if name.startswith("__"):
            interp.make_uncertain(self)  # `cfg.__dict__.update(...)`
        return UNKNOWN if self.values is None else self.values.get(name, UNKNOWN)

    def attributes_replaced(self, interp):
        interp.make_uncertain(self)

    def escape(self, interp):
        interp.make_uncertain(self)

    def mutated(self, interp, target, frame):
        interp.make_uncertain(self)

    def state(self):
        return None if self.values is None else dict(self.values)

    def set_state(self, state):
        self.values = None if state is None else dict(state)

    def make_uncertain(self):
        self.values = None


def literal_key(value) -> bool:
    """A literal dict key shapelint can compare: a str, an int (not a bool), None."""
    return value is None or isinstance(value, str) or isinstance(value, int) and not isinstance(value, bool)


@dataclass(eq=False)
class Enumerated(AbstractValue):
    """``enumerate(loader)``: (an unknown index, the loader's element) at every step."""

    inner: AbstractValue

    def each(self):
        element = self.inner.each()
        return UNKNOWN if element is UNKNOWN else (UNKNOWN, element)


@dataclass(eq=False)
class FunctionVal(AbstractValue):
    node: Any
    scope: Any  # the scope the function was defined in
    defaults: Dict[str, Any]

    def call(self, interp, args, kwargs, opaque, node, frame):
        return interp.call_function(self, args, kwargs, opaque, node, frame)


@dataclass(eq=False)
class BoundMethod(AbstractValue):
    receiver: Any
    name: str

    def call(self, interp, args, kwargs, opaque, node, frame):
        return interp.call_method(self.receiver, self.name, args, kwargs, opaque, node, frame)


def sequence_items(value) -> Optional[List[Any]]:
    """The items of a tuple, a list being tracked or a short range; None when not known."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, ListVal):
        return None if value.items is None else list(value.items)
    if isinstance(value, range) and len(value) <= MAX_UNROLL:
        return list(value)
    return None


def is_literal(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, tuple) and all(is_literal(v) for v in value)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same(a, b) -> bool:
    """The same object, or equal literals of the same type."""
    if a is b:
        return True
    if is_literal(a) and is_literal(b):
        return type(a) is type(b) and a == b
    return False
