"""PyTorch models as the extraction sees them, and how shapes flow through them.

A PyTorch input has no declared shape, so a tensor is a set of hypotheses (``Hyp``), one per
possible rank, each with the sizes known so far.  Every layer maps each hypothesis to its
output, drops the ranks it cannot take, and records a ``Mismatch`` when a known size
disagrees with its constructor.  A layer is reported (SL201) only when *no* hypothesis gets
through and at least one fails on a size: then the model fails for every input.  The first
failure ends the chain (the output is unreachable), so one mistake is reported once.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Dict, List, Optional, Tuple

import libcst as cst

from shapelint.core.layers import LayerConstruction
from shapelint.core.rule import source_text
from shapelint.core.shapes import Origin, as_int, product
from shapelint.frameworks.torch import catalog as torch_catalog
from shapelint.frameworks.torch.catalog import RANK, Hyp, Mismatch, unknown_hyp
from shapelint.interp.syntax import literal_int
from shapelint.interp.values import UNKNOWN, AbstractValue, BoundMethod, ListVal, sequence_items

# Tensor methods that keep the shape.
TENSOR_IDENTITY_METHODS = {"contiguous", "float", "double", "half", "to", "cuda", "cpu", "detach", "clone",
                           "relu", "sigmoid", "tanh", "requires_grad_", "long", "int", "bool"}
ELEMENTWISE_METHODS = {"abs", "exp", "log", "sqrt", "neg", "square", "clamp", "clip", "round", "floor",
                       "byte", "type_as", "pin_memory", "bfloat16"}


@dataclass(eq=False)
class TorchLayerVal(LayerConstruction, AbstractValue):
    """One construction of a catalogued ``torch.nn`` layer, with its literal arguments."""

    spec: Any  # torch_catalog.TorchSpec
    node: Any
    args: Dict[str, Any]
    opaque: bool = False
    functional: str = ""  # ``F.softmax(x, ...)``: the function called instead of a module

    @property
    def name(self) -> str:
        return self.spec.name

    def call(self, interp, args, kwargs, opaque, node, frame):
        if self.name == "Bilinear":
            if len(args) != 2 or kwargs or opaque:
                return UNKNOWN
            return apply_bilinear(interp.analysis, self, args[0], args[1], node)
        output = apply_layer(interp.analysis, self, args[0] if args else UNKNOWN, node)
        if (len(args) > 1 or kwargs or opaque) and not self.spec.returns_state and output is not DEAD:
            return UNKNOWN  # `up(x, output_size=...)`: the input is checked, the output not known
        return output

    def mutated(self, interp, target, frame):
        self.args = {}
        self.opaque = True  # every argument is unknown from now on


def make_layer(spec, node, args, kwargs, opaque, functional="", positional=None) -> TorchLayerVal:
    positional = spec.positional if positional is None else positional
    named = dict(kwargs)
    for index, value in enumerate(args):
        if index < len(positional):
            named.setdefault(positional[index], value)
    return TorchLayerVal(spec, node, named, opaque or len(args) > len(positional), functional)


@dataclass(eq=False)
class TorchTensor(AbstractValue):
    """``hyps``: None when nothing is known (any rank), () when unreachable (an earlier
    layer already fails for every input)."""

    hyps: Optional[Tuple[Hyp, ...]] = None
    # The first application where some hypothesis failed on a size: the place to report if
    # every other hypothesis fails later.
    pending: Any = None
    # The rank is certain: the tensor was built with a known shape (``torch.randn(28, 28)``,
    # ``torch.tensor([[...]])``) or viewed to literal sizes, then kept its one rank.  Only then
    # is a layer that rejects that rank reported.
    certain: bool = False

    def expanded(self) -> Tuple[Hyp, ...]:
        if self.hyps is None:
            return tuple(unknown_hyp(rank, id(self)) for rank in range(1, torch_catalog.MAX_RANK + 1))
        return self.hyps

    # -- what the interpreter asks --
    def attribute(self, interp, name, node, frame):
        if name in ("shape", "ndim"):
            return known_shape(self, name)
        return UNKNOWN if name in ("T", "mT", "data", "grad", "dtype", "device") else BoundMethod(self, name)

    def subscript(self, interp, node, frame):
        return index_tensor(interp, self, node, frame)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        return tensor_method(interp, self, name, args, kwargs, opaque, node, frame)

    def forget(self) -> None:
        """An in-place change of shape (``x.unsqueeze_(0)``, ``x.data = ...``): from now on
        nothing is known about this tensor (nor about the aliases that share its object)."""
        if self.hyps != ():
            self.hyps, self.certain = None, False

    def mutated(self, interp, target, frame):
        if target.attr.value == "data":
            self.forget()

    def elementwise(self, other):
        """``x * 2``, ``x / 255``, ``(x > 0.5)``, ``x - x``: the shape is kept.  Two different
        tensors may broadcast: unknown unless both shapes are certain and equal."""
        if other is self or isinstance(other, (int, float)):
            return self
        if isinstance(other, TorchTensor) and self.certain and other.certain and self.hyps and other.hyps \
                and len(self.hyps) == len(other.hyps) == 1 and self.hyps[0].dims == other.hyps[0].dims \
                and None not in self.hyps[0].dims:
            return self
        return UNKNOWN


def any_tensor() -> TorchTensor:
    return TorchTensor(None)


DEAD = TorchTensor(())


@dataclass(eq=False)
class TorchApplication:
    layer: TorchLayerVal
    input: TorchTensor
    output: Any
    node: Any  # the call, or the layer's construction inside an nn.Sequential
    mismatch: Optional[Mismatch] = None  # set when the model fails here for every input
    failed: Optional[Hyp] = None  # the input hypothesis that the mismatch is about
    candidate: Any = None  # (hyp, mismatch): some hypotheses fail here


def known_shape(tensor: TorchTensor, what: str) -> Any:
    """``x.ndim`` / ``x.dim()`` when every hypothesis has the same rank; ``x.shape`` /
    ``x.size()`` when there is one hypothesis (unknown sizes stay unknown)."""
    hyps = tensor.hyps
    if not hyps:
        return UNKNOWN
    if what == "ndim":
        ranks = {hyp.rank for hyp in hyps}
        return ranks.pop() if len(ranks) == 1 else UNKNOWN
    if len(hyps) != 1:
        return UNKNOWN
    return tuple(UNKNOWN if d is None else d for d in hyps[0].dims)


def tensor_of(value) -> TorchTensor:
    return value if isinstance(value, TorchTensor) else any_tensor()


def apply_layer(analysis, layer: TorchLayerVal, value, node) -> Any:
    tensor = tensor_of(value)
    app = TorchApplication(layer, tensor, None, node)
    analysis.torch_applications.append(app)
    if layer.spec.apply is None:
        app.output = _wrap(layer, any_tensor())
        return app.output
    outputs, failures, unknown = [], [], False
    for hyp in tensor.expanded():
        result = layer.spec.apply(layer, hyp) if hyp.rank else None  # a 0-D tensor: not modelled
        if result is RANK:
            continue
        if isinstance(result, Mismatch):
            failures.append((hyp, result))
        elif result is None:
            unknown = True
        else:
            outputs.append(replace(result, steps=hyp.steps + (layer,)))
    if failures:
        # Any failing hypothesis is true; the most familiar one makes the best example.
        app.candidate = min(failures, key=lambda f: (not f[0].batched, f[0].rank != 2))
    if unknown:
        out = any_tensor()
    elif outputs:
        out = TorchTensor(tuple(outputs), tensor.pending or (app if failures else None),
                          tensor.certain and one_rank(outputs))
    else:
        # No input gets through: report where the first size failed (here or earlier).
        out = DEAD
        culprit = tensor.pending or (app if failures else None)
        if culprit is None and tensor.certain and tensor.hyps:
            culprit = app
            app.candidate = rank_mismatch(layer, tensor.hyps[0])
        if culprit is not None and culprit.candidate is not None:
            culprit.failed, culprit.mismatch = culprit.candidate
    app.output = _wrap(layer, out)
    return app.output


def one_rank(hyps) -> bool:
    return bool(hyps) and len({h.rank for h in hyps}) == 1


# Layers whose rank check PyTorch makes with a message of its own (measured on torch 2.13);
# AdaptiveAvgPool2d, for one, takes a 2-D or a 6-D tensor without complaint: not listed.
RANK_MESSAGES = {
    **{f"Conv{n}d": "input to conv" for n in (1, 2, 3)},
    **{f"ConvTranspose{n}d": "input to conv_transpose" for n in (1, 2, 3)},
    **{f"BatchNorm{n}d": "D input (got " for n in (1, 2, 3)},
    "MaxPool1d": "Expected 2D or 3D (batch mode) tensor",
    "MaxPool2d": "tensor expected for input", "MaxPool3d": "tensor expected for input",
    "LSTM": "Expected input to be 2D or 3D", "GRU": "Expected input to be 2D or 3D",
    "RNN": "Expected input to be 2D or 3D",
}


def accepted_ranks(layer) -> Tuple[int, ...]:
    return tuple(rank for rank in range(1, torch_catalog.MAX_RANK + 1)
                 if layer.spec.apply(layer, unknown_hyp(rank)) is not RANK)


def rank_mismatch(layer, hyp: Hyp):
    """(hyp, Mismatch) for a tensor of certain rank that ``layer`` cannot take, or None."""
    says = RANK_MESSAGES.get(layer.name)
    ranks = accepted_ranks(layer)
    if says is None or not ranks:
        return None
    if layer.name.startswith(("Conv", "MaxPool")):
        wanted = f"a {ranks[0]}-D (unbatched) or {ranks[-1]}-D (batched) input"
    else:
        wanted = f"a {' or '.join(f'{r}-D' for r in ranks)} input"
    origin = next((o for o in reversed(hyp.origins) if o is not None), None)
    return hyp, Mismatch("rank", ranks, hyp.rank, wanted, origin, says)


def apply_bilinear(analysis, layer: TorchLayerVal, first, second, node) -> Any:
    """``nn.Bilinear(in1, in2, out)(x1, x2)``: each input's last axis against its size."""
    x1, x2 = tensor_of(first), tensor_of(second)
    app = TorchApplication(layer, x1, None, node)
    analysis.torch_applications.append(app)
    if any(h.rank == 0 for h in x1.expanded() + x2.expanded()):
        app.output = any_tensor()  # a 0-D tensor: not modelled
        return app.output
    n_out = as_int(layer.arg("out_features"))
    origin = Origin(layer.node, torch_catalog.describe(layer), "")
    outputs, failed = [], False
    for tensor, param, torch_says in ((x1, "in1_features", "input1 size does not match weight size"),
                                      (x2, "in2_features", "input2 size does not match weight size")):
        expected = as_int(layer.arg(param))
        failures = [(h, Mismatch(param, expected, h.dims[-1], f"the last axis of input {param[2]}", h.origins[-1],
                                 torch_says))
                    for h in tensor.expanded() if expected is not None and h.dims[-1] not in (None, expected)]
        if tensor.hyps is not None and tensor.hyps and len(failures) == len(tensor.hyps):
            app.candidate = app.candidate or failures[0]
            failed = True
    if failed:
        app.failed, app.mismatch = app.candidate
        app.input = app.candidate[0] and TorchTensor((app.candidate[0],))
        app.output = DEAD
        return DEAD
    for hyp in x1.hyps or ():
        outputs.append(hyp.rebuild(torch_catalog.kept(hyp, 0, -1) + [(n_out, origin)]))
    app.output = TorchTensor(tuple(outputs)) if outputs else any_tensor()
    return app.output


