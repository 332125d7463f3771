"""Shapes of the data: numpy arrays (``ArrayVal``), Keras' built-in datasets and ``tf.data``
pipelines (``DatasetVal``).

Only what the code makes certain: ``np.zeros((4, 5, 1))``, ``np.array([[1, 2], [3, 4]])``,
``X.reshape(4, 5, 1)``, ``numpy.reshape(X, (X.shape[0], look_back, 1))`` (whose first axis is
unknown, ``?``, when X's is), ``mnist.load_data()``, ``Dataset.from_tensor_slices(X).batch(32)``.
Anything else is ``UNKNOWN``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import libcst as cst

from shapelint.core.rule import source_text
from shapelint.core.shapes import UNKNOWN_DIM, is_known
from shapelint.interp.values import (
    UNKNOWN,
    AbstractValue,
    BoundMethod,
    FunctionVal,
    ListVal,
    QualName,
    sequence_items,
)

# numpy methods that change an array's shape in place.
IN_PLACE_ARRAY_METHODS = {"resize"}


@dataclass(eq=False)
class ArrayVal(AbstractValue):
    """A numpy array whose shape is known."""

    shape: tuple
    node: Any = None
    what: str = "array"

    def attribute(self, interp, name, node, frame):
        if name == "shape":
            return tuple(UNKNOWN if d is UNKNOWN_DIM else d for d in self.shape)
        if name == "T":
            return ArrayVal(tuple(reversed(self.shape)), node, self.what)
        if name == "ndim":
            return len(self.shape)
        return BoundMethod(self, name)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if name in IN_PLACE_ARRAY_METHODS and isinstance(node.func, cst.Attribute) \
                and isinstance(node.func.value, cst.Name):
            frame.scope.bind(node.func.value.value, UNKNOWN)
            return None
        return array_method(self, name, args, kwargs, opaque, node)

    def subscript(self, interp, node, frame):
        """``X[:, 0]``, ``X[10:]``, ``X[i]`` on an array of known shape."""
        parts: list = []
        for element in node.slice:
            index = element.slice
            if isinstance(index, cst.Index):
                if isinstance(index.value, cst.Ellipsis):
                    parts.append(ELLIPSIS)
                    continue
                value = interp.eval(index.value, frame)
                if value is None or (isinstance(value, QualName) and value.name in NEWAXIS):
                    parts.append(None)  # `X[:, None, :]`, `X[..., np.newaxis]`: a new axis of 1
                    continue
                if isinstance(value, ListVal) and value.items is not None and value.items \
                        and all(isinstance(v, int) and not isinstance(v, bool) for v in value.items):
                    parts.append(Take(len(value.items)))  # `X[:, [0, 2]]`: these positions
                    continue
                if not (isinstance(value, int) and not isinstance(value, bool)):
                    return UNKNOWN  # a fancy index, a mask...
                parts.append(value)
            else:
                bounds = [interp.eval(p, frame) if p is not None else None
                          for p in (index.lower, index.upper, index.step)]
                known = all(b is None or (isinstance(b, int) and not isinstance(b, bool)) for b in bounds)
                parts.append(slice(*bounds) if known else UNKNOWN_SLICE)
        takes = [p for p in parts if isinstance(p, Take)]
        if takes and (len(takes) > 1 or any(p is None or p is ELLIPSIS or isinstance(p, int) for p in parts)):
            return UNKNOWN  # advanced indexing whose axes move: not modelled
        shape = index_shape(self.shape, parts)
        what = "a slice"
        if None in parts or ELLIPSIS in parts:
            text = source_text(node)
            what = text if len(text) <= 40 else "an index that adds an axis"
        return UNKNOWN if shape is None else ArrayVal(shape, node, what)

    def length(self):
        return self.shape[0] if self.shape and is_known(self.shape[0]) else None

    def mutated(self, interp, target, frame):
        if isinstance(target.value, cst.Name):  # `X.shape = (...)`
            frame.scope.bind(target.value.value, UNKNOWN)

    def elementwise(self, other):
        """``x / 255.``, ``x * 2``, ``(x - mean) / std``, ``x > 0.5``: numpy broadcasting, kept
        only when the result is certainly this array's shape."""
        if isinstance(other, (int, float)):  # bool too: x * True
            return ArrayVal(self.shape, self.node, self.what)
        if isinstance(other, ArrayVal):
            for big, small in ((self, other), (other, self)):
                if _broadcasts_into(small.shape, big.shape):
                    return ArrayVal(big.shape, big.node, big.what)
        return UNKNOWN


