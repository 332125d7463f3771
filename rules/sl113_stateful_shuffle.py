from shapelint.core.fix import UNSAFE, FixPlan, SetArgument
from shapelint.core.rule import Message, Rule, keyword_node
from shapelint.core.shapes import is_known
from shapelint.frameworks.keras.training import DEFAULT_BATCH_SIZE, data_shape, facts, stateful_layer


def check(ctx) -> None:
    for call in ctx.analysis.model_calls:
        if call.method != "fit" or call.opaque:
            continue
        layer = stateful_layer(call.model)
        found = facts(call)
        data = data_shape(found.x)
        if layer is None or data is None:
            continue  # shuffle= applies to arrays only: datasets and generators keep their order
        size = DEFAULT_BATCH_SIZE if found.batch_size is None else found.batch_size
        if data and is_known(data[0]) and isinstance(size, int) and data[0] <= size:
            continue  # a single batch per epoch
        shuffle = found.arg("shuffle", True)
        if shuffle is not True:
            continue
        where = keyword_node(call.node, "shuffle")
        given = "shuffle=True" if where is not call.node else "fit shuffles by default (shuffle=True)"
        reset = "model.reset_states()" if call.model.keras < 3 else "layer.reset_states() on the stateful layers"
        ctx.report(
            where,
            Message.of("{given}, but the model has a stateful {layer} (line {line}): each batch's state "
                       "is carried into the next batch, which after shuffling holds other sequences, so "
                       "the model learns from state that belongs to a different sequence; pass "
                       "shuffle=False (and call {reset} between epochs)",
                       given=given, layer=layer.name, line=ctx.line(layer.node), reset=reset),
            related=[(layer.node, "the stateful layer")],
            fix=FixPlan("Pass shuffle=False to fit", UNSAFE, SetArgument(call.node, "shuffle", False)),
        )


RULE = Rule(
    code="SL113",
    name="stateful-shuffle",
    summary="fit on a stateful model without shuffle=False.",
    what="""
        Reports ``fit`` on numpy data (shapelint knows its shape) for a model with a stateful
        RNN when ``shuffle`` is not ``False`` (Keras shuffles by default).  Not reported for
        ``tf.data`` datasets and generators, whose order is their own, nor when all the data
        fits in one batch.
    """,
    why="""
        ``stateful=True`` means row i of each batch continues the sequence of row i of the
        batch before.  Shuffling breaks that: the carried state belongs to another sequence.
        Nothing raises; the model silently trains on nonsense state.
    """,
    notes="""
        Fix safety: unsafe.  The fix passes ``shuffle=False`` to ``fit`` (``--fix
        --unsafe-fixes``, or the editor's quick fix): that changes how the model trains, and the
        user may rather have meant a stateless model.
    """,
    invalid=[
        """
        import numpy as np
        import keras

        trainX, trainY = np.random.rand(200, 3, 1), np.random.rand(200, 1)
        model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        for i in range(100):
            model.fit(trainX, trainY, epochs=1, batch_size=1, verbose=2)  # expect: SL113
            model.layers[0].reset_states()
        """,
    ],
    valid=[
        """
        import numpy as np
        import keras

        trainX, trainY = np.random.rand(200, 3, 1), np.random.rand(200, 1)
        model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        for i in range(100):
            model.fit(trainX, trainY, epochs=1, batch_size=1, verbose=2, shuffle=False)
            model.layers[0].reset_states()
        """,
    ],
    check=check,
)
