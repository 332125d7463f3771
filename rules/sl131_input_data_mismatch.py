from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import UNKNOWN_DIM, format_shape, is_known
from shapelint.frameworks.data.arrays import ArrayVal
from shapelint.frameworks.data.evidence import ChainPredictFails, ModelCallFailsAnySize
from shapelint.frameworks.keras.catalog import apply_output
from shapelint.frameworks.keras.propagate import LayerVal
from shapelint.frameworks.keras.training import (
    GENERATOR_CALLS,
    TAKES_Y,
    facts,
    first_consumers,
    fixed_batch,
    model_input,
    model_output,
    x_data,
)

ERRORS = ("Invalid input shape", "incompatible", "Dimensions must be equal", "expected axis")

CALLS = TAKES_Y + ("predict", "predict_on_batch") + GENERATOR_CALLS


def _tolerated(data, expected) -> bool:
    """Keras adds a missing trailing axis of size 1, or drops an extra one."""
    if len(data) == len(expected) - 1 and expected[-1] == 1:
        return True
    return len(data) == len(expected) + 1 and data[-1] == 1


def _problem(data, expected, model, array=True):
    """(how TensorFlow shows it, why) for x that cannot be this model's input, else None;
    ``array``: x is an array (not the batches of a dataset or an image iterator)."""
    want = format_shape(expected)
    if array and len(data) == len(expected) - 1 and all(is_known(e) for e in expected[1:]) \
            and tuple(data) == tuple(expected[1:]):
        sample = format_shape(tuple(data[1:]))
        return "rows", (f"is one sample without its batch axis: Keras reads its first axis as "
                        f"samples ({data[0]} samples of shape {sample}), not one sample of {want}; "
                        f"add the batch axis: x[None] or np.expand_dims(x, 0)")
    if len(data) != len(expected):
        if _tolerated(data, expected):
            return None
        target = ", ".join(str(d) if is_known(d) else "-1" for d in (data[0],) + tuple(expected[1:]))
        axes = ", then timesteps, features" if len(expected) == 3 else ""
        fix = f"reshape it, e.g. x.reshape({target})" if array else \
            "make the model's input match the batches (or reshape them in a .map())"
        return "raises", (f"has {len(data)} dimensions but the model input is {len(expected)}-D "
                          f"{want} (samples first{axes}); {fix}")
    consumers = first_consumers(model)
    if consumers and all(layer.spec.weights_last_axis for layer in consumers) \
            and is_known(data[-1]) and is_known(expected[-1]) and data[-1] != expected[-1]:
        what = "channels" if len(expected) == 4 else "features"
        return "raises", (f"has {data[-1]} {what} on its last axis but the model input {want} "
                          f"has {expected[-1]}, and the first layer's weights are sized for "
                          f"{expected[-1]}; fix the model's input shape or the data")
    return None


def _push(model, data, declared):
    """Push x's shape through the model's layers, a chain of one-input layers (x of the declared
    rank, every size known, some other than declared): ``(application, wanted, got, chain)`` at
    the first layer whose weights are sized for another last axis than the one it now gets, else
    None (unknown, or the model adapts)."""
    if len(data) != len(declared) or not all(is_known(d) for d in data[1:]):
        return None
    if all(d is None or d == e for d, e in zip(declared[1:], data[1:])):
        return None  # the declared shape: nothing new to learn
    output = model_output(model)
    root = model_input(model)
    if output is None or root is None or root is not model_input(model):
        return None
    shapes = {id(root): (UNKNOWN_DIM,) + tuple(data[1:])}
    found = []

    def shape(tensor, depth=0):
        key = id(tensor)
        if key in shapes:
            return shapes[key]
        shapes[key] = None
        app = getattr(tensor, "producer", None)
        layer = getattr(app, "layer", None)
        if depth > 200 or app is None or not isinstance(layer, LayerVal) or found \
                or getattr(app, "wrapper", None) is not None:
            return None
        inputs = [shape(t, depth + 1) for t in app.inputs]
        if found or any(s is None for s in inputs):
            return None
        if len(app.inputs) == 1 and layer.spec.weights_last_axis:
            wanted, got = app.inputs[0].shape, inputs[0]
            if wanted is not None and len(wanted) == len(got) and is_known(wanted[-1]) \
                    and is_known(got[-1]) and wanted[-1] != got[-1]:
                found.append((app, wanted[-1], got[-1]))
                return None
        out = apply_output(layer, inputs)
        if isinstance(out, list):
            out = None  # several outputs: not followed
        shapes[key] = out
        return out

    shape(output)
    if not found:
        return None
    chain = []
    tensor = output
    while tensor is not root:
        app = getattr(tensor, "producer", None)
        if app is None or len(app.inputs) != 1 or not isinstance(app.layer, LayerVal):
            return None
        chain.append(app.layer)
        tensor = app.inputs[0]
    return found[0] + (tuple(reversed(chain)),)


def _strict_keras2(data, expected):
    """Keras 2 checks the whole declared input shape: a known size other than the declared one
    fails at the model input (Keras 3 lets the layers decide)."""
    if len(data) != len(expected):
        return None
    for axis, (got, want) in enumerate(zip(data[1:], expected[1:]), start=1):
        if is_known(got) and is_known(want) and got != want:
            return "raises", (f"has {got} on axis {axis} where the model input {format_shape(expected)} "
                              f"declares {want}: Keras 2 checks the whole input shape (Keras 3 would let the "
                              f"layers decide); make the data {format_shape(tuple(expected[1:]))} per sample or "
                              f"declare None for sizes that vary")
    return None


