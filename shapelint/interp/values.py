"""Abstract values of the extraction interpreter.

Plain Python literals (int, float, str, bool, None, tuple) stand for themselves.  Everything
the interpreter cannot determine is ``UNKNOWN``; the other classes here are the few objects
shapelint models: names bound to framework APIs, layers, models, tensors, numpy arrays, lists
and user functions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


class _Unknown:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # guard against accidental truthiness tests
        raise TypeError("UNKNOWN has no truth value")


UNKNOWN = _Unknown()
MAX_UNROLL = 64  # loop iterations and range() lengths followed one by one


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


@dataclass(frozen=True)
class QualName:
    """A name bound to a module attribute, e.g. ``tensorflow.keras.layers.LSTM``."""

    name: str

    def child(self, attr: str) -> "QualName":
        return QualName(f"{self.name}.{attr}")


@dataclass(eq=False)
class LayerVal:
    """One construction of a catalogued Keras layer, with its literal arguments."""

    spec: Any  # catalog.LayerSpec
    node: Any  # the libcst Call
    args: Dict[str, Any]
    opaque: bool = False  # **kwargs of unknown content: every unnamed argument is unknown
    keras: int = 3  # the Keras major version this construction targets
    inner: Optional["LayerVal"] = None  # the layer wrapped by TimeDistributed / Bidirectional
    alias: str = ""  # the name it was called by, when not the class name (``Input``)
    extra_args: bool = False  # positional arguments beyond those the catalog names

    def arg(self, name: str) -> Any:
        if name in self.args:
            return self.args[name]
        if self.opaque:
            return UNKNOWN
        return self.spec.defaults.get(name)

    def given(self, name: str) -> bool:
        """Written in the call (even as ``None``: Keras 3 rejects ``batch_size=None`` too)."""
        return name in self.args

    def set(self, name: str) -> bool:
        """Given with a known value other than ``None`` (what Keras' ``is not None`` checks
        see).  An unknown value might be None: not set, as far as any rule is concerned."""
        return name in self.args and self.args[name] is not None and self.args[name] is not UNKNOWN

    def input_spec(self, name: str) -> bool:
        """``name`` declares the input shape here: set, and not one of the layer's own
        parameters (``Embedding(input_dim=...)`` is a vocabulary size, not an input shape)."""
        return self.set(name) and name not in self.spec.positional

    @property
    def name(self) -> str:
        return self.alias or self.spec.name


@dataclass(eq=False)
class UnknownLayer:
    """A layer shapelint does not model (custom, Lambda without output_shape, unresolved)."""

    node: Any = None


@dataclass(eq=False)
class SequentialVal:
    """A ``Sequential`` model as it is being built."""

    node: Any
    keras: int = 3
    entries: List[Any] = field(default_factory=list)  # LayerVal | model | UnknownLayer
    input: Any = None  # Tensor fed to the first layer, when known
    output: Any = None  # Tensor after the last layer
    uncertain: bool = False  # mutated where shapelint could not follow


@dataclass(eq=False)
class FunctionalModelVal:
    node: Any
    inputs: Any
    outputs: Any
    keras: int = 3


@dataclass(eq=False)
class ArrayVal:
    """A numpy array whose shape is known."""

    shape: tuple
    node: Any = None
    what: str = "array"


@dataclass(eq=False)
class DatasetVal:
    """A ``tf.data.Dataset`` built from arrays: its element shapes and whether it is batched."""

    element: Any  # shape tuple, tuple of shape tuples (x, y), or None when unknown
    batch: Any  # None: never batched; an int, or UNKNOWN, once .batch() was called
    node: Any  # the from_tensor_slices call
    samples: Any = None  # number of elements, a dim
    batched_at: Any = None  # the .batch() call
    source: Any = None  # the dataset this one was derived from
    discarded_batch: Any = None  # a .batch() call on this dataset whose result was thrown away


@dataclass(eq=False)
class ListVal:
    """A Python list literal being built (``layers = []; layers.append(...)``)."""

    items: Optional[List[Any]]  # None once shapelint lost track of it


@dataclass(eq=False)
class FunctionVal:
    node: Any
    scope: Any  # the scope the function was defined in
    defaults: Dict[str, Any]


@dataclass(eq=False)
class BoundMethod:
    receiver: Any
    name: str


def sequence_items(value) -> Optional[List[Any]]:
    """The items of a tuple, a list being tracked or a short range; None when not known."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, ListVal):
        return None if value.items is None else list(value.items)
    if isinstance(value, range) and len(value) <= MAX_UNROLL:
        return list(value)
    return None