@dataclass(eq=False)
class SomeArrayVal(AbstractValue):
    """Certainly a numpy array, of unknown shape (even its rank): ``np.array(rows)``,
    ``df.values``, ``df.to_numpy()``.  Only ``reshape`` with explicit sizes makes its shape
    known, with unknown sizes where the arguments are unknown: ``X.reshape(X.shape[0],
    X.shape[1], 1)`` is (?, ?, 1), of rank 3."""

    node: Any = None
    what: str = "array"

    def attribute(self, interp, name, node, frame):
        if name == "T":
            return SomeArrayVal(node, "transpose")
        if name in ("shape", "ndim", "size"):
            return UNKNOWN
        return BoundMethod(self, name)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if opaque:
            return UNKNOWN
        if name == "reshape" and args and not kwargs:
            target = _shape_arg(args[0] if len(args) == 1 else tuple(args), allow_minus_one=True)
            return _array(reshape(None, target), node, "reshape")
        if name in ("astype", "copy"):
            return SomeArrayVal(self.node, self.what)
        if name in ("flatten", "ravel") and not args and not kwargs:
            return ArrayVal((UNKNOWN_DIM,), node, name)
        return UNKNOWN

    def subscript(self, interp, node, frame):
        return UNKNOWN

    def mutated(self, interp, target, frame):
        if isinstance(target.value, cst.Name):  # `X.shape = (...)`
            frame.scope.bind(target.value.value, UNKNOWN)

    def elementwise(self, other):
        if isinstance(other, (int, float)):
            return SomeArrayVal(self.node, self.what)
        return UNKNOWN


# pandas: DataFrame / Series methods that return a DataFrame or Series (whose ``.values`` /
# ``.to_numpy()`` are numpy arrays).
FRAME_METHODS = {"drop", "dropna", "fillna", "copy", "astype", "head", "tail", "sample", "reset_index",
                 "sort_values", "sort_index", "replace", "filter", "interpolate", "ffill", "bfill",
                 "select_dtypes", "rename", "set_index", "abs", "clip", "round", "diff", "pct_change",
                 "shift", "drop_duplicates", "reindex", "get_dummies"}
FRAME_CONSTRUCTORS = {"read_csv", "read_excel", "read_table", "read_json", "read_parquet", "read_pickle",
                      "read_feather", "read_sql", "DataFrame", "get_dummies"}


# What a pandas value certainly is: a DataFrame (its ``.values`` is 2-D), a Series (1-D), or
# either (None).
FRAME, SERIES = "frame", "series"
# Readers that return one DataFrame unless given these arguments (chunks, a Series, several
# sheets).
FRAME_READERS = {"read_csv", "read_table", "read_excel", "read_parquet", "read_feather", "DataFrame"}
READER_OTHERWISE = {"chunksize", "iterator", "squeeze", "sheet_name", "typ"}


@dataclass(eq=False)
class FrameVal(AbstractValue):
    """A pandas DataFrame or Series (sizes unknown): its ``.values`` is a numpy array, of rank 2
    for a DataFrame and 1 for a Series when ``kind`` says which it is."""

    node: Any = None
    what: str = "DataFrame"
    kind: Optional[str] = None

    def attribute(self, interp, name, node, frame):
        if name == "values":
            return self.array(node, f"{self.what}.values")
        if name == "T":
            return FrameVal(self.node, self.what, self.kind)
        if name in ("iloc", "loc"):
            return FrameIndexer(self, name)
        if name in FRAME_METHODS or name == "to_numpy":
            return BoundMethod(self, name)
        return UNKNOWN

    def array(self, node, what):
        if self.kind == FRAME:
            return ArrayVal((UNKNOWN_DIM, UNKNOWN_DIM), node, what)
        if self.kind == SERIES:
            return ArrayVal((UNKNOWN_DIM,), node, what)
        return SomeArrayVal(node, what)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if opaque:
            return UNKNOWN
        if name == "to_numpy" and not kwargs and not args:
            return self.array(node, f"{self.what}.to_numpy()")
        if name in FRAME_METHODS and kwargs.get("inplace") in (None, False):
            kind = self.kind if self.kind == FRAME or name != "reset_index" else None
            return FrameVal(self.node, self.what, kind)
        return UNKNOWN

    def subscript(self, interp, node, frame):
        keys = []
        for element in node.slice:  # evaluated for their own sake
            if isinstance(element.slice, cst.Index):
                keys.append(interp.eval(element.slice.value, frame))
            else:
                keys.append(slice(None))
        kind = None
        if self.kind == FRAME and len(keys) == 1:
            if isinstance(keys[0], str):
                kind = None  # a column, or a DataFrame when the columns have several levels
            elif isinstance(keys[0], ListVal) and keys[0].items is not None \
                    and all(isinstance(k, str) for k in keys[0].items):
                kind = FRAME  # df[["a", "b"]]
        return FrameVal(self.node, self.what, kind)

    def mutated(self, interp, target, frame):
        pass  # `df.columns = [...]`: still a DataFrame