def check(ctx) -> None:
    for call in ctx.analysis.model_calls:
        if call.method not in CALLS:
            continue
        x = x_data(facts(call))
        tensor = model_input(call.model)
        if x is None or tensor is None:
            continue
        data = x.shape
        problem = _problem(data, tensor.shape, call.model, array=isinstance(facts(call).x, ArrayVal))
        broken = None
        keras2 = ctx.target_keras == 2 or getattr(call.model, "keras", 3) == 2
        if not problem and keras2:
            problem = _strict_keras2(data, tensor.shape)
        if not problem:
            broken = _push(call.model, data, tensor.shape)
            if broken is not None:
                app, wanted, got, chain = broken
                name = app.layer.name
                problem = "raises", (
                    f"has the rank of the model input {format_shape(tensor.shape)} but other sizes; pushed "
                    f"through the model, {name} at line {ctx.line(app.node)} gets {got} features on its last "
                    f"axis where its weights are sized for {wanted} (what {format_shape(tensor.shape)} gives): "
                    f"resize the data to {format_shape(tuple(tensor.shape[1:]))} or declare the data's shape "
                    f"(or use global pooling, which accepts any size)")
        if problem:
            check, problem = problem
            samples = data if check == "rows" else (fixed_batch(call.model) or 4,) + tuple(data[1:])
            if broken is not None:
                evidence = ChainPredictFails(chain, tuple(tensor.shape[1:]), samples,
                                             ("expected axis -1", "Dimensions must be equal",
                                              "Matrix size-incompatible", "incompatible shapes"))
            else:
                evidence = ModelCallFailsAnySize(call.model, "predict", samples, ERRORS, check=check)
            ctx.report(
                call.node,
                Message.of("{method}: x {x_shape} (from {x_from} at line {x_line}) {problem}; the model "
                           "input {input_shape} comes from {source}",
                           method=call.method, x_shape=format_shape(data), x_from=x.what, x_line=ctx.line(x.node),
                           problem=problem, input_shape=format_shape(tensor.shape), source=ctx.where(tensor.origin)),
                related=[(x.node, f"x gets its shape {format_shape(data)} here"),
                         (tensor.origin.node if tensor.origin else None,
                          f"the model input {format_shape(tensor.shape)} is declared here")],
                evidence=evidence,
            )


RULE = Rule(
    code="SL131",
    name="input-data-mismatch",
    summary="The array given to fit / predict / evaluate cannot be the model's input.",
    what="""
        Compares the shape of ``x`` (known from numpy constructors, ``reshape``, literals, the
        built-in datasets, batched ``tf.data`` pipelines, ``ImageDataGenerator.flow_from_directory``
        / ``flow_from_dataframe`` / ``flow`` and ``image_dataset_from_directory``, e.g. RGB images
        into a model built for one channel) with the model input, and reports: a single sample passed without
        its batch axis; a number of dimensions Keras cannot adapt (it only adds or drops a
        trailing axis of size 1); a last axis of another size than the first layer's weights
        were built for; data of the declared rank but other sizes, pushed through the model's
        layers to the first one whose weights do not fit (a ``Dense`` after ``Flatten`` on
        223x223 images declared 100x100; a global-pooled model accepts any size and stays
        silent).  New axes from ``X[:, None, :]`` / ``X[..., np.newaxis]`` are followed, and an
        array of unknown shape (``df.values``, ``np.array(rows)``) reshaped with explicit sizes
        has a known rank: ``X.reshape(X.shape[0], X.shape[1], 1)`` is (?, ?, 1).
    """,
    why="""
        Keras reads the first axis of ``x`` as samples.  ``model.predict(x)`` with ``x`` of
        shape (5, 1) on a model built for (None, 5, 1) silently predicts five samples of one
        timestep each (Keras 3 adds the missing axis), and on a Dense model it fails with
        ``Invalid input shape``.  Data whose rank or feature count differs fails in ``fit``.
        Keras 3 accepts another number of timesteps than declared, so that is not reported.
    """,
    invalid=[
        """
        import numpy as np
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        model = Sequential()
        model.add(LSTM(5, input_shape=(5, 1)))
        model.add(Dense(1))
        print(model.predict(np.array([[0.], [0.], [0.], [0.], [0.]])))  # expect: SL131
        """,
        """
        import numpy as np
        import keras

        X = np.random.rand(100, 20)
        model = keras.Sequential([keras.Input((20, 3)), keras.layers.LSTM(8), keras.layers.Dense(1)])
        model.compile(loss="mse")
        model.fit(X, np.zeros((100, 1)))  # expect: SL131
        """,
    ],
    valid=[
        """
        import numpy as np
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        model = Sequential()
        model.add(LSTM(5, input_shape=(5, 1)))
        model.add(Dense(1))
        print(model.predict(np.array([[[0.], [0.], [0.], [0.], [0.]]])))
        """,
        """
        import numpy as np
        import keras

        X = np.random.rand(100, 20).reshape(100, 20, 1)
        model = keras.Sequential([keras.Input((20, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])
        model.compile(loss="mse")
        model.fit(X, np.zeros((100, 1)))
        model.fit(np.random.rand(100, 20), np.zeros((100, 1)))  # Keras adds the trailing axis of 1
        """,
    ],
    check=check,
)
