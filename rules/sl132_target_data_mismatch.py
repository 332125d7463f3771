from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import UNKNOWN_DIM, format_shape, is_known
from shapelint.frameworks.data.evidence import SingleUnitCrossentropy
from shapelint.frameworks.keras.evidence import ModelCallFails
from shapelint.frameworks.keras.training import (
    TAKES_Y,
    facts,
    fixed_batch,
    loss_of,
    model_input,
    model_output,
    x_data,
    y_data,
)

ERRORS = ("must have the same shape", "must have the same rank", "must have rank", "Dimensions must be equal",
          "Incompatible shapes", "Data cardinality is ambiguous", "BroadcastGradientArgs")

SAME_SHAPE = {"categorical_crossentropy", "binary_crossentropy", "categorical_focal_crossentropy",
              "binary_focal_crossentropy", "kl_divergence", "kullback_leibler_divergence"}
SPARSE = {"sparse_categorical_crossentropy"}
REGRESSION = {"mse", "mae", "mean_squared_error", "mean_absolute_error", "msle",
              "mean_squared_logarithmic_error", "huber", "log_cosh", "logcosh"}


def _expand(target, output):
    """Keras adds a missing trailing axis of 1 to the targets."""
    if len(target) == len(output) - 1 and output[-1] == 1:
        return tuple(target) + (1,)
    return tuple(target)


def _differs(a, b) -> bool:
    return is_known(a) and is_known(b) and a != b


def _problem(target, output, loss):
    """(message, fails) for targets that cannot match the output under ``loss``."""
    if loss in SPARSE:
        if len(target) == len(output) and is_known(output[-1]) and output[-1] > 1 \
                and target[-1] == output[-1]:
            return (f"look one-hot ({target[-1]} columns) but sparse_categorical_crossentropy "
                    f"wants integer class ids of shape (samples,): use categorical_crossentropy, "
                    f"or pass y.argmax(-1)"), True
        if len(output) >= 3 and len(target) < len(output) - 1:
            return (f"hold one class id per sample but the model outputs class scores for every "
                    f"position ({len(output)}-D): sparse_categorical_crossentropy wants targets of "
                    f"rank {len(output) - 1}; add Flatten() or GlobalAveragePooling before the "
                    f"classification head"), True
        return None
    expanded = _expand(target, output)
    if loss in SAME_SHAPE:
        same_samples_axes = not any(_differs(a, b) for a, b in zip(target[1:], output[1:-1]))
        integer_ids = same_samples_axes and (
            len(target) == len(output) - 1 or (len(target) == len(output) and target[-1] == 1))
        if len(target) >= 2 and len(target) == len(output) - 1 and is_known(target[-1]) \
                and target[-1] == output[-1]:
            integer_ids = False  # one-hot rows against a sequence of rows
        if loss == "categorical_crossentropy" and integer_ids and is_known(output[-1]) and output[-1] > 1:
            return (f"look like integer class ids but categorical_crossentropy wants one-hot rows "
                    f"of {output[-1]}: use sparse_categorical_crossentropy, or "
                    f"keras.utils.to_categorical(y, {output[-1]})"), True
        if len(expanded) != len(output) or any(_differs(a, b) for a, b in zip(expanded[1:], output[1:])):
            hint = ""
            if len(output) == 3 and len(target) == 2:
                hint = ": the model returns a sequence"
            return f"must have the output's shape for {loss}{hint}", True
        return None
    if loss in REGRESSION:
        if len(output) == 3 and len(target) == 2 and is_known(output[1]) and output[1] != 1 \
                and output[-1] == 1 and target[-1] == 1:
            return (f"are one value per sample but the model outputs one per timestep: {loss} "
                    f"silently trains all {output[1]} timesteps toward the same target; remove "
                    f"return_sequences=True from the last RNN, or give targets per timestep"), False
        if len(expanded) == len(output):
            pairs = list(zip(expanded[1:], output[1:]))
            if any(_differs(a, b) and a != 1 and b != 1 for a, b in pairs):
                return f"cannot broadcast to the output's shape for {loss}", True
            if any(_differs(a, b) for a, b in pairs):
                return (f"broadcast silently against the output for {loss}: every output column is "
                        f"trained toward the same target; make y's shape match the output"), False
    return None


