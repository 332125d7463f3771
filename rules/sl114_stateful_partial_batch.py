from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import is_known
from shapelint.frameworks.keras.evidence import ModelCallFails
from shapelint.frameworks.keras.training import DEFAULT_BATCH_SIZE, data_shape, facts, fixed_batch, stateful_layer


def check(ctx) -> None:
    for call in ctx.analysis.model_calls:
        if call.method not in ("fit", "evaluate", "predict") or call.opaque:
            continue
        layer = stateful_layer(call.model)
        batch = fixed_batch(call.model)
        found = facts(call)
        data = data_shape(found.x)
        if layer is None or batch is None or not data or not is_known(data[0]):
            continue
        size = DEFAULT_BATCH_SIZE if found.batch_size is None else found.batch_size
        if size != batch or data[0] % batch == 0:
            continue  # another batch size is SL112's business
        samples = data[0]
        ctx.report(
            call.node,
            Message.of("{method} on {samples} samples in batches of {batch}: the last batch has only "
                       "{rest} rows, and the stateful {layer} (line {line}) needs exactly {batch}; trim "
                       "the data to a multiple of {batch} (x[:{trimmed}]) or use a batch size that "
                       "divides {samples}",
                       method=call.method, samples=samples, batch=batch, rest=samples % batch,
                       layer=layer.name, line=ctx.line(layer.node), trimmed=samples - samples % batch),
            related=[(found.x.node, f"x has {samples} samples"), (layer.node, "the stateful layer")],
            evidence=ModelCallFails(call.model, "predict", (batch + samples % batch,) + tuple(data[1:]),
                                    ("Incompatible shapes", "Expected batch size"), batch_size=batch),
        )


RULE = Rule(
    code="SL114",
    name="stateful-partial-batch",
    summary="A sample count that the stateful batch size does not divide.",
    what="""
        Reports ``fit`` / ``evaluate`` / ``predict`` on a stateful model with fixed batch size
        B, called with batches of B, on a known number of samples that B does not divide.
    """,
    why="""
        The last batch is smaller than B, and a stateful RNN can only take batches of exactly
        B rows: the call fails on that last batch (``Incompatible shapes``) after all the
        others have run.
    """,
    invalid=[
        """
        import numpy as np
        import keras

        model = keras.Sequential([keras.Input(batch_shape=(4, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
        X = np.zeros((10, 3, 1))
        model.predict(X, batch_size=4)  # expect: SL114
        """,
    ],
    valid=[
        """
        import numpy as np
        import keras

        model = keras.Sequential([keras.Input(batch_shape=(4, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
        X = np.zeros((12, 3, 1))
        model.predict(X, batch_size=4)
        """,
    ],
    check=check,
)
