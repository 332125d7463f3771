"""User ``nn.Module`` classes and the containers built in them, as the interpreter sees them.

A class deriving directly from ``nn.Module`` is a ``TorchClassVal``: its methods are kept,
and calling it gives a ``TorchModuleVal`` whose attributes are what ``__init__`` set;
calling an instance runs ``forward``.  A class never instantiated is built once with its
default arguments and run on any input, so its mistakes are still found.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from shapelint.frameworks.torch.model import TorchLayerVal, TorchTensor, any_tensor, apply_layer
from shapelint.interp.classes import attributes_set_outside_init
from shapelint.interp.scope import Frame
from shapelint.interp.values import MISSING, UNKNOWN, AbstractValue, BoundMethod, ListVal, same

# nn.Module methods that leave an nn.Sequential's layers as they are (those returning the module itself).
RETURNS_SELF = {"train", "eval", "to", "cuda", "cpu", "float", "double", "half", "requires_grad_"}
KEEPS_LAYERS = RETURNS_SELF | {"parameters", "named_parameters", "zero_grad", "state_dict", "modules",
                               "children", "named_modules", "named_children", "buffers"}


@dataclass(eq=False)
class TorchSequentialVal(AbstractValue):
    node: Any
    entries: Optional[List[Any]]  # None once shapelint lost track of it

    def call(self, interp, args, kwargs, opaque, node, frame):
        note_model_input(interp, args, node)
        return run_sequential(interp, self, args[0] if args else UNKNOWN, frame)

    def attribute(self, interp, name, node, frame):
        return BoundMethod(self, name)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        interp.touch(self)
        if name == "append" and len(args) == 1 and not kwargs and self.entries is not None:
            self.entries.append(args[0])
            return self
        if name in KEEPS_LAYERS:  # `optim.Adam(model.parameters())`, `model.to(device)`: layers unchanged
            return self if name in RETURNS_SELF else UNKNOWN
        self.entries = None
        return UNKNOWN

    def state(self):
        return None if self.entries is None else tuple(self.entries)

    def set_state(self, state):
        self.entries = None if state is None else list(state)

    def make_uncertain(self):
        self.entries = None


class TorchModuleListVal(ListVal):
    """``nn.ModuleList``: a list as far as the interpreter is concerned."""


@dataclass(eq=False)
class OrderedDictVal(AbstractValue):
    values: Optional[List[Any]]


@dataclass(eq=False)
class TorchClassVal(AbstractValue):
    """A user class deriving from ``nn.Module``."""

    node: Any
    methods: Dict[str, Any]  # name -> FunctionVal
    volatile: frozenset = frozenset()  # attributes some method other than __init__ assigns

    def call(self, interp, args, kwargs, opaque, node, frame):
        return instantiate(interp, self, args, kwargs, opaque, node, frame)

    # -- the class statement --
    def define_method(self, interp, name, fn) -> bool:
        self.methods[name] = fn
        return name in ("__init__", "forward")  # analysed through instances of the class

    def class_defined(self, interp, node, scope) -> None:
        self.volatile = attributes_set_outside_init(node)
        interp.queue_standalone(self, scope)

    def standalone(self, interp, defining) -> None:
        """Never instantiated with known arguments: built with its defaults, run on any input."""
        instantiate(interp, self, [], {}, False, self.node, Frame(defining))


@dataclass(eq=False)
class TorchModuleVal(AbstractValue):
    """An instance of a user ``nn.Module`` class: its attributes as set by ``__init__``."""

    cls: TorchClassVal
    node: Any
    attrs: Dict[str, Any] = field(default_factory=dict)

    def call(self, interp, args, kwargs, opaque, node, frame):
        note_model_input(interp, args, node)
        return run_forward(interp, self, args, kwargs, opaque, node, frame)

    def attribute(self, interp, name, node, frame):
        if name in self.cls.volatile:
            return UNKNOWN  # another method (a hook, a setter) may replace it
        if name in self.attrs:
            return self.attrs[name]
        method = self.cls.methods.get(name)
        if method is not None:
            return TorchBoundMethod(self, method)
        return BoundMethod(self, name) if name in ("add_module", "register_module") else UNKNOWN

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):  # add_module / register_module
        interp.touch(self)
        if len(args) == 2 and isinstance(args[0], str) and not kwargs and not opaque:
            self.attrs[args[0]] = args[1]
        else:
            interp.make_uncertain(self)
        return None

    def set_attribute(self, interp, name, value) -> bool:
        interp.touch(self)  # `self.fc1 = nn.Linear(...)`: a submodule
        # A tensor kept on the module is state (a buffer, a placeholder): not followed.
        self.attrs[name] = UNKNOWN if isinstance(value, TorchTensor) else value
        return True

    def attributes_replaced(self, interp):
        interp.make_uncertain(self)

    def state(self):
        return dict(self.attrs)

    def set_state(self, state):
        self.attrs = dict(state)

    def make_uncertain(self):
        self.attrs = {name: UNKNOWN for name in self.attrs}
        self.cls = TorchClassVal(self.cls.node, {})  # methods may now see other attributes

    def merge_states(self, states):
        """The attributes every branch agrees on; the others are unknown."""
        merged = {}
        for name in set().union(*states):
            values = [state.get(name, MISSING) for state in states]
            agree = all(v is values[0] or same(v, values[0]) for v in values[1:])
            merged[name] = values[0] if agree and values[0] is not MISSING else UNKNOWN
        return merged


@dataclass(eq=False)
class TorchBoundMethod(AbstractValue):
    instance: TorchModuleVal
    function: Any  # FunctionVal

    def call(self, interp, args, kwargs, opaque, node, frame):
        return interp.call_function(self.function, [self.instance] + list(args), kwargs, opaque, node, frame)


def instantiate(interp, cls: TorchClassVal, args, kwargs, opaque, node, frame) -> TorchModuleVal:
    instance = TorchModuleVal(cls, node)
    init = cls.methods.get("__init__")
    if init is not None:
        interp.call_function(init, [instance] + list(args), kwargs, opaque, node, frame)
    run_forward(interp, instance, [any_tensor()], {}, False, node, frame)
    return instance


def note_model_input(interp, args, node) -> None:
    """``model(x)``: remember where the tensor entered the model (SL201 reports a rank the
    model's first layer cannot take there, where the data is fixed)."""
    if args and isinstance(args[0], TorchTensor):
        interp.analysis.torch_model_inputs.append((args[0], node))


def run_forward(interp, instance: TorchModuleVal, args, kwargs, opaque, node, frame):
    forward = instance.cls.methods.get("forward")
    if forward is None:
        return UNKNOWN
    return interp.call_function(forward, [instance] + list(args), kwargs, opaque, node, frame)


def run_sequential(interp, model: TorchSequentialVal, value, frame, construction=False):
    if model.entries is None:
        return any_tensor()
    for entry in model.entries:
        if isinstance(entry, TorchLayerVal):
            value = apply_layer(interp.analysis, entry, value, entry.node)
        elif isinstance(entry, TorchSequentialVal):
            value = run_sequential(interp, entry, value, frame, construction)
        elif isinstance(entry, TorchModuleVal) and not construction:
            value = run_forward(interp, entry, [value], {}, False, entry.node, frame)
        else:
            value = any_tensor()
    return value