def _fed_as_declared(x, tensor) -> bool:
    """The output shape is the declared one only if x has the declared input shape (Keras 3
    accepts, for instance, another number of timesteps, and the output follows it)."""
    if x is None or tensor is None:
        return False
    expected = tensor.shape
    if len(x) == len(expected) - 1 and expected[-1] == 1:
        x = tuple(x) + (1,)
    return len(x) == len(expected) and all(
        is_known(a) and (b is None or a == b) for a, b in zip(x[1:], expected[1:]))


def _same_rank(x, tensor) -> bool:
    """x has the declared rank and no known size that differs: the output's rank is the
    declared one even where sizes are unknown."""
    if x is None or tensor is None:
        return False
    expected = tensor.shape
    if len(x) == len(expected) - 1 and expected[-1] == 1:
        x = tuple(x) + (1,)
    return len(x) == len(expected) and not any(_differs(a, b) for a, b in zip(x[1:], expected[1:]))


# Layers whose last output axis is fixed by their arguments (units), whatever the input's
# other sizes (not convolutions: channels_first puts a spatial axis last); and layers that keep
# their input's shape.
FIXED_LAST_AXIS = {"Dense", "LSTM", "GRU", "SimpleRNN", "Embedding"}
KEEPS_SHAPE = {"Activation", "Dropout", "Softmax", "BatchNormalization", "LayerNormalization",
               "GaussianNoise", "GaussianDropout", "ActivityRegularization", "ReLU", "LeakyReLU"}


def _rank_only(output):
    """The output's shape with only what does not depend on the input's sizes: its rank, and
    the last axis of a final layer that fixes it (units); None when that is unsure."""
    shape = output.shape
    tensor = output
    for _ in range(20):
        producer = getattr(tensor, "producer", None)
        layer = getattr(producer, "layer", None)
        name = getattr(getattr(layer, "spec", None), "name", None)
        if name in FIXED_LAST_AXIS and is_known(shape[-1]) and len(shape) >= 2:
            return (shape[0],) + (UNKNOWN_DIM,) * (len(shape) - 2) + (shape[-1],)
        if name not in KEEPS_SHAPE or len(producer.inputs) != 1:
            return None
        tensor = producer.inputs[0]
    return None


SEQUENCE_KEEPERS = {"Conv1D", "MaxPooling1D", "AveragePooling1D", "MaxPool1D", "AvgPool1D", "SeparableConv1D",
                    "UpSampling1D", "ZeroPadding1D", "Cropping1D", "Embedding", "Reshape"}


def _sequence_source(output, ctx) -> str:
    """Why a rank-3 output has a time axis: the layer that made it, walking back through Dense
    and shape-keeping layers ("" when unsure)."""
    tensor = output
    for _ in range(20):
        producer = getattr(tensor, "producer", None)
        layer = getattr(producer, "layer", None)
        spec = getattr(layer, "spec", None)
        name = getattr(spec, "name", None)
        if name is None or producer.inputs is None or len(producer.inputs) != 1:
            return ""
        if getattr(spec, "recurrent", False):
            return " (return_sequences=True on the last RNN)" if layer.arg("return_sequences") is True else ""
        if name in SEQUENCE_KEEPERS:
            pooling = "pool" in name.lower()
            what = "a pooling layer, which keeps the time axis" if pooling else "it keeps the time axis"
            return (f" ({name} at line {ctx.line(layer.node)}: {what}; add GlobalMaxPooling1D() or "
                    f"Flatten() before the head)")
        if name not in KEEPS_SHAPE and name != "Dense":
            return ""
        tensor = producer.inputs[0]
    return ""


