from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import format_shape
from shapelint.frameworks.keras.evidence import BuildFails


def _stateful_layer(layer):
    """The stateful recurrent layer in ``layer`` (itself or wrapped), if any."""
    for candidate in (layer, layer.inner):
        if candidate is not None and candidate.spec.recurrent and candidate.arg("stateful") is True:
            return candidate
    return None


def model_input(tensor):
    """Follow a tensor back to the model input it was computed from."""
    seen = 0
    while tensor.producer is not None and tensor.producer.inputs and seen < 10_000:
        tensor = tensor.producer.inputs[0]
        seen += 1
    return tensor


def check(ctx) -> None:
    reported = set()  # model inputs already reported: Keras stops at their first stateful layer
    for app in ctx.analysis.applications:
        if app.wrapper is not None or not app.inputs:
            continue
        stateful = _stateful_layer(app.layer)
        shape = app.inputs[0].shape
        if stateful is None or shape is None or shape[0] is not None:
            continue
        source = model_input(app.inputs[0])
        if id(source) in reported:
            continue
        reported.add(id(source))
        rest = ", ".join(str(d) for d in shape[1:])
        if app.layer.keras >= 3:
            fix = (f"fix the batch size with keras.Input(batch_shape=(batch_size, {rest})) "
                   f"as the model's input")
        else:
            fix = (f"fix the batch size with batch_input_shape=(batch_size, {rest}) on the first "
                   f"layer (functional API: Input(batch_shape=(batch_size, {rest})))")
        ctx.report(
            app.node,
            Message.of("{layer} is stateful=True, but the model's batch size is not fixed: its input "
                       "is {shape}, from {source}; a stateful RNN keeps one state per row of the batch, "
                       "so Keras needs to know how many rows there are: {advice}",
                       layer=stateful.name, shape=format_shape(shape), source=ctx.where(source.origin),
                       advice=fix),
            related=[(source.origin.node if source.origin else None,
                      f"the input {format_shape(source.shape)} is declared here without a batch size")],
            evidence=BuildFails(app, ("batch size must be static", "needs to know its batch size")),
        )


RULE = Rule(
    code="SL111",
    name="stateful-needs-batch-size",
    summary="A stateful RNN in a model whose batch size is not fixed.",
    what="""
        Reports a recurrent layer with ``stateful=True`` (directly or inside
        ``Bidirectional``) whose input has a free batch axis: declared with ``input_shape``,
        Keras 2's ``input_dim`` / ``input_length``, ``Input(shape=...)`` or
        ``model.build((None, ...))`` and no batch size.  Once per model input: Keras stops at
        the first stateful layer.
    """,
    why="""
        A stateful RNN carries its state from one batch to the next, one state vector per
        row of the batch, so its state tensors need a fixed batch size.  Keras 3 raises
        ``When using stateful=True in a RNN, the batch size must be static`` and Keras 2
        ``If a RNN is stateful, it needs to know its batch size`` when the model is built.
    """,
    invalid=[
        """
        from tensorflow import keras
        from tensorflow.keras import layers

        model = keras.Sequential()
        model.add(layers.LSTM(4, stateful=True, input_shape=(3, 1)))  # expect: SL111
        model.add(layers.Dense(1))
        """,
    ],
    valid=[
        """
        from tensorflow import keras
        from tensorflow.keras import layers

        batch_size = 1
        model = keras.Sequential()
        model.add(keras.Input(batch_shape=(batch_size, 3, 1)))
        model.add(layers.LSTM(4, stateful=True))
        model.add(layers.Dense(1))
        """,
    ],
    check=check,
)