@dataclass(eq=False)
class FrameIndexer(AbstractValue):
    """``df.iloc`` / ``df.loc``: ``df.iloc[:, 1:]`` is a DataFrame, ``df.iloc[:, 0]`` a Series."""

    frame: FrameVal
    name: str

    def subscript(self, interp, node, frame):
        keys = []
        for element in node.slice:
            index = element.slice
            if isinstance(index, cst.Index):
                value = interp.eval(index.value, frame)
                if isinstance(value, ListVal) and value.items is not None:
                    keys.append("list")
                elif self.name == "iloc" and isinstance(value, int) and not isinstance(value, bool):
                    keys.append("int")
                else:
                    keys.append(None)
            else:
                keys.append("slice")
        kind = None
        if self.frame.kind == FRAME and len(keys) == 2 and keys[0] == "slice":
            # rows by a slice, columns by a slice or a list: a DataFrame; by one position: a Series
            kind = FRAME if keys[1] in ("slice", "list") else SERIES if keys[1] == "int" else None
        elif self.frame.kind == FRAME and len(keys) == 1 and keys[0] == "slice":
            kind = FRAME
        return FrameVal(self.frame.node, self.frame.what, kind)


def pandas_call(name: str, args, kwargs, opaque: bool, node) -> Any:
    if name in FRAME_CONSTRUCTORS:
        certain = name in FRAME_READERS and not opaque and not READER_OTHERWISE & set(kwargs)
        return FrameVal(node, f"pd.{name}", FRAME if certain else None)
    return UNKNOWN


@dataclass(eq=False)
class DatasetVal(AbstractValue):
    """A ``tf.data.Dataset`` built from arrays: its element shapes and whether it is batched."""

    element: Any  # shape tuple, tuple of shape tuples (x, y), or None when unknown
    batch: Any  # None: never batched; an int, or UNKNOWN, once .batch() was called
    node: Any  # the from_tensor_slices call
    samples: Any = None  # number of elements, a dim
    batched_at: Any = None  # the .batch() call
    source: Any = None  # the dataset this one was derived from
    discarded_batch: Any = None  # a .batch() call on this dataset whose result was thrown away
    what: str = "from_tensor_slices"  # where its shapes come from, for messages

    def attribute(self, interp, name, node, frame):
        return BoundMethod(self, name)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if opaque:
            return UNKNOWN
        result = dataset_method(self, name, args, kwargs, node)
        if name == "map" and isinstance(result, DatasetVal) and len(args) == 1 and not kwargs \
                and isinstance(args[0], FunctionVal):
            result.element = mapped_element(interp, args[0], self.element, self.batch, node, frame)
        return result

    def discarded(self, node):
        if self.source is not None and self.batched_at is node:
            self.source.discarded_batch = node  # `data.batch(32)` on its own line


def _broadcasts_into(small, big) -> bool:
    """numpy broadcasts ``small`` against ``big`` to ``big``'s shape, certainly: each axis of
    ``small`` (aligned on the right) is 1 or the same known size."""
    if len(small) > len(big):
        return False
    return all(s == 1 and is_known(s) or (is_known(s) and is_known(b) and s == b)
               for s, b in zip(reversed(small), reversed(big)))


def reduce_shape(shape: tuple, axis, keepdims) -> Optional[tuple]:
    """``x.mean(axis=...)`` / ``np.std(x, axis=...)``: the axis goes (or becomes 1)."""
    if keepdims not in (True, False):
        return None
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    if not is_known(axis) or not -len(shape) <= axis < len(shape):
        return None
    axis %= len(shape)
    return shape[:axis] + ((1,) if keepdims else ()) + shape[axis + 1:]


REDUCTIONS = {"mean", "std", "var", "sum", "max", "min", "median"}


