"""What shapelint knows about ``torch.nn`` layers: one entry per layer, as data.

Each entry names the constructor's positional parameters and defaults (as in PyTorch 2.x)
and an ``apply`` function that takes one shape hypothesis of the input (``Hyp``: a rank and
the sizes known so far) and returns the output hypothesis, ``RANK`` when a tensor of that
rank cannot enter the layer, or a ``Mismatch`` when a known size disagrees with the layer's
constructor argument, which is what PyTorch raises on (SL201).

A size the analysis does not know is ``None`` and never disagrees with anything.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Optional, Tuple

from shapelint.core.layers import LayerSpecBase
from shapelint.core.shapes import Origin, as_int, product
from shapelint.interp.values import UNKNOWN

MAX_RANK = 8  # input ranks tried for a tensor of unknown rank (1..MAX_RANK)


@dataclass(frozen=True)
class Hyp:
    """One hypothesis about a tensor: its sizes (``None``: unknown) and where each came from."""

    dims: Tuple[Optional[int], ...]
    origins: Tuple[Optional[Origin], ...]
    batched: bool = False  # axis 0 is certainly the batch axis
    steps: Tuple[Any, ...] = ()  # what was applied since the root input (for confirmation)
    root: Tuple[Optional[int], ...] = ()  # the root input's sizes, as far as the layers require them
    root_axes: Tuple[Optional[int], ...] = ()  # per axis: the root axis it is an unchanged copy of
    root_id: int = 0  # which unknown input the root is (``len(sentence)`` refers to it)

    @property
    def rank(self) -> int:
        return len(self.dims)

    def rebuild(self, parts, batched=None) -> "Hyp":
        """A new hypothesis from ``parts``: an int keeps that axis of this one, a
        ``(size, origin)`` pair is a new axis."""
        dims, origins, roots = [], [], []
        for part in parts:
            if isinstance(part, int):
                dims.append(self.dims[part])
                origins.append(self.origins[part])
                roots.append(self.root_axes[part])
            else:
                dims.append(part[0])
                origins.append(part[1])
                roots.append(None)
        if batched is None:  # still batched only if axis 0 stays axis 0
            batched = self.batched and bool(parts) and isinstance(parts[0], int) and parts[0] == 0
        return replace(self, dims=tuple(dims), origins=tuple(origins), root_axes=tuple(roots),
                       batched=batched)

    def require(self, axis: int, size: Optional[int]) -> "Hyp":
        """This hypothesis where axis ``axis`` (unknown so far) has ``size``: what the layer
        needs, written back to the root input so that a confirming program can build it."""
        if size is None or self.dims[axis] is not None:
            return self
        dims = list(self.dims)
        dims[axis] = size
        root = list(self.root)
        if self.root_axes[axis] is not None:
            root[self.root_axes[axis]] = size
        return replace(self, dims=tuple(dims), root=tuple(root))


def unknown_hyp(rank: int, root_id: int = 0) -> Hyp:
    dims = (None,) * rank
    return Hyp(dims, (None,) * rank, False, (), dims, tuple(range(rank)), root_id)


def kept(h: Hyp, start: int = 0, stop: Optional[int] = None) -> list:
    """Axis indices ``start:stop`` of ``h``, kept unchanged."""
    return list(range(h.rank))[start:stop]


@dataclass(frozen=True)
class Mismatch:
    """A known size the layer cannot take."""

    param: str  # the constructor argument it disagrees with (``in_features``)
    expected: int
    got: int
    axis: str  # "the last axis (features)"
    origin: Optional[Origin]  # where the received size came from
    torch_says: str = ""  # the start of PyTorch's error message, for confirmation


RANK = "rank"  # the hypothesis' rank cannot enter the layer


@dataclass(frozen=True)
class TorchSpec(LayerSpecBase):
    apply: Optional[Callable] = None  # (layer, hyp) -> Hyp | Mismatch | RANK; None: output unknown
    returns_state: bool = False  # RNNs return (output, state)
    # (layer, bias, flags) -> trainable parameters, None when unknown; None: not modelled
    params: Optional[Callable] = None


def describe(layer) -> str:
    """``Linear(784, 64)``: the layer with its leading size arguments as values."""
    shown = []
    for name in layer.spec.positional[:_SHOWN.get(layer.spec.name, 2)]:
        if name not in layer.args:
            break
        value = layer.args[name]
        shown.append(_render(value))
    return f"{layer.spec.name}({', '.join(shown)})"


def _render(value) -> str:
    if value is UNKNOWN:
        return "?"
    if isinstance(value, (int, float, str, tuple, bool)) or value is None:
        return repr(value)
    return "..."


_SHOWN = {"Conv1d": 3, "Conv2d": 3, "Conv3d": 3, "ConvTranspose1d": 3, "ConvTranspose2d": 3,
          "ConvTranspose3d": 3, "BatchNorm1d": 1, "BatchNorm2d": 1, "BatchNorm3d": 1,
          "LayerNorm": 1, "Flatten": 2, "Bilinear": 3, "MaxPool1d": 1, "MaxPool2d": 1,
          "MaxPool3d": 1, "AvgPool1d": 1, "AvgPool2d": 1, "AvgPool3d": 1}


def _origin(layer, note: str = "") -> Origin:
    return Origin(layer.node, describe(layer), note)


# -- the apply functions -----------------------------------------------------------------

def identity(layer, h: Hyp):
    return h


def linear(layer, h: Hyp):
    n_in, n_out = as_int(layer.arg("in_features")), as_int(layer.arg("out_features"))
    got = h.dims[-1]
    if n_in is not None and got is not None and got != n_in:
        return Mismatch("in_features", n_in, got, "its last axis (the features)", h.origins[-1],
                        "mat1 and mat2 shapes cannot be multiplied")
    h = h.require(h.rank - 1, n_in)
    return h.rebuild(kept(h, 0, -1) + [(n_out, _origin(layer))])


def _tuple(value, n: int):
    """A size argument given as an int or a tuple of n ints: n ints, or None."""
    if as_int(value) is not None:
        return (value,) * n
    if isinstance(value, tuple) and len(value) == n and all(as_int(v) is not None for v in value):
        return value
    return None


def _channel_check(layer, h: Hyp, n: int, param: str, torch_says: str):
    """(channel axis, mismatch or None) for an input of rank n+1 (unbatched) or n+2."""
    axis = h.rank - n - 1
    expected = as_int(layer.arg(param))
    got = h.dims[axis]
    if expected is not None and got is not None and got != expected:
        return axis, Mismatch(param, expected, got, f"its channel axis (axis {axis} of a "
                              f"{h.rank}-D input)", h.origins[axis], torch_says)
    return axis, h.require(axis, expected)


def _window(length, kernel, stride, padding, dilation, transposed=False, output_padding=0):
    out = _window_raw(length, kernel, stride, padding, dilation, transposed, output_padding)
    return out if out is not None and out > 0 else None


def _window_raw(length, kernel, stride, padding, dilation, transposed=False, output_padding=0):
    """The output size along one axis, even when it is 0 or negative (None: unknown)."""
    if None in (length, kernel, stride, padding, dilation) or stride == 0:
        return None
    if transposed:
        return (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1
    return (length + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@dataclass(frozen=True)
class TooSmall:
    """A conv / pool window larger than the (padded) input along one axis: PyTorch raises
    for every input of this size (SL202)."""

    axis: int  # the axis of the input hypothesis
    length: int  # its size
    padding: int  # added on each side
    window: int  # the effective kernel: dilation * (kernel_size - 1) + 1
    output: int  # the output size the layer would compute there (0 or less)
    arg: str  # kernel_size


# What PyTorch 2.13 says (conv; pooling; max_pool1d; avg_pool3d).
TOO_SMALL_SAYS = ("Kernel size can't be greater than actual input size", "Output size is too small",
                  "Invalid computed output size", "smaller than kernel size")


def _window_params(layer, n: int):
    """Per spatial axis: (kernel, stride, padding, dilation, output_padding) or None, for the
    conv / pool layers whose output size a window decides."""
    name = layer.spec.name
    pooling = name.startswith(("MaxPool", "AvgPool"))
    if not (pooling or name.startswith("Conv")) or int(name[-2]) != n:
        return None
    transposed = name.startswith("ConvTranspose")
    kernel = _tuple(layer.arg("kernel_size"), n)
    stride_arg = layer.arg("stride")
    stride = kernel if pooling and stride_arg is None else _tuple(stride_arg, n)
    padding_arg = layer.arg("padding")
    if padding_arg == "same" and not transposed:
        return None  # the output keeps the input's size
    padding = (0,) * n if padding_arg == "valid" else _tuple(padding_arg, n)
    dilation = (1,) * n if name.startswith("AvgPool") else _tuple(layer.arg("dilation"), n)
    out_pad = _tuple(layer.arg("output_padding"), n) if transposed else (0,) * n
    if pooling and layer.arg("ceil_mode") is not False:
        return None
    if None in (kernel, stride, padding, dilation, out_pad):
        return None
    return [tuple(p[i] for p in (kernel, stride, padding, dilation, out_pad)) for i in range(n)]


def too_small(layer, h: Hyp) -> Optional[TooSmall]:
    """The first axis along which ``layer``'s window does not fit the input ``h`` (of a rank
    the layer takes), or None (fits, or unknown)."""
    name = layer.spec.name
    if not name[-2:-1].isdigit():
        return None
    n = int(name[-2])
    if h.rank not in (n + 1, n + 2):
        return None
    params = _window_params(layer, n)
    if params is None:
        return None
    transposed = name.startswith("ConvTranspose")
    for i in range(n):
        axis = h.rank - n + i
        length = h.dims[axis]
        if length is None or length <= 0:
            continue
        kernel, stride, padding, dilation, out_pad = params[i]
        out = _window_raw(length, kernel, stride, padding, dilation, transposed, out_pad)
        if out is not None and out <= 0:
            return TooSmall(axis, length, padding, dilation * (kernel - 1) + 1, out, "kernel_size")
    return None


def conv(n: int, transposed: bool = False):
    def apply(layer, h: Hyp):
        if h.rank not in (n + 1, n + 2):
            return RANK
        axis, h = _channel_check(layer, h, n, "in_channels", "channels, but got")
        if isinstance(h, Mismatch):
            return h
        if too_small(layer, h) is not None:
            return None  # PyTorch raises for this input (SL202): nothing after it is known
        kernel = _tuple(layer.arg("kernel_size"), n)
        stride = _tuple(layer.arg("stride"), n)
        dilation = _tuple(layer.arg("dilation"), n)
        padding_arg = layer.arg("padding")
        out_pad = _tuple(layer.arg("output_padding"), n) if transposed else (0,) * n
        spatial = []
        for i in range(n):
            length = h.dims[axis + 1 + i]
            if padding_arg == "same" and not transposed:
                size = length
            else:
                padding = (0,) * n if padding_arg == "valid" else _tuple(padding_arg, n)
                parts = [p[i] if p is not None else None for p in (kernel, stride, padding, dilation, out_pad)]
                size = _window(length, *parts[:4], transposed=transposed, output_padding=parts[4] or 0) \
                    if parts[4] is not None else None
            spatial.append(size)
        origin = _origin(layer)
        parts = kept(h, 0, axis) + [(as_int(layer.arg("out_channels")), origin)] + [(d, origin) for d in spatial]
        return h.rebuild(parts, batched=h.rank == n + 2)
    return apply


def pool(n: int, kind: str):
    def apply(layer, h: Hyp):
        if h.rank not in (n + 1, n + 2):
            return RANK
        axis = h.rank - n - 1
        if "return_indices" in layer.spec.positional and layer.arg("return_indices") is not False:
            return None  # (output, indices)
        if kind != "adaptive" and too_small(layer, h) is not None:
            return None  # PyTorch raises for this input (SL202): nothing after it is known
        spatial = []
        if kind == "adaptive":
            size = layer.arg("output_size")
            sizes = (size,) * n if as_int(size) is not None else size
            if not isinstance(sizes, tuple) or len(sizes) != n:
                sizes = (UNKNOWN,) * n
            for i, s in enumerate(sizes):
                spatial.append(h.dims[axis + 1 + i] if s is None else as_int(s))
        else:
            kernel = _tuple(layer.arg("kernel_size"), n)
            stride_arg = layer.arg("stride")
            stride = kernel if stride_arg is None else _tuple(stride_arg, n)
            padding = _tuple(layer.arg("padding"), n)
            dilation = _tuple(layer.arg("dilation"), n) if kind == "max" else (1,) * n
            exact = layer.arg("ceil_mode") is False
            for i in range(n):
                parts = [p[i] if p is not None else None for p in (kernel, stride, padding, dilation)]
                spatial.append(_window(h.dims[axis + 1 + i], *parts) if exact else None)
        origin = _origin(layer)
        return h.rebuild(kept(h, 0, axis + 1) + [(d, origin) for d in spatial], batched=h.rank == n + 2)
    return apply


def batch_norm(ranks: Tuple[int, ...]):
    def apply(layer, h: Hyp):
        if h.rank not in ranks:
            return RANK
        expected, got = as_int(layer.arg("num_features")), h.dims[1]
        if expected is not None and got is not None and got != expected:
            return Mismatch("num_features", expected, got, f"axis 1 (the channels) of its "
                            f"{h.rank}-D input", h.origins[1], "running_mean should contain")
        # BatchNorm2d/3d take (N, C, ...) batches; BatchNorm1d's rows may be nodes or instances.
        return h.require(1, expected).rebuild(kept(h), batched=h.batched or h.rank >= 4)
    return apply


def instance_norm(n: int):
    def apply(layer, h: Hyp):
        if h.rank not in (n + 1, n + 2):
            return RANK
        if layer.arg("affine") is not True:
            return h  # without affine weights PyTorch only warns about num_features
        return _channel_check(layer, h, n, "num_features", "expected input's size at dim")[1]
    return apply


def group_norm(layer, h: Hyp):
    if h.rank < 2:
        return RANK
    expected, got = as_int(layer.arg("num_channels")), h.dims[1]
    if expected is not None and got is not None and got != expected:
        return Mismatch("num_channels", expected, got, f"axis 1 (the channels) of its {h.rank}-D input",
                        h.origins[1], "Expected weight to be a vector of size equal to the number of channels")
    return h.require(1, expected).rebuild(kept(h))


def layer_norm(layer, h: Hyp):
    shape = layer.arg("normalized_shape")
    if as_int(shape) is not None:
        shape = (shape,)
    if isinstance(shape, tuple) and shape and all(as_int(s) is not None for s in shape):
        if h.rank < len(shape):
            return RANK
        for offset, expected in enumerate(shape):
            axis = h.rank - len(shape) + offset
            got = h.dims[axis]
            if got is not None and got != expected:
                return Mismatch("normalized_shape", expected, got,
                                f"axis {axis - h.rank} of its input", h.origins[axis],
                                "Given normalized_shape=")
            h = h.require(axis, expected)
    return h


def embedding(layer, h: Hyp):
    return h.rebuild(kept(h) + [(as_int(layer.arg("embedding_dim")), _origin(layer))])


def recurrent(layer, h: Hyp):
    if h.rank not in (2, 3):
        return RANK
    expected, got = as_int(layer.arg("input_size")), h.dims[-1]
    if expected is not None and got is not None and got != expected:
        return Mismatch("input_size", expected, got, "its last axis (the features)", h.origins[-1],
                        "input.size(-1) must be equal to input_size")
    h = h.require(h.rank - 1, expected)
    hidden = as_int(layer.arg("hidden_size"))
    proj = as_int(layer.arg("proj_size")) if "proj_size" in layer.spec.positional else 0
    directions = layer.arg("bidirectional")
    size = None
    if hidden is not None and proj is not None and isinstance(directions, bool):
        size = (proj or hidden) * (2 if directions else 1)
    batch_first = layer.arg("batch_first")
    batched = h.rank == 3 and batch_first is True
    return h.rebuild(kept(h, 0, -1) + [(size, _origin(layer))], batched=batched)


def normalize_dim(dim, rank: int) -> Optional[int]:
    d = as_int(dim)
    if d is None or not -rank <= d < rank:
        return None
    return d % rank


def flatten(layer, h: Hyp):
    return flatten_dims(h, layer.arg("start_dim"), layer.arg("end_dim"), _origin(layer))


def flatten_dims(h: Hyp, start, end, origin: Origin):
    if as_int(start) is None or as_int(end) is None:
        return None
    rank = max(h.rank, 1)
    s, e = normalize_dim(start, rank), normalize_dim(end, rank)
    if s is None or e is None:
        return RANK
    if s > e:
        return None
    if s == e:
        return h  # flattening one axis changes nothing
    merged = h.dims[s:e + 1]
    size = product(merged)
    shape = "(" + ", ".join("?" if d is None else str(d) for d in merged) + ")"
    note = f", which flattens {shape} into {size}" if size is not None else ""
    return h.rebuild(kept(h, 0, s) + [(size, Origin(origin.node, origin.what, note))] + kept(h, e + 1))


def unflatten(layer, h: Hyp):
    axis = normalize_dim(layer.arg("dim"), h.rank)
    sizes = layer.arg("unflattened_size")
    if axis is None or not isinstance(sizes, tuple) or not all(as_int(s) is not None for s in sizes):
        return None if axis is not None or as_int(layer.arg("dim")) is None else RANK
    if -1 in sizes:
        return None
    origin = _origin(layer)
    return h.rebuild(kept(h, 0, axis) + [(size, origin) for size in sizes] + kept(h, axis + 1))


# -- the table -----------------------------------------------------------------------------

_CONV = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
         "bias", "padding_mode")
_CONV_T = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding",
           "groups", "bias", "dilation", "padding_mode")
_NORM = ("num_features", "eps", "momentum", "affine", "track_running_stats")
_RNN = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional")


def _specs():
    specs = [
        TorchSpec("Linear", ("in_features", "out_features", "bias"), {"bias": True}, linear,
                  params=_linear_params),
        TorchSpec("Bilinear", ("in1_features", "in2_features", "out_features", "bias"), {"bias": True}, None,
                  params=_bilinear_params),
        TorchSpec("LazyLinear", ("out_features",), {}, None),
        TorchSpec("Embedding", ("num_embeddings", "embedding_dim", "padding_idx"), {}, embedding,
                  params=_embedding_params),
        TorchSpec("LayerNorm", ("normalized_shape", "eps", "elementwise_affine"), {"elementwise_affine": True},
                  layer_norm, params=_affine_params("normalized_shape", "elementwise_affine")),
        TorchSpec("GroupNorm", ("num_groups", "num_channels", "eps", "affine"), {"affine": True}, group_norm,
                  params=_affine_params("num_channels", "affine")),
        TorchSpec("Flatten", ("start_dim", "end_dim"), {"start_dim": 1, "end_dim": -1}, flatten, params=_no_params),
        TorchSpec("Unflatten", ("dim", "unflattened_size"), {}, unflatten, params=_no_params),
        TorchSpec("RNN", ("input_size", "hidden_size", "num_layers", "nonlinearity", "bias", "batch_first",
                          "dropout", "bidirectional"),
                  {"num_layers": 1, "batch_first": False, "bidirectional": False, "bias": True}, recurrent, True,
                  params=_recurrent_parameters),
        TorchSpec("LSTM", _RNN + ("proj_size",),
                  {"num_layers": 1, "batch_first": False, "bidirectional": False, "proj_size": 0, "bias": True},
                  recurrent, True, params=_recurrent_parameters),
        TorchSpec("GRU", _RNN, {"num_layers": 1, "batch_first": False, "bidirectional": False, "bias": True},
                  recurrent, True, params=_recurrent_parameters),
    ]
    for n in (1, 2, 3):
        specs += [
            TorchSpec(f"Conv{n}d", _CONV, {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True},
                      conv(n), params=_conv_params(n, transposed=False)),
            TorchSpec(f"ConvTranspose{n}d", _CONV_T,
                      {"stride": 1, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1, "bias": True},
                      conv(n, transposed=True), params=_conv_params(n, transposed=True)),
            TorchSpec(f"BatchNorm{n}d", _NORM, {"affine": True}, batch_norm((2, 3) if n == 1 else (n + 2,)),
                      params=_affine_params("num_features", "affine")),
            TorchSpec(f"InstanceNorm{n}d", _NORM, {"affine": False}, instance_norm(n),
                      params=_affine_params("num_features", "affine")),
            TorchSpec(f"MaxPool{n}d", ("kernel_size", "stride", "padding", "dilation", "return_indices",
                                       "ceil_mode"),
                      {"stride": None, "padding": 0, "dilation": 1, "return_indices": False,
                       "ceil_mode": False}, pool(n, "max"), params=_no_params),
            TorchSpec(f"AvgPool{n}d", ("kernel_size", "stride", "padding", "ceil_mode"),
                      {"stride": None, "padding": 0, "ceil_mode": False}, pool(n, "avg"), params=_no_params),
            TorchSpec(f"AdaptiveAvgPool{n}d", ("output_size",), {}, pool(n, "adaptive"), params=_no_params),
            TorchSpec(f"AdaptiveMaxPool{n}d", ("output_size", "return_indices"), {"return_indices": False},
                      pool(n, "adaptive"), params=_no_params),
            TorchSpec(f"Dropout{n}d", ("p", "inplace"), {}, identity, params=_no_params),
        ]
    for name, positional in ACTIVATIONS.items():
        specs.append(TorchSpec(name, positional, {}, identity,
                               params=_prelu_params if name == "PReLU" else _no_params))
    for name in SOFTMAX_LAYERS:
        specs.append(TorchSpec(name, ("dim",), {"dim": None}, identity, params=_no_params))
    return {spec.name: spec for spec in specs}


# Shape-neutral modules and their positional parameters.
ACTIVATIONS = {
    "ReLU": ("inplace",), "ReLU6": ("inplace",), "LeakyReLU": ("negative_slope", "inplace"),
    "ELU": ("alpha", "inplace"), "SELU": ("inplace",), "CELU": ("alpha", "inplace"), "GELU": ("approximate",),
    "SiLU": ("inplace",), "Mish": ("inplace",), "Sigmoid": (), "Tanh": (), "Softplus": ("beta", "threshold"),
    "Softsign": (), "Hardtanh": ("min_val", "max_val", "inplace"), "Hardswish": ("inplace",),
    "Hardsigmoid": ("inplace",), "Tanhshrink": (), "LogSigmoid": (), "PReLU": ("num_parameters", "init"),
    "RReLU": ("lower", "upper", "inplace"), "Threshold": ("threshold", "value", "inplace"),
    "Hardshrink": ("lambd",), "Softshrink": ("lambd",), "Identity": (), "Dropout": ("p", "inplace"),
    "AlphaDropout": ("p", "inplace"), "FeatureAlphaDropout": ("p", "inplace"),
}
SOFTMAX_LAYERS = ("Softmax", "LogSoftmax", "Softmin")
# torch.nn.functional (and torch.*) functions that keep their input's shape.
ELEMENTWISE_FUNCTIONS = {
    "relu", "relu6", "elu", "selu", "celu", "leaky_relu", "gelu", "silu", "mish", "sigmoid", "tanh",
    "softplus", "softsign", "hardtanh", "hardswish", "hardsigmoid", "logsigmoid", "tanhshrink",
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "relu_", "elu_", "leaky_relu_",
}
SOFTMAX_FUNCTIONS = {"softmax": "softmax", "log_softmax": "log_softmax", "softmin": "softmin"}
# torch.nn.functional pooling: (the module it behaves as, its positional parameters after input).
POOL_FUNCTIONS = {
    **{f"max_pool{n}d": (f"MaxPool{n}d", ("kernel_size", "stride", "padding", "dilation", "ceil_mode",
                                          "return_indices")) for n in (1, 2, 3)},
    **{f"avg_pool{n}d": (f"AvgPool{n}d", ("kernel_size", "stride", "padding", "ceil_mode")) for n in (1, 2, 3)},
    **{f"adaptive_avg_pool{n}d": (f"AdaptiveAvgPool{n}d", ("output_size",)) for n in (1, 2, 3)},
    **{f"adaptive_max_pool{n}d": (f"AdaptiveMaxPool{n}d", ("output_size", "return_indices")) for n in (1, 2, 3)},
}
TENSOR_CONSTRUCTORS = {"randn", "rand", "zeros", "ones", "empty"}

# The catalog itself is built at the end of this module, once the parameter counts are defined.
LAYERS: Dict[str, TorchSpec] = {}


def lookup(name: str) -> Optional[TorchSpec]:
    return LAYERS.get(name)


def _size_product(value) -> Optional[int]:
    if as_int(value) is not None:
        return value
    if isinstance(value, tuple) and value and all(as_int(v) is not None for v in value):
        return product(value)
    return None


def parameter_count(layer) -> Optional[int]:
    """Trainable parameters of a torch layer built from literal arguments (None: unknown), by
    its catalog entry's ``params``."""
    if layer.opaque or layer.spec.params is None:
        return None
    flags = {k: layer.arg(k) for k in ("bias", "affine", "elementwise_affine") if k in layer.spec.positional}
    if any(not isinstance(v, bool) for v in flags.values()):
        return None  # a flag given as something shapelint cannot read
    return layer.spec.params(layer, flags.get("bias", True), flags)


