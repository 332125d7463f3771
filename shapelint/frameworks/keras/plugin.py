"""The Keras plug-in: layer, model and ``Input`` constructions, ``from keras.layers import *``,
and the attributes of symbolic tensors."""
from __future__ import annotations

from functools import partial

from shapelint.core.shapes import UNKNOWN_DIM, Tensor
from shapelint.frameworks import names
from shapelint.frameworks.keras import catalog, propagate
from shapelint.frameworks.keras.propagate import FunctionalModelVal, SequentialVal, make_layer
from shapelint.frameworks.keras.subclass import KerasModelClassVal
from shapelint.interp.plugins import Plugin
from shapelint.interp.values import UNKNOWN, QualName, sequence_items


def _keras(meaning, interp) -> int:
    return meaning.keras or interp.target_keras


def construct_layer(meaning, interp, args, kwargs, opaque, node, frame):
    """``Dense(10)``, ``keras.Input(shape=(3,))``: a ``LayerVal`` (Input: its tensor)."""
    spec = catalog.LAYERS["InputLayer" if meaning.name == "Input" else meaning.name]
    layer = make_layer(spec, node, args, kwargs, opaque, _keras(meaning, interp))
    interp.analysis.layers.append(layer)
    if meaning.name == "Input":
        layer.alias = "Input"
        return propagate.input_tensor(layer)
    return layer


def construct_sequential(meaning, interp, args, kwargs, opaque, node, frame):
    model = SequentialVal(node, keras=_keras(meaning, interp))
    interp.analysis.models.append(model)
    entries = args[0] if args else kwargs.get("layers")
    items = sequence_items(entries)
    if entries is not None and items is None:
        interp.make_uncertain(model)
    for item in items or ():
        propagate.sequential_add(interp.analysis, model, item, node)
    return model


def construct_model(meaning, interp, args, kwargs, opaque, node, frame):
    inputs = args[0] if args else kwargs.get("inputs", UNKNOWN)
    outputs = args[1] if len(args) > 1 else kwargs.get("outputs", UNKNOWN)
    model = FunctionalModelVal(node, inputs, outputs, keras=_keras(meaning, interp))
    interp.analysis.models.append(model)
    return model


def merge(meaning, interp, args, kwargs, opaque, node, frame):
    """``keras.layers.concatenate([a, b])``: the layer, applied at once."""
    spec = catalog.LAYERS[meaning.name]
    tensors = args[0] if args else kwargs.get("inputs", UNKNOWN)
    layer_kwargs = {k: v for k, v in kwargs.items() if k != "inputs"}
    layer = make_layer(spec, node, [], layer_kwargs, opaque, _keras(meaning, interp))
    interp.analysis.layers.append(layer)
    return propagate.apply_layer_call(interp.analysis, layer, [tensors], node)


def unknown_result(meaning, interp, args, kwargs, opaque, node, frame):
    """A function whose result is not modelled but which changes nothing it is given."""
    return UNKNOWN


HANDLERS = {
    "layer": construct_layer,
    "input": construct_layer,
    "sequential": construct_sequential,
    "model": construct_model,
    "merge": merge,
    "softmax": unknown_result,
}


def tensor_attribute(interp, tensor: Tensor, name, node, frame):
    """``x.shape`` of a symbolic tensor."""
    if name == "shape" and tensor.shape is not None:
        return tuple(UNKNOWN if d is UNKNOWN_DIM else d for d in tensor.shape)
    return UNKNOWN


class KerasPlugin(Plugin):
    name = "keras"
    # Attributes that can be set on a layer or model without changing any shape.
    harmless_attributes = frozenset({"trainable", "name", "stop_training", "optimizer", "compiled_loss"})
    foreign_attributes = {Tensor: tensor_attribute}

    def resolve(self, qualname):
        meaning = names.meaning(qualname)
        handler = HANDLERS.get(meaning.kind) if meaning is not None else None
        return partial(handler, meaning) if handler is not None else None

    def star_exports(self, module):
        return names.keras_star_exports(module)

    def class_def(self, interp, node, bases, frame):
        """``class M(keras.Model)`` (its only base): followed through its instances."""
        if len(bases) != 1 or not isinstance(bases[0], QualName) or node.decorators:
            return None
        meaning = names.meaning(bases[0].name)
        if meaning is None or meaning.kind != "model" or meaning.name != "Model":
            return None
        return KerasModelClassVal(node, keras=_keras(meaning, interp))

    def snippet_names(self):
        pasted = {"keras": "keras", "tf": "tensorflow", "layers": "keras.layers", "models": "keras.models",
                  "Sequential": "keras.models.Sequential", "Model": "keras.models.Model",
                  "Input": "keras.layers.Input", "to_categorical": "keras.utils.to_categorical"}
        for layer in list(catalog.LAYERS) + list(catalog.ALIASES):
            if layer != "InputLayer":
                pasted[layer] = f"keras.layers.{layer}"
        return pasted


PLUGIN = KerasPlugin()
