"""The layer catalog: what shapelint knows about each Keras layer, declared once.

One ``LayerSpec`` per layer: its constructor's positional parameters and defaults, the input
ranks it accepts (measured on Keras 3.15: building each layer on inputs of rank 1 to 5), how it
maps input shapes to output shapes, and its parameter count.  Propagation, the rules, the static
summary and confirmation all read this table; adding a layer means adding one entry.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

from shapelint.core.layers import UNKNOWN, LayerSpecBase
from shapelint.core.shapes import UNKNOWN_DIM, Dim, Shape, is_known, product

OutputFn = Callable[[Any, List[Shape]], Any]
ParamsFn = Callable[[Any, List[Shape]], Optional[int]]


@dataclass(frozen=True)
class LayerSpec(LayerSpecBase):
    ranks: Optional[FrozenSet[int]] = None  # accepted input ranks, batch axis included
    expects: str = ""  # how a message describes the input it wants
    output: Optional[OutputFn] = None  # None: output shape unknown
    params: Optional[ParamsFn] = None
    kind: str = "layer"  # layer | merge (called on a list) | multi (several arguments) | input | wrapper
    recurrent: bool = False
    # Facts the rules read, kept with the layer rather than in name lists inside rules:
    units_arg: Optional[str] = None  # the argument that sizes the output's last axis (units, filters)
    weights_last_axis: bool = False  # weights sized by the input's last axis: another size fails
    window_arg: Optional[str] = None  # conv / pool / cropping: the argument that can shrink an axis to 0
    # Its output, when known, is its input's shape (PReLU, GroupNormalization: known only for
    # some arguments): messages name the layer before it as the shape's source.
    same_shape: bool = False


# -- argument helpers -------------------------------------------------------------------

def dim_of(value: Any) -> Dim:
    """A literal argument as a dimension."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return UNKNOWN_DIM


