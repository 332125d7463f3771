"""What a Keras finding claims, as typed evidence that writes its own confirmation program.

Each class is one kind of claim a rule makes ("building this graph fails with ...", "this
softmax outputs 1.0 everywhere", "predict on this data fails with ...").  ``synthesize``
writes a standalone Keras program from the extracted literal configuration and says how to
judge its run (a ``Probe``); it raises ``Unsynthesizable`` when something is not a literal.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Tuple

from shapelint.confirm.probe import Probe, Unsynthesizable
from shapelint.core.rule import Evidence
from shapelint.frameworks.keras.propagate import unknown_input_source, upstream
from shapelint.frameworks.keras.synthesize import (
    GraphWriter,
    any_input_program,
    concrete,
    neutral,
    render_layer,
    render_value,
    sample_shape,
)
from shapelint.frameworks.keras.training import model_output


class KerasEvidence(Evidence):
    framework = "keras"

    def keras_version(self, target_keras: int) -> int:
        """Keras 2 when the code spells it so (tf_keras), else the configured target."""
        layer = getattr(self, "layer", None)
        app = getattr(self, "app", None)
        if layer is not None:
            return layer.keras
        if app is not None:
            return app.layer.keras
        return target_keras


@dataclass(frozen=True)
class BuildFails(KerasEvidence):
    """Building the graph up to ``app`` raises an error containing one of ``expect``."""

    app: Any  # the Application where the model breaks
    expect: Tuple[str, ...]

    def synthesize(self, target_keras: int) -> Probe:
        app = self.app.parent or self.app
        _apps, roots = upstream(app.inputs)
        if any(root.shape is None for root in roots):
            return Probe(self._any_input(app, roots), "raises", self.expect, self.keras_version(target_keras))
        writer = GraphWriter(target=app.layer)
        writer.apply(app)
        return Probe("\n".join(writer.lines), "raises", self.expect, self.keras_version(target_keras))

    def _any_input(self, app, roots) -> str:
        """The code never gives the graph's input: built for several candidate inputs, from the
        model's input, else from the input of the layer whose output does not depend on it."""
        try:
            return any_input_program(app, roots, self.expect)
        except Unsynthesizable:
            pass
        sources = [unknown_input_source(tensor) for tensor in app.inputs]
        if not sources or any(source is None or len(source.inputs) != 1 for source in sources):
            raise Unsynthesizable("a graph whose unknown input shapelint cannot replace")
        return any_input_program(app, [source.inputs[0] for source in sources], self.expect)


_ALL_ONES_INPUT = {"Dense": (None, 4), "Conv1D": (None, 64, 2), "Conv2D": (None, 64, 64, 2)}


@dataclass(frozen=True)
class AllOnes(KerasEvidence):
    """A softmax over one unit: every output is exactly 1.0 (``app``'s graph, or ``layer`` alone)."""

    app: Any = None
    layer: Any = None

    def synthesize(self, target_keras: int) -> Probe:
        writer = GraphWriter()
        if self.app is not None:
            out = writer.apply(self.app)
        else:
            shape = _ALL_ONES_INPUT.get(self.layer.name)
            if shape is None:
                raise Unsynthesizable(f"no sample input for {self.layer.name}")
            writer.lines.append(f"x0 = keras.Input(batch_shape={render_value(shape)})")
            writer.roots.append(("x0", shape))
            out = f"{writer.layer(self.layer, keep=('activation',))}(x0)"
        roots = writer.roots
        samples = ", ".join(
            f"rng.standard_normal({render_value(sample_shape(shape))}).astype('float32')"
            for _, shape in roots)
        writer.lines += [
            f"model = keras.Model([{', '.join(v for v, _ in roots)}], {out})",
            "rng = np.random.default_rng(0)",
            f"prediction = np.asarray(model([{samples}]))",
            "__result__ = bool(prediction.size) and bool(np.all(prediction == 1.0))",
        ]
        return Probe("\n".join(writer.lines), "all_ones", (), self.keras_version(target_keras))


