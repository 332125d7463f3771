"""What a training call (``fit``, ``predict``, ``train_on_batch``...) is given and what its
model expects: the facts the SL11x / SL13x rules compare."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional

from shapelint.core.shapes import Tensor, is_known
from shapelint.frameworks.data.arrays import ArrayVal, DatasetVal, batch_shapes
from shapelint.frameworks.data.losses import LossVal, function_loss
from shapelint.frameworks.keras.propagate import FunctionalModelVal, LayerVal, SequentialVal, upstream
from shapelint.frameworks.keras.subclass import SubclassedModelVal
from shapelint.frameworks.names import canonical
from shapelint.interp.values import UNKNOWN, QualName

DEFAULT_BATCH_SIZE = 32  # fit / evaluate / predict without batch_size (Keras 2 and 3)
ON_BATCH = ("train_on_batch", "test_on_batch", "predict_on_batch")
TAKES_Y = ("fit", "evaluate", "train_on_batch", "test_on_batch")
# Positional parameters of each call, as Keras 3 (and 2) declare them.
POSITIONAL = {
    "fit": ("x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
            "validation_data", "shuffle"),
    "evaluate": ("x", "y", "batch_size"),
    "predict": ("x", "batch_size"),
    "train_on_batch": ("x", "y"),
    "test_on_batch": ("x", "y"),
    "predict_on_batch": ("x",),
    "fit_generator": ("x",),  # Keras 2's `generator`
    "evaluate_generator": ("x",),
    "predict_generator": ("x",),
}
GENERATOR_CALLS = ("fit_generator", "evaluate_generator", "predict_generator")


@dataclass
class CallFacts:
    call: Any  # analysis.ModelCall
    x: Any
    y: Any
    batch_size: Any  # int, None (not given), or UNKNOWN

    def arg(self, name: str, default=None):
        return _argument(self.call, name, default)


def _argument(call, name: str, default=None):
    if call.method in GENERATOR_CALLS and name == "x" and "generator" in call.kwargs:
        return call.kwargs["generator"]
    if name in call.kwargs:
        return call.kwargs[name]
    names = POSITIONAL.get(call.method, ())
    if name in names and names.index(name) < len(call.args):
        return call.args[names.index(name)]
    return UNKNOWN if call.opaque else default


def facts(call) -> CallFacts:
    return CallFacts(call, _argument(call, "x"), _argument(call, "y"), _argument(call, "batch_size"))


def model_input(model) -> Optional[Tensor]:
    if isinstance(model, SequentialVal):
        tensor = model.input
    elif isinstance(model, FunctionalModelVal):
        tensor = model.inputs
    elif isinstance(model, SubclassedModelVal):
        tensor = model.built_input
    else:
        return None
    return tensor if isinstance(tensor, Tensor) and tensor.shape is not None else None


def model_output(model) -> Optional[Tensor]:
    if isinstance(model, SequentialVal):
        tensor = None if model.uncertain else model.output
    elif isinstance(model, FunctionalModelVal):
        tensor = model.outputs
    elif isinstance(model, SubclassedModelVal):
        tensor = model.built_output
    else:
        return None
    return tensor if isinstance(tensor, Tensor) and tensor.shape is not None else None


def model_layers(model) -> List[LayerVal]:
    """The layers of a model, as far as shapelint can list them."""
    if isinstance(model, SequentialVal):
        return [e for e in model.entries if isinstance(e, LayerVal)]
    if isinstance(model, FunctionalModelVal) and isinstance(model.outputs, Tensor):
        apps, _roots = upstream([model.outputs])
        return [app.layer for app in apps.values()]
    if isinstance(model, SubclassedModelVal) and isinstance(model.built_output, Tensor):
        apps, _roots = upstream([model.built_output])
        return [app.layer for app in apps.values()]
    return []


def stateful_layer(model) -> Optional[LayerVal]:
    for layer in model_layers(model):
        for candidate in (layer, layer.inner):
            if candidate is not None and candidate.spec.recurrent and candidate.arg("stateful") is True:
                return candidate
    return None


def fixed_batch(model) -> Optional[int]:
    tensor = model_input(model)
    if tensor is None or not tensor.shape or not is_known(tensor.shape[0]):
        return None
    return tensor.shape[0]


def loss_of(model, call, model_calls) -> Optional[str]:
    """The loss of the last ``compile`` on ``model`` before ``call``, if it is a plain string."""
    loss = None
    for other in model_calls:
        if other is call:
            break
        if other.model is model and other.method == "compile":
            value = other.kwargs.get("loss", other.args[1] if len(other.args) > 1 else None)
            if other.opaque and "loss" not in other.kwargs:
                value = None
            loss = _loss_name(value)
    return loss


def _loss_name(value) -> Optional[str]:
    """A loss string, a loss object or a loss function, as the string it means."""
    if isinstance(value, str):
        return value
    if isinstance(value, LossVal):
        return value.name
    if isinstance(value, QualName):
        return function_loss(canonical(value.name)[0])
    return None


def data_shape(value) -> Optional[tuple]:
    return tuple(value.shape) if isinstance(value, ArrayVal) else None


@dataclass
class Data:
    """The shape of what a training call feeds as x or y, and where it comes from."""

    shape: tuple
    node: Any
    what: str


def x_data(found: CallFacts) -> Optional[Data]:
    """x of a training call: an array, or the batches of a batched dataset / image iterator."""
    if isinstance(found.x, ArrayVal):
        return Data(tuple(found.x.shape), found.x.node, found.x.what)
    shapes = batch_shapes(found.x)
    return Data(shapes[0], found.x.node, found.x.what) if shapes is not None else None


def y_data(found: CallFacts) -> Optional[Data]:
    """y of a training call: the ``y`` array, or the labels of the batches ``x`` yields."""
    if isinstance(found.y, ArrayVal) and not isinstance(found.x, DatasetVal):
        return Data(tuple(found.y.shape), found.y.node, found.y.what)
    if found.y is None or found.call.method in GENERATOR_CALLS:
        shapes = batch_shapes(found.x)
        if shapes is not None and shapes[1] is not None:
            return Data(shapes[1], found.x.node, found.x.what + " labels")
    return None


def first_consumers(model) -> Optional[List[LayerVal]]:
    """The layers that read the model input directly (None when unknown)."""
    if isinstance(model, SequentialVal):
        for entry in model.entries:
            if isinstance(entry, Tensor) or (isinstance(entry, LayerVal) and entry.spec.kind == "input"):
                continue
            return [entry] if isinstance(entry, LayerVal) else None
        return None
    return None
