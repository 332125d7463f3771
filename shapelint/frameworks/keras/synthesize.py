"""Synthesis: the pieces a Keras finding's evidence (``evidence.py``) writes its program with.

The program is written from the extracted, literal configuration only: layer classes from
the catalog, argument values that are Python literals, and the wiring between them.  Nothing
from the user's file is executed, imported or copied as code.  When a value the check needs
is not a literal, there is no program and the finding stays *unconfirmed*.
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from shapelint.confirm.probe import Unsynthesizable, render_literal
from shapelint.core.shapes import UNKNOWN_DIM
from shapelint.frameworks import names
from shapelint.frameworks.keras.propagate import INPUT_SPEC_ARGS, LayerVal
from shapelint.interp.values import ListVal, QualName

# Arguments that never change a shape: when their value is not a literal they are left out.
_NEUTRAL_SUFFIXES = ("_initializer", "_regularizer", "_constraint")
_NEUTRAL = {"name", "trainable", "dropout", "recurrent_dropout", "seed", "unroll", "implementation",
            "go_backwards", "time_major", "reset_after", "mask_zero", "dtype", "activation",
            "recurrent_activation", "use_cudnn", "kernel_initializer", "momentum", "epsilon",
            "mask_value", "noise_shape", "rate", "weights", "lora_rank"}
ACTIVATIONS = {"softmax", "relu", "sigmoid", "tanh", "linear", "elu", "selu", "softplus",
               "softsign", "exponential", "gelu", "swish", "silu", "hard_sigmoid", "log_softmax",
               "relu6", "leaky_relu", "mish"}


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


def neutral(name: str) -> bool:
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
            if neutral(name) and name not in keep:
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
        argument = f"[{', '.join(inputs)}]" if app.layer.spec.kind == "merge" else ", ".join(inputs)
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


def sample_shape(shape) -> tuple:
    """A concrete input shape for an eager call: free axes get small sizes."""
    return tuple((2 if i == 0 else 3) if d is None else d for i, d in enumerate(shape))


def concrete(shape, samples: int) -> tuple:
    """Data of ``shape`` with ``samples`` rows; every other axis must be known."""
    if shape is None or any(d is UNKNOWN_DIM or d is None for d in shape[1:]):
        raise Unsynthesizable("data whose shape is not fully known")
    return (samples,) + tuple(shape[1:])
