"""Subclassed Keras models: ``class M(keras.Model)`` with layers made in ``__init__`` and
applied in ``call``.

The class is a user class of the interpreter (``interp.classes``): calling it runs
``__init__``, whose ``self.lstm = layers.LSTM(8)`` are kept as attributes.  Keras runs
``call`` on whatever the model is given, so shapelint does the same whenever the input is
known: ``m(keras.Input(shape=(10, 3)))``, ``m.build((None, 10, 3))``, or the x of ``fit`` /
``predict`` / ``evaluate`` (its samples, batch axis free).  The layers ``call`` applies are then
recorded like functional ones.  The first of these builds the model: its input and output are
kept for the training rules, unless the model is later fed another shape (then, as Keras re-runs
``call`` without an input layer to check, the training rules stay silent for it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from shapelint.core.analysis import ModelCall
from shapelint.core.shapes import Origin, Tensor, format_shape
from shapelint.frameworks.keras.propagate import (
    DATA_CALLS,
    MODEL_CALLS,
    MODEL_METHODS_PURE,
    _tuple_shape,
    call_root,
    data_root,
)
from shapelint.interp.classes import UserClassVal, UserInstanceVal
from shapelint.interp.syntax import all_params
from shapelint.interp.values import UNKNOWN, BoundMethod

TRAINING_CALLS = ("fit", "train_on_batch", "fit_generator")


@dataclass(eq=False)
class KerasModelClassVal(UserClassVal):
    """A class deriving from ``keras.Model`` (and nothing else)."""

    keras: int = 3

    def instance(self, node) -> "SubclassedModelVal":
        return SubclassedModelVal(self, node, keras=self.keras)


@dataclass(eq=False)
class SubclassedModelVal(UserInstanceVal):
    """An instance of a subclassed model."""

    keras: int = 3
    input: Any = None  # the Tensor the first call or data built it for
    output: Any = None  # what ``call`` returned for it
    decided: bool = False  # built (by a call, ``build`` or data), known input or not
    varied: bool = False  # later fed another shape: input / output no longer describe it

    def missing_attribute(self, interp, name, node, frame):
        if name in MODEL_CALLS or name in MODEL_METHODS_PURE or name in ("compile", "build", "predict_step"):
            return BoundMethod(self, name)
        return UNKNOWN

    def call(self, interp, args, kwargs, opaque, node, frame):
        if self.lost or not args or "call" not in self.cls.methods:
            return super().call(interp, args, kwargs, opaque, node, frame)
        value = args[0]
        root = call_root(value, node)
        if isinstance(value, Tensor) and value.shape is not None:
            tensor = value  # a functional graph goes on through the model's layers
            if not (value.root and value.producer is None):
                root = None  # built inside another graph: not a model input of its own
        elif root is not None:
            tensor = root
        else:
            self.decide(interp, None, None)
            return super().call(interp, args, kwargs, opaque, node, frame)
        result = self.trace(interp, tensor, list(args[1:]), dict(kwargs), opaque, node, frame)
        self.decide(interp, root, result)
        return result

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if self.lost:
            return super().call_method(interp, name, args, kwargs, opaque, node, frame)
        if name == "build" and not opaque:
            shape = _tuple_shape(args[0] if args else kwargs.get("input_shape", UNKNOWN))
            root = None if shape is None else Tensor(shape, Origin(node, f"model.build({format_shape(shape)})"),
                                                     root=True)
            result = self.trace(interp, root, [], {}, False, node, frame) if root is not None else UNKNOWN
            self.decide(interp, root, result)
            return None
        if name in DATA_CALLS and name != "compile":
            root = data_root(name, args, kwargs, node, builds=not self.decided)
            result = UNKNOWN
            if root is not None:
                flag = {"training": name in TRAINING_CALLS} if self.takes("training") else {}
                result = self.trace(interp, root, [], flag, False, node, frame)
            self.decide(interp, root, result)
        if name in MODEL_CALLS or name == "compile":
            interp.analysis.model_calls.append(ModelCall(self, name, node, list(args), dict(kwargs), opaque))
            return UNKNOWN
        if name in MODEL_METHODS_PURE:
            return UNKNOWN
        interp.escape_all(args, kwargs)
        return UNKNOWN

    def takes(self, param: str) -> bool:
        fn = self.cls.methods.get("call")
        return fn is not None and param in all_params(fn.node.params)

    def trace(self, interp, tensor, args, kwargs, opaque, node, frame):
        """Run ``call`` on ``tensor``, as Keras does on every call of the model."""
        fn = self.cls.methods.get("call")
        if fn is None:
            return UNKNOWN
        return interp.call_function(fn, [self, tensor] + args, kwargs, opaque, node, frame)

    def decide(self, interp, root: Optional[Tensor], result) -> None:
        """The first input decides what the model is built for; another shape later makes
        what was recorded unreliable for the training rules."""
        if not self.decided:
            interp.touch(self)
            self.decided = True
            if root is not None and isinstance(result, Tensor) and result.shape is not None:
                self.input, self.output = root, result
            return
        shape = root.shape if root is not None else None
        if self.input is None or shape != self.input.shape:
            if not self.varied:
                interp.touch(self)
                self.varied = True

    # -- the journal --
    def state(self):
        return (super().state(), self.input, self.output, self.decided, self.varied)

    def set_state(self, state):
        inner, self.input, self.output, self.decided, self.varied = state
        super().set_state(inner)

    def make_uncertain(self):
        super().make_uncertain()
        self.input = self.output = None
        self.varied = True

    def merge_states(self, states):
        return None

    @property
    def lost(self) -> bool:
        """Changed where shapelint could not follow (the instance or its class)."""
        return self.uncertain or not self.cls.followed

    @property
    def built_input(self) -> Optional[Tensor]:
        return None if self.varied or self.lost else self.input

    @property
    def built_output(self) -> Optional[Tensor]:
        return None if self.varied or self.lost else self.output
