"""Keras loss objects and functions, read as the loss string they mean
(``keras.losses.SparseCategoricalCrossentropy()`` is ``"sparse_categorical_crossentropy"``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from shapelint.interp.values import UNKNOWN, AbstractValue

# Loss classes -> the string spelling of the same loss.
LOSS_CLASSES = {
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
    "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
    "BinaryFocalCrossentropy": "binary_focal_crossentropy",
    "KLDivergence": "kl_divergence",
    "MeanSquaredError": "mean_squared_error",
    "MeanAbsoluteError": "mean_absolute_error",
    "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "Huber": "huber",
    "LogCosh": "log_cosh",
}
# Loss functions (``loss=keras.losses.categorical_crossentropy``).
LOSS_FUNCTIONS = set(LOSS_CLASSES.values()) | {
    "mse", "mae", "msle", "kullback_leibler_divergence", "logcosh", "kld",
}


@dataclass(eq=False)
class LossVal(AbstractValue):
    """An instance of a Keras loss class whose arguments do not change what it compares."""

    name: str  # the string spelling


def loss_object(cls: str, args, kwargs, opaque) -> Any:
    name = LOSS_CLASSES.get(cls)
    if name is None or opaque or args or kwargs.get("axis", -1) != -1:
        return UNKNOWN  # positional arguments and another axis: not followed
    return LossVal(name)


def function_loss(qualname: str) -> Optional[str]:
    """``keras.losses.sparse_categorical_crossentropy`` (canonical spelling) -> its string."""
    parts = qualname.split(".")
    if len(parts) >= 3 and parts[0] == "keras" and parts[-2] in ("losses", "metrics") \
            and parts[-1] in LOSS_FUNCTIONS:
        return parts[-1]
    return None
