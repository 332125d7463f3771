"""Evidence for data findings whose sizes are partly unknown (``X.reshape(X.shape[0],
X.shape[1], 1)`` against ``input_shape=(X.shape[1], 3)``): the confirmation program gives
every unknown size one stand-in value, in the data and in the model input alike, so only the
sizes the finding rests on (known on both sides) decide."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Tuple

from shapelint.confirm.probe import Probe, Unsynthesizable
from shapelint.core.shapes import UNKNOWN_DIM
from shapelint.frameworks.keras.evidence import KerasEvidence, ModelCallFails
from shapelint.frameworks.keras.synthesize import GraphWriter, concrete, render_value
from shapelint.frameworks.keras.training import model_output

STAND_IN = 7  # the size given to every unknown axis


class _FilledWriter(GraphWriter):
    """Writes the model with its unknown input sizes set to ``STAND_IN``."""

    def input_shape(self, shape: tuple) -> tuple:
        return _filled(shape)


def _filled(shape) -> tuple:
    return tuple(STAND_IN if d is UNKNOWN_DIM else d for d in shape)


@dataclass(frozen=True)
class ModelCallFailsAnySize(ModelCallFails):
    """``ModelCallFails`` where unknown sizes of the data and of the model input are the same
    stand-in size."""

    def writer(self) -> GraphWriter:
        return _FilledWriter()

    def data_shape(self, shape: Tuple[Any, ...]) -> Tuple[Any, ...]:
        return _filled(shape)


@dataclass(frozen=True)
class ChainPredictFails(KerasEvidence):
    """A chain of layers (``layers``, first to last) built as a Sequential model on inputs of
    ``declared`` shape, then given zeros of ``x_shape``: raises one of ``expect`` (the layer
    the data's sizes reach with another last axis than its weights were built for)."""

    layers: Tuple[Any, ...]
    declared: Tuple[Any, ...]  # without the batch axis
    x_shape: Tuple[Any, ...]
    expect: Tuple[str, ...]

    def synthesize(self, target_keras: int) -> Probe:
        if not all(isinstance(d, int) or d is None for d in self.declared) \
                or not all(isinstance(d, int) for d in self.x_shape):
            raise Unsynthesizable("data whose shape is not fully known")
        writer = GraphWriter()
        names = [writer.layer(layer) for layer in self.layers]
        lines = writer.lines + [
            f"model = keras.Sequential([keras.Input(shape={render_value(tuple(self.declared))}), "
            f"{', '.join(names)}])",
            f"model.predict(np.zeros({render_value(tuple(self.x_shape))}, dtype='float32'), verbose=0)",
        ]
        return Probe("\n".join(lines), "raises", self.expect, target_keras)


@dataclass(frozen=True)
class SingleUnitCrossentropy(KerasEvidence):
    """``categorical_crossentropy`` over a model's single output unit: on random data and labels
    of ``y_shape`` (0, 1, 2, ...) TensorFlow's loss is ~0 (the one score is normalised to 1)."""

    model: Any
    x_shape: Tuple[Any, ...]
    y_shape: Tuple[Any, ...]

    def synthesize(self, target_keras: int) -> Probe:
        output = model_output(self.model)
        if output is None:
            raise Unsynthesizable("a model whose output shapelint cannot rebuild")
        writer = _FilledWriter()
        out = writer.tensor(output)
        if len(writer.roots) != 1:
            raise Unsynthesizable("a model with several inputs")
        x = concrete(_filled(self.x_shape), 8)
        y = concrete(_filled(self.y_shape), 8)
        lines = writer.lines + [
            f"model = keras.Model({writer.roots[0][0]}, {out})",
            "model.compile(loss='categorical_crossentropy', optimizer='sgd')",
            f"x = np.random.default_rng(0).random({render_value(x)}).astype('float32')",
            f"y = (np.arange(int(np.prod({render_value(y)}))) % 3).reshape({render_value(y)}).astype('float32')",
            "loss = float(model.evaluate(x, y, verbose=0))",
            "if abs(loss) < 1e-5:",
            "    raise ValueError(f'categorical_crossentropy over one unit is {loss:.1e} on labels 0..2')",
        ]
        return Probe("\n".join(lines), "raises", ("categorical_crossentropy over one unit is",), target_keras)
