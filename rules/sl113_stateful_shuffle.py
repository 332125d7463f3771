from shapelint.rule import Rule, keyword_node
from shapelint.training import facts, is_dataset, stateful_layer


def check(ctx) -> None:
    for call in ctx.analysis.model_calls:
        if call.method != "fit" or call.opaque:
            continue
        layer = stateful_layer(call.model)
        found = facts(call)
        if layer is None or is_dataset(found.x):
            continue  # a Dataset is consumed in its own order; shuffle= does not apply
        shuffle = found.arg("shuffle", True)
        if shuffle is not True:
            continue
        where = keyword_node(call.node, "shuffle")
        given = "shuffle=True" if where is not call.node else "fit shuffles by default (shuffle=True)"
        ctx.report(
            where,
            f"{given}, but the model has a stateful {layer.name} (line {ctx.line(layer.node)}): each "
            f"batch's state is carried into the next batch, which after shuffling holds other "
            f"sequences, so the model learns from state that belongs to a different sequence; "
            f"pass shuffle=False (and call model.reset_states() between epochs)",
            related=[(layer.node, "the stateful layer")],
        )


RULE = Rule(
    code="SL113",
    name="stateful-shuffle",
    summary="fit on a stateful model without shuffle=False.",
    what="""
        Reports ``fit`` on a model with a stateful RNN when ``shuffle`` is not ``False``
        (Keras shuffles by default).  Not reported for ``tf.data`` datasets, whose order is
        their own.
    """,
    why="""
        ``stateful=True`` means row i of each batch continues the sequence of row i of the
        batch before.  Shuffling breaks that: the carried state belongs to another sequence.
        Nothing raises; the model silently trains on nonsense state.
    """,
    invalid=[
        """
        import keras

        model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        for i in range(100):
            model.fit(trainX, trainY, epochs=1, batch_size=1, verbose=2)  # expect: SL113
            model.reset_states()
        """,
    ],
    valid=[
        """
        import keras

        model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        for i in range(100):
            model.fit(trainX, trainY, epochs=1, batch_size=1, verbose=2, shuffle=False)
            model.reset_states()
        """,
    ],
    check=check,
)