@dataclass(frozen=True)
class ConstructionFails(KerasEvidence):
    """Constructing ``layer`` (``keep``: arguments written even if neutral; ``rename``: other
    outdated arguments, written as they are spelled now) raises one of ``expect``."""

    layer: Any
    expect: Tuple[str, ...]
    arg: str = ""
    keep: Tuple[str, ...] = ()
    rename: Tuple[Tuple[str, str], ...] = ()

    def synthesize(self, target_keras: int) -> Probe:
        layer = self.layer
        keras = self.keras_version(target_keras)
        if layer.spec.kind == "input":
            parts = ", ".join(f"{k}={render_value(v)}" for k, v in layer.args.items() if not neutral(k))
            call = "keras.Input" if layer.alias == "Input" else "keras.layers.InputLayer"
            return Probe(f"{call}({parts})", "raises", self.expect, keras)
        program = render_layer(layer, keep=self.keep, input_spec=self.keep, rename=self.rename)
        if self.arg == "input_dim" and layer.spec.recurrent:
            program = f"keras.Sequential([{program}])"
        return Probe(program, "raises", self.expect, keras)


@dataclass(frozen=True)
class CallArgumentFails(KerasEvidence):
    """``model.<method>(..., arg=value)`` raises one of ``expect`` on any model."""

    call: Any  # the ModelCall
    arg: str
    expect: Tuple[str, ...]

    def synthesize(self, target_keras: int) -> Probe:
        program = "\n".join([
            "model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])",
            "model.compile(loss='mse', optimizer='sgd')",
            f"model.{self.call.method}(np.zeros((2, 1)), np.zeros((2, 1)), "
            f"{self.arg}={render_value(self.call.kwargs[self.arg])}, verbose=0)",
        ])
        return Probe(program, "raises", self.expect, target_keras)


@dataclass(frozen=True)
class InputIgnored(KerasEvidence):
    """``arg`` declares ``shape`` on ``app``'s layer, but the layer is built for another."""

    app: Any
    arg: str
    shape: Tuple[Any, ...]

    def synthesize(self, target_keras: int) -> Probe:
        writer = GraphWriter()
        inputs = writer.tensor(self.app.inputs[0])
        layer = writer.layer(self.app.layer, input_spec=(self.arg,))
        writer.lines += [f"output = {layer}({inputs})", f"__result__ = tuple({layer}.input.shape)"]
        return Probe("\n".join(writer.lines), "differs", (tuple(self.shape),),
                     self.keras_version(target_keras))


@dataclass(frozen=True)
class ModelMethodMissing(KerasEvidence):
    """``model.<method>`` on a Keras 3 model (``reset_states``, ``predict_classes``,
    ``fit_generator``...: the method is gone)."""

    expect: Tuple[str, ...]
    method: str = "reset_states"

    def synthesize(self, target_keras: int) -> Probe:
        if not self.method.isidentifier():
            raise Unsynthesizable("not a method name")
        if self.method == "reset_states":
            program = "\n".join([
                "model = keras.Sequential([keras.Input(batch_shape=(1, 2, 1)), "
                "keras.layers.LSTM(2, stateful=True)])",
                "model.reset_states()",
            ])
        else:
            program = "\n".join([
                "model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])",
                "model.compile(loss='mse', optimizer='sgd')",
                f"model.{self.method}",
            ])
        return Probe(program, "raises", self.expect, target_keras)


def _dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


@dataclass(frozen=True)
class ImportFails(KerasEvidence):
    """``import keras.utils.np_utils`` / ``from keras.layers import CuDNNLSTM`` raises an
    ImportError (``statement``: ``import A`` or ``from A import B``, dotted names only)."""

    statement: str
    expect: Tuple[str, ...] = ("No module named", "cannot import name")

    def synthesize(self, target_keras: int) -> Probe:
        words = self.statement.split()
        if not (len(words) == 2 and words[0] == "import" and _dotted(words[1])) and not (
                len(words) == 4 and words[0] == "from" and words[2] == "import"
                and _dotted(words[1]) and words[3].isidentifier()):
            raise Unsynthesizable("not a plain import statement")
        # The worker reads an ImportError as "Keras is not installed": the import's own error is
        # raised again with the same name and message (without the file path), as a plain
        # Exception, so that the verdict quotes it.
        program = "\n".join([
            "try:",
            f"    {self.statement}",
            "except ImportError as exc:",
            "    failure = exc",
            "else:",
            "    failure = None",
            "if failure is not None:",
            "    raise type(type(failure).__name__, (Exception,), {})(str(failure).split(' (')[0]) from None",
        ])
        return Probe(program, "raises", self.expect, 3)


