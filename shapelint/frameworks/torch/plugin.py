"""The PyTorch plug-in: ``torch.nn`` layers and containers, functional calls, tensor
constructors, ``from torch.nn import *`` and ``class Net(nn.Module)``."""
from __future__ import annotations

from functools import partial

from shapelint.core.rule import source_text
from shapelint.core.shapes import as_int
from shapelint.frameworks import names
from shapelint.frameworks.data.arrays import UNKNOWN_DIM, literal_shape
from shapelint.frameworks.torch import catalog as torch_catalog
from shapelint.frameworks.torch import model as torch_model
from shapelint.frameworks.torch.model import TorchTensor
from shapelint.frameworks.torch.modules import (
    OrderedDictVal,
    TorchClassVal,
    TorchModuleListVal,
    TorchSequentialVal,
    run_sequential,
)
from shapelint.interp.plugins import Plugin
from shapelint.interp.values import UNKNOWN, ListVal, QualName, sequence_items


def construct_layer(meaning, interp, args, kwargs, opaque, node, frame):
    layer = torch_model.make_layer(torch_catalog.LAYERS[meaning.name], node, args, kwargs, opaque)
    interp.analysis.torch_layers.append(layer)
    return layer


def construct_sequential(meaning, interp, args, kwargs, opaque, node, frame):
    entries = None if opaque or kwargs else list(args)
    if entries is not None and len(entries) == 1 and isinstance(entries[0], OrderedDictVal):
        entries = entries[0].values
    model = TorchSequentialVal(node, entries)
    run_sequential(interp, model, torch_model.any_tensor(), frame, construction=True)
    return model


def construct_modulelist(meaning, interp, args, kwargs, opaque, node, frame):
    if opaque or kwargs:
        return TorchModuleListVal(None)
    return TorchModuleListVal(sequence_items(args[0]) if args else [])


def ordered_dict(meaning, interp, args, kwargs, opaque, node, frame):
    pairs = sequence_items(args[0]) if len(args) == 1 and not kwargs and not opaque else None
    if pairs is None or not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
        return OrderedDictVal(None)
    return OrderedDictVal([p[1] for p in pairs])


def softmax(meaning, interp, args, kwargs, opaque, node, frame):
    """``F.softmax(x, dim=1)``: the module's check, applied at once."""
    spec = torch_catalog.LAYERS[{"softmax": "Softmax", "log_softmax": "LogSoftmax",
                                 "softmin": "Softmin"}[meaning.name]]
    dim = {"dim": kwargs["dim"]} if "dim" in kwargs else {}
    layer = torch_model.make_layer(spec, node, args[1:2], dim, opaque, functional=meaning.name)
    return torch_model.apply_layer(interp.analysis, layer, args[0] if args else kwargs.get("input"), node)


def pool(meaning, interp, args, kwargs, opaque, node, frame):
    module, positional = torch_catalog.POOL_FUNCTIONS[meaning.name]
    layer = torch_model.make_layer(torch_catalog.LAYERS[module], node, args[1:],
                                   {k: v for k, v in kwargs.items() if k != "input"}, opaque,
                                   functional=meaning.name, positional=positional)
    return torch_model.apply_layer(interp.analysis, layer, args[0] if args else kwargs.get("input"), node)


def elementwise(meaning, interp, args, kwargs, opaque, node, frame):
    value = args[0] if args else kwargs.get("input", UNKNOWN)
    return value if isinstance(value, TorchTensor) else UNKNOWN


def flatten(meaning, interp, args, kwargs, opaque, node, frame):
    if opaque or not args:
        return UNKNOWN
    start = args[1] if len(args) > 1 else kwargs.get("start_dim", 0)
    end = args[2] if len(args) > 2 else kwargs.get("end_dim", -1)
    return torch_model.flatten(torch_model.tensor_of(args[0]), start, end, node, source_text(node))


def tensor(meaning, interp, args, kwargs, opaque, node, frame):
    """``torch.randn(1, 3, 32, 32)``, ``torch.zeros((4, 50))``, ``torch.rand(size=(4, 50))``:
    a tensor of known shape."""
    if opaque or "out" in kwargs or ("size" in kwargs) == bool(args):
        return UNKNOWN
    return torch_model.exact(list(args) if args else [kwargs["size"]], node, source_text(node))


def tensor_function(meaning, interp, args, kwargs, opaque, node, frame):
    """``torch.reshape(x, (4, 50))``, ``torch.unsqueeze(x, 0)``, ``torch.transpose(x, 1, 2)``:
    the tensor method of the same name."""
    if opaque or kwargs or not args:
        return UNKNOWN
    if meaning.name == "reshape" and (len(args) != 2 or not isinstance(args[1], (tuple, ListVal))):
        return UNKNOWN
    return torch_model.tensor_method(interp, torch_model.tensor_of(args[0]), meaning.name, list(args[1:]), {},
                                     False, node, frame)


def randint(meaning, interp, args, kwargs, opaque, node, frame):
    """``torch.randint(0, 10, (64,))`` / ``torch.randint(10, size=(64, 3))``: the shape is the size."""
    size = kwargs["size"] if "size" in kwargs and len(args) in (1, 2) else args[-1] if len(args) in (2, 3) else None
    if opaque or "out" in kwargs or not isinstance(size, (tuple, ListVal)):
        return UNKNOWN
    return torch_model.exact([size], node, source_text(node))