def _no_params(layer, bias, flags) -> Optional[int]:
    return 0


def _prelu_params(layer, bias, flags) -> Optional[int]:
    count = layer.arg("num_parameters")
    return 1 if count is UNKNOWN and "num_parameters" not in layer.args else as_int(count)


def _linear_params(layer, bias, flags) -> Optional[int]:
    n_in, n_out = as_int(layer.arg("in_features")), as_int(layer.arg("out_features"))
    return None if None in (n_in, n_out) else n_in * n_out + (n_out if bias else 0)


def _bilinear_params(layer, bias, flags) -> Optional[int]:
    sizes = [as_int(layer.arg(k)) for k in ("in1_features", "in2_features", "out_features")]
    return None if None in sizes else sizes[0] * sizes[1] * sizes[2] + (sizes[2] if bias else 0)


def _conv_params(n: int, transposed: bool):
    def count(layer, bias, flags) -> Optional[int]:
        arg = layer.arg
        c_in, c_out, groups = as_int(arg("in_channels")), as_int(arg("out_channels")), as_int(arg("groups"))
        kernel = _tuple(arg("kernel_size"), n)
        if None in (c_in, c_out, groups) or kernel is None or not groups:
            return None
        per_group = c_in * (c_out // groups) if transposed else c_out * (c_in // groups)
        return per_group * product(kernel) + (c_out if bias else 0)
    return count


def _affine_params(size_arg: str, flag: str):
    """Norm layers: a weight and a bias per channel (or per normalized element) when affine."""
    def count(layer, bias, flags) -> Optional[int]:
        size = _size_product(layer.arg(size_arg)) if size_arg == "normalized_shape" else as_int(layer.arg(size_arg))
        return None if size is None else (2 * size if flags[flag] else 0)
    return count


def _embedding_params(layer, bias, flags) -> Optional[int]:
    rows, dim = as_int(layer.arg("num_embeddings")), as_int(layer.arg("embedding_dim"))
    return None if None in (rows, dim) else rows * dim


def _recurrent_parameters(layer, bias, flags=None) -> Optional[int]:
    arg = layer.arg
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[layer.spec.name]
    size_in, hidden, layers = as_int(arg("input_size")), as_int(arg("hidden_size")), as_int(arg("num_layers"))
    proj = as_int(arg("proj_size")) if layer.spec.name == "LSTM" else 0
    directions = arg("bidirectional")
    if None in (size_in, hidden, layers, proj) or not isinstance(directions, bool):
        return None
    out = proj or hidden
    count = 0
    for index in range(layers):
        width = size_in if index == 0 else out * (2 if directions else 1)
        one = gates * hidden * (width + out) + (2 * gates * hidden if bias else 0) + (hidden * proj if proj else 0)
        count += one * (2 if directions else 1)
    return count


LAYERS.update(_specs())
# GLU halves a dimension: its output is not modelled.
LAYERS["GLU"] = TorchSpec("GLU", ("dim",), {}, None)
