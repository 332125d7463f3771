"""Synthesis: the pieces a Keras finding's evidence (``evidence.py``) writes its program with.

The program is written from the extracted, literal configuration only: layer classes from
the catalog, argument values that are Python literals, and the wiring between them.  Nothing
from the user's file is executed, imported or copied as code.  When a value the check needs
is not a literal, there is no program and the finding stays *unconfirmed*.
"""
from __future__ import annotations

import itertools
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

    def input_shape(self, shape: tuple) -> tuple:
        """The batch shape an input is declared with: every size a literal."""
        if any(d is UNKNOWN_DIM for d in shape):
            raise Unsynthesizable("an input dimension that is not a literal")
        return shape

    def tensor(self, tensor) -> str:
        key = id(tensor)
        if key in self.tensors:
            return self.tensors[key]
        if tensor.producer is None:
            if not tensor.root or tensor.shape is None:
                raise Unsynthesizable("a tensor whose origin shapelint cannot reproduce")
            shape = self.input_shape(tuple(tensor.shape))
            var = f"x{len(self.tensors)}"
            self.lines.append(f"{var} = keras.Input(batch_shape={render_value(shape)})")
            self.roots.append((var, shape))
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


# -- graphs on an input the code never gives -------------------------------------------------

# A sample input of each rank, batch axis first, big enough for the usual kernels and pools.
_SAMPLES = {2: (2, 6), 3: (2, 16, 3), 4: (2, 16, 16, 3), 5: (2, 8, 8, 8, 3)}
_ANY_RANK = (2, 3, 4)


def candidate_inputs(layers) -> List[Tuple[tuple, str]]:
    """Inputs valid for the layers that read a graph's unknown input, from their catalog
    entries: one sample of each rank they accept (float, and int too for an Embedding)."""
    candidates: List[Tuple[tuple, str]] = []
    for layer in layers:
        ranks = sorted(layer.spec.ranks) if layer.spec.ranks else _ANY_RANK
        dtypes = ("int32", "float32") if layer.spec.name == "Embedding" else ("float32",)
        for rank in ranks:
            shape = _SAMPLES.get(rank)
            for dtype in dtypes:
                if shape is not None and (shape, dtype) not in candidates:
                    candidates.append((shape, dtype))
    return candidates


def _graph_below(app, cuts):
    """The applications computing ``app``'s inputs from ``cuts`` on, and the tensors they start
    from (``cuts``, and any other input)."""
    apps, roots, stack = {}, [], list(app.inputs)
    while stack:
        tensor = stack.pop()
        producer = None if any(tensor is cut for cut in cuts) else tensor.producer
        if producer is None:
            if all(t is not tensor for t in roots):
                roots.append(tensor)
        elif id(producer) not in apps:
            apps[id(producer)] = producer
            stack.extend(producer.inputs)
    return apps, roots


_MAX_COMBINATIONS = 16


def any_input_program(app, cuts, expect) -> str:
    """The program showing that ``app`` fails to build for every input its graph can be
    built with, when the code never says what that input is: ``cuts``, tensors of unknown
    shape, the graph's only inputs (the model's own, or the input of the layer whose output
    does not depend on it, when what computes it cannot be written down).

    The graph is written as a function of its inputs and built for several candidate inputs
    valid for the layers that read each of them.  It raises the layer's error (one of
    ``expect``) only when the layers before ``app`` build for at least one candidate and, for
    every candidate they build for, ``app`` raises that error; it ends without an error when
    ``app`` builds for one of them (refuted), and raises another error in any other case."""
    apps, roots = _graph_below(app, cuts)
    if not roots or any(root.shape is not None or all(root is not cut for cut in cuts) for root in roots):
        raise Unsynthesizable("a graph with inputs of known and unknown shapes")
    per_root = []
    for root in roots:
        readers = [a.layer for a in list(apps.values()) + [app] if any(t is root for t in a.inputs)]
        per_root.append(candidate_inputs(readers))
    candidates = [tuple(combination) for combination in itertools.product(*per_root)]
    if not candidates or len(candidates) > _MAX_COMBINATIONS:
        raise Unsynthesizable("no input to try, or too many combinations of inputs")
    writer = GraphWriter(target=app.layer)
    names = [f"x{i}_" for i in range(len(roots))]
    for root, name in zip(roots, names):
        writer.tensors[id(root)] = name
    for tensor in app.inputs:
        writer.tensor(tensor)
    prefix = len(writer.lines)
    writer.apply(app)
    body = writer.lines[:prefix] + ["stage[0] = 1"] + writer.lines[prefix:]
    expected = render_value(tuple(expect))
    return "\n".join([
        "stage = [0]",
        f"def build({', '.join(names)}):",
        *[f"    {line}" for line in body],
        f"candidates = {render_value(tuple(candidates))}",
        f"expected = {expected}",
        "failure = None",
        "outcome = None",
        "for combination in candidates:",
        "    stage[0] = 0",
        "    try:",
        "        build(*[keras.Input(batch_shape=shape, dtype=dtype) for shape, dtype in combination])",
        "    except Exception as exc:",
        "        if stage[0] == 0:",
        "            continue",
        "        if not any(text in str(exc) for text in expected):",
        "            outcome = 'another error (' + type(exc).__name__ + ') for inputs ' + repr(combination)",
        "            break",
        "        failure = exc",
        "    else:",
        "        outcome = 'builds'",
        "        break",
        "if outcome is None and failure is None:",
        "    outcome = 'the layers before it build for none of the inputs tried'",
        "if outcome is None:",
        "    raise failure",
        "if outcome != 'builds':",
        "    raise RuntimeError(outcome)",
    ])