def from_data(meaning, interp, args, kwargs, opaque, node, frame):
    """``torch.tensor([[1., 2.], [3., 4.]])`` (the shape of the nesting), ``torch.from_numpy(X)``
    of an array of known shape, ``torch.FloatTensor(2, 3)``; any other data: a tensor of
    unknown shape, whose views and methods are still followed."""
    data = args[0] if len(args) == 1 and not opaque else None
    if meaning.name in names.LEGACY_TENSOR_TYPES and not opaque and args and not kwargs \
            and all(as_int(a) is not None for a in args):
        return torch_model.exact(list(args), node, source_text(node))  # `torch.Tensor(2, 3)`: sizes
    shape = literal_shape(data) if data is not None else None
    if shape is None or not shape or not all(isinstance(d, int) and d > 0 or d is UNKNOWN_DIM for d in shape):
        return torch_model.any_tensor()
    return torch_model.known(tuple(None if d is UNKNOWN_DIM else d for d in shape), node, source_text(node))


def tensor_dataset(meaning, interp, args, kwargs, opaque, node, frame):
    if opaque or kwargs or not args:
        return UNKNOWN
    return torch_model.TensorDatasetVal(tuple(args))


def data_loader(meaning, interp, args, kwargs, opaque, node, frame):
    return torch_model.data_loader(args, kwargs, opaque, node)


def variable(meaning, interp, args, kwargs, opaque, node, frame):
    """``Variable(x)`` (``torch.autograd``) is ``x``."""
    value = args[0] if args else kwargs.get("data", UNKNOWN)
    return value if isinstance(value, TorchTensor) else UNKNOWN


def unknown_result(meaning, interp, args, kwargs, opaque, node, frame):
    return UNKNOWN


HANDLERS = {
    "torch_layer": construct_layer,
    "torch_sequential": construct_sequential,
    "torch_modulelist": construct_modulelist,
    "ordered_dict": ordered_dict,
    "torch_softmax": softmax,
    "torch_pool": pool,
    "torch_elementwise": elementwise,
    "torch_flatten": flatten,
    "torch_tensor": tensor,
    "torch_data": from_data,
    "torch_randint": randint,
    "torch_tensor_function": tensor_function,
    "torch_variable": variable,
    "torch_tensor_dataset": tensor_dataset,
    "torch_data_loader": data_loader,
}


def vision_dataset(name, interp, args, kwargs, opaque, node, frame):
    return torch_model.vision_dataset(name, args, kwargs, opaque, node)


def transform(name, interp, args, kwargs, opaque, node, frame):
    return torch_model.make_transform(name, args, kwargs, opaque)


def summary(package, interp, args, kwargs, opaque, node, frame):
    """``torchsummary.summary(model, (1, 28, 28))`` runs the model on ``torch.rand(2, 1, 28, 28)``;
    ``torchinfo.summary(model, input_size=(64, 1, 28, 28))`` on that size (batch included): the
    model is called as ``model(torch.zeros(...))`` would be."""
    if opaque or not args:
        return UNKNOWN
    size = args[1] if len(args) > 1 else kwargs.get("input_size")
    allowed = {"input_size", "batch_size", "device"} if package == "torchsummary" else \
        {"input_size", "device", "verbose", "col_names", "depth", "row_settings", "col_width", "mode", "dtypes"}
    if len(args) > 2 or set(kwargs) - allowed or not isinstance(size, (tuple, ListVal)):
        return UNKNOWN
    sizes = sequence_items(size)
    if not sizes or not all(as_int(d) is not None and d > 0 for d in sizes):
        return UNKNOWN  # several inputs, or sizes not known
    sizes = ([2] if package == "torchsummary" else []) + list(sizes)
    interp.call(args[0], [torch_model.exact(sizes, node, source_text(node))], {}, False, node, frame)
    return UNKNOWN


SUMMARIES = {"torchsummary.summary": "torchsummary", "torchsummary.torchsummary.summary": "torchsummary",
             "torchinfo.summary": "torchinfo", "torchinfo.torchinfo.summary": "torchinfo"}


def torchvision(qualname):
    """``torchvision.datasets.MNIST`` and the like, ``torchvision.transforms.*``, the summaries of
    torchsummary and torchinfo."""
    if qualname in SUMMARIES:
        return partial(summary, SUMMARIES[qualname])
    parts = qualname.split(".")
    if len(parts) == 3 and parts[:2] == ["torchvision", "datasets"] and parts[2] in torch_model.VISION_DATASETS:
        return partial(vision_dataset, parts[2])
    if len(parts) == 3 and parts[:2] == ["torchvision", "transforms"] and parts[2][:1].isupper():
        return partial(transform, parts[2])
    return None


class TorchPlugin(Plugin):
    name = "torch"

    def resolve(self, qualname):
        vision = torchvision(qualname)
        if vision is not None:
            return vision
        meaning = names.meaning(qualname)
        if meaning is None or not meaning.kind.startswith(("torch_", "ordered_dict")):
            return None
        return partial(HANDLERS.get(meaning.kind, unknown_result), meaning)

    def star_exports(self, module):
        return names.torch_star_exports(module)

    def snippet_names(self):
        return {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}

    def class_def(self, interp, node, bases, frame):
        """A class deriving directly from ``nn.Module`` (others stay unknown)."""
        for base in bases:
            meaning = names.meaning(base.name) if isinstance(base, QualName) else None
            if meaning is not None and meaning.kind == "torch_module" and len(bases) == 1:
                return TorchClassVal(node, {})
        return None


PLUGIN = TorchPlugin()