def _dim(value):
    if is_known(value) and value >= 0:
        return value
    if value is UNKNOWN or value is UNKNOWN_DIM:
        return UNKNOWN_DIM
    return None


def _shape_arg(value, allow_minus_one: bool = False) -> Optional[tuple]:
    """A shape argument; unknown entries become ``UNKNOWN_DIM``."""
    if is_known(value):
        value = (value,)
    if isinstance(value, ListVal) and value.items is not None:
        value = tuple(value.items)
    if not isinstance(value, tuple):
        return None
    out = []
    for v in value:
        if allow_minus_one and v == -1 and is_known(v):
            out.append(-1)
            continue
        d = _dim(v)
        if d is None:
            return None
        out.append(d)
    return tuple(out)


def _size(shape) -> Optional[int]:
    total = 1
    for d in shape:
        if not is_known(d):
            return None
        total *= d
    return total


def literal_shape(value) -> Optional[tuple]:
    """The shape of a nested list/tuple literal of numbers, if rectangular."""
    if isinstance(value, ListVal):
        if value.items is None:
            return None
        value = tuple(value.items)
    if isinstance(value, ArrayVal):
        return value.shape
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ()
    if isinstance(value, tuple):
        if not value:
            return (0,)
        inner = [literal_shape(v) for v in value]
        if any(s is None for s in inner) or any(s != inner[0] for s in inner):
            return None
        return (len(value),) + inner[0]
    return None


