"""What a qualified name means: Keras layers, models, Input, numpy constructors, torch.nn.

The plug-ins (``keras/plugin.py``, ``torch/plugin.py``, ``data/plugin.py``) turn a meaning's
``kind`` into the handler the interpreter calls.

Every import spelling of Keras is mapped onto one canonical ``keras.`` prefix first
(``tensorflow.keras``, ``tf.keras`` after ``import tensorflow as tf``, ``tf_keras``,
``keras.src`` and ``tensorflow.python.keras``), so the rest of shapelint sees one API.
Legacy module paths (``keras.layers.recurrent.LSTM``, ``keras.layers.core.Dense``) resolve
because a layer is recognised by the ``keras.layers`` package and its class name: the model is
still followed, and under Keras 3 the import is also SL302 (``KERAS3_REMOVED``: the module is
gone, the import fails).
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple, Optional

from shapelint.frameworks.data.losses import LOSS_CLASSES
from shapelint.frameworks.keras import catalog
from shapelint.frameworks.torch import catalog as torch_catalog

_PREFIXES = (
    ("tensorflow.python.keras", "keras", None),
    ("tensorflow.compat.v2.keras", "keras", None),
    ("tensorflow.compat.v1.keras", "keras", None),
    ("tensorflow.keras", "keras", None),
    ("tf_keras", "keras", 2),  # tf_keras is Keras 2, whatever the configured target
    ("keras.src", "keras", None),
)



class Removed(NamedTuple):
    """A Keras 2 module, layer or function that Keras 3 no longer has."""

    path: str  # after the ``keras.`` root: ``layers.CuDNNLSTM``
    module: bool  # a module (importing it fails) rather than a name in one
    use: str  # what to write instead
    in_tf_keras: bool = False  # still in TensorFlow 2.21's ``tf.keras`` compatibility namespace
    package: str = ""  # where the names a ``from`` import of this module takes live now


# Checked on Keras 3.15 and TensorFlow 2.21 (``import`` / ``from ... import`` of each fails,
# ``tf.keras`` keeps only the two marked): see tests/test_migration_rules.py, which imports
# every entry on the installed Keras.
KERAS3_REMOVED = {r.path: r for r in (
    Removed("layers.merge", True, "keras.layers.concatenate / add / multiply / dot, or the layers "
                                  "Concatenate(), Add(), Multiply(), Dot(axes=...)"),
    Removed("layers.Merge", False, "a merge layer: keras.layers.Concatenate(), Add(), Multiply(), "
                                   "Average() or Dot(axes=...)"),
    Removed("utils.np_utils", True, "keras.utils.to_categorical(y, num_classes)"),
    Removed("wrappers.scikit_learn", True, "the scikeras package (pip install scikeras; from "
                                           "scikeras.wrappers import KerasClassifier, KerasRegressor)"),
    Removed("layers.CuDNNLSTM", False, "keras.layers.LSTM, which runs on cuDNN by itself on a GPU "
                                       "with its default arguments"),
    Removed("layers.CuDNNGRU", False, "keras.layers.GRU, which runs on cuDNN by itself on a GPU "
                                      "with its default arguments"),
    Removed("layers.TimeDistributedDense", False, "keras.layers.TimeDistributed(keras.layers.Dense(units)), "
                                                  "or Dense(units) alone (it acts on the last axis)"),
    Removed("preprocessing.text", True, "keras.layers.TextVectorization (tf.keras.preprocessing.text "
                                        "still exists in TensorFlow's tf.keras)", in_tf_keras=True),
    # Keras 1/2 module paths of layers and utilities (old tutorials): the names themselves live on
    # at the top of their package.  Every one is gone from keras 3 and from TensorFlow's tf.keras.
    *(Removed(f"layers.{module}", True, f"the same names from keras.layers (from keras.layers import "
                                        f"{example}); the keras.layers.{module} module is gone",
              package="keras.layers")
      for module, example in (("core", "Dense, Dropout, Flatten"), ("recurrent", "LSTM, GRU, SimpleRNN"),
                              ("convolutional", "Conv1D, Conv2D, MaxPooling2D"),
                              ("pooling", "MaxPooling2D, GlobalAveragePooling1D"),
                              ("normalization", "BatchNormalization"), ("embeddings", "Embedding"),
                              ("wrappers", "TimeDistributed, Bidirectional"),
                              ("advanced_activations", "LeakyReLU, PReLU, ELU"),
                              ("noise", "GaussianNoise, GaussianDropout"),
                              ("convolutional_recurrent", "ConvLSTM2D"))),
    Removed("layers.cudnn_recurrent", True, "keras.layers.LSTM / GRU, which run on cuDNN by themselves on a GPU "
                                            "with their default arguments"),
    Removed("layers.local", True, "keras.layers.Conv1D / Conv2D (Keras 3 has no LocallyConnected layers)"),
    Removed("layers.experimental", True, "the same layers from keras.layers (Rescaling, Normalization, "
                                         "RandomFlip, TextVectorization... are no longer experimental)"),
    Removed("engine", True, "keras.Model, keras.Input, keras.layers.Layer and keras.Sequential from the "
                            "top-level package"),
    Removed("objectives", True, "keras.losses (the same loss functions)"),
    Removed("utils.vis_utils", True, "keras.utils.plot_model / model_to_dot"),
    Removed("utils.generic_utils", True, "keras.utils.Progbar, keras.saving.get_custom_objects / "
                                         "custom_object_scope, keras.saving.register_keras_serializable"),
    Removed("utils.data_utils", True, "keras.utils.get_file, keras.utils.PyDataset (for Sequence)"),
    Removed("utils.layer_utils", True, "model.summary() / model.count_params()"),
    Removed("utils.io_utils", True, "h5py or numpy directly (HDF5Matrix is gone)"),
    Removed("utils.conv_utils", True, "your own output-size arithmetic (conv_utils was internal)"),
    Removed("preprocessing.image.ImageDataGenerator", False,
            "keras.utils.image_dataset_from_directory with augmentation layers (keras.layers.RandomFlip, "
            "RandomRotation...), or tf.keras.preprocessing.image.ImageDataGenerator, which TensorFlow's "
            "tf.keras still has", in_tf_keras=True),
)}


def keras3_removed(qualname: str) -> Optional[Removed]:
    """What ``qualname`` (as the file spells it) names that Keras 3 removed, or None.  Only
    the standalone ``keras`` and TensorFlow's ``tensorflow.keras`` spellings count: tf_keras is
    Keras 2, and ``keras.src`` / ``tensorflow.python.keras`` are internals with their own
    contents."""
    if qualname.startswith("keras."):
        rest, tf_keras = qualname[len("keras."):], False
    elif qualname.startswith("tensorflow.keras."):
        rest, tf_keras = qualname[len("tensorflow.keras."):], True
    else:
        return None
    parts = rest.split(".")
    for end in range(len(parts), 0, -1):
        removed = KERAS3_REMOVED.get(".".join(parts[:end]))
        if removed is not None:
            return None if (tf_keras and removed.in_tf_keras) else removed
    return None


# Keras optimizers (``keras.optimizers.Adam``): in Keras 3 their ``lr=`` is ``learning_rate=``.
OPTIMIZERS = frozenset({"SGD", "RMSprop", "Adam", "AdamW", "Adadelta", "Adagrad", "Adamax", "Adafactor",
                        "Nadam", "Ftrl", "Lion", "Lamb"})


def keras_optimizer(qualname: str) -> Optional[str]:
    """``Adam`` for ``keras.optimizers.Adam`` / ``tensorflow.keras.optimizers.Adam`` (as the
    file spells it; not tf_keras, not ``optimizers.legacy``), else None."""
    for root in ("keras.optimizers.", "tensorflow.keras.optimizers."):
        if qualname.startswith(root) and qualname[len(root):] in OPTIMIZERS:
            return qualname[len(root):]
    return None


class Meaning(NamedTuple):
    kind: str  # layer | input | sequential | model | merge | softmax | numpy | keras
    name: str  # catalog name, numpy function, ...
    keras: Optional[int]  # 2 when the spelling pins Keras 2 (tf_keras)


def canonical(qualname: str):
    """``(canonical_name, pinned_keras_version)``."""
    for prefix, replacement, version in _PREFIXES:
        if qualname == prefix or qualname.startswith(prefix + "."):
            return replacement + qualname[len(prefix):], version
    return qualname, None


@lru_cache(maxsize=4096)
def meaning(qualname: str) -> Optional[Meaning]:
    name, version = canonical(qualname)
    parts = name.split(".")
    last = parts[-1]
    if parts[0] == "numpy":
        return Meaning("numpy", ".".join(parts[1:]), None)
    if name in ("tensorflow.nn.softmax", "tensorflow.math.softmax"):
        return Meaning("softmax", last, None)
    if name == "tensorflow.data.Dataset.from_tensor_slices":
        return Meaning("dataset", last, None)
    if parts[0] == "torch":
        return torch_meaning(parts)
    if name in ("collections.OrderedDict", "typing.OrderedDict"):
        return Meaning("ordered_dict", last, None)
    if parts[0] != "keras":
        return None
    if name in ("keras.activations.softmax",):
        return Meaning("softmax", last, version)
    if last == "Input" and (len(parts) == 2 or parts[1] in ("layers", "engine", "input_layer")):
        return Meaning("input", "Input", version)
    if last == "Sequential":
        return Meaning("sequential", last, version)
    if last in ("Model", "Functional") and (len(parts) == 2 or parts[1] in ("models", "engine")):
        return Meaning("model", last, version)
    if len(parts) >= 3 and parts[1] == "layers":
        if last in catalog.MERGE_FUNCTIONS and len(parts) == 3:
            return Meaning("merge", catalog.MERGE_FUNCTIONS[last], version)
        spec = catalog.lookup(last)
        if spec is not None:
            kind = "input" if spec.kind == "input" else "layer"
            return Meaning(kind, spec.name, version)
        return None
    if last == "to_categorical" and len(parts) >= 3 and parts[1] == "utils":
        return Meaning("to_categorical", last, version)
    if len(parts) == 3 and parts[1] == "losses" and last in LOSS_CLASSES:
        return Meaning("loss", last, version)
    if last == "ImageDataGenerator" and parts[1:-1] == ["preprocessing", "image"]:
        return Meaning("image_generator", last, version)
    if last in ("image_dataset_from_directory", "text_dataset_from_directory") and (
            parts[1:-1] in (["utils"], ["preprocessing"])):
        return Meaning("directory_dataset", last, version)
    if last == "load_data" and len(parts) == 4 and parts[1] == "datasets":
        return Meaning("load_data", parts[2], version)
    return Meaning("keras", name, version)


def torch_meaning(parts) -> Optional[Meaning]:
    """``torch.nn.Linear``, ``torch.nn.modules.linear.Linear``, ``torch.nn.functional.softmax``..."""
    last = parts[-1]
    if len(parts) >= 3 and parts[1] == "nn" and (len(parts) == 3 or parts[2] == "modules"):
        if last in ("Module", "Sequential", "ModuleList"):
            return Meaning("torch_" + last.lower(), last, None)
        if torch_catalog.lookup(last) is not None:
            return Meaning("torch_layer", last, None)
        return None
    functional = len(parts) == 4 and parts[1:3] == ["nn", "functional"]
    if functional or len(parts) == 2:
        if last in torch_catalog.SOFTMAX_FUNCTIONS and functional:
            return Meaning("torch_softmax", last, None)
        if last in torch_catalog.POOL_FUNCTIONS and functional:
            return Meaning("torch_pool", last, None)
        if last in torch_catalog.ELEMENTWISE_FUNCTIONS or (len(parts) == 2 and last in TORCH_ELEMENTWISE):
            return Meaning("torch_elementwise", last, None)
    if len(parts) == 2:
        if last == "flatten":
            return Meaning("torch_flatten", last, None)
        if last in torch_catalog.TENSOR_CONSTRUCTORS:
            return Meaning("torch_tensor", last, None)
        if last in TENSOR_FROM_DATA or last in LEGACY_TENSOR_TYPES:
            return Meaning("torch_data", last, None)
        if last == "randint":
            return Meaning("torch_randint", last, None)
        if last in ("reshape", "unsqueeze", "squeeze", "transpose", "permute"):
            return Meaning("torch_tensor_function", last, None)
    if last == "Variable" and parts[1] == "autograd" and len(parts) in (3, 4):
        return Meaning("torch_variable", last, None)
    if parts[1:3] == ["utils", "data"] and len(parts) in (4, 5):
        if last == "TensorDataset":
            return Meaning("torch_tensor_dataset", last, None)
        if last == "DataLoader":
            return Meaning("torch_data_loader", last, None)
    return None


# torch.* functions that keep their first argument's shape (beyond the activations).
TORCH_ELEMENTWISE = {"exp", "log", "log1p", "expm1", "abs", "sqrt", "rsqrt", "square", "neg", "reciprocal",
                     "sin", "cos", "floor", "ceil", "round", "sign", "clamp", "clip"}
# torch functions that make a tensor from data: the shape of the nesting, or of the array.
TENSOR_FROM_DATA = {"tensor", "as_tensor", "from_numpy"}
# The legacy constructors: sizes when given ints, else data.
LEGACY_TENSOR_TYPES = {"Tensor", "FloatTensor", "DoubleTensor", "LongTensor", "IntTensor"}


def star_exports(module: str):
    """Names a ``from MODULE import *`` brings in that shapelint models."""
    exported = keras_star_exports(module)
    return exported if exported is not None else torch_star_exports(module)


def keras_star_exports(module: str):
    name, _ = canonical(module)
    if name == "keras.layers" or (name.startswith("keras.layers.")):
        return set(catalog.LAYERS) | set(catalog.ALIASES) | set(catalog.MERGE_FUNCTIONS) | {"Input"}
    if name == "keras.models":
        return {"Sequential", "Model"}
    if name == "keras":
        return {"Sequential", "Model", "Input"}
    return None


def torch_star_exports(module: str):
    name, _ = canonical(module)
    if name == "torch.nn":
        return set(torch_catalog.LAYERS) | {"Module", "Sequential", "ModuleList"}
    return None