def _wrap(layer, tensor):
    """RNNs return ``(output, state)``."""
    return (tensor, UNKNOWN) if layer.spec.returns_state else tensor


# -- tensor operations written in forward() ----------------------------------------------

@dataclass(frozen=True, eq=False)
class AxisOf:
    """``len(t)`` / ``t.size(k)`` / ``t.shape[k]`` inside a view: the size of axis k of t."""

    tensor: TorchTensor
    axis: int


def _resolve(size: AxisOf, tensor: TorchTensor, hyp: Hyp) -> Optional[int]:
    """The axis of ``hyp`` (a hypothesis of ``tensor``) whose size ``size`` certainly is."""
    if size.tensor is tensor:
        return size.axis % hyp.rank if -hyp.rank <= size.axis < hyp.rank else None
    if size.tensor.hyps is None and size.axis >= 0 and hyp.root_id == id(size.tensor):
        matches = [j for j, root_axis in enumerate(hyp.root_axes) if root_axis == size.axis]
        return matches[0] if len(matches) == 1 else None
    return None


def view(tensor: TorchTensor, sizes: List[Any], node, text: str) -> TorchTensor:
    """``x.view(-1, 400)`` / ``x.reshape(x.size(0), -1)`` / ``x.view(len(sentence), 1, -1)``."""
    if tensor.hyps == ():
        return DEAD
    if sum(1 for s in sizes if isinstance(s, int) and s == -1) > 1 or not sizes or any(
            as_int(s) is None and s is not UNKNOWN and not isinstance(s, AxisOf) for s in sizes):
        return any_tensor()
    origin = Origin(node, text, "")
    out = []
    for hyp in tensor.expanded():
        matched = {}
        for i, s in enumerate(sizes):
            if isinstance(s, AxisOf):
                axis = _resolve(s, tensor, hyp)
                if axis is not None and axis not in matched.values():
                    matched[i] = axis
        dims = [None if not isinstance(s, int) or s == -1 else s for s in sizes]
        rest_in = product(d for a, d in enumerate(hyp.dims) if a not in matched.values())
        rest_out = product(d for i, d in enumerate(dims) if i not in matched and sizes[i] != -1)
        if -1 in sizes:
            if rest_in is not None and rest_out:
                if rest_in % rest_out:
                    continue  # PyTorch rejects this size for an input of this shape
                dims[sizes.index(-1)] = rest_in // rest_out
        elif rest_in is not None and rest_out is not None and rest_in != rest_out:
            continue
        batched = matched.get(0) == 0 and hyp.batched  # rows of view(-1, N) may be instances, not samples
        parts = [matched[i] if i in matched else (d, origin) for i, d in enumerate(dims)]
        moved = [a for a, d in enumerate(hyp.dims) if a not in matched.values() and d != 1]
        if -1 in sizes and rest_out == 1 and len(moved) == 1 and hyp.origins[moved[0]] is not None:
            parts[sizes.index(-1)] = moved[0]  # the one axis that moves keeps its origin
        code = tuple(f"x.size({matched[i]})" if i in matched else s if isinstance(s, int) else None
                     for i, s in enumerate(sizes))
        result = hyp.rebuild(parts, batched=batched)
        step = ("view", code, result.dims) if None not in code else ("opaque",)
        out.append(replace(result, steps=hyp.steps + (step,)))
    # Whatever went in, a view has as many axes as sizes.
    return TorchTensor(tuple(out), tensor.pending, True) if out else any_tensor()