def reshape(shape: Optional[tuple], target: Optional[tuple]) -> Optional[tuple]:
    """numpy's reshape; ``shape`` may be None (unknown source) when the target is explicit."""
    if target is None or list(target).count(-1) > 1:
        return None
    if -1 not in target:
        size = _size(shape) if shape is not None else None
        wanted = _size(target)
        if size is not None and wanted is not None and size != wanted:
            return None  # numpy would raise: not ours to report here
        return target
    size = _size(shape) if shape is not None else None
    known = _size([d for d in target if d != -1])
    if size is None or known is None:
        return tuple(UNKNOWN_DIM if d == -1 else d for d in target)
    if known == 0 or size % known:
        return None
    return tuple(size // known if d == -1 else d for d in target)


def _array(shape, node, what) -> Any:
    if shape is None:
        return UNKNOWN
    return ArrayVal(tuple(shape), node, what)


def _shape_of(value) -> Optional[tuple]:
    if isinstance(value, ArrayVal):
        return value.shape
    return literal_shape(value)


DATASETS = {
    "mnist": (((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,))),
    "fashion_mnist": (((60000, 28, 28), (60000,)), ((10000, 28, 28), (10000,))),
    "cifar10": (((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1))),
    "cifar100": (((50000, 32, 32, 3), (50000, 1)), ((10000, 32, 32, 3), (10000, 1))),
    "boston_housing": (((404, 13), (404,)), ((102, 13), (102,))),
    # imdb and reuters return arrays of variable-length lists: only the sample count is known.
    "imdb": (((25000,), (25000,)), ((25000,), (25000,))),
    "reuters": (((8982,), (8982,)), ((2246,), (2246,))),
}


def dataset_load(name: str, node) -> Any:
    shapes = DATASETS.get(name)
    if shapes is None:
        return UNKNOWN
    return tuple(tuple(ArrayVal(s, node, f"{name}.load_data()") for s in pair) for pair in shapes)


# numpy functions of one array whose result has that array's shape.
SAME_SHAPE_FUNCTIONS = {
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool_",
    "abs", "absolute", "sqrt", "exp", "log", "log1p", "tanh", "sin", "cos", "square", "negative",
    "nan_to_num", "copy", "ascontiguousarray", "round", "around", "floor", "ceil", "sign",
}


def numpy_call(name: str, args, kwargs, opaque: bool, node) -> Any:
    if opaque:
        return UNKNOWN
    shape = None
    if name in ("zeros", "ones", "empty", "full") and not args and "shape" in kwargs:
        args = [kwargs["shape"]]
    if name in SAME_SHAPE_FUNCTIONS and len(args) == 1 and isinstance(args[0], ArrayVal) \
            and set(kwargs) <= {"dtype", "out"} and "out" not in kwargs:
        return ArrayVal(args[0].shape, args[0].node, args[0].what)
    if name in ("zeros", "ones", "empty", "full") and args:
        shape = _shape_arg(args[0])
    elif name in ("zeros_like", "ones_like", "empty_like", "full_like") and args:
        shape = _shape_of(args[0])
    elif name in ("random.rand", "random.randn") and not kwargs:
        shape = _shape_arg(tuple(args))
    elif name in ("random.random", "random.random_sample") and (args or "size" in kwargs):
        shape = _shape_arg(args[0] if args else kwargs["size"])
    elif name in ("random.randint", "random.normal", "random.uniform"):
        size = kwargs.get("size", args[2] if len(args) > 2 else None)
        shape = _shape_arg(size) if size is not None else None
    elif name == "eye" and args and _dim(args[0]) is not None:
        cols = args[1] if len(args) > 1 else kwargs.get("M", args[0])
        shape = (_dim(args[0]), _dim(cols)) if _dim(cols) is not None else None
    elif name == "arange" and len(args) == 1 and is_known(args[0]) and not kwargs:
        shape = (max(args[0], 0),)
    elif name in REDUCTIONS and len(args) in (1, 2) and isinstance(args[0], ArrayVal) \
            and set(kwargs) <= {"axis", "keepdims"}:
        shape = reduce_shape(args[0].shape, args[1] if len(args) > 1 else kwargs.get("axis"),
                             kwargs.get("keepdims", False))
    elif name in ("array", "asarray") and args:
        shape = _shape_of(args[0])
    elif name == "reshape" and len(args) >= 2:
        shape = reshape(_shape_of(args[0]), _shape_arg(args[1], allow_minus_one=True))
    elif name == "expand_dims" and len(args) == 1 and set(kwargs) == {"axis"}:
        return numpy_call(name, [args[0], kwargs["axis"]], {}, opaque, node)
    elif name == "expand_dims" and len(args) >= 2 and is_known(args[1]) and _shape_of(args[0]) is not None:
        base = list(_shape_of(args[0]))
        axis = args[1] if args[1] >= 0 else len(base) + 1 + args[1]
        if 0 <= axis <= len(base):
            shape = tuple(base[:axis] + [1] + base[axis:])
    elif name == "transpose" and len(args) == 1 and _shape_of(args[0]) is not None:
        shape = tuple(reversed(_shape_of(args[0])))
    elif name in ("concatenate", "stack", "vstack", "hstack") and args:
        shape = _join(name, args[0], kwargs.get("axis", args[1] if len(args) > 1 else 0))
    if shape is None:
        if _proves_array(name, args, kwargs):
            return SomeArrayVal(node, f"np.{name}")
        return UNKNOWN
    return _array(shape, node, f"np.{name}")


def _proves_array(name, args, kwargs) -> bool:
    """numpy calls that certainly return one ndarray, of a shape not known here."""
    if name in ("loadtxt", "genfromtxt") and not kwargs.get("unpack"):
        return True
    if name == "load" and args and isinstance(args[0], str) and args[0].endswith(".npy"):
        return True  # an .npz file gives a dict-like NpzFile
    if name in ("concatenate", "stack", "vstack", "hstack", "array", "asarray") and args:
        return True
    if name in SAME_SHAPE_FUNCTIONS and len(args) == 1 and isinstance(args[0], SomeArrayVal):
        return True
    return False


def _join(name, arrays, axis) -> Optional[tuple]:

    items = sequence_items(arrays)
    if not items or not is_known(axis):
        return None
    shapes = [_shape_of(a) for a in items]
    if any(s is None for s in shapes) or len({len(s) for s in shapes}) != 1:
        return None
    if name == "vstack":
        name, axis = "concatenate", 0
    if name == "hstack":
        name, axis = "concatenate", 1 if len(shapes[0]) > 1 else 0
    rank = len(shapes[0]) + (1 if name == "stack" else 0)
    if not -rank <= axis < rank:
        return None
    axis %= rank
    if name == "stack":
        if any(s != shapes[0] for s in shapes):
            return None
        base = list(shapes[0])
        return tuple(base[:axis] + [len(shapes)] + base[axis:])
    out = list(shapes[0])
    dims = [s[axis] for s in shapes]
    out[axis] = sum(dims) if all(is_known(d) for d in dims) else UNKNOWN_DIM
    return tuple(out)


def to_categorical(args, kwargs, node) -> Any:
    labels = args[0] if args else kwargs.get("x", kwargs.get("y"))
    classes = args[1] if len(args) > 1 else kwargs.get("num_classes")
    shape = _shape_of(labels)
    if shape is None:
        return UNKNOWN
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    width = classes if is_known(classes) else UNKNOWN_DIM
    return ArrayVal(tuple(shape) + (width,), node, "to_categorical")


@dataclass(frozen=True)
class Take:
    """A list of positions in an index (``X[:, [0, 2]]``): the axis keeps ``size`` entries."""

    size: int


UNKNOWN_SLICE = object()  # a slice whose bounds are not known
ELLIPSIS = object()  # `...` in an index
NEWAXIS = ("numpy.newaxis", "tensorflow.newaxis")


def index_shape(shape: tuple, index) -> Optional[tuple]:
    """``X[i]``, ``X[a:b]``, ``X[:, 0]``, ``X[:, None]``, ``X[..., None]``: ``index`` lists ints,
    slices, ``UNKNOWN_SLICE``, None (a new axis of size 1) and at most one ``ELLIPSIS``."""
    parts = list(index)
    if parts.count(ELLIPSIS) > 1:
        return None
    consuming = [p for p in parts if p is not None and p is not ELLIPSIS]
    if len(consuming) > len(shape):
        return None
    if ELLIPSIS in parts:
        at = parts.index(ELLIPSIS)
        parts[at:at + 1] = [slice(None, None, None)] * (len(shape) - len(consuming))
    out: list = []
    axis = 0
    for part in parts:
        if part is None:
            out.append(1)
            continue
        dim = shape[axis]
        axis += 1
        if isinstance(part, int):
            continue  # the axis disappears
        if part is UNKNOWN_SLICE:
            out.append(UNKNOWN_DIM)
            continue
        if isinstance(part, Take):
            out.append(part.size)
            continue
        if isinstance(part, slice):
            if is_known(dim) and all(p is None or is_known(p) for p in (part.start, part.stop, part.step)) \
                    and part.step != 0:
                out.append(len(range(*part.indices(dim))))
            elif part == slice(None, None, None):
                out.append(dim)
            else:
                out.append(UNKNOWN_DIM)
            continue
        return None
    return tuple(out) + tuple(shape[axis:])


def array_method(array: ArrayVal, name: str, args, kwargs, opaque: bool, node) -> Any:
    if opaque:
        return UNKNOWN
    if name == "reshape":
        target = _shape_arg(args[0] if len(args) == 1 else tuple(args), allow_minus_one=True)
        return _array(reshape(array.shape, target), node, "reshape")
    if name in ("astype", "copy"):
        return ArrayVal(array.shape, array.node, array.what)
    if name == "transpose" and not args:
        return ArrayVal(tuple(reversed(array.shape)), node, "transpose")
    if name in REDUCTIONS - {"median"} and len(args) <= 1 and set(kwargs) <= {"axis", "keepdims"}:
        shape = reduce_shape(array.shape, args[0] if args else kwargs.get("axis"), kwargs.get("keepdims", False))
        return _array(shape, node, name)
    if name in ("flatten", "ravel"):
        size = _size(array.shape)
        return ArrayVal((size if size is not None else UNKNOWN_DIM,), node, name)
    return UNKNOWN


# -- tf.data -------------------------------------------------------------------------------

KEEPS_BATCHING = {"map", "shuffle", "repeat", "prefetch", "take", "skip", "cache", "filter",
                  "apply", "with_options", "ignore_errors", "shard"}


def _element(value):
    """The element spec of ``from_tensor_slices(value)``: each array loses its first axis."""
    if isinstance(value, ListVal) and value.items is not None:
        value = tuple(value.items)
    if isinstance(value, tuple) and value and all(isinstance(v, ArrayVal) for v in value):
        return tuple(v.shape[1:] for v in value), tuple(v.shape[0] for v in value)
    if isinstance(value, ArrayVal) and value.shape:
        return value.shape[1:], (value.shape[0],)
    return None, ()


def from_tensor_slices(args, kwargs, node) -> Any:
    if not args:
        return UNKNOWN
    element, counts = _element(args[0])
    count = counts[0] if counts and all(c == counts[0] for c in counts) else UNKNOWN_DIM
    return DatasetVal(element=element, batch=None, node=node, samples=count)


def mapped_element(interp, fn, element, batch, node, frame):
    """The element of ``dataset.map(fn)`` for a function defined in the file: ``fn`` run on
    arrays of the element's shapes (with the batch axis when batched); None unless every part
    of its result is an array of known rank."""
    if not isinstance(element, tuple):
        return None
    lead = () if batch is None else (batch if is_known(batch) else UNKNOWN_DIM,)
    structured = bool(element) and all(isinstance(e, tuple) for e in element)
    parts = element if structured else (element,)
    if any(not isinstance(p, tuple) for p in parts):
        return None
    values = [ArrayVal(lead + p, node, "map") for p in parts]
    result = interp.call(fn, values, {}, False, node, frame)
    items = result if isinstance(result, tuple) else (result,)
    if not items or not all(isinstance(v, ArrayVal) and v.shape[:len(lead)] == lead for v in items):
        return None
    shapes = tuple(tuple(v.shape[len(lead):]) for v in items)
    return shapes if isinstance(result, tuple) else shapes[0]


def dataset_method(dataset: DatasetVal, name: str, args, kwargs, node) -> Any:
    if name in ("batch", "padded_batch"):
        if dataset.batch is not None:
            return UNKNOWN  # batches of batches: not modelled
        size = args[0] if args else kwargs.get("batch_size")
        element = dataset.element if name == "batch" else None  # padding changes the shapes
        return DatasetVal(element=element, batch=size if is_known(size) else UNKNOWN,
                          node=dataset.node, samples=dataset.samples, batched_at=node, source=dataset,
                          what=dataset.what)
    if name == "unbatch":
        return UNKNOWN
    if name in KEEPS_BATCHING:
        samples = dataset.samples if name in ("map", "prefetch", "cache", "with_options", "apply") \
            else UNKNOWN_DIM
        element = dataset.element if name not in ("map", "apply") else None
        return DatasetVal(element=element, batch=dataset.batch, node=dataset.node,
                          samples=samples, batched_at=dataset.batched_at, what=dataset.what)
    return UNKNOWN


def batch_shapes(value) -> Optional[tuple]:
    """``(x_shape, y_shape)`` of the batches a batched dataset or image iterator yields, each
    with its batch axis; ``y_shape`` is None when there are no labels or they are unknown.
    None when the batches' shapes are not known."""
    if not isinstance(value, DatasetVal) or value.batch is None:
        return None
    element = value.element
    if not isinstance(element, tuple):
        return None
    batch = value.batch if is_known(value.batch) else UNKNOWN_DIM
    if element and all(isinstance(e, tuple) or e is None for e in element):
        if not isinstance(element[0], tuple) or len(element) > 3:
            return None
        x, y = element[0], element[1] if len(element) > 1 else None
        return (batch,) + x, ((batch,) + y if isinstance(y, tuple) else None)
    if any(isinstance(e, tuple) or e is None for e in element):
        return None
    return (batch,) + element, None


# -- image and directory pipelines ----------------------------------------------------------

class BatchIterator(DatasetVal):
    """What ``ImageDataGenerator.flow_from_directory`` / ``.flow`` return: a Keras iterator of
    batches (not a ``tf.data.Dataset``: its methods are not modelled)."""

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        return UNKNOWN

    def mutated(self, interp, target, frame):
        if isinstance(target.value, cst.Name):  # `train.image_shape = (...)`
            frame.scope.bind(target.value.value, UNKNOWN)


CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}