def _single_unit(y, output, loss, tensor):
    """Evidence that ``categorical_crossentropy`` is always ~0 on this model's one output unit
    (not when the unit is a softmax: SL121 reports that), else None."""
    if loss != "categorical_crossentropy" or len(output) < 2 or output[-1] != 1 or not is_known(output[-1]):
        return None
    producer = getattr(tensor, "producer", None)
    layer = getattr(producer, "layer", None)
    if getattr(getattr(layer, "spec", None), "name", None) != "Dense" or layer.arg("activation") == "softmax":
        return None
    model_y = tuple(y) if len(y) == len(output) else tuple(y) + (1,)
    if len(model_y) != len(output) or (len(y) == len(output) and y[-1] != 1):
        return None
    return model_y


def check(ctx) -> None:
    for call in ctx.analysis.model_calls:
        if call.method not in TAKES_Y + ("fit_generator", "evaluate_generator"):
            continue
        found = facts(call)
        x_from, y_from = x_data(found), y_data(found)
        if y_from is None:
            continue
        x, y = x_from.shape if x_from is not None else None, y_from.shape
        if x is not None and x and y and _differs(x[0], y[0]):
            ctx.report(call.node,
                       Message.of("{method}: x has {x_samples} samples but y has {y_samples} (from {y_from} "
                                  "at line {y_line}); Keras raises 'Data cardinality is ambiguous'",
                                  method=call.method, x_samples=x[0], y_samples=y[0], y_from=y_from.what,
                                  y_line=ctx.line(y_from.node)),
                       related=[(x_from.node, f"x {format_shape(x)}"), (y_from.node, f"y {format_shape(y)}")],
                       evidence=ModelCallFails(call.model, "fit", (4,) + tuple(x[1:]), ERRORS,
                                               y_shape=(5,) + tuple(y[1:]),
                                               loss=loss_of(call.model, call, ctx.analysis.model_calls) or "mse"))
            continue
        output = model_output(call.model)
        loss = loss_of(call.model, call, ctx.analysis.model_calls)
        if output is None or loss is None:
            continue
        if _fed_as_declared(x, model_input(call.model)):
            shape = output.shape
        elif _same_rank(x, model_input(call.model)) and _rank_only(output) is not None:
            shape = _rank_only(output)
        else:
            continue
        single_y = _single_unit(y, shape, loss, output)
        if single_y is not None:
            declared = model_input(call.model).shape
            single = SingleUnitCrossentropy(call.model, (4,) + tuple(
                a if is_known(a) else b if is_known(b) else 16 if b is None else b
                for a, b in zip(x[1:], declared[1:])), (4,) + tuple(single_y[1:]))
            ctx.report(
                call.node,
                Message.of("{method}: categorical_crossentropy over the model's single output unit {output_shape} "
                           "(from {source}) is 0 whatever the targets y {y_shape} are: Keras divides the scores by "
                           "their sum, so the one score is always 1.0 and the model learns nothing; for classes "
                           "0..k use Dense(k, activation=\"softmax\") with sparse_categorical_crossentropy, for "
                           "two classes binary_crossentropy (this trains without an error)",
                           method=call.method, output_shape=format_shape(output.shape),
                           source=ctx.where(output.origin), y_shape=format_shape(y)),
                related=[(output.origin.node if output.origin else None, "one output unit here"),
                         (y_from.node, f"y gets its shape {format_shape(y)} here")],
                evidence=single,
            )
            continue
        problem = _problem(y, shape, loss)
        if problem:
            message, fails = problem
            if message.endswith(": the model returns a sequence"):
                message += _sequence_source(output, ctx)
            samples = fixed_batch(call.model) or 4
            labels = tuple(y[1:])
            if labels and labels[-1] is UNKNOWN_DIM and is_known(output.shape[-1]):
                labels = labels[:-1] + (output.shape[-1],)  # one-hot of unknown width: any width shows it
            declared = model_input(call.model).shape
            # Sizes neither the data nor the model fixes (timesteps of Input((None, 8))): any will do.
            features = tuple(a if is_known(a) else b if is_known(b) else 16 if b is None else b
                             for a, b in zip(x[1:], declared[1:]))
            runnable = fails and all(is_known(d) for d in features + labels)
            evidence = ModelCallFails(call.model, "fit", (samples,) + features, ERRORS,
                                      y_shape=(samples,) + labels, loss=loss) if runnable else None
            ctx.report(
                call.node,
                Message.of("{method}: targets y {y_shape} (from {y_from} at line {y_line}) {problem}; the "
                           "model outputs {output_shape} from {source}{silent}",
                           method=call.method, y_shape=format_shape(y), y_from=y_from.what,
                           y_line=ctx.line(y_from.node), problem=message, output_shape=format_shape(output.shape),
                           source=ctx.where(output.origin), silent="" if fails else " (this trains without an error)"),
                related=[(y_from.node, f"y gets its shape {format_shape(y)} here"),
                         (output.origin.node if output.origin else None,
                          f"the output {format_shape(output.shape)} comes from here")],
                evidence=evidence,
            )


