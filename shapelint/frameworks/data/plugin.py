"""The data plug-in: numpy arrays, ``tf.data.Dataset.from_tensor_slices``,
``keras.utils.to_categorical`` and ``keras.datasets.*.load_data``."""
from __future__ import annotations

from functools import partial

from shapelint.frameworks import names
from shapelint.frameworks.data import arrays, losses
from shapelint.interp.plugins import Plugin
from shapelint.interp.values import UNKNOWN


def numpy_call(meaning, interp, args, kwargs, opaque, node, frame):
    return arrays.numpy_call(meaning.name, args, kwargs, opaque, node)


def dataset(meaning, interp, args, kwargs, opaque, node, frame):
    return UNKNOWN if opaque else arrays.from_tensor_slices(args, kwargs, node)


def to_categorical(meaning, interp, args, kwargs, opaque, node, frame):
    return UNKNOWN if opaque else arrays.to_categorical(args, kwargs, node)


def load_data(meaning, interp, args, kwargs, opaque, node, frame):
    return arrays.dataset_load(meaning.name, node) if not args and not kwargs else UNKNOWN


def _channels_first_possible(interp) -> bool:
    """The file may switch Keras to channels-first images (``set_image_data_format``, Keras 1's
    ``image_dim_ordering``): image pipelines' shapes are then not certain."""
    code = getattr(interp.module, "code", "")
    return any(word in code for word in ("channels_first", "set_image_data_format", "image_dim_ordering",
                                         "set_image_dim_ordering"))


def image_generator(meaning, interp, args, kwargs, opaque, node, frame):
    if _channels_first_possible(interp):
        return UNKNOWN
    return arrays.image_generator(args, kwargs, opaque, node)


def directory_dataset(meaning, interp, args, kwargs, opaque, node, frame):
    if _channels_first_possible(interp):
        return UNKNOWN
    return arrays.directory_dataset(meaning.name, args, kwargs, opaque, node)


def loss(meaning, interp, args, kwargs, opaque, node, frame):
    return losses.loss_object(meaning.name, args, kwargs, opaque)


def pandas_call(name, interp, args, kwargs, opaque, node, frame):
    return arrays.pandas_call(name, args, kwargs, opaque, node)


HANDLERS = {
    "loss": loss,
    "image_generator": image_generator,
    "directory_dataset": directory_dataset,
    "numpy": numpy_call,
    "dataset": dataset,
    "to_categorical": to_categorical,
    "load_data": load_data,
}


class DataPlugin(Plugin):
    name = "data"

    def resolve(self, qualname):
        if qualname.startswith("pandas.") and qualname.count(".") == 1:
            return partial(pandas_call, qualname.split(".")[1])
        meaning = names.meaning(qualname)
        handler = HANDLERS.get(meaning.kind) if meaning is not None else None
        return partial(handler, meaning) if handler is not None else None

    def snippet_names(self):
        return {"np": "numpy", "numpy": "numpy"}


PLUGIN = DataPlugin()