def _size_pair(value, default) -> Optional[tuple]:
    if value is None:
        return default
    if isinstance(value, ListVal) and value.items is not None:
        value = tuple(value.items)
    if isinstance(value, tuple) and len(value) == 2 and all(is_known(v) and v > 0 for v in value):
        return value
    return None


def _channels_last(kwargs) -> bool:
    return kwargs.get("data_format", None) in (None, "channels_last")


@dataclass(eq=False)
class ImageGeneratorVal(AbstractValue):
    """``ImageDataGenerator(...)``: its ``flow_from_directory`` and ``flow`` batches."""

    node: Any
    channels_last: bool

    def attribute(self, interp, name, node, frame):
        return BoundMethod(self, name)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if opaque or not self.channels_last:
            return UNKNOWN
        if name == "flow_from_directory":
            return flow_from_directory(args, kwargs, node)
        if name == "flow_from_dataframe" and len(args) <= 2 and not {"dataframe", "directory"} & set(kwargs):
            return flow_from_directory([None], kwargs, node, "flow_from_dataframe")
        if name == "flow":
            return flow(args, kwargs, node)
        return UNKNOWN

    def mutated(self, interp, target, frame):
        if isinstance(target.value, cst.Name):  # `datagen.data_format = ...`
            frame.scope.bind(target.value.value, UNKNOWN)


