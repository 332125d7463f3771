from shapelint.core.rule import Message, Rule, keyword_node, render
from shapelint.core.shapes import format_shape, is_known
from shapelint.frameworks.keras.catalog import accepts_rank
from shapelint.frameworks.keras.evidence import ConstructionFails, InputIgnored
from shapelint.frameworks.keras.propagate import declared_input

BOTH = ("cannot pass both", "Only provide")


def _conflicts(layer):
    """(argument, message) pairs for input-spec arguments that disagree on one layer."""
    given = layer.input_spec  # literal None counts as absent, as in Keras' own checks
    if layer.spec.kind == "input":
        given = layer.set
        if given("batch_shape") and (given("shape") or given("input_shape")):
            yield "batch_shape", ConstructionFails(layer, BOTH), Message.of(
                "{layer} got both shape={shape} and batch_shape={batch_shape}; Keras rejects both at once: "
                "keep batch_shape (batch size included) or shape (batch size excluded)", layer=layer.name,
                shape=render(layer.arg("shape") if given("shape") else layer.arg("input_shape")),
                batch_shape=render(layer.arg("batch_shape")))
        elif given("batch_shape") and given("batch_size") and layer.keras >= 3:
            yield "batch_size", ConstructionFails(layer, BOTH), Message.of(
                "{layer} got both batch_size={batch_size} and batch_shape={batch_shape}; Keras 3 rejects "
                "both at once: put the batch size in batch_shape only", layer=layer.name,
                batch_size=render(layer.arg("batch_size")), batch_shape=render(layer.arg("batch_shape")))
        return
    if layer.keras >= 3:
        if given("input_dim") and given("input_shape"):
            yield "input_shape", ConstructionFails(layer, ("Unrecognized keyword arguments",),
                                                   keep=("input_dim", "input_shape")), Message.of(
                "{layer} got both input_dim={input_dim} and input_shape={input_shape}; Keras 3 rejects "
                "input_shape next to input_dim: keep one (better, declare keras.Input(shape=...) first)",
                layer=layer.name, input_dim=render(layer.arg("input_dim")),
                input_shape=render(layer.arg("input_shape")))
        return
    shape, batch_shape = layer.arg("input_shape"), layer.arg("batch_input_shape")
    if given("input_shape") and given("batch_input_shape") and isinstance(shape, tuple) \
            and isinstance(batch_shape, tuple) and tuple(batch_shape[1:]) != tuple(shape):
        yield "batch_input_shape", None, Message.of(
            "{layer} got input_shape={input_shape} and batch_input_shape={batch_input_shape}, which "
            "disagree; Keras 2 silently uses batch_input_shape and the data shaped for input_shape fails "
            "later: keep only batch_input_shape=(batch_size,) + input_shape",
            layer=layer.name, input_shape=render(shape), batch_input_shape=render(batch_shape))
    dim = layer.arg("input_dim")
    if given("input_dim") and given("input_shape") and isinstance(shape, tuple) and shape \
            and is_known(shape[-1]) and is_known(dim) and shape[-1] != dim:
        yield "input_dim", None, Message.of(
            "{layer} got input_shape={input_shape} and input_dim={input_dim}, which disagree; Keras 2 "
            "silently ignores input_dim: keep only input_shape",
            layer=layer.name, input_shape=render(shape), input_dim=dim)


def _ignored_spec(ctx, app):
    layer = app.layer
    declared = declared_input(layer)
    if not isinstance(declared, tuple) or not app.inputs or app.inputs[0].shape is None:
        return
    shape, origin = declared
    actual = app.inputs[0].shape
    if not accepts_rank(layer.spec, layer, len(actual)):
        return  # the layer cannot take what it receives at all: SL101 says so
    if len(shape) != len(actual):
        differs = True
    else:
        differs = any(is_known(a) and is_known(b) and a != b for a, b in zip(shape[1:], actual[1:]))
    if not differs:
        return
    arg = origin.what.split("=", 1)[0]
    if layer.keras >= 3 and arg in ("batch_input_shape", "batch_size"):
        return  # Keras 3 rejects the argument itself: SL301
    ctx.report(
        keyword_node(layer.node, arg),
        Message.of("{declared} is ignored: only the first layer of a Sequential model declares the "
                   "input, so this {layer} receives {received} from {source}; remove {arg} here (or "
                   "move it to the first layer)", declared=origin.what, layer=layer.name,
                   received=format_shape(actual), source=ctx.where(app.inputs[0].origin), arg=arg),
        related=[(app.inputs[0].origin.node if app.inputs[0].origin else None,
                  f"the actual input {format_shape(actual)} comes from here")],
        evidence=InputIgnored(app, arg, shape),
    )


def check(ctx) -> None:
    for layer in ctx.analysis.layers:
        for arg, evidence, message in _conflicts(layer):
            ctx.report(keyword_node(layer.node, arg), message, evidence=evidence)
    for app in ctx.analysis.applications:
        if app.model is not None and app.index and app.wrapper is None and app.layer.spec.kind == "layer":
            _ignored_spec(ctx, app)


RULE = Rule(
    code="SL103",
    name="input-shape-conflict",
    summary="Input-shape arguments disagree, or are given where Keras ignores them.",
    what="""
        Reports, on one layer, ``input_shape`` / ``input_dim`` / ``batch_input_shape`` that
        contradict each other (Keras 2: one silently wins; Keras 3: ``input_dim`` with
        ``input_shape`` is rejected); on ``Input``, ``shape`` together with ``batch_shape``
        (or, in Keras 3, ``batch_size`` with ``batch_shape``); and an input-shape argument on a
        layer that is not the first of a Sequential model when it disagrees with what that
        layer really receives.
    """,
    why="""
        Only the first layer of a Sequential model declares the model's input; the same
        argument on a later layer is ignored, so the shape written there is not the shape the
        layer gets.  Contradictory arguments on one layer mean one of them is silently
        dropped (Keras 2) or the layer cannot be built (Keras 3, ``Input``).
    """,
    invalid=[
        """
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential()
        model.add(Dense(64, input_shape=(20,)))
        model.add(Dense(10, input_shape=(64, 1)))  # expect: SL103
        """,
        """
        import keras

        inputs = keras.Input(shape=(3, 1), batch_shape=(1, 3, 1))  # expect: SL103
        """,
    ],
    valid=[
        """
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential()
        model.add(Dense(64, input_shape=(20,)))
        model.add(Dense(10))
        """,
        """
        import keras

        inputs = keras.Input(batch_shape=(1, 3, 1))
        """,
    ],
    check=check,
)
