"""Synthesis: turn a finding's evidence into a small standalone Keras program.

The program is written from the extracted, literal configuration only: layer classes from
the catalog, argument values that are Python literals, and the wiring between them.  Nothing
from the user's file is executed, imported or copied as code.  When a value the check needs
is not a literal, there is no program and the finding stays *unconfirmed*.

A ``Probe`` says what to run and how to judge it:
  * ``raises``: the program must raise, with one of ``expect`` in the message;
  * ``all_ones``: the program sets ``__result__`` to whether every output is exactly 1.0;
  * ``differs``: the program sets ``__result__`` to a shape that must differ from ``expect``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Tuple

from shapelint.confirm.probe import Probe, Unsynthesizable, render_literal
from shapelint.frameworks import names
from shapelint.frameworks.keras.propagate import INPUT_SPEC_ARGS
from shapelint.core.shapes import UNKNOWN_DIM
from shapelint.interp.values import LayerVal, ListVal, QualName

# Arguments that never change a shape: when their value is not a literal they are left out.
_NEUTRAL_SUFFIXES = ("_initializer", "_regularizer", "_constraint")
_NEUTRAL = {"name", "trainable", "dropout", "recurrent_dropout", "seed", "unroll", "implementation",
            "go_backwards", "time_major", "reset_after", "mask_zero", "dtype", "activation",
            "recurrent_activation", "use_cudnn", "kernel_initializer", "momentum", "epsilon",
            "mask_value", "noise_shape", "rate", "weights", "lora_rank"}
ACTIVATIONS = {"softmax", "relu", "sigmoid", "tanh", "linear", "elu", "selu", "softplus",
               "softsign", "exponential", "gelu", "swish", "silu", "hard_sigmoid", "log_softmax",
               "relu6", "leaky_relu", "mish"}


@dataclass(frozen=True)
class Evidence:
    """What a rule claims, in terms of the extracted IR (attached to its finding)."""

    kind: str  # "build" | "all_ones" | "construct" | "fit" | "ignored_input" | "torch_..."
    expect: Tuple[str, ...] = ()  # substrings of the error Keras raises
    app: Any = None  # the Application where the model breaks
    layer: Any = None  # the LayerVal constructed wrongly
    call: Any = None  # the ModelCall
    arg: str = ""  # the offending argument
    keep: Tuple[str, ...] = ()  # arguments that must be rendered even if neutral
    shape: Any = None  # for ignored_input: the declared shape that Keras does not use
    rename: Tuple[Tuple[str, str], ...] = ()  # other outdated arguments, written as they are now
    # For training calls: run ``method`` on zeros of these shapes on the rebuilt model.
    model: Any = None
    method: str = ""  # predict | predict_on_batch | fit | dataset_predict
    x_shape: Any = None
    y_shape: Any = None
    batch_size: Any = None
    loss: Any = None
    check: str = "raises"  # raises | rows (one sample: how many predictions come back)


# -- values ---------------------------------------------------------------------------------

def render_value(value: Any) -> str:
    """A literal, a layer, or a Keras activation function, as Python source."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return render_literal(value)
    if isinstance(value, tuple):
        inner = ", ".join(render_value(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, ListVal) and value.items is not None:
        return "[" + ", ".join(render_value(v) for v in value.items) + "]"
    if isinstance(value, LayerVal):
        return render_layer(value)
    if isinstance(value, QualName):
        meaning = names.meaning(value.name)
        last = value.name.rsplit(".", 1)[-1]
        canonical, _ = names.canonical(value.name)
        if meaning is not None and meaning.kind == "softmax":
            return repr("softmax")
        if last in ACTIVATIONS and (canonical.startswith("keras.activations.")
                                    or canonical.startswith("tensorflow.nn.")):
            return repr(last)
    raise Unsynthesizable(f"a value that is not a literal ({type(value).__name__})")


def _neutral(name: str) -> bool:
    return name in _NEUTRAL or name.endswith(_NEUTRAL_SUFFIXES)


def render_layer(layer: LayerVal, keep: Tuple[str, ...] = (), input_spec: Tuple[str, ...] = (),
                 rename: Tuple[Tuple[str, str], ...] = (), drop: Tuple[str, ...] = ()) -> str:
    """``keras.layers.Dense(units=1, ...)``.  Input-shape arguments are left out (the program
    declares its inputs itself) unless named in ``input_spec``."""
    if layer.opaque:
        raise Unsynthesizable("**kwargs of unknown content")
    if layer.extra_args:
        raise Unsynthesizable("positional arguments shapelint does not name")
    if layer.spec.name == "Lambda":
        raise Unsynthesizable("a Lambda layer")
    parts = []
    renamed = {old: new for old, new in rename if old not in keep and new not in layer.args}
    for name, value in layer.args.items():
        if name in INPUT_SPEC_ARGS and name not in layer.spec.positional and name not in input_spec:
            continue
        if name in drop:
            continue
        name = renamed.get(name, name)
        try:
            parts.append(f"{name}={render_value(value)}")
        except Unsynthesizable:
            if _neutral(name) and name not in keep:
                continue
            raise
    return f"keras.layers.{layer.spec.name}({', '.join(parts)})"


# -- graphs -------------------------------------------------------------------------------

class GraphWriter:
    """Writes the functional-API program that computes a set of tensors from their inputs."""

    def __init__(self, target=None):
        # Layers before the one under test lose ``stateful``: it never changes a shape, and
        # an earlier stateful layer's own error would hide the error being confirmed.
        self.target = target
        self.lines: List[str] = []
        self.tensors: Dict[int, str] = {}
        self.layers: Dict[int, str] = {}
        self.apps: Dict[int, str] = {}
        self.roots: List[Tuple[str, tuple]] = []

    def tensor(self, tensor) -> str:
        key = id(tensor)
        if key in self.tensors:
            return self.tensors[key]
        if tensor.producer is None:
            if not tensor.root or tensor.shape is None:
                raise Unsynthesizable("a tensor whose origin shapelint cannot reproduce")
            if any(d is UNKNOWN_DIM for d in tensor.shape):
                raise Unsynthesizable("an input dimension that is not a literal")
            var = f"x{len(self.tensors)}"
            self.lines.append(f"{var} = keras.Input(batch_shape={render_value(tuple(tensor.shape))})")
            self.roots.append((var, tuple(tensor.shape)))
            self.tensors[key] = var
            return var
        app = tensor.producer
        output = self.apply(app)
        if isinstance(app.output, tuple):
            index = next((i for i, t in enumerate(app.output) if t is tensor), None)
            if index is None:
                raise Unsynthesizable("an output shapelint cannot locate")
            var = f"x{len(self.tensors)}"
            self.lines.append(f"{var} = {output}[{index}]")
        else:
            var = output
        self.tensors[key] = var
        return var

    def apply(self, app) -> str:
        """The variable holding ``app``'s output (written once, however often it is used)."""
        if id(app) in self.apps:
            return self.apps[id(app)]
        inputs = [self.tensor(t) for t in app.inputs]
        layer = self.layer(app.layer)
        var = f"y{len(self.apps)}"
        argument = f"[{', '.join(inputs)}]" if app.layer.spec.kind == "merge" else inputs[0]
        self.lines.append(f"{var} = {layer}({argument})")
        self.apps[id(app)] = var
        return var

    def layer(self, layer: LayerVal, keep: Tuple[str, ...] = (), input_spec: Tuple[str, ...] = ()) -> str:
        key = id(layer)
        if key not in self.layers:
            var = f"layer{len(self.layers)}"
            drop = () if layer is self.target or self.target is None else ("stateful",)
            self.lines.append(f"{var} = {render_layer(layer, keep, input_spec, drop=drop)}")
            self.layers[key] = var
        return self.layers[key]


def _sample_shape(shape) -> tuple:
    """A concrete input shape for an eager call: free axes get small sizes."""
    return tuple((2 if i == 0 else 3) if d is None else d for i, d in enumerate(shape))


# -- probes -------------------------------------------------------------------------------

def synthesize(evidence: Evidence, target_keras: int) -> Probe:
    """The program for ``evidence``; raises ``Unsynthesizable``."""
    keras = target_keras
    if evidence.layer is not None:
        keras = evidence.layer.keras
    elif evidence.app is not None:
        keras = evidence.app.layer.keras
    kind = evidence.kind
    if kind == "build":
        app = evidence.app.parent or evidence.app
        writer = GraphWriter(target=app.layer)
        writer.apply(app)
        return Probe("\n".join(writer.lines), "raises", evidence.expect, keras)
    if kind == "all_ones":
        writer = GraphWriter()
        if evidence.app is not None:
            out = writer.apply(evidence.app)
        else:
            layer = evidence.layer
            shape = {"Dense": (None, 4), "Conv1D": (None, 64, 2), "Conv2D": (None, 64, 64, 2)}[layer.name]
            writer.lines.append(f"x0 = keras.Input(batch_shape={render_value(shape)})")
            writer.roots.append(("x0", shape))
            out = f"{writer.layer(layer, keep=('activation',))}(x0)"
        roots = writer.roots
        samples = ", ".join(
            f"rng.standard_normal({render_value(_sample_shape(shape))}).astype('float32')"
            for _, shape in roots)
        writer.lines += [
            f"model = keras.Model([{', '.join(v for v, _ in roots)}], {out})",
            "rng = np.random.default_rng(0)",
            f"prediction = np.asarray(model([{samples}]))",
            "__result__ = bool(prediction.size) and bool(np.all(prediction == 1.0))",
        ]
        return Probe("\n".join(writer.lines), "all_ones", (), keras)
    if kind == "construct":
        layer = evidence.layer
        if layer.spec.kind == "input":
            args = {k: v for k, v in layer.args.items()}
            parts = ", ".join(f"{k}={render_value(v)}" for k, v in args.items() if not _neutral(k))
            call = "keras.Input" if layer.alias == "Input" else "keras.layers.InputLayer"
            return Probe(f"{call}({parts})", "raises", evidence.expect, keras)
        program = render_layer(layer, keep=evidence.keep, input_spec=evidence.keep,
                               rename=evidence.rename)
        if evidence.arg in ("input_dim",) and layer.spec.recurrent:
            program = f"keras.Sequential([{program}])"
        return Probe(program, "raises", evidence.expect, keras)
    if kind == "fit":
        call = evidence.call
        program = "\n".join([
            "model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])",
            "model.compile(loss='mse', optimizer='sgd')",
            f"model.{call.method}(np.zeros((2, 1)), np.zeros((2, 1)), "
            f"{evidence.arg}={render_value(call.kwargs[evidence.arg])}, verbose=0)",
        ])
        return Probe(program, "raises", evidence.expect, keras)
    if kind == "ignored_input":
        app = evidence.app
        writer = GraphWriter()
        inputs = writer.tensor(app.inputs[0])
        layer = writer.layer(app.layer, input_spec=(evidence.arg,))
        writer.lines += [f"output = {layer}({inputs})",
                         f"__result__ = tuple({layer}.input.shape)"]
        return Probe("\n".join(writer.lines), "differs", (tuple(evidence.shape),), keras)
    if kind == "reset_states":
        program = "\n".join([
            "model = keras.Sequential([keras.Input(batch_shape=(1, 2, 1)), keras.layers.LSTM(2, stateful=True)])",
            "model.reset_states()",
        ])
        return Probe(program, "raises", evidence.expect, keras)
    if kind == "model_call":
        return _model_call(evidence, keras)
    raise Unsynthesizable(f"no synthesis for {kind}")


def _concrete(shape, samples: int) -> tuple:
    if shape is None or any(d is UNKNOWN_DIM or d is None for d in shape[1:]):
        raise Unsynthesizable("data whose shape is not fully known")
    return (samples,) + tuple(shape[1:])


def _model_call(evidence: Evidence, keras: int) -> Probe:
    from shapelint.frameworks.keras.training import model_output

    output = model_output(evidence.model)
    if output is None:
        raise Unsynthesizable("a model whose output shapelint cannot rebuild")
    writer = GraphWriter()
    out = writer.tensor(output)
    if len(writer.roots) != 1:
        raise Unsynthesizable("a model with several inputs")
    lines = writer.lines + [f"model = keras.Model({writer.roots[0][0]}, {out})"]
    samples = evidence.x_shape[0] if isinstance(evidence.x_shape[0], int) else 4
    x = f"np.zeros({render_value(_concrete(evidence.x_shape, samples))}, dtype='float32')"
    batch = f", batch_size={evidence.batch_size}" if evidence.batch_size else ""
    if evidence.method == "fit":
        y_samples = evidence.y_shape[0] if isinstance(evidence.y_shape[0], int) else samples
        y = f"np.zeros({render_value(_concrete(evidence.y_shape, y_samples))}, dtype='float32')"
        lines += [f"model.compile(loss={evidence.loss!r}, optimizer='sgd')",
                  f"model.fit({x}, {y}, epochs=1, verbose=0{batch})"]
    elif evidence.method == "dataset_predict":
        lines += [f"model.predict(tf.data.Dataset.from_tensor_slices({x}), verbose=0)"]
    elif evidence.method == "predict_on_batch":
        lines += [f"model.predict_on_batch({x})"]
    else:
        lines += [f"__result__ = int(model.predict({x}, verbose=0{batch}).shape[0])"]
    return Probe("\n".join(lines), evidence.check, evidence.expect, keras)