def flatten(tensor: TorchTensor, start, end, node, text: str) -> TorchTensor:
    """``torch.flatten(x, 1)`` / ``x.flatten(1)``."""
    if tensor.hyps == ():
        return DEAD
    out = []
    for hyp in tensor.expanded():
        result = torch_catalog.flatten_dims(hyp, start, end, Origin(node, text, ""))
        if result is None:
            return any_tensor()
        if result is not RANK:
            out.append(replace(result, steps=hyp.steps + (("flatten", start, end),)))
    return TorchTensor(tuple(out), tensor.pending, tensor.certain and one_rank(out)) if out else any_tensor()


def exact(sizes, node, text: str) -> Any:
    """``torch.randn(1, 3, 32, 32)``, ``torch.zeros((4, 50))``, ``torch.rand(size=[4, 50])``:
    a tensor of known shape."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, ListVal)):
        sizes = sequence_items(sizes[0]) or []
    if not sizes or any(as_int(s) is None or s <= 0 for s in sizes):
        return any_tensor()
    return known(tuple(sizes), node, text)


def known(dims: Tuple[Optional[int], ...], node, text: str) -> TorchTensor:
    """A tensor of certain rank whose sizes are ``dims`` (None: unknown)."""
    origin = Origin(node, text, "")
    return TorchTensor((Hyp(dims, (origin,) * len(dims), False, (), dims, (None,) * len(dims)),), None, True)


# -- data loaders ---------------------------------------------------------------------------

@dataclass(eq=False)
class TensorDatasetVal(AbstractValue):
    """``TensorDataset(x, y)``: the tensors whose rows are the samples."""

    tensors: Tuple[Any, ...]


# DataLoader arguments that keep a batch (batch, *x.shape[1:]): a collate_fn or a batch_sampler may not.
LOADER_KEYWORDS = {"dataset", "batch_size", "shuffle", "sampler", "num_workers", "pin_memory", "drop_last",
                   "timeout", "worker_init_fn", "generator", "persistent_workers", "prefetch_factor"}


# torchvision's built-in image datasets: (channels, height, width) of their PIL images.
VISION_DATASETS = {"MNIST": (1, 28, 28), "FashionMNIST": (1, 28, 28), "KMNIST": (1, 28, 28),
                   "CIFAR10": (3, 32, 32), "CIFAR100": (3, 32, 32)}
VISION_DATASET_ARGS = ("root", "train", "transform", "target_transform", "download")


@dataclass(eq=False)
class TransformVal(AbstractValue):
    """A torchvision transform: ``steps`` lists what it does (("to_tensor",), ("normalize",),
    ("resize", (h, w))), None when it is not modelled (anything else may change the shape)."""

    steps: Optional[Tuple[Any, ...]]

    def attribute(self, interp, name, node, frame):
        self.steps = None  # `transform.transforms.insert(...)`: not followed
        return UNKNOWN

    def mutated(self, interp, target, frame):
        self.steps = None

    def escape(self, interp):
        self.steps = None


def make_transform(name: str, args, kwargs, opaque) -> TransformVal:
    if opaque:
        return TransformVal(None)
    if name == "ToTensor" and not args and not kwargs:
        return TransformVal((("to_tensor",),))
    if name == "Normalize":
        return TransformVal((("normalize",),))
    if name == "Resize" and len(args) == 1 and not kwargs:
        size = sequence_items(args[0]) if isinstance(args[0], (tuple, ListVal)) else [args[0]]
        if size is not None and len(size) in (1, 2) and all(as_int(v) is not None and v > 0 for v in size):
            return TransformVal((("resize", tuple(size)),))
    if name == "Compose" and len(args) == 1 and not kwargs:
        items = sequence_items(args[0])
        if items is not None and all(isinstance(t, TransformVal) and t.steps is not None for t in items):
            return TransformVal(tuple(step for t in items for step in t.steps))
    return TransformVal(None)


def transformed(image: Tuple[int, ...], transform) -> Optional[Tuple[int, ...]]:
    """The shape of the tensor ``transform`` makes of a square PIL image of ``image``
    (channels, h, w); None when unknown or not a tensor."""
    if not isinstance(transform, TransformVal) or transform.steps is None:
        return None
    shape, tensor = image, False
    for step in transform.steps:
        if step[0] == "to_tensor":
            if tensor:
                return None
            tensor = True
        elif step[0] == "normalize":
            if not tensor:
                return None
        elif step[0] == "resize":
            size = step[1]
            # an int matches the smaller edge: a square image stays square
            shape = (shape[0],) + (size * 2 if len(size) == 1 and shape[1] == shape[2] else size)
            if len(shape) != 3:
                return None
    return shape if tensor else None


@dataclass(eq=False)
class VisionDatasetVal(AbstractValue):
    """``datasets.MNIST(root, transform=transforms.ToTensor())``: samples (image, int label)
    whose image is a tensor of shape ``image`` (None: unknown)."""

    raw: Optional[Tuple[int, ...]]  # the PIL images' (channels, h, w); None once not followed
    transform: Any
    labels: bool  # the labels are plain ints (no target_transform)
    node: Any

    @property
    def image(self) -> Optional[Tuple[int, ...]]:
        return transformed(self.raw, self.transform) if self.raw is not None else None

    def attribute(self, interp, name, node, frame):
        if name not in ("classes", "class_to_idx", "targets", "data"):
            self.raw = None  # `train.transform = ...`, `train.transform.transforms...`: not followed
        return UNKNOWN

    def mutated(self, interp, target, frame):
        self.raw = None

    def escape(self, interp):
        self.raw = None


def vision_dataset(name: str, args, kwargs, opaque, node) -> Any:
    given = dict(zip(VISION_DATASET_ARGS, args))
    if opaque or len(args) > len(VISION_DATASET_ARGS) or set(given) & set(kwargs) \
            or set(kwargs) - set(VISION_DATASET_ARGS):
        return VisionDatasetVal(None, None, False, node)
    given.update(kwargs)
    return VisionDatasetVal(VISION_DATASETS[name], given.get("transform"), given.get("target_transform") is None,
                            node)


@dataclass(eq=False)
class DataLoaderVal(AbstractValue):
    """``DataLoader(TensorDataset(x, y), batch_size=...)``: every batch is a tuple of tensors
    of shape (batch, *t.shape[1:]); the batch size is left unknown (the last batch is short).
    Over a torchvision dataset: (images (batch, c, h, w), labels (batch,))."""

    dataset: Any  # TensorDatasetVal or VisionDatasetVal
    node: Any

    def each(self):
        if isinstance(self.dataset, VisionDatasetVal):
            image = self.dataset.image
            images = batched(image, self.node, self.dataset.node) if image is not None else UNKNOWN
            labels = batched((), self.node, self.dataset.node) if self.dataset.labels else UNKNOWN
            return (images, labels)
        return tuple(batch_of(t, self.node) for t in self.dataset.tensors)


def batched(sample: Tuple[int, ...], loader, dataset) -> TorchTensor:
    """A batch of samples of shape ``sample``: (batch, *sample), the batch size unknown."""
    dims = (None,) + tuple(sample)
    short = source_text(dataset.func) if isinstance(dataset, cst.Call) else source_text(dataset)
    origins = (Origin(loader, source_text(loader), ""),) + (Origin(dataset, short, ""),) * len(sample)
    return TorchTensor((Hyp(dims, origins, True, (), dims, (None,) * len(dims)),), None, True)


def batch_of(tensor, node) -> Any:
    if not isinstance(tensor, TorchTensor) or not tensor.certain or not tensor.hyps or len(tensor.hyps) != 1 \
            or tensor.hyps[0].rank < 1:
        return UNKNOWN
    hyp = tensor.hyps[0]
    dims = (None,) + hyp.dims[1:]
    origins = (Origin(node, source_text(node), ""),) + hyp.origins[1:]
    return TorchTensor((Hyp(dims, origins, True, (), dims, (None,) * len(dims)),), None, True)


def data_loader(args, kwargs, opaque, node) -> Any:
    dataset = args[0] if args else kwargs.get("dataset")
    batch_size = args[1] if len(args) > 1 else kwargs.get("batch_size", 1)
    if opaque or len(args) > 3 or not isinstance(dataset, (TensorDatasetVal, VisionDatasetVal)) \
            or set(kwargs) - LOADER_KEYWORDS \
            or as_int(batch_size) is None and batch_size is not UNKNOWN:
        return UNKNOWN  # batch_size=None: samples one by one, without a batch axis
    return DataLoaderVal(dataset, node)


# -- axis reorderings and indexing ----------------------------------------------------------

def _ints(values) -> bool:
    return all(as_int(v) is not None for v in values)


def reorder(tensor: TorchTensor, method: str, args: List[Any], node, text: str) -> TorchTensor:
    """``x.transpose(1, 2)``, ``x.permute(0, 2, 1)``, ``x.unsqueeze(1)``, ``x.squeeze(1)`` with
    literal axes (anything else: unknown)."""
    if tensor.hyps == ():
        return DEAD
    if method == "permute" and len(args) == 1 and isinstance(args[0], tuple):
        args = list(args[0])
    if not args or not _ints(args) or (method == "transpose" and len(args) != 2) \
            or (method in ("unsqueeze", "squeeze") and len(args) != 1):
        return any_tensor()
    code = f"x.{method}({', '.join(str(a) for a in args)})"
    out = []
    for hyp in tensor.expanded():
        rank = hyp.rank + (1 if method == "unsqueeze" else 0)
        axes = [a % rank if -rank <= a < rank else None for a in args]
        if None in axes:
            continue  # PyTorch: dimension out of range
        parts = list(range(hyp.rank))
        if method == "transpose":
            parts[axes[0]], parts[axes[1]] = parts[axes[1]], parts[axes[0]]
        elif method == "permute":
            if sorted(axes) != list(range(hyp.rank)):
                continue
            parts = axes
        elif method == "unsqueeze":
            parts.insert(axes[0], (1, Origin(node, text, "")))
        elif hyp.dims[axes[0]] is None:
            return any_tensor()  # squeeze of an axis of unknown size: maybe a no-op
        elif hyp.dims[axes[0]] == 1:
            del parts[axes[0]]
        result = hyp.rebuild(parts)
        out.append(replace(result, steps=hyp.steps + (("code", code),)))
    return TorchTensor(tuple(out), tensor.pending, tensor.certain and one_rank(out)) if out else any_tensor()


@dataclass(frozen=True)
class IndexItem:
    kind: str  # int | slice | none | ellipsis
    value: Any = None  # the int, or (lower, upper, step) with None / int / UNKNOWN
    code: Optional[str] = None  # as written, when every part is literal


def index(tensor: TorchTensor, items: List[IndexItem], node, text: str) -> TorchTensor:
    """``out[:, -1, :]``, ``x[..., 0]``, ``x[:, None]`` with literal indices."""
    if tensor.hyps == ():
        return DEAD
    if sum(1 for item in items if item.kind == "ellipsis") > 1:
        return any_tensor()
    codes = [item.code for item in items]
    step = ("code", f"x[{', '.join(codes)}]") if None not in codes else ("opaque",)
    origin = Origin(node, text, "")
    out = []
    for hyp in tensor.expanded():
        consumed = sum(1 for item in items if item.kind in ("int", "slice"))
        if consumed > hyp.rank:
            continue  # too many indices for this rank
        parts, axis = [], 0
        for item in items:
            if item.kind == "ellipsis":
                parts += list(range(axis, axis + hyp.rank - consumed))
                axis += hyp.rank - consumed
            elif item.kind == "none":
                parts.append((1, origin))
            elif item.kind == "int":
                size = hyp.dims[axis]
                if size is not None and not -size <= item.value < size:
                    parts = None
                    break
                axis += 1
            else:
                lower, upper, stride = item.value
                size = hyp.dims[axis]
                if lower is None and upper is None and stride is None:
                    parts.append(axis)
                elif size is not None and all(b is None or as_int(b) is not None for b in item.value) \
                        and stride != 0:
                    parts.append((len(range(*slice(lower, upper, stride).indices(size))), origin))
                else:
                    parts.append((None, origin))
                axis += 1
        if parts is None:
            continue
        parts += list(range(axis, hyp.rank))
        out.append(replace(hyp.rebuild(parts), steps=hyp.steps + (step,)))
    return TorchTensor(tuple(out), tensor.pending, tensor.certain and one_rank(out)) if out else any_tensor()


# -- what the interpreter asks of a tensor ---------------------------------------------------

def index_tensor(interp, tensor: TorchTensor, node: cst.Subscript, frame):
    items = []
    for element in node.slice:
        part = element.slice
        if isinstance(part, cst.Index):
            if isinstance(part.value, cst.Ellipsis):
                items.append(IndexItem("ellipsis", code="..."))
                continue
            value = interp.eval(part.value, frame)
            if value is None:
                items.append(IndexItem("none", code="None"))
            elif isinstance(value, int) and not isinstance(value, bool) and part.star is None:
                items.append(IndexItem("int", value, str(value)))
            else:
                return UNKNOWN  # a tensor, a list or an unknown index
        else:
            bounds = tuple(interp.eval(b, frame) if b is not None else None
                           for b in (part.lower, part.upper, part.step))
            if any(b is not None and b is not UNKNOWN and as_int(b) is None for b in bounds):
                return UNKNOWN
            literal = all(b is None or as_int(b) is not None for b in bounds)
            code = ":".join("" if b is None else str(b) for b in bounds[:2]) + (
                f":{bounds[2]}" if bounds[2] is not None else "")
            items.append(IndexItem("slice", bounds, code if literal else None))
    return index(tensor, items, node, source_text(node))


def axis_size(interp, expr, frame) -> Optional[AxisOf]:
    """``len(t)``, ``t.size(k)``, ``t.shape[k]`` with ``t`` a name or ``self.name``."""
    tensor, axis = None, None
    if isinstance(expr, cst.Call) and len(expr.args) == 1 and not expr.args[0].keyword:
        if isinstance(expr.func, cst.Name) and expr.func.value == "len":
            tensor, axis = expr.args[0].value, 0
        elif isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "size":
            tensor, axis = expr.func.value, literal_int(expr.args[0].value)
    elif isinstance(expr, cst.Subscript) and isinstance(expr.value, cst.Attribute) \
            and expr.value.attr.value == "shape" and len(expr.slice) == 1 \
            and isinstance(expr.slice[0].slice, cst.Index):
        tensor, axis = expr.value.value, literal_int(expr.slice[0].slice.value)
    if axis is None or not isinstance(tensor, (cst.Name, cst.Attribute)) or \
            not isinstance(tensor, cst.Name) and not isinstance(tensor.value, cst.Name):
        return None
    value = interp.eval(tensor, frame)
    return AxisOf(value, axis) if isinstance(value, TorchTensor) else None


# In-place methods that keep the shape of the tensor they are called on (a broadcast operand
# must fit it); any other in-place method (``resize_``, ``unsqueeze_``, ``set_``...) may change it.
SHAPE_KEEPING_IN_PLACE = {"add_", "sub_", "mul_", "div_", "pow_", "clamp_", "clip_", "zero_", "fill_", "normal_",
                          "uniform_", "bernoulli_", "random_", "copy_", "masked_fill_", "exp_", "log_", "abs_",
                          "neg_", "sqrt_", "requires_grad_", "relu_", "sigmoid_", "tanh_"}


def tensor_method(interp, tensor: TorchTensor, name, args, kwargs, opaque, node, frame):
    if name.endswith("_") and not name.startswith("_"):
        if name in SHAPE_KEEPING_IN_PLACE:
            return tensor
        tensor.forget()  # `x.unsqueeze_(0)`, `x.resize_(...)`
        return UNKNOWN
    if opaque:
        return UNKNOWN
    if name in ("view", "reshape") and not kwargs:
        sizes = list(args)
        if len(args) == 1 and isinstance(args[0], (tuple, ListVal)):
            sizes = sequence_items(args[0]) or []
        elif len(args) == 1 and as_int(args[0]) is None:
            return any_tensor()  # `x.view(shape)`: a torch.Size or a dtype, not one size
        else:
            for position, arg in enumerate(node.args):
                sizes[position] = axis_size(interp, arg.value, frame) or sizes[position]
        return view(tensor, sizes, node, source_text(node))
    if name == "flatten":
        start = args[0] if args else kwargs.get("start_dim", 0)
        end = args[1] if len(args) > 1 else kwargs.get("end_dim", -1)
        return flatten(tensor, start, end, node, source_text(node))
    if name in TENSOR_IDENTITY_METHODS or name in ELEMENTWISE_METHODS:
        return tensor
    if name in ("dim", "ndimension") and not args and not kwargs:
        return known_shape(tensor, "ndim")
    if name == "size" and not kwargs and len(args) <= 1:
        shape = known_shape(tensor, "shape")
        if not args or shape is UNKNOWN:
            return shape
        axis = as_int(args[0])
        return shape[axis] if axis is not None and -len(shape) <= axis < len(shape) else UNKNOWN
    if name in ("transpose", "permute", "unsqueeze", "squeeze") and not kwargs:
        return reorder(tensor, name, list(args), node, source_text(node))
    if name in ("softmax", "log_softmax") and (args or "dim" in kwargs):
        spec = torch_catalog.LAYERS["Softmax" if name == "softmax" else "LogSoftmax"]
        layer = make_layer(spec, node, args[:1], {k: v for k, v in kwargs.items() if k == "dim"},
                           opaque, functional=name)
        return apply_layer(interp.analysis, layer, tensor, node)
    return UNKNOWN
