from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import UNKNOWN_DIM, is_known
from shapelint.frameworks.data.arrays import ArrayVal, FrameVal, SomeArrayVal
from shapelint.frameworks.keras.evidence import ModelCallFails
from shapelint.frameworks.keras.training import (
    DEFAULT_BATCH_SIZE,
    ON_BATCH,
    data_shape,
    facts,
    fixed_batch,
    model_input,
    stateful_layer,
)

CALLS = ("fit", "evaluate", "predict") + ON_BATCH


def first_batch(call, found):
    """(rows in the first batch, how that number comes about), when certain."""
    data = data_shape(found.x)
    samples = data[0] if data else None
    if call.method in ON_BATCH:
        return (samples, f"the {samples} rows of x") if is_known(samples) else (None, "")
    size = found.batch_size
    if size is None:
        size, said = DEFAULT_BATCH_SIZE, f"the default batch_size={DEFAULT_BATCH_SIZE}"
    elif isinstance(size, int) and not isinstance(size, bool):
        said = f"batch_size={size}"
    else:
        return None, ""
    if is_known(samples):
        rows = min(size, samples)
        return rows, said + (f" on {samples} samples" if samples < size else "")
    return None, said


def _certainly_arrays(call, found) -> bool:
    """x is arrays (numpy, tensors, lists of them), which Keras cuts into batches of batch_size:
    a numpy array or DataFrame, or fit / evaluate given targets (with a tf.data pipeline, a
    generator or a PyDataset, y must not be given)."""
    if isinstance(found.x, (ArrayVal, SomeArrayVal, FrameVal)):
        return True
    return call.method in ("fit", "evaluate") and found.y is not None


def check(ctx) -> None:
    for call in ctx.analysis.model_calls:
        if call.method not in CALLS or call.opaque:
            continue
        layer = stateful_layer(call.model)
        batch = fixed_batch(call.model)
        if layer is None or batch is None:
            continue
        found = facts(call)
        if data_shape(found.x) is None and call.method in ON_BATCH:
            continue
        if data_shape(found.x) is None and not (found.batch_size is None or isinstance(found.batch_size, int)):
            continue
        rows, said = first_batch(call, found)
        x_shape = data_shape(found.x)
        if rows is None:
            # Unknown sample count: certain only when every batch is smaller than the model's.
            size = DEFAULT_BATCH_SIZE if found.batch_size is None else found.batch_size
            if not (isinstance(size, int) and not isinstance(size, bool) and 0 < size < batch):
                continue
            if x_shape is None:
                # x unknown: an explicit batch_size=b < B makes a first batch of min(b, n) < B rows,
                # when x is arrays (a tf.data pipeline or a generator ignores batch_size).
                declared = model_input(call.model)
                if found.batch_size is None or not _certainly_arrays(call, found) or declared is None:
                    continue
                x_shape = (UNKNOWN_DIM,) + tuple(declared.shape[1:])
                said += ", whatever the number of samples"
            rows = size
        if rows == batch:
            continue
        ctx.report(
            call.node,
            Message.of("{method} feeds batches of {rows} rows ({why}) to a stateful model built for "
                       "batches of exactly {batch} (the stateful {layer} at line {line}); Keras raises "
                       "'Expected batch size: {batch} - Received batch size: {rows}': {advice}",
                       method=call.method, rows=rows, why=said, batch=batch, layer=layer.name,
                       line=ctx.line(layer.node),
                       advice=f"pass batch_size={batch}" if call.method not in ON_BATCH
                       else f"pass {batch} rows per call"),
            related=[(layer.node, f"stateful layer, batch size fixed to {batch}")],
            evidence=ModelCallFails(call.model, "predict_on_batch" if call.method in ON_BATCH else "predict",
                                    (rows,) + tuple(x_shape[1:]), ("Expected batch size",),
                                    batch_size=None if call.method in ON_BATCH else rows),
        )


RULE = Rule(
    code="SL112",
    name="stateful-batch-size-mismatch",
    summary="A stateful model is called with another batch size than the one it was built for.",
    what="""
        Reports ``fit`` / ``evaluate`` / ``predict`` on a model with a stateful RNN and a fixed
        batch size B when the batch size used (``batch_size=``, or Keras' default of 32) makes
        batches of another size, and ``train_on_batch`` / ``test_on_batch`` /
        ``predict_on_batch`` with a number of rows other than B.  When x is unknown, an explicit
        ``batch_size=b`` smaller than B is still reported if x is certainly arrays (targets
        given to ``fit`` / ``evaluate``, or a numpy array / DataFrame): the first batch has at
        most b rows whatever the data (a larger b is silent: the data may have exactly B rows;
        a ``tf.data`` pipeline or a generator ignores ``batch_size``).
    """,
    why="""
        A stateful RNN keeps one state vector per batch row, so every batch must have exactly
        B rows.  ``model.predict(X)`` without ``batch_size`` uses batches of 32 and fails with
        ``Expected batch size: 1 - Received batch size: 32``; Keras 2 may instead silently
        broadcast the states in ``predict``.
    """,
    invalid=[
        """
        import numpy as np
        import keras

        model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
        testX = np.zeros((100, 3, 1))
        predictions = model.predict(testX)  # expect: SL112
        """,
    ],
    valid=[
        """
        import numpy as np
        import keras

        model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
        testX = np.zeros((100, 3, 1))
        predictions = model.predict(testX, batch_size=1)
        """,
    ],
    check=check,
)