def image_generator(args, kwargs, opaque, node) -> Any:
    if opaque:
        return UNKNOWN
    return ImageGeneratorVal(node, channels_last=not args and _channels_last(kwargs))


FLOW_FROM_DIRECTORY = ("directory", "target_size", "color_mode", "classes", "class_mode", "batch_size")


def flow_from_directory(args, kwargs, node, what="flow_from_directory") -> Any:
    """x (B, h, w, c); y (B,) for "binary" / "sparse", (B, k) for "categorical"."""
    given = dict(zip(FLOW_FROM_DIRECTORY, args))
    if len(args) > len(FLOW_FROM_DIRECTORY) or set(given) & set(kwargs):
        return UNKNOWN
    given.update(kwargs)
    size = _size_pair(given.get("target_size"), (256, 256))
    channels = CHANNELS.get(given.get("color_mode", "rgb")) if isinstance(given.get("color_mode", "rgb"), str) \
        else None
    batch = given.get("batch_size", 32)
    mode = given.get("class_mode", "categorical")
    if size is None or channels is None or not (is_known(batch) and batch > 0):
        return UNKNOWN
    classes = sequence_items(given.get("classes")) if given.get("classes") is not None else None
    x = size + (channels,)
    if mode in ("binary", "sparse"):
        element = (x, ())
    elif mode == "categorical":
        element = (x, (len(classes) if classes is not None else UNKNOWN_DIM,))
    elif mode is None:
        element = x
    else:
        element = (x, None)  # "input", "raw", "multi_output" or unknown: labels not modelled
    return BatchIterator(element=element, batch=batch, node=node, samples=UNKNOWN_DIM, batched_at=node,
                         what=what)


