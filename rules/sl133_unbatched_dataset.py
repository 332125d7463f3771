from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import format_shape
from shapelint.frameworks.data.arrays import DatasetVal
from shapelint.frameworks.keras.evidence import ModelCallFails
from shapelint.frameworks.keras.training import facts, model_input


def check(ctx) -> None:
    for call in ctx.analysis.model_calls:
        if call.method not in ("fit", "evaluate", "predict"):
            continue
        tensor = model_input(call.model)
        if tensor is None:
            continue
        datasets = [("", facts(call).x)]
        if call.method == "fit":
            datasets.append(("as validation_data ", facts(call).arg("validation_data")))
        for role, dataset in datasets:
            if isinstance(dataset, DatasetVal) and dataset.batch is None:
                _report(ctx, call, tensor, dataset, role)


def _report(ctx, call, tensor, dataset, role) -> None:
    element = dataset.element
    if isinstance(element, tuple) and element and isinstance(element[0], tuple):
        element = element[0]  # (features, labels)
    if not isinstance(element, tuple) or len(element) != len(tensor.shape) - 1:
        return
    discarded = getattr(dataset, "discarded_batch", None)
    note = ""
    if discarded is not None:
        note = (f"; the .batch() at line {ctx.line(discarded)} returns a new dataset, which is "
                f"thrown away: assign it (data = data.batch(...))")
    ctx.report(
        call.node,
        Message.of("{method} gets {role}a tf.data.Dataset that is never batched: from_tensor_slices at line "
                   "{line} yields one sample of shape {element} at a time, but the model wants batches "
                   "{input_shape}; add .batch(32){note}",
                   method=call.method, role=role, line=ctx.line(dataset.node), element=format_shape(element),
                   input_shape=format_shape(tensor.shape), note=note),
        related=[(dataset.node, f"one element is {format_shape(element)}")],
        evidence=ModelCallFails(call.model, "dataset_predict", (4,) + tuple(element),
                                ("Invalid input shape", "expected min_ndim", "incompatible")),
    )


RULE = Rule(
    code="SL133",
    name="unbatched-dataset",
    summary="A tf.data.Dataset that is never .batch()ed is given to fit / predict / evaluate.",
    what="""
        Reports a ``tf.data.Dataset.from_tensor_slices(...)`` pipeline without ``.batch()``
        given to ``fit`` / ``evaluate`` / ``predict``, or as ``validation_data`` to ``fit``, when
        its elements have one dimension less than the model input, and says so when a
        ``.batch()`` result was thrown away.  ``.shuffle()``, ``.repeat()``, ``.prefetch()``,
        ``.cache()`` keep a pipeline unbatched; ``.map(f)`` too when ``f`` is a function of the
        file whose result shapelint follows (else the element is unknown and the rule silent).
    """,
    why="""
        ``from_tensor_slices`` yields one sample at a time; Keras takes each element of a
        dataset as a whole batch, so the model receives (75,) where it wants (None, 75) and
        ``fit`` fails with ``Invalid input shape`` (Keras 2: ``expected min_ndim=2, found
        ndim=1``).  ``data.batch(100)`` alone does nothing: datasets are immutable.
    """,
    invalid=[
        """
        import numpy as np
        import tensorflow as tf
        from tensorflow import keras

        X = np.random.rand(1000, 75)
        y = np.random.rand(1000)
        data = tf.data.Dataset.from_tensor_slices((X, y))
        data.batch(batch_size=100, drop_remainder=True)
        model = keras.Sequential([keras.Input((75,)), keras.layers.Dense(1)])
        model.compile(loss="mse")
        model.fit(data, epochs=10)  # expect: SL133
        """,
    ],
    valid=[
        """
        import numpy as np
        import tensorflow as tf
        from tensorflow import keras

        X = np.random.rand(1000, 75)
        y = np.random.rand(1000)
        data = tf.data.Dataset.from_tensor_slices((X, y))
        data = data.batch(batch_size=100, drop_remainder=True)
        model = keras.Sequential([keras.Input((75,)), keras.layers.Dense(1)])
        model.compile(loss="mse")
        model.fit(data, epochs=10)
        """,
    ],
    check=check,
)