@dataclass(frozen=True)
class AttributeMissing(KerasEvidence):
    """``keras.layers.CuDNNLSTM`` (or ``tensorflow.keras...``) raises an AttributeError."""

    qualname: str
    expect: Tuple[str, ...] = ("has no attribute",)

    def synthesize(self, target_keras: int) -> Probe:
        root = self.qualname.split(".")[0]
        if root not in ("keras", "tensorflow") or not _dotted(self.qualname):
            raise Unsynthesizable("not a Keras name")
        return Probe(f"import {root}\n{self.qualname}", "raises", self.expect, 3)


@dataclass(frozen=True)
class OptimizerArgumentFails(KerasEvidence):
    """``keras.optimizers.<optimizer>(<arg>=value)`` raises one of ``expect``."""

    optimizer: str
    arg: str
    value: Any
    expect: Tuple[str, ...] = ("not recognized",)

    def synthesize(self, target_keras: int) -> Probe:
        if not (self.optimizer.isidentifier() and self.arg.isidentifier()):
            raise Unsynthesizable("not a name")
        number = isinstance(self.value, (int, float)) and not isinstance(self.value, bool) \
            and self.value == self.value and abs(self.value) != float("inf")
        value = repr(self.value) if number else "0.01"
        return Probe(f"keras.optimizers.{self.optimizer}({self.arg}={value})", "raises", self.expect, 3)


@dataclass(frozen=True)
class ModelCallFails(KerasEvidence):
    """Running ``method`` on the rebuilt model with zeros of ``x_shape`` (and ``y_shape``)
    raises one of ``expect``; ``check="rows"``: returns more than one prediction for what
    was meant as one sample."""

    model: Any
    method: str  # predict | predict_on_batch | fit | dataset_predict
    x_shape: Tuple[Any, ...]
    expect: Tuple[str, ...]
    y_shape: Optional[Tuple[Any, ...]] = None
    batch_size: Optional[int] = None
    loss: Optional[str] = None
    check: str = "raises"  # raises | rows

    def writer(self) -> GraphWriter:
        """What writes the model (a subclass may give unknown input sizes a stand-in)."""
        return GraphWriter()

    def data_shape(self, shape: Tuple[Any, ...]) -> Tuple[Any, ...]:
        """The data's shape as written in the program (unknown sizes left to ``concrete``)."""
        return shape

    def synthesize(self, target_keras: int) -> Probe:
        output = model_output(self.model)
        if output is None:
            raise Unsynthesizable("a model whose output shapelint cannot rebuild")
        writer = self.writer()
        out = writer.tensor(output)
        if len(writer.roots) != 1:
            raise Unsynthesizable("a model with several inputs")
        lines = writer.lines + [f"model = keras.Model({writer.roots[0][0]}, {out})"]
        samples = self.x_shape[0] if isinstance(self.x_shape[0], int) else 4
        x = f"np.zeros({render_value(concrete(self.data_shape(self.x_shape), samples))}, dtype='float32')"
        batch = f", batch_size={render_value(self.batch_size)}" if self.batch_size else ""
        if self.method == "fit":
            if self.y_shape is None:
                raise Unsynthesizable("fit without targets")
            y_samples = self.y_shape[0] if isinstance(self.y_shape[0], int) else samples
            y = f"np.zeros({render_value(concrete(self.data_shape(self.y_shape), y_samples))}, dtype='float32')"
            lines += [f"model.compile(loss={render_value(self.loss)}, optimizer='sgd')",
                      f"model.fit({x}, {y}, epochs=1, verbose=0{batch})"]
        elif self.method == "dataset_predict":
            lines += [f"model.predict(tf.data.Dataset.from_tensor_slices({x}), verbose=0)"]
        elif self.method == "predict_on_batch":
            lines += [f"model.predict_on_batch({x})"]
        else:
            lines += [f"__result__ = int(model.predict({x}, verbose=0{batch}).shape[0])"]
        return Probe("\n".join(lines), self.check, self.expect, target_keras)