def flow(args, kwargs, node) -> Any:
    """``generator.flow(x, y, batch_size=32)``: batches of x's and y's shapes."""
    names = ("x", "y", "batch_size")
    given = dict(zip(names, args))
    if len(args) > 3 or set(given) & set(kwargs):
        return UNKNOWN
    given.update(kwargs)
    x, y, batch = given.get("x"), given.get("y"), given.get("batch_size", 32)
    if not isinstance(x, ArrayVal) or len(x.shape) != 4 or not (is_known(batch) and batch > 0):
        return UNKNOWN
    if x.shape[-1] not in (1, 3, 4):
        return UNKNOWN  # Keras warns and may read another axis as channels
    if y is None:
        element = x.shape[1:]
    elif isinstance(y, ArrayVal) and y.shape:
        element = (x.shape[1:], y.shape[1:])
    else:
        element = (x.shape[1:], None)
    return BatchIterator(element=element, batch=batch, node=node, samples=UNKNOWN_DIM, batched_at=node,
                         what="ImageDataGenerator.flow")


DIRECTORY_DATASET = ("directory", "labels", "label_mode", "class_names", "color_mode", "batch_size",
                     "image_size")


def directory_dataset(name, args, kwargs, opaque, node) -> Any:
    """``image_dataset_from_directory`` / ``text_dataset_from_directory``."""
    if opaque or len(args) > 1:
        return UNKNOWN
    given = dict(kwargs)
    text = name == "text_dataset_from_directory"
    labels = given.get("labels", "inferred")
    mode = given.get("label_mode", "int")
    batch = given.get("batch_size", 32)
    if batch is None:
        return UNKNOWN  # unbatched: elements are single samples (SL133's business, not modelled)
    if not (is_known(batch) and batch > 0) or not _channels_last(given):
        return UNKNOWN
    if text:
        x = ()
        if given.get("output_sequence_length") is not None or given.get("ragged") not in (None, False):
            return UNKNOWN
    else:
        size = _size_pair(given.get("image_size"), (256, 256))
        color = given.get("color_mode", "rgb")
        channels = CHANNELS.get(color) if isinstance(color, str) else None
        if size is None or channels is None:
            return UNKNOWN
        x = size + (channels,)
    class_names = given.get("class_names")
    k = len(sequence_items(class_names)) if sequence_items(class_names) is not None else UNKNOWN_DIM
    if labels is None or mode is None:
        element = x
    elif labels != "inferred":
        element = (x, None)
    elif mode == "int":
        element = (x, ())
    elif mode == "binary":
        element = (x, (1,))
    elif mode == "categorical":
        element = (x, (k,))
    else:
        element = (x, None)
    subset = given.get("subset")
    if subset not in (None, "training", "validation", "both"):
        return UNKNOWN

    def one():
        return DatasetVal(element=element, batch=batch, node=node, samples=UNKNOWN_DIM, batched_at=node,
                          what=name)

    return (one(), one()) if subset == "both" else one()