RULE = Rule(
    code="SL132",
    name="target-data-mismatch",
    summary="The targets y given to fit / evaluate cannot match the model's output and loss.",
    what="""
        Compares ``y`` (known from numpy, ``to_categorical``, the built-in datasets, or the
        labels an image pipeline yields: ``class_mode`` / ``label_mode``) with the model output
        and the loss given to ``compile`` (a string, a loss function or a loss object such as
        ``keras.losses.SparseCategoricalCrossentropy()``), at rank level when sizes are unknown:
        another number of samples than ``x``; integer labels with ``categorical_crossentropy``;
        one-hot labels with ``sparse_categorical_crossentropy``; one class id per sample against
        per-position scores (no ``Flatten`` before the head); targets of another shape with a
        cross-entropy; per-sample targets against per-timestep outputs (``return_sequences=True``,
        or a pooling layer that keeps the time axis, named in the message);
        ``categorical_crossentropy`` over a single output unit, whose loss is 0 whatever the
        targets.
    """,
    why="""
        Some of these fail in ``fit`` (``Arguments target and output must have the same
        shape``, ``Data cardinality is ambiguous``).  Others train without an error and learn
        the wrong thing: with ``mse``, targets (samples, 1) against outputs (samples, 5, 1)
        broadcast, so every timestep is trained toward the same value.  The message says which
        of the two happens.  Keras adds a missing trailing axis of 1 to targets, so y of shape
        (samples,) for a (None, 1) output is fine and not reported.
    """,
    invalid=[
        """
        import numpy as np
        import keras

        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        labels = np.random.randint(0, 5, size=(100,))
        model.fit(np.random.rand(100, 20), labels)  # expect: SL132
        """,
        """
        import numpy as np
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        model = Sequential()
        model.add(LSTM(16, input_shape=(10, 1), return_sequences=True))
        model.add(Dense(1))
        model.compile(loss="mse", optimizer="adam")
        model.fit(np.zeros((50, 10, 1)), np.zeros((50, 1)))  # expect: SL132
        """,
    ],
    valid=[
        """
        import numpy as np
        import keras

        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(5, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        labels = np.random.randint(0, 5, size=(100,))
        model.fit(np.random.rand(100, 20), labels)
        """,
        """
        import numpy as np
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        model = Sequential()
        model.add(LSTM(16, input_shape=(10, 1), return_sequences=True))
        model.add(Dense(1))
        model.compile(loss="mse", optimizer="adam")
        model.fit(np.zeros((50, 10, 1)), np.zeros((50, 10)))
        """,
    ],
    check=check,
)
