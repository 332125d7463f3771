from shapelint.core.fix import UNSAFE, FixPlan, SetArgument
from shapelint.core.rule import Message, Rule, keyword_node
from shapelint.core.shapes import format_shape
from shapelint.frameworks import names
from shapelint.frameworks.keras.catalog import channels_last, normalize_axis
from shapelint.frameworks.keras.evidence import AllOnes
from shapelint.interp.values import QualName


def is_softmax(value) -> bool:
    if value == "softmax":
        return True
    if isinstance(value, QualName):
        meaning = names.meaning(value.name)
        return meaning is not None and meaning.kind == "softmax"
    return False


FIX = ("for a yes/no output use a sigmoid: Dense(1, activation=\"sigmoid\") with "
       "binary_crossentropy; or use Dense(2, activation=\"softmax\") with one-hot labels")


def _sigmoid(layer):
    """The same layer with a sigmoid: the argument replaced where it is written."""
    positional = layer.spec.positional
    position = positional.index("activation") if "activation" in positional else None
    if layer.name == "Activation":
        return FixPlan('Use Activation("sigmoid")', UNSAFE, SetArgument(layer.node, "activation", "sigmoid", 0))
    return FixPlan('Use activation="sigmoid" (a single unit: a yes/no output)', UNSAFE,
                   SetArgument(layer.node, "activation", "sigmoid", position))


def check(ctx) -> None:
    for layer in ctx.analysis.layers:
        size_arg = layer.spec.units_arg
        if size_arg is None or layer.spec.recurrent or layer.arg(size_arg) != 1 or isinstance(layer.arg(size_arg), bool):
            continue
        if not is_softmax(layer.arg("activation")) or not channels_last(layer):
            continue
        ctx.report(
            keyword_node(layer.node, "activation"),
            Message.of("{layer}(1, activation=\"softmax\") always outputs 1.0: softmax divides each "
                       "value by the sum over the last axis, which has a single unit here, so the "
                       "model cannot learn anything; {advice}", layer=layer.name, advice=FIX),
            evidence=AllOnes(layer=layer),
            fix=_sigmoid(layer),
        )
    for app in ctx.analysis.applications:
        layer = app.layer
        if layer.name == "Softmax":
            axis_arg = layer.arg("axis")
        elif layer.name == "Activation" and is_softmax(layer.arg("activation")):
            axis_arg = -1
        else:
            continue
        tensor = app.inputs[0] if app.inputs else None
        if tensor is None or tensor.shape is None or isinstance(axis_arg, bool):
            continue
        axis = normalize_axis(axis_arg, len(tensor.shape))
        if axis is None or axis == 0 or tensor.shape[axis] != 1:
            continue
        ctx.report(
            app.node,
            Message.of("softmax over axis {axis} of {shape} (from {source}) always outputs 1.0: that "
                       "axis has size 1; {advice}", axis=axis_arg, shape=format_shape(tensor.shape),
                       source=ctx.where(tensor.origin), advice=FIX),
            related=[(tensor.origin.node if tensor.origin else None,
                      "the size-1 axis comes from here")],
            evidence=AllOnes(app=app),
            fix=_sigmoid(layer) if layer.name == "Activation" else None,
        )


RULE = Rule(
    code="SL121",
    name="softmax-single-unit",
    summary="Softmax over an axis of size 1: the output is always 1.0.",
    what="""
        Reports ``Dense(1, activation="softmax")`` (also ``Conv1D`` / ``Conv2D`` with one
        filter, and inside ``TimeDistributed``), and ``Softmax()`` / ``Activation("softmax")``
        applied to a tensor whose softmax axis has size 1.
    """,
    why="""
        Softmax turns scores into probabilities that sum to 1 over an axis.  Over a single
        unit that probability is always exactly 1.0, whatever the input: the model predicts the
        same value for everything and its loss never improves.  Nothing raises; Keras 3 only
        warns on the first real call, Keras 2 not at all.
    """,
    notes="""
        Fix safety: unsafe.  The fix replaces the activation with ``"sigmoid"`` (``--fix
        --unsafe-fixes``, or the editor's quick fix): changing an activation changes what the
        model computes, and the loss must match it (``binary_crossentropy``); the user may
        rather have meant ``Dense(2, activation="softmax")`` with one-hot labels.
    """,
    invalid=[
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense, TimeDistributed

        model = Sequential()
        model.add(LSTM(150, input_shape=(None, 1), return_sequences=True))
        model.add(TimeDistributed(Dense(1, activation='softmax')))  # expect: SL121
        """,
        """
        import tensorflow as tf

        outputs = tf.keras.layers.Dense(1, activation=tf.nn.softmax)  # expect: SL121
        """,
    ],
    valid=[
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense, TimeDistributed

        model = Sequential()
        model.add(LSTM(150, input_shape=(None, 1), return_sequences=True))
        model.add(TimeDistributed(Dense(1, activation='sigmoid')))
        """,
        """
        import tensorflow as tf

        outputs = tf.keras.layers.Dense(2, activation=tf.nn.softmax)
        """,
    ],
    check=check,
)