def shape_of(value: Any) -> Shape:
    """A literal shape argument (tuple or list of dims; a bare int means a 1-tuple)."""
    if isinstance(value, (tuple, list)):
        return tuple(dim_of(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    return None


def int_arg(layer, name: str) -> Optional[int]:
    value = layer.arg(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def bool_arg(layer, name: str) -> Optional[bool]:
    value = layer.arg(name)
    return value if isinstance(value, bool) else None


def tuple_arg(layer, name: str, n: int) -> Optional[Tuple[int, ...]]:
    """An int-or-tuple argument such as ``kernel_size`` or ``pool_size``."""
    value = layer.arg(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return tuple(value)
    return None


def channels_last(layer) -> bool:
    if "data_format" not in layer.spec.defaults and "data_format" not in layer.args:
        return True  # a layer without the parameter (Dense): channels are the last axis
    fmt = layer.arg("data_format")
    return fmt is None or fmt == "channels_last"


# -- output shapes --------------------------------------------------------------------

def identity(layer, shapes):
    return shapes[0]


def preserves_shape(spec) -> bool:
    """The layer's output has its input's shape whenever it is known."""
    return spec.output is identity or spec.same_shape


def _dense(layer, shapes):
    units = dim_of(layer.arg("units"))
    return shapes[0][:-1] + (units,)


def _recurrent(layer, shapes):
    (batch, steps, _features) = shapes[0]
    units = dim_of(layer.arg("units"))
    seq = bool_arg(layer, "return_sequences")
    state = bool_arg(layer, "return_state")
    if seq is None or state is None:
        return None
    out = (batch, steps, units) if seq else (batch, units)
    if not state:
        return out
    n_states = 2 if layer.name == "LSTM" else 1
    return [out] + [(batch, units)] * n_states


def _bidirectional(layer, shapes):
    inner = layer.inner
    if inner is None or inner.spec.output is None:
        return None
    out = inner.spec.output(inner, shapes)
    if out is None or isinstance(out, list):
        return None  # return_state through Bidirectional: not modelled
    mode = layer.arg("merge_mode")
    if mode == "concat":
        last = out[-1]
        return out[:-1] + ((last * 2) if is_known(last) else last,)
    if mode in ("sum", "mul", "ave"):
        return out
    return None


def _time_distributed(layer, shapes):
    inner = layer.inner
    if inner is None or inner.spec.output is None:
        return None
    shape = shapes[0]
    step_shape = (shape[0],) + shape[2:]
    if inner.spec.ranks is not None and len(step_shape) not in inner.spec.ranks:
        return None
    out = inner.spec.output(inner, [step_shape])
    if out is None or isinstance(out, list):
        return None
    return (out[0], shape[1]) + tuple(out[1:])


def _repeat_vector(layer, shapes):
    batch, features = shapes[0]
    return (batch, dim_of(layer.arg("n")), features)


def _embedding(layer, shapes):
    return shapes[0] + (dim_of(layer.arg("output_dim")),)


def _conv_length(length: Dim, kernel: int, stride: int, padding: Any, dilation: int) -> Dim:
    if not is_known(length):
        return length
    if padding == "valid":
        return (length - dilation * (kernel - 1) - 1) // stride + 1
    if padding in ("same", "causal"):
        return math.ceil(length / stride)
    return UNKNOWN_DIM


def _conv(rank: int):
    def output(layer, shapes):
        if not channels_last(layer):
            return None
        shape = shapes[0]
        kernel = tuple_arg(layer, "kernel_size", rank)
        strides = tuple_arg(layer, "strides", rank)
        dilation = tuple_arg(layer, "dilation_rate", rank)
        padding = layer.arg("padding")
        if kernel is None or strides is None or dilation is None:
            spatial = (UNKNOWN_DIM,) * rank
        else:
            spatial = tuple(
                _conv_length(shape[1 + i], kernel[i], strides[i], padding, dilation[i])
                for i in range(rank)
            )
        return (shape[0],) + spatial + (dim_of(layer.arg("filters")),)

    return output


def _pool(rank: int):
    def output(layer, shapes):
        if not channels_last(layer):
            return None
        shape = shapes[0]
        pool = tuple_arg(layer, "pool_size", rank)
        strides = pool if layer.arg("strides") is None else tuple_arg(layer, "strides", rank)
        padding = layer.arg("padding")
        if pool is None or strides is None:
            spatial = (UNKNOWN_DIM,) * rank
        else:
            spatial = tuple(
                _conv_length(shape[1 + i], pool[i], strides[i], padding, 1) for i in range(rank)
            )
        return (shape[0],) + spatial + (shape[-1],)

    return output


def _global_pool(layer, shapes):
    if not channels_last(layer):
        return None
    shape = shapes[0]
    keepdims = bool_arg(layer, "keepdims")
    if keepdims is None:
        return None
    if keepdims:
        return (shape[0],) + (1,) * (len(shape) - 2) + (shape[-1],)
    return (shape[0], shape[-1])


def _flatten(layer, shapes):
    shape = shapes[0]
    rest = shape[1:]
    if not rest:
        return (shape[0], 1)
    total = product(rest)
    if total is not None:
        return (shape[0], total)
    if any(d is UNKNOWN_DIM for d in rest):
        return (shape[0], UNKNOWN_DIM)
    return (shape[0], None)


def reshape_target(layer, shape: Tuple[Dim, ...]) -> Shape:
    """Reshape's output; ``-1`` resolved when the input size is known."""
    target = layer.arg("target_shape")
    if not isinstance(target, (tuple, list)):
        return None
    dims = [dim_of(v) for v in target]
    if -1 in dims:
        known = product(d for d in dims if d != -1)
        total = product(shape[1:])
        if known and total is not None and total % known == 0:
            dims[dims.index(-1)] = total // known
        else:
            dims[dims.index(-1)] = None if total is None else UNKNOWN_DIM
    return (shape[0],) + tuple(dims)


def _reshape(layer, shapes):
    return reshape_target(layer, shapes[0])


def _permute(layer, shapes):
    dims = layer.arg("dims")
    shape = shapes[0]
    if not isinstance(dims, (tuple, list)) or sorted(dims) != list(range(1, len(shape))):
        return None
    return (shape[0],) + tuple(shape[d] for d in dims)


def _padding_1d(layer, shapes):
    batch, steps, channels = shapes[0]
    pad = layer.arg("padding")
    if isinstance(pad, int) and not isinstance(pad, bool):
        pad = (pad, pad)
    if not (isinstance(pad, (tuple, list)) and len(pad) == 2 and all(isinstance(p, int) for p in pad)):
        return (batch, UNKNOWN_DIM, channels)
    return (batch, steps + sum(pad) if is_known(steps) else steps, channels)


def _padding_2d(layer, shapes):
    if not channels_last(layer):
        return None
    batch, rows, cols, channels = shapes[0]
    pad = layer.arg("padding")
    if isinstance(pad, int) and not isinstance(pad, bool):
        pads = ((pad, pad), (pad, pad))
    elif isinstance(pad, (tuple, list)) and len(pad) == 2 and all(isinstance(p, int) for p in pad):
        pads = ((pad[0], pad[0]), (pad[1], pad[1]))
    elif (
        isinstance(pad, (tuple, list)) and len(pad) == 2
        and all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pad)
    ):
        pads = tuple(tuple(p) for p in pad)
    else:
        return (batch, UNKNOWN_DIM, UNKNOWN_DIM, channels)

    def grow(d, p):
        return d + p[0] + p[1] if is_known(d) and all(isinstance(x, int) for x in p) else (
            d if d is None else UNKNOWN_DIM)

    return (batch, grow(rows, pads[0]), grow(cols, pads[1]), channels)


def cropping_pairs(layer, rank: int) -> Optional[Tuple[Tuple[int, int], ...]]:
    """``cropping`` as one (before, after) pair of ints per spatial axis, or None."""
    crop = layer.arg("cropping")

    if is_known(crop):
        return ((crop, crop),) * rank
    if not isinstance(crop, (tuple, list)):
        return None
    if rank == 1:
        return ((crop[0], crop[1]),) if len(crop) == 2 and all(is_known(c) for c in crop) else None
    if len(crop) != rank:
        return None
    if all(is_known(c) for c in crop):
        return tuple((c, c) for c in crop)
    if all(isinstance(c, (tuple, list)) and len(c) == 2 and all(is_known(x) for x in c) for c in crop):
        return tuple((c[0], c[1]) for c in crop)
    return None


def _cropping(rank: int):
    def output(layer, shapes):
        if rank >= 2 and not channels_last(layer):
            return None
        shape = shapes[0]
        pairs = cropping_pairs(layer, rank)
        spatial = tuple(
            (shape[1 + i] - sum(pairs[i]) if is_known(shape[1 + i]) else shape[1 + i]) if pairs else
            (shape[1 + i] if shape[1 + i] is None else UNKNOWN_DIM)
            for i in range(rank)
        )
        return (shape[0],) + spatial + (shape[-1],)

    return output


def _upsampling(rank: int):
    def output(layer, shapes):
        if rank >= 2 and not channels_last(layer):
            return None
        shape = shapes[0]
        size = tuple_arg(layer, "size", rank)
        spatial = tuple(
            (shape[1 + i] * size[i]) if size and is_known(shape[1 + i]) else
            (shape[1 + i] if shape[1 + i] is None else UNKNOWN_DIM)
            for i in range(rank)
        )
        return (shape[0],) + spatial + (shape[-1],)

    return output


def normalize_axis(axis: Any, rank: int) -> Optional[int]:
    if isinstance(axis, int) and not isinstance(axis, bool) and -rank <= axis < rank:
        return axis % rank
    return None


def _concatenate(layer, shapes):
    rank = len(shapes[0])
    axis = normalize_axis(layer.arg("axis"), rank)
    if axis is None or any(len(s) != rank for s in shapes):
        return None
    out = []
    for i in range(rank):
        dims = [s[i] for s in shapes]
        if i == axis:
            total = product(dims)
            out.append(sum(dims) if total is not None else
                       (None if any(d is None for d in dims) else UNKNOWN_DIM))
        else:
            known = [d for d in dims if is_known(d)]
            out.append(known[0] if known else dims[0])
    return tuple(out)


def _elementwise(layer, shapes):
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        return None
    out = []
    for i in range(rank):
        dims = [s[i] for s in shapes]
        big = [d for d in dims if is_known(d) and d != 1]
        if big:
            out.append(big[0])
        elif all(d == 1 for d in dims):
            out.append(1)
        else:
            out.append(None if any(d is None for d in dims) else UNKNOWN_DIM)
    return tuple(out)


def _lambda(layer, shapes):
    out = shape_of(layer.arg("output_shape"))
    if out is None:
        return None
    return (shapes[0][0],) + out


# -- parameter counts -----------------------------------------------------------------

def _last(shapes) -> Optional[int]:
    d = shapes[0][-1] if shapes and shapes[0] else None
    return d if is_known(d) else None


def _dense_params(layer, shapes):
    units, fan_in, bias = int_arg(layer, "units"), _last(shapes), bool_arg(layer, "use_bias")
    if units is None or fan_in is None or bias is None:
        return None
    return fan_in * units + (units if bias else 0)


def _rnn_params(gates: int, extra_bias: int = 0):
    def params(layer, shapes):
        units, fan_in, bias = int_arg(layer, "units"), _last(shapes), bool_arg(layer, "use_bias")
        if units is None or fan_in is None or bias is None:
            return None
        biases = gates * units * (1 + extra_bias) if bias else 0
        return gates * (fan_in * units + units * units) + biases

    return params


def _gru_params(layer, shapes):
    reset_after = bool_arg(layer, "reset_after")
    if reset_after is None:
        return None
    return _rnn_params(3, 1 if reset_after else 0)(layer, shapes)


def _conv_params(rank: int):
    def params(layer, shapes):
        kernel, filters = tuple_arg(layer, "kernel_size", rank), int_arg(layer, "filters")
        fan_in, bias = _last(shapes), bool_arg(layer, "use_bias")
        groups = int_arg(layer, "groups") or 1
        if kernel is None or filters is None or fan_in is None or bias is None or not channels_last(layer):
            return None
        return product(kernel) * (fan_in // groups) * filters + (filters if bias else 0)

    return params


def _embedding_params(layer, shapes):
    n, d = int_arg(layer, "input_dim"), int_arg(layer, "output_dim")
    return None if n is None or d is None else n * d


def _norm_params(per_channel: int):
    def params(layer, shapes):
        axis = layer.arg("axis")
        if axis != -1 or _last(shapes) is None:
            return None
        scale, center = bool_arg(layer, "scale"), bool_arg(layer, "center")
        if scale is None or center is None:
            return None
        trained = int(scale) + int(center)
        return _last(shapes) * (trained + per_channel)

    return params


def _wrapper_params(factor: int):
    def params(layer, shapes):
        inner = layer.inner
        if inner is None or inner.spec.params is None:
            return None
        inner_shapes = shapes if factor == 2 else [(shapes[0][0],) + tuple(shapes[0][2:])]
        count = inner.spec.params(inner, inner_shapes)
        return None if count is None else count * factor

    return params


def _zero(layer, shapes):
    return 0


# -- layers added for the static summary and for tracking through common layers -------------

def _channels_last_identity(layer, shapes):
    """A shape-preserving layer with a ``data_format`` (SpatialDropout2D): the shape either
    way, but only channels-last is followed (the rest of the catalog assumes it)."""
    return shapes[0] if channels_last(layer) else None


def _prelu(layer, shapes):
    """Identity, when ``shared_axes`` names axes of the input (Keras refuses others)."""
    shared = layer.arg("shared_axes")
    if isinstance(shared, int) and not isinstance(shared, bool):
        shared = [shared]
    if shared is None:
        return shapes[0]
    if not isinstance(shared, (tuple, list)) or not all(
            isinstance(a, int) and not isinstance(a, bool) and 1 <= a < len(shapes[0]) for a in shared):
        return None
    return shapes[0]


def _prelu_params(layer, shapes):
    shape = list(shapes[0][1:])
    shared = layer.arg("shared_axes")
    if isinstance(shared, int) and not isinstance(shared, bool):
        shared = [shared]
    if shared is None:
        shared = []
    if not isinstance(shared, (tuple, list)) or not all(
            isinstance(a, int) and not isinstance(a, bool) and 1 <= a <= len(shape) for a in shared):
        return None
    for axis in shared:
        shape[axis - 1] = 1
    if not all(is_known(d) for d in shape):
        return None
    return product(shape)


def _group_norm(layer, shapes):
    groups, channels = int_arg(layer, "groups"), _last(shapes)
    if layer.arg("axis") != -1 or groups is None or channels is None:
        return None
    if groups <= 0 or channels < groups or channels % groups:
        return None  # Keras refuses to build it: unknown, not a guess
    return shapes[0]


def _group_norm_params(layer, shapes):
    if _group_norm(layer, shapes) is None:
        return None
    return _norm_params(0)(layer, shapes)


def _unit_norm_params(layer, shapes):
    return 0


def _normalization_params(layer, shapes):
    """Without ``mean``/``variance`` Keras adds mean, variance (one per feature) and a count."""
    if layer.arg("axis") != -1 or layer.arg("mean") is not None or layer.arg("variance") is not None:
        return None
    last = _last(shapes)
    return None if last is None else 2 * last + 1


def _conv_transpose_length(length: Dim, kernel: int, stride: int, padding: Any, dilation: int,
                           output_padding: Optional[int]) -> Dim:
    if not is_known(length):
        return length
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if padding not in ("valid", "same"):
        return UNKNOWN_DIM
    if output_padding is None:
        if padding == "valid":
            return length * stride + max(kernel - stride, 0)
        return length * stride
    pad = kernel // 2 if padding == "same" else 0
    return (length - 1) * stride + kernel - 2 * pad + output_padding


def _conv_transpose(rank: int):
    def output(layer, shapes):
        if not channels_last(layer):
            return None
        shape = shapes[0]
        kernel = tuple_arg(layer, "kernel_size", rank)
        strides = tuple_arg(layer, "strides", rank)
        dilation = tuple_arg(layer, "dilation_rate", rank)
        given_padding = layer.arg("output_padding")
        out_pad = None if given_padding is None else tuple_arg(layer, "output_padding", rank)
        if kernel is None or strides is None or dilation is None or (given_padding is not None and out_pad is None):
            spatial = tuple(shape[1 + i] if shape[1 + i] is None else UNKNOWN_DIM for i in range(rank))
        else:
            spatial = tuple(
                _conv_transpose_length(shape[1 + i], kernel[i], strides[i], layer.arg("padding"), dilation[i],
                                       None if out_pad is None else out_pad[i])
                for i in range(rank)
            )
        return (shape[0],) + spatial + (dim_of(layer.arg("filters")),)

    return output


def _conv_transpose_params(rank: int):
    def params(layer, shapes):
        kernel, filters = tuple_arg(layer, "kernel_size", rank), int_arg(layer, "filters")
        fan_in, bias = _last(shapes), bool_arg(layer, "use_bias")
        if kernel is None or filters is None or fan_in is None or bias is None or not channels_last(layer):
            return None
        return product(kernel) * fan_in * filters + (filters if bias else 0)

    return params


def _depthwise(rank: int):
    """DepthwiseConv (no ``filters``: channels times ``depth_multiplier``) and SeparableConv
    (``filters``) share the spatial arithmetic of ``Conv``."""
    conv = _conv(rank)

    def output(layer, shapes):
        out = conv(layer, shapes)
        if out is None or "filters" in layer.spec.defaults or "filters" in layer.spec.positional:
            return out
        channels, multiplier = shapes[0][-1], int_arg(layer, "depth_multiplier")
        last = channels * multiplier if is_known(channels) and multiplier is not None else (
            channels if channels is None else UNKNOWN_DIM)
        return out[:-1] + (last,)

    return output


def _depthwise_params(rank: int, separable: bool):
    def params(layer, shapes):
        kernel, multiplier = tuple_arg(layer, "kernel_size", rank), int_arg(layer, "depth_multiplier")
        fan_in, bias = _last(shapes), bool_arg(layer, "use_bias")
        if kernel is None or multiplier is None or fan_in is None or bias is None or not channels_last(layer):
            return None
        depthwise = product(kernel) * fan_in * multiplier
        if not separable:
            return depthwise + (fan_in * multiplier if bias else 0)
        filters = int_arg(layer, "filters")
        if filters is None:
            return None
        return depthwise + fan_in * multiplier * filters + (filters if bias else 0)

    return params


def _padding_pairs(layer, rank: int) -> Optional[Tuple[Tuple[int, int], ...]]:
    pad = layer.arg("padding")

    def is_int(v):
        return isinstance(v, int) and not isinstance(v, bool)

    if is_int(pad):
        return ((pad, pad),) * rank
    if not isinstance(pad, (tuple, list)) or len(pad) != rank:
        return None
    if all(is_int(p) for p in pad):
        return tuple((p, p) for p in pad)
    if all(isinstance(p, (tuple, list)) and len(p) == 2 and all(is_int(x) for x in p) for p in pad):
        return tuple((p[0], p[1]) for p in pad)
    return None


def _padding_3d(layer, shapes):
    if not channels_last(layer):
        return None
    shape = shapes[0]
    pairs = _padding_pairs(layer, 3)
    spatial = tuple(
        (shape[1 + i] + sum(pairs[i]) if is_known(shape[1 + i]) else shape[1 + i]) if pairs else
        (shape[1 + i] if shape[1 + i] is None else UNKNOWN_DIM)
        for i in range(3)
    )
    return (shape[0],) + spatial + (shape[-1],)


def dot_axes(layer, shapes) -> Optional[Tuple[int, int]]:
    """The two axes ``Dot`` multiplies, normalised as Keras reads them, or None."""
    axes = layer.arg("axes")
    if isinstance(axes, int) and not isinstance(axes, bool):
        if axes < 0:
            pair = (axes % len(shapes[0]), axes % len(shapes[1]))
        else:
            pair = (axes, axes)
    elif isinstance(axes, (tuple, list)) and len(axes) == 2 and all(
            isinstance(a, int) and not isinstance(a, bool) for a in axes):
        pair = (axes[0], axes[1])
    else:
        return None
    normal = tuple(normalize_axis(a, len(s)) for a, s in zip(pair, shapes))
    if any(a is None or a == 0 for a in normal):
        return None
    return normal[0], normal[1]


def _dot(layer, shapes):
    if len(shapes) != 2 or not isinstance(bool_arg(layer, "normalize"), bool):
        return None
    axes = dot_axes(layer, shapes)
    # batch_dot's result is modelled for the ranks checked against Keras (2-D and 3-D).
    if axes is None or any(len(s) not in (2, 3) for s in shapes):
        return None
    a, b = shapes
    if is_known(a[axes[0]]) and is_known(b[axes[1]]) and a[axes[0]] != b[axes[1]]:
        return None  # Keras refuses it (SL102)
    out = [d for i, d in enumerate(a) if i != axes[0]] + [d for i, d in enumerate(b) if i not in (0, axes[1])]
    if len(out) == 1:
        out.append(1)
    return tuple(out)


def _attention(layer, shapes):
    """``Attention()([query, value])`` / ``[query, value, key]``: (batch, Tq, dim of value)."""
    if len(shapes) not in (2, 3) or any(len(s) != 3 for s in shapes):
        return None
    query, value = shapes[0], shapes[1]
    key = shapes[2] if len(shapes) == 3 else value
    if is_known(query[-1]) and is_known(key[-1]) and query[-1] != key[-1]:
        return None  # the scores need query and key of one size: not modelled further
    return query[:-1] + (value[-1],)


def _attention_params(layer, shapes):
    if layer.name == "AdditiveAttention":
        scale = bool_arg(layer, "use_scale")
        if scale is None:
            return None
        if not scale:
            return 0
        return _last(shapes)
    scale, mode = bool_arg(layer, "use_scale"), layer.arg("score_mode")
    if scale is None or mode not in ("dot", "concat"):
        return None
    return int(scale) + int(mode == "concat")


def _mha(layer, shapes):
    """``MultiHeadAttention(...)(query, value[, key])`` on sequences, attending over the steps."""
    if len(shapes) not in (2, 3) or any(len(s) != 3 for s in shapes) or layer.arg("attention_axes") is not None:
        return None
    query, value = shapes[0], shapes[1]
    key = shapes[2] if len(shapes) == 3 else value
    if is_known(key[1]) and is_known(value[1]) and key[1] != value[1]:
        return None  # keys and values must pair up: not modelled further
    out = layer.arg("output_shape")
    if out is None:
        return query
    if isinstance(out, int) and not isinstance(out, bool):
        return query[:-1] + (out,)
    return None


def _mha_params(layer, shapes):
    heads, key_dim = int_arg(layer, "num_heads"), int_arg(layer, "key_dim")
    value_dim = key_dim if layer.arg("value_dim") is None else int_arg(layer, "value_dim")
    bias, out = bool_arg(layer, "use_bias"), _mha(layer, shapes)
    if heads is None or key_dim is None or value_dim is None or bias is None or out is None:
        return None
    query, value = shapes[0][-1], shapes[1][-1]
    key = shapes[2][-1] if len(shapes) == 3 else value
    width = out[-1]
    if not all(is_known(d) for d in (query, value, key, width)):
        return None
    b = 1 if bias else 0
    return ((query + b) * heads * key_dim + (key + b) * heads * key_dim + (value + b) * heads * value_dim
            + heads * value_dim * width + b * width)


# Call arguments that change what a layer returns (``return_attention_scores=True``: a pair).
OUTPUT_CHANGING_CALL_ARGS = ("return_attention_scores",)
CALL_INPUTS = {"MultiHeadAttention": ("query", "value", "key")}


def call_inputs(layer, args, kwargs, opaque) -> Any:
    """What a layer call passes as inputs, when that is not just its first argument: a list of
    values (``mha(query, value)``), ``UNKNOWN`` when the call asks for another output, None
    for an ordinary call."""
    names = CALL_INPUTS.get(layer.spec.name)
    if layer.spec.name in ("Attention", "AdditiveAttention", "MultiHeadAttention"):
        if opaque or any(k in kwargs for k in OUTPUT_CHANGING_CALL_ARGS) or (names and len(args) > len(names)):
            return UNKNOWN
    if names is None:
        return None
    values = list(args) + [kwargs[n] for n in names[len(args):] if n in kwargs]
    if len(values) < 2 or any(n in kwargs for n in names[:len(args)]):
        return UNKNOWN
    return values


# -- the catalog ----------------------------------------------------------------------

SEQUENCE = "3-D input (batch, timesteps, features)"
IMAGE = "4-D input (batch, rows, cols, channels)"
RNN_DEFAULTS = {"return_sequences": False, "return_state": False, "stateful": False,
                "use_bias": True, "activation": "tanh"}
CONV_DEFAULTS = {"strides": 1, "padding": "valid", "data_format": None, "dilation_rate": 1,
                 "groups": 1, "activation": None, "use_bias": True}
POOL_DEFAULTS = {"strides": None, "padding": "valid", "data_format": None}
CONV_POSITIONAL = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                   "groups", "activation", "use_bias")
NORM_DEFAULTS = {"axis": -1, "center": True, "scale": True}


# Every Keras layer takes these (the base Layer's keyword arguments), None when not given.
INPUT_SPEC_DEFAULTS = {"input_shape": None, "batch_input_shape": None, "input_dim": None,
                       "input_length": None, "batch_size": None}


def _spec(name, **kw) -> LayerSpec:
    own = kw.get("positional", ())  # Embedding's input_dim is its own (required) parameter
    kw["defaults"] = {**{k: v for k, v in INPUT_SPEC_DEFAULTS.items() if k not in own}, **kw.get("defaults", {})}
    return LayerSpec(name=name, **kw)


_SPECS: List[LayerSpec] = [
    _spec("InputLayer", positional=("shape", "batch_size"),
          defaults={"shape": None, "batch_size": None, "batch_shape": None}, kind="input"),
    _spec("Dense", positional=("units", "activation", "use_bias"),
          defaults={"activation": None, "use_bias": True}, ranks=frozenset({2, 3, 4, 5}),
          expects="input with at least 2 dimensions (batch, features)", output=_dense,
          params=_dense_params, units_arg="units", weights_last_axis=True),
    _spec("Activation", positional=("activation",), output=identity, params=_zero),
    _spec("Dropout", positional=("rate", "noise_shape", "seed"), output=identity, params=_zero),
    _spec("SpatialDropout1D", positional=("rate",), ranks=frozenset({3}), expects=SEQUENCE,
          output=identity, params=_zero),
    _spec("Masking", positional=("mask_value",), output=identity, params=_zero),
    _spec("Softmax", positional=("axis",), defaults={"axis": -1}, output=identity, params=_zero),
    *[
        _spec(rnn, positional=positional, defaults=dict(RNN_DEFAULTS, **extra), ranks=frozenset({3}),
              expects=SEQUENCE, output=_recurrent, params=params, recurrent=True, units_arg="units",
              weights_last_axis=True)
        for rnn, extra, params, positional in [
            ("LSTM", {}, _rnn_params(4), ("units", "activation", "recurrent_activation", "use_bias")),
            ("GRU", {"reset_after": True}, _gru_params,
             ("units", "activation", "recurrent_activation", "use_bias")),
            ("SimpleRNN", {}, _rnn_params(1), ("units", "activation", "use_bias")),
        ]
    ],
    _spec("Bidirectional", positional=("layer", "merge_mode"), defaults={"merge_mode": "concat"},
          ranks=frozenset({3}), expects=SEQUENCE, output=_bidirectional,
          params=_wrapper_params(2), kind="wrapper", weights_last_axis=True),
    _spec("TimeDistributed", positional=("layer",), ranks=frozenset({3, 4, 5}),
          expects="input with a time axis: at least 3 dimensions (batch, timesteps, ...)",
          output=_time_distributed, params=_wrapper_params(1), kind="wrapper"),
    _spec("RepeatVector", positional=("n",), ranks=frozenset({2}),
          expects="2-D input (batch, features)", output=_repeat_vector, params=_zero),
    _spec("Embedding", positional=("input_dim", "output_dim"), output=_embedding,
          params=_embedding_params),
    _spec("Conv1D", positional=CONV_POSITIONAL, defaults=CONV_DEFAULTS, ranks=frozenset({3}),
          expects="3-D input (batch, steps, channels)", output=_conv(1), params=_conv_params(1),
          units_arg="filters", weights_last_axis=True, window_arg="kernel_size"),
    _spec("Conv2D", positional=CONV_POSITIONAL, defaults=CONV_DEFAULTS, ranks=frozenset({4}),
          expects=IMAGE, output=_conv(2), params=_conv_params(2), units_arg="filters",
          weights_last_axis=True, window_arg="kernel_size"),
    *[
        _spec(f"{kind}Pooling{n}D", positional=("pool_size", "strides", "padding", "data_format"),
              # Keras 3: MaxPooling has a default pool size, AveragePooling requires one.
              defaults=dict(POOL_DEFAULTS, **({"pool_size": 2 if n == 1 else (2, 2)} if kind == "Max" else {})),
              ranks=frozenset({n + 2}), expects=SEQUENCE if n == 1 else IMAGE,
              output=_pool(n), params=_zero, window_arg="pool_size")
        for kind in ("Max", "Average") for n in (1, 2)
    ],
    *[
        _spec(f"Global{kind}Pooling{n}D", positional=("data_format", "keepdims"),
              defaults={"data_format": None, "keepdims": False}, ranks=frozenset({n + 2}),
              expects=SEQUENCE if n == 1 else IMAGE, output=_global_pool, params=_zero)
        for kind in ("Max", "Average") for n in (1, 2)
    ],
    _spec("Flatten", positional=("data_format",), output=_flatten, params=_zero),
    _spec("Reshape", positional=("target_shape",), output=_reshape, params=_zero),
    _spec("Permute", positional=("dims",), output=_permute, params=_zero),
    _spec("Concatenate", positional=("axis",), defaults={"axis": -1}, output=_concatenate,
          params=_zero, kind="merge"),
    *[
        _spec(merge, output=_elementwise, params=_zero, kind="merge")
        for merge in ("Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum")
    ],
    _spec("BatchNormalization", positional=("axis",), defaults=NORM_DEFAULTS,
          ranks=frozenset({2, 3, 4, 5}), expects="input with at least 2 dimensions",
          output=identity, params=_norm_params(2), weights_last_axis=True),
    _spec("LayerNormalization", positional=("axis",), defaults=NORM_DEFAULTS,
          ranks=frozenset({2, 3, 4, 5}), expects="input with at least 2 dimensions",
          output=identity, params=_norm_params(0), weights_last_axis=True),
    _spec("ZeroPadding1D", positional=("padding",), defaults={"padding": 1}, ranks=frozenset({3}),
          expects="3-D input (batch, steps, channels)", output=_padding_1d, params=_zero),
    _spec("ZeroPadding2D", positional=("padding", "data_format"),
          defaults={"padding": (1, 1), "data_format": None}, ranks=frozenset({4}),
          expects=IMAGE, output=_padding_2d, params=_zero),
    _spec("Cropping1D", positional=("cropping",), defaults={"cropping": (1, 1)}, ranks=frozenset({3}),
          expects="3-D input (batch, steps, channels)", output=_cropping(1), params=_zero,
          window_arg="cropping"),
    _spec("Cropping2D", positional=("cropping", "data_format"),
          defaults={"cropping": ((0, 0), (0, 0)), "data_format": None}, ranks=frozenset({4}),
          expects=IMAGE, output=_cropping(2), params=_zero, window_arg="cropping"),
    _spec("UpSampling1D", positional=("size",), defaults={"size": 2}, ranks=frozenset({3}),
          expects="3-D input (batch, steps, channels)", output=_upsampling(1), params=_zero),
    _spec("UpSampling2D", positional=("size", "data_format"),
          defaults={"size": (2, 2), "data_format": None}, ranks=frozenset({4}), expects=IMAGE,
          output=_upsampling(2), params=_zero),
    _spec("Lambda", positional=("function", "output_shape"), defaults={"output_shape": None}, output=_lambda),
    # Shape-preserving layers (any rank unless stated): activations, noise, regularisation.
    *[
        _spec(name, positional=positional, defaults=defaults, output=identity, params=_zero)
        for name, positional, defaults in [
            ("LeakyReLU", ("negative_slope",), {"negative_slope": 0.3}),
            ("ELU", ("alpha",), {"alpha": 1.0}),
            ("ReLU", ("max_value", "negative_slope", "threshold"),
             {"max_value": None, "negative_slope": 0.0, "threshold": 0.0}),
            ("GaussianNoise", ("stddev", "seed"), {"seed": None}),
            ("GaussianDropout", ("rate", "seed"), {"seed": None}),
            ("AlphaDropout", ("rate", "noise_shape", "seed"), {"noise_shape": None, "seed": None}),
            ("ActivityRegularization", ("l1", "l2"), {"l1": 0.0, "l2": 0.0}),
            ("UnitNormalization", ("axis",), {"axis": -1}),
            ("Rescaling", ("scale", "offset"), {"offset": 0.0}),
            # Image augmentation: the same shape out (measured on Keras 3.15, any rank builds).
            ("RandomFlip", ("mode", "seed"), {"mode": "horizontal_and_vertical", "seed": None}),
            ("RandomRotation", ("factor",), {}),
            ("RandomZoom", ("height_factor", "width_factor"), {"width_factor": None}),
            ("RandomTranslation", ("height_factor", "width_factor"), {}),
            ("RandomContrast", ("factor",), {}),
            ("RandomBrightness", ("factor",), {}),
        ]
    ],
    _spec("PReLU", positional=("alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes"),
          defaults={"alpha_initializer": "Zeros", "alpha_regularizer": None, "alpha_constraint": None,
                    "shared_axes": None},
          output=_prelu, params=_prelu_params, same_shape=True),
    *[
        _spec(f"SpatialDropout{n}D", positional=("rate", "data_format"),
              defaults={"data_format": None, "seed": None}, ranks=frozenset({n + 2}),
              expects=f"{n + 2}-D input (batch, {'rows, cols' if n == 2 else 'dim1, dim2, dim3'}, channels)",
              output=_channels_last_identity, params=_zero, same_shape=True)
        for n in (2, 3)
    ],
    _spec("GroupNormalization", positional=("groups", "axis"), defaults=dict(NORM_DEFAULTS, groups=32),
          output=_group_norm, params=_group_norm_params, same_shape=True),
    _spec("Normalization", positional=("axis", "mean", "variance", "invert"),
          defaults={"axis": -1, "mean": None, "variance": None, "invert": False},
          output=identity, params=_normalization_params),
    _spec("Conv3D", positional=CONV_POSITIONAL, defaults=CONV_DEFAULTS, ranks=frozenset({5}),
          expects="5-D input (batch, dim1, dim2, dim3, channels)", output=_conv(3), params=_conv_params(3),
          units_arg="filters", weights_last_axis=True, window_arg="kernel_size"),
    *[
        _spec(f"Conv{n}DTranspose",
              positional=("filters", "kernel_size", "strides", "padding")
              + (("data_format", "output_padding") if n == 3 else ("output_padding", "data_format"))
              + ("dilation_rate", "activation", "use_bias"),
              defaults={"strides": 1, "padding": "valid", "output_padding": None, "data_format": None,
                        "dilation_rate": 1, "activation": None, "use_bias": True},
              ranks=frozenset({n + 2}), expects=(SEQUENCE if n == 1 else IMAGE if n == 2 else
                                                   "5-D input (batch, dim1, dim2, dim3, channels)"),
              output=_conv_transpose(n), params=_conv_transpose_params(n), units_arg="filters",
              weights_last_axis=True)
        for n in (1, 2, 3)
    ],
    *[
        _spec(f"DepthwiseConv{n}D",
              positional=("kernel_size", "strides", "padding", "depth_multiplier", "data_format",
                          "dilation_rate", "activation", "use_bias"),
              defaults={"strides": 1, "padding": "valid", "depth_multiplier": 1, "data_format": None,
                        "dilation_rate": 1, "activation": None, "use_bias": True},
              ranks=frozenset({n + 2}), expects=SEQUENCE if n == 1 else IMAGE, output=_depthwise(n),
              params=_depthwise_params(n, False), weights_last_axis=True, window_arg="kernel_size")
        for n in (1, 2)
    ],
    *[
        _spec(f"SeparableConv{n}D",
              positional=("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                          "depth_multiplier", "activation", "use_bias"),
              defaults={"strides": 1, "padding": "valid", "depth_multiplier": 1, "data_format": None,
                        "dilation_rate": 1, "activation": None, "use_bias": True},
              ranks=frozenset({n + 2}), expects=SEQUENCE if n == 1 else IMAGE, output=_depthwise(n),
              params=_depthwise_params(n, True), units_arg="filters", weights_last_axis=True,
              window_arg="kernel_size")
        for n in (1, 2)
    ],
    *[
        _spec(f"{kind}Pooling3D", positional=("pool_size", "strides", "padding", "data_format"),
              defaults=dict(POOL_DEFAULTS, **({"pool_size": (2, 2, 2)} if kind == "Max" else {})),
              ranks=frozenset({5}), expects="5-D input (batch, dim1, dim2, dim3, channels)",
              output=_pool(3), params=_zero, window_arg="pool_size")
        for kind in ("Max", "Average")
    ],
    *[
        _spec(f"Global{kind}Pooling3D", positional=("data_format", "keepdims"),
              defaults={"data_format": None, "keepdims": False}, ranks=frozenset({5}),
              expects="5-D input (batch, dim1, dim2, dim3, channels)", output=_global_pool, params=_zero)
        for kind in ("Max", "Average")
    ],
    _spec("UpSampling3D", positional=("size", "data_format"), defaults={"size": (2, 2, 2), "data_format": None},
          ranks=frozenset({5}), expects="5-D input (batch, dim1, dim2, dim3, channels)", output=_upsampling(3),
          params=_zero),
    _spec("ZeroPadding3D", positional=("padding", "data_format"),
          defaults={"padding": ((1, 1), (1, 1), (1, 1)), "data_format": None}, ranks=frozenset({5}),
          expects="5-D input (batch, dim1, dim2, dim3, channels)", output=_padding_3d, params=_zero),
    _spec("Cropping3D", positional=("cropping", "data_format"),
          defaults={"cropping": ((1, 1), (1, 1), (1, 1)), "data_format": None}, ranks=frozenset({5}),
          expects="5-D input (batch, dim1, dim2, dim3, channels)", output=_cropping(3), params=_zero,
          window_arg="cropping"),
    # Called on a list of tensors like the merge layers; SL102 judges only Dot among them.
    _spec("Dot", positional=("axes", "normalize"), defaults={"normalize": False}, output=_dot, params=_zero,
          kind="merge"),
    _spec("Attention", positional=("use_scale", "score_mode"), defaults={"use_scale": False, "score_mode": "dot"},
          output=_attention, params=_attention_params, kind="merge"),
    _spec("AdditiveAttention", positional=("use_scale",), defaults={"use_scale": True},
          output=_attention, params=_attention_params, kind="merge"),
    # Called as mha(query, value[, key]): kind "multi", several tensors as separate arguments.
    _spec("MultiHeadAttention", positional=("num_heads", "key_dim", "value_dim", "dropout", "use_bias",
                                            "output_shape", "attention_axes"),
          defaults={"value_dim": None, "dropout": 0.0, "use_bias": True, "output_shape": None,
                    "attention_axes": None},
          output=_mha, params=_mha_params, kind="multi"),
]

# Permute's accepted rank depends on its ``dims``: checked in propagation, not declared here.
LAYERS: Dict[str, LayerSpec] = {spec.name: spec for spec in _SPECS}

# Functional spellings of the merge layers: keras.layers.concatenate([a, b], axis=-1).
MERGE_FUNCTIONS = {name.lower(): name for name in
                   ("Concatenate", "Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum", "Dot")}

# Keras 2's layer spellings that are the same layer.
ALIASES = {"Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "MaxPool1D": "MaxPooling1D",
           "MaxPool2D": "MaxPooling2D", "AvgPool1D": "AveragePooling1D",
           "AvgPool2D": "AveragePooling2D", "GlobalMaxPool1D": "GlobalMaxPooling1D",
           "GlobalMaxPool2D": "GlobalMaxPooling2D", "GlobalAvgPool1D": "GlobalAveragePooling1D",
           "GlobalAvgPool2D": "GlobalAveragePooling2D", "Convolution3D": "Conv3D",
           "MaxPool3D": "MaxPooling3D", "AvgPool3D": "AveragePooling3D", "GlobalMaxPool3D": "GlobalMaxPooling3D",
           "GlobalAvgPool3D": "GlobalAveragePooling3D", "Convolution1DTranspose": "Conv1DTranspose",
           "Convolution2DTranspose": "Conv2DTranspose", "Convolution3DTranspose": "Conv3DTranspose",
           "SeparableConvolution1D": "SeparableConv1D",
           "SeparableConvolution2D": "SeparableConv2D"}


def lookup(name: str) -> Optional[LayerSpec]:
    return LAYERS.get(ALIASES.get(name, name))


def accepts_rank(spec: LayerSpec, layer, rank: int) -> bool:
    if spec.name == "Permute":
        dims = layer.arg("dims")
        return not isinstance(dims, (tuple, list)) or rank == len(dims) + 1
    return spec.ranks is None or rank in spec.ranks


def _non_positive(shape: Any) -> bool:
    if isinstance(shape, list):
        return any(_non_positive(s) for s in shape)
    return isinstance(shape, tuple) and any(is_known(d) and d <= 0 for d in shape)


def apply_output(layer, shapes: Sequence[Shape]) -> Any:
    """The output shape (or list of shapes) of ``layer`` on inputs of ``shapes``, or None.

    An output with a size of 0 or less is None too: Keras refuses to build it (SL105 reports
    the layer, see ``shrunk_output``), and nothing after it should be judged as if it worked."""
    out = _raw_output(layer, shapes)
    return None if _non_positive(out) else out


def shrunk_output(layer, shapes: Sequence[Shape]) -> Any:
    """The output ``layer`` would compute when one of its sizes is 0 or negative while every
    input size is positive (a kernel, pool or cropping larger than its input), else None."""
    if any(s is None or _non_positive(s) for s in shapes):
        return None
    out = _raw_output(layer, shapes)
    return out if isinstance(out, tuple) and _non_positive(out) else None


def _raw_output(layer, shapes: Sequence[Shape]) -> Any:
    spec = layer.spec
    if spec.output is None or any(s is None for s in shapes) or not shapes:
        return None
    several = spec.kind in ("merge", "multi")
    if not several and len(shapes) != 1:
        return None
    if not several and not accepts_rank(spec, layer, len(shapes[0])):
        return None
    if several and len(shapes) < 2:
        return None
    try:
        return spec.output(layer, list(shapes))
    except (ValueError, ZeroDivisionError):
        return None  # degenerate literals (a zero stride): unknown
    except (TypeError, IndexError):
        # A shape function that trips over an argument is a bug in its entry: the test suite
        # runs with SHAPELINT_STRICT=1 to see it; users get silence, never a false finding.
        if os.environ.get("SHAPELINT_STRICT"):
            raise
        return None
