"""Keras values (layers, Sequential and functional models) and symbolic shape propagation:
apply catalogued layers to symbolic tensors.

Called by the extraction interpreter whenever a layer meets a tensor (``model.add``,
``Sequential([...])``, ``layer(x)``); every application is recorded in the ``Analysis`` with
its input and output shapes, and the rules judge those records.  A layer whose input is not
valid for it yields a tensor of unknown shape, so one mistake is reported once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from shapelint.core.analysis import Analysis, Application, ModelCall
from shapelint.core.layers import LayerConstruction
from shapelint.core.shapes import UNKNOWN_DIM, Origin, Tensor, format_shape
from shapelint.frameworks.data.arrays import ArrayVal, batch_shapes
from shapelint.frameworks.keras import catalog
from shapelint.frameworks.keras.catalog import dim_of, shape_of
from shapelint.interp.values import UNKNOWN, AbstractValue, BoundMethod, ListVal, sequence_items

INPUT_SPEC_ARGS = ("input_shape", "batch_input_shape", "input_dim", "input_length", "batch_size")
# Methods of a model that do not change its structure.
MODEL_METHODS_PURE = {
    "compile", "summary", "save", "save_weights", "load_weights", "get_weights",
    "set_weights", "count_params", "to_json", "get_config", "get_layer", "export",
    "reset_metrics",
}
# Methods of a model the training rules judge: recorded as ``ModelCall``.
MODEL_CALLS = {"fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
               "reset_states", "fit_generator", "evaluate_generator", "predict_generator",
               "predict_classes", "predict_proba"}
# The calls that feed a model data: the first of them builds a model that declares no input.
DATA_CALLS = MODEL_CALLS - {"reset_states"}


# -- Keras values ---------------------------------------------------------------------------

@dataclass(eq=False)
class LayerVal(LayerConstruction, AbstractValue):
    """One construction of a catalogued Keras layer, with its literal arguments."""

    spec: Any  # catalog.LayerSpec
    node: Any  # the libcst Call
    args: Dict[str, Any]
    opaque: bool = False  # **kwargs of unknown content: every unnamed argument is unknown
    keras: int = 3  # the Keras major version this construction targets
    inner: Optional["LayerVal"] = None  # the layer wrapped by TimeDistributed / Bidirectional
    alias: str = ""  # the name it was called by, when not the class name (``Input``)
    extra_args: bool = False  # positional arguments beyond those the catalog names

    def given(self, name: str) -> bool:
        """Written in the call (even as ``None``: Keras 3 rejects ``batch_size=None`` too)."""
        return name in self.args

    def set(self, name: str) -> bool:
        """Given with a known value other than ``None`` (what Keras' ``is not None`` checks
        see).  An unknown value might be None: not set, as far as any rule is concerned."""
        return name in self.args and self.args[name] is not None and self.args[name] is not UNKNOWN

    def input_spec(self, name: str) -> bool:
        """``name`` declares the input shape here: set, and not one of the layer's own
        parameters (``Embedding(input_dim=...)`` is a vocabulary size, not an input shape)."""
        return self.set(name) and name not in self.spec.positional

    @property
    def name(self) -> str:
        return self.alias or self.spec.name

    # -- what the interpreter asks --
    def call(self, interp, args, kwargs, opaque, node, frame):
        inputs = catalog.call_inputs(self, args, kwargs, opaque)  # mha(query, value), return_attention_scores
        if inputs is UNKNOWN:
            return UNKNOWN
        if inputs is not None:
            return apply_layer(interp.analysis, self, [as_tensor(v) for v in inputs], node)
        return apply_layer_call(interp.analysis, self, args, node)

    def attribute(self, interp, name, node, frame):
        return BoundMethod(self, name)

    def mutated(self, interp, target, frame):
        self.args = {}
        self.opaque = True  # every argument is unknown from now on


def make_layer(spec, node, args, kwargs, opaque, keras) -> LayerVal:
    named = dict(kwargs)
    for index, value in enumerate(args):
        if index < len(spec.positional):
            named.setdefault(spec.positional[index], value)
    inner = named.get("layer")
    return LayerVal(spec=spec, node=node, args=named, opaque=opaque, keras=keras,
                    inner=inner if isinstance(inner, LayerVal) else None,
                    extra_args=len(args) > len(spec.positional))


@dataclass(eq=False)
class UnknownLayer(AbstractValue):
    """A layer shapelint does not model (custom, Lambda without output_shape, unresolved)."""

    node: Any = None


class _Model(AbstractValue):
    """What Sequential and functional models share: calling one, and ``fit``/``compile``."""

    def call(self, interp, args, kwargs, opaque, node, frame):
        return apply_model(interp.analysis, self, args[0] if args else UNKNOWN, node)

    def attribute(self, interp, name, node, frame):
        return BoundMethod(self, name)

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if name in MODEL_CALLS or name == "compile":
            interp.analysis.model_calls.append(ModelCall(self, name, node, list(args), dict(kwargs), opaque))
            return UNKNOWN  # data is read, never changed: nothing escapes
        if name in MODEL_METHODS_PURE:
            return UNKNOWN
        return self.changed_by(interp)

    def changed_by(self, interp):
        """Any other method call: it may have changed the model."""
        return UNKNOWN


@dataclass(eq=False)
class SequentialVal(_Model):
    """A ``Sequential`` model as it is being built."""

    node: Any
    keras: int = 3
    entries: List[Any] = field(default_factory=list)  # LayerVal | model | UnknownLayer
    input: Any = None  # Tensor fed to the first layer, when known
    output: Any = None  # Tensor after the last layer
    uncertain: bool = False  # mutated where shapelint could not follow
    # Deferred build: the model declares no input, and its first call or data call has
    # happened (it built the model when its input was known; else nothing is ever known).
    decided: bool = False

    def call(self, interp, args, kwargs, opaque, node, frame):
        value = args[0] if args else UNKNOWN
        if self.deferred():
            interp.touch(self)
            self.decided = True
            root = call_root(value, node)
            if root is None:
                return Tensor(None)
            propagate_from(interp.analysis, self, root)
            return Tensor(None if self.output is None else self.output.shape, Origin(node, "the nested model"))
        return super().call(interp, args, kwargs, opaque, node, frame)

    def deferred(self) -> bool:
        """Not built yet, and built by its first call or data: no layer declares its input."""
        if self.decided or self.uncertain or (self.input is not None and self.input.shape is not None):
            return False
        first = self.entries[0] if self.entries else None
        return isinstance(first, LayerVal) and first.spec.kind != "input" and declared_input(first) is None

    def call_method(self, interp, name, args, kwargs, opaque, node, frame):
        if name in DATA_CALLS and self.deferred():
            interp.touch(self)
            self.decided = True
            root = data_root(name, args, kwargs, node)
            if root is not None:
                propagate_from(interp.analysis, self, root)
        if name == "add" and args and not opaque:
            interp.touch(self)
            sequential_add(interp.analysis, self, args[0], node)
            return None
        if name == "build" and not opaque:
            shape = args[0] if args else kwargs.get("input_shape", UNKNOWN)
            interp.touch(self)
            sequential_build(interp.analysis, self, shape, node)
            return None
        return super().call_method(interp, name, args, kwargs, opaque, node, frame)

    def changed_by(self, interp):
        interp.make_uncertain(self)
        return UNKNOWN

    def escape(self, interp):
        interp.make_uncertain(self)

    def mutated(self, interp, target, frame):
        interp.make_uncertain(self)

    def state(self):
        return (tuple(self.entries), self.input, self.output, self.uncertain, self.decided)

    def set_state(self, state):
        entries, self.input, self.output, self.uncertain, self.decided = state
        self.entries = list(entries)

    def make_uncertain(self):
        self.entries = self.entries + [UnknownLayer()]
        self.output = Tensor(None)
        self.uncertain = True


@dataclass(eq=False)
class FunctionalModelVal(_Model):
    node: Any
    inputs: Any
    outputs: Any
    keras: int = 3


# -- propagation ----------------------------------------------------------------------------


def _tuple_shape(value) -> Optional[tuple]:
    """A shape argument that is a tuple or list (a bare int is not a shape for Keras 3)."""
    if isinstance(value, ListVal):
        value = tuple(value.items) if value.items is not None else None
    if isinstance(value, (tuple, list)):
        return shape_of(tuple(value))
    return None


def declared_input(layer: LayerVal):
    """The input a layer declares through its own arguments, as Keras would read them.

    Returns ``(shape, Origin)``, ``None`` when the layer declares nothing, or ``UNKNOWN``
    when it declares something shapelint cannot evaluate (or Keras would reject).
    """
    given = layer.input_spec
    if any(layer.arg(name) is UNKNOWN for name in INPUT_SPEC_ARGS
           if layer.given(name) and name not in layer.spec.positional):
        return UNKNOWN
    if not any(given(name) for name in INPUT_SPEC_ARGS):
        return UNKNOWN if layer.opaque else None
    batch = dim_of(layer.arg("batch_size")) if given("batch_size") else None
    if given("batch_input_shape"):
        shape = _tuple_shape(layer.arg("batch_input_shape"))
        arg = "batch_input_shape"
    elif layer.keras >= 3:
        if given("input_dim") and (given("input_shape") or layer.spec.recurrent):
            return UNKNOWN  # Keras 3 rejects or reinterprets this: SL103 / SL301 say so
        if given("input_dim"):
            shape, arg = (batch, dim_of(layer.arg("input_dim"))), "input_dim"
        elif given("input_shape"):
            rest = _tuple_shape(layer.arg("input_shape"))
            shape, arg = (None if rest is None else (batch,) + rest), "input_shape"
        else:
            return None  # input_length alone: ignored by Keras 3
    else:
        if given("input_shape"):
            rest = _tuple_shape(layer.arg("input_shape"))
            shape, arg = (None if rest is None else (batch,) + rest), "input_shape"
        elif layer.spec.recurrent and (given("input_dim") or given("input_length")):
            shape = (batch, dim_of(layer.arg("input_length")), dim_of(layer.arg("input_dim")))
            arg = "input_dim" if given("input_dim") else "input_length"
        elif layer.spec.name == "Embedding" and given("input_length"):
            shape, arg = (batch, dim_of(layer.arg("input_length"))), "input_length"
        elif given("input_dim"):
            shape, arg = (batch, dim_of(layer.arg("input_dim"))), "input_dim"
        else:
            return None
    if shape is None:
        return UNKNOWN
    value = layer.arg(arg)
    shown = format_shape(shape_of(value)) if arg.endswith("shape") and shape_of(value) else repr(value)
    return shape, Origin(layer.node, f"{arg}={shown} on {layer.name}")


def input_layer_shape(layer: LayerVal):
    """The batch shape declared by ``keras.Input(...)`` / ``InputLayer(...)``."""
    if layer.opaque:
        return None
    batch_shape = layer.arg("batch_shape")
    if batch_shape is None:
        batch_shape = layer.arg("batch_input_shape")
    shape = layer.arg("shape")
    if shape is None:
        shape = layer.arg("input_shape")
    if batch_shape is not None:
        if shape is not None or layer.set("batch_size"):
            return None  # conflicting: SL103
        return _tuple_shape(batch_shape)
    rest = _tuple_shape(shape)
    if rest is None:
        return None
    return (dim_of(layer.arg("batch_size")),) + rest


def input_tensor(layer: LayerVal) -> Tensor:
    return Tensor(input_layer_shape(layer), Origin(layer.node, layer.name), root=True)


def _note(layer: LayerVal, shape) -> str:
    if layer.spec.recurrent and layer.arg("return_sequences") is False:
        return ", which returns only its last step"
    if layer.spec.name == "Flatten":
        return ", which flattens to 2-D"
    if layer.spec.name in ("GlobalMaxPooling1D", "GlobalAveragePooling1D") and shape and len(shape) == 2:
        return ", which pools the time axis away"
    return ""


def _wrap(layer: LayerVal, out, node, app) -> Any:
    if out is None:
        return Tensor(None, Origin(node, layer.name), app)
    if isinstance(out, list):
        return tuple(Tensor(s, Origin(node, layer.name), app) for s in out)
    return Tensor(out, Origin(node, layer.name, _note(layer, out)), app)


# Layers whose output rank (and often last size) is the same for every input they take:
# applied to a tensor of unknown shape they still give a known tensor (``rank_level_output``).
_RANK_LEVEL = frozenset({"Flatten"} | {f"Global{kind}Pooling{n}D" for kind in ("Max", "Average")
                                       for n in (1, 2, 3)})


def rank_level_output(layer: LayerVal):
    """The output shape of ``layer`` whatever its input, or None when it depends on the input.

    Only for layers known to behave so (an RNN or ``Bidirectional(RNN)`` returning only its last
    step, ``Flatten``, global pooling): their output is computed for an input of every rank they
    accept, all sizes unknown, and kept when every rank gives the same rank; a size that differs
    between them is unknown.  The batch axis is unknown too (the input may fix it)."""
    spec = layer.spec
    if layer.opaque or layer.extra_args:
        return None
    if spec.name == "Bidirectional":
        inner = layer.inner
        if inner is None or inner.opaque or inner.extra_args or not inner.spec.recurrent:
            return None
    elif not spec.recurrent and spec.name not in _RANK_LEVEL:
        return None
    ranks = sorted(spec.ranks) if spec.ranks else range(1, 6)
    outs = []
    for rank in ranks:
        out = catalog.apply_output(layer, [(None,) + (UNKNOWN_DIM,) * (rank - 1)])
        if not isinstance(out, tuple):
            return None  # unknown arguments, several outputs (return_state)
        outs.append(out)
    if not outs or len({len(out) for out in outs}) != 1:
        return None
    first = outs[0]
    return (UNKNOWN_DIM,) + tuple(
        dim if all(out[i] is dim or out[i] == dim for out in outs) else UNKNOWN_DIM
        for i, dim in enumerate(first) if i)


def unknown_input_source(tensor) -> Optional[Application]:
    """When ``tensor``'s shape is known only because a layer's output does not depend on its
    input (the input itself is unknown: a model that declares none, a functional input the
    code never defines), the application of that layer nearest to ``tensor``; else None."""
    if not isinstance(tensor, Tensor) or tensor.shape is None:
        return None
    seen, queue = set(), [tensor]
    while queue:
        current = queue.pop(0)
        app = current.producer
        if app is None or id(app) in seen:
            continue
        seen.add(id(app))
        if app.inputs and any(t.shape is None for t in app.inputs):
            return app
        queue.extend(app.inputs)
    return None


def apply_layer(analysis: Analysis, layer: LayerVal, inputs: List[Tensor], node,
                model=None, index=None):
    shapes = [t.shape for t in inputs]
    out = catalog.apply_output(layer, shapes)
    if out is None and len(inputs) == 1 and shapes[0] is None and layer.spec.kind in ("layer", "wrapper"):
        out = rank_level_output(layer)
    app = Application(layer, inputs, None, node, model, index)
    analysis.applications.append(app)
    if catalog.preserves_shape(layer.spec) and out is not None and inputs[0].origin is not None:
        # Dropout, Activation, BatchNormalization...: the shape still comes from the layer
        # before, and messages should say so (``shape_producer`` finds that layer).
        app.output = Tensor(out, inputs[0].origin, app)
    else:
        app.output = _wrap(layer, out, node, app)
    if layer.spec.name == "TimeDistributed" and layer.inner is not None and inputs:
        shape = inputs[0].shape
        if shape is not None and len(shape) >= 3:
            step = Tensor((shape[0],) + tuple(shape[2:]),
                          Origin(node, "TimeDistributed", ", one timestep at a time"))
            inner_out = catalog.apply_output(layer.inner, [step.shape])
            inner_app = Application(layer.inner, [step], None, node, model, index, wrapper=layer,
                                    parent=app)
            inner_app.output = _wrap(layer.inner, inner_out, node, inner_app)
            analysis.applications.append(inner_app)
    return app.output


def upstream(tensors):
    """The applications that compute ``tensors`` (in no order) and the root tensors they
    start from: the one walk over the graph that summaries and training rules share."""
    apps, roots, seen_roots, stack = {}, [], set(), list(tensors)
    while stack:
        tensor = stack.pop()
        app = tensor.producer
        if app is None:
            if id(tensor) not in seen_roots:
                seen_roots.add(id(tensor))
                roots.append(tensor)
        elif id(app) not in apps:
            apps[id(app)] = app
            stack.extend(app.inputs)
    return apps, roots


def shape_producer(tensor: Tensor):
    """The application that gave ``tensor`` its shape, looking through shape-preserving layers."""
    app = tensor.producer
    while app is not None and catalog.preserves_shape(app.layer.spec) and app.inputs:
        app = app.inputs[0].producer
    return app


def as_tensor(value) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, ArrayVal):
        return Tensor(tuple(value.shape), Origin(value.node, value.what), root=True)
    return Tensor(None)


def apply_layer_call(analysis: Analysis, layer: LayerVal, args, node):
    """``layer(x)`` or ``Concatenate()([a, b])`` in functional code."""
    if not args:
        return UNKNOWN
    value = args[0]
    if layer.spec.kind == "merge":

        items = sequence_items(value)
        inputs = [as_tensor(v) for v in items] if items is not None else [Tensor(None)]
    else:
        inputs = [as_tensor(value)]
    if layer.spec.kind == "input":
        return UNKNOWN
    return apply_layer(analysis, layer, inputs, node)


def apply_entry(analysis: Analysis, entry, tensor: Tensor, model, index):
    if isinstance(entry, LayerVal):
        out = apply_layer(analysis, entry, [tensor], entry.node, model, index)
        return out if isinstance(out, Tensor) else Tensor(None)
    if isinstance(entry, (SequentialVal, FunctionalModelVal)):
        return apply_model(analysis, entry, tensor, entry.node)
    return Tensor(None)


def first_input(entry) -> Tensor:
    if isinstance(entry, Tensor):
        return entry
    if isinstance(entry, LayerVal):
        if entry.spec.kind == "input":
            return input_tensor(entry)
        declared = declared_input(entry)
        if declared is None or declared is UNKNOWN:
            return Tensor(None)
        shape, origin = declared
        return Tensor(shape, origin, root=True)
    if isinstance(entry, SequentialVal) and entry.input is not None:
        return entry.input
    return Tensor(None)


def sequential_add(analysis: Analysis, model: SequentialVal, item, node) -> None:
    if isinstance(item, Tensor) or (isinstance(item, LayerVal) and item.spec.kind == "input"):
        if model.entries:
            model.entries.append(UnknownLayer(node))
            model.output = Tensor(None)
            return
        model.entries.append(item)
        model.input = model.output = first_input(item)
        return
    if not isinstance(item, (LayerVal, SequentialVal, FunctionalModelVal)):
        item = UnknownLayer(node)
    if not model.entries:
        model.input = model.output = first_input(item)
    index = len(model.entries)
    model.entries.append(item)
    model.output = apply_entry(analysis, item, model.output or Tensor(None), model, index)


def sequential_build(analysis: Analysis, model: SequentialVal, shape_value, node) -> None:
    model.decided = True
    if model.uncertain or (model.input is not None and model.input.shape is not None):
        return
    shape = _tuple_shape(shape_value)
    if shape is None:
        return
    propagate_from(analysis, model, Tensor(shape, Origin(node, f"model.build({format_shape(shape)})"), root=True))


def propagate_from(analysis: Analysis, model: SequentialVal, tensor: Tensor) -> None:
    """Build ``model`` for ``tensor``: its input from now on, pushed through every layer.

    What its layers were applied to before was its unknown input: those applications (known
    only from layers whose output does not depend on their input) give way to these."""
    analysis.applications[:] = [app for app in analysis.applications
                                if app.model is not model and (app.parent is None or app.parent.model is not model)]
    model.input = tensor
    for index, entry in enumerate(model.entries):
        if isinstance(entry, Tensor) or (isinstance(entry, LayerVal) and entry.spec.kind == "input"):
            continue
        tensor = apply_entry(analysis, entry, tensor, model, index)
    model.output = tensor


def call_root(value, node) -> Optional[Tensor]:
    """The input a model that declares none is built for when first called on ``value``: a
    ``keras.Input`` itself, else a tensor of its shape (an array's batch axis left free)."""
    if isinstance(value, Tensor):
        if value.shape is None or not value.shape:
            return None
        if value.root and value.producer is None:
            return value
        return Tensor(value.shape, Origin(node, "the tensor it is first called on"), root=True)
    if isinstance(value, ArrayVal) and len(value.shape) >= 2:
        return Tensor((None,) + tuple(value.shape[1:]),
                      Origin(node, f"the {value.what} it is first called on"), root=True)
    return None


def data_root(method, args, kwargs, node, builds: bool = True) -> Optional[Tensor]:
    """The input a model that declares none is built for by its first ``fit`` / ``predict``...:
    the shape of x's samples (batch axis free); None when x's shape is not known."""
    x = args[0] if args else kwargs.get("x", kwargs.get("generator", UNKNOWN))
    if isinstance(x, ArrayVal):
        shape, what = tuple(x.shape), x.what
    else:
        shapes = batch_shapes(x)
        if shapes is None:
            return None
        shape, what = shapes[0], x.what
    if len(shape) < 2:
        return None  # 1-D data: Keras 2 expands it, Keras 3 does not; not guessed
    note = ", which builds the model: it declares no input" if builds else ""
    return Tensor((None,) + tuple(shape[1:]), Origin(node, f"the data ({what}) of model.{method}", note), root=True)


def apply_model(analysis: Analysis, model, value, node) -> Tensor:
    """A model used as a layer.  Known only when it is fed what it was built for, or when a
    deferred Sequential model is fed a known tensor."""
    tensor = as_tensor(value)
    if isinstance(model, SequentialVal):
        if model.uncertain or tensor.shape is None:
            return Tensor(None)
        if model.input is not None and model.input.shape is not None:
            if model.input.shape == tensor.shape and model.output is not None:
                return Tensor(model.output.shape, Origin(node, "the nested model"))
            return Tensor(None)
        out = tensor
        for index, entry in enumerate(model.entries):
            out = apply_entry(analysis, entry, out, model, index)
        return Tensor(out.shape, Origin(node, "the nested model"))
    if isinstance(model, FunctionalModelVal):
        if isinstance(model.inputs, Tensor) and isinstance(model.outputs, Tensor) and \
                model.inputs.shape is not None and model.inputs.shape == tensor.shape:
            return Tensor(model.outputs.shape, Origin(node, "the nested model"))
    return Tensor(None)


def unknown_input_clause(tensor, line) -> Optional[Tuple[str, str]]:
    """For a tensor known only from a layer whose output does not depend on its unknown input
    (``unknown_input_source``): its shape as messages show it (the batch axis as Keras prints
    it, None) and the clause that says why it is certain, e.g. ``(the model declares no input,
    but that LSTM outputs (None, 32) whatever its input)``; ``line``: a node's line number."""
    source = unknown_input_source(tensor)
    if source is None or not isinstance(source.output, Tensor) or source.output.shape is None:
        return None
    shown = format_shape(_batch_none(tensor.shape))
    out = f"{len(source.output.shape)}-D {format_shape(_batch_none(source.output.shape))}"
    model = source.model
    same = tensor.origin is not None and tensor.origin.node is source.node \
        and tensor.origin.what == source.layer.name
    if isinstance(model, SequentialVal) and (model.input is None or model.input.shape is None):
        layer = f"that {source.layer.name}" if same else f"the {source.layer.name} at line {line(source.node)}"
        why = f"the model declares no input, but {layer} outputs {out} whatever its input"
    elif same:
        why = f"its input is not known here, but that {source.layer.name} outputs {out} whatever it is"
    else:
        why = (f"the input of the {source.layer.name} at line {line(source.node)} is not known here, "
               f"but it outputs {out} whatever that input is")
    return shown, f"({why})"


def _batch_none(shape):
    return (None,) + tuple(shape[1:]) if shape and shape[0] is UNKNOWN_DIM else shape
