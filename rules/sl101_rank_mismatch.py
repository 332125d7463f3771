import libcst as cst

from shapelint.core.fix import UNSAFE, FixPlan, SetArgument
from shapelint.core.rule import Message, Rule, keyword_node
from shapelint.core.shapes import format_shape
from shapelint.frameworks.keras.catalog import accepts_rank
from shapelint.frameworks.keras.evidence import BuildFails, ConstructionFails
from shapelint.frameworks.keras.propagate import DATA_CALLS, SequentialVal, shape_producer, unknown_input_clause

EXPECT = ("expected ndim=", "expected min_ndim=")


def _fix(layer, tensor) -> str:
    origin = tensor.origin
    producer = shape_producer(tensor)
    rank = len(tensor.shape)
    wanted = min(layer.spec.ranks) if layer.spec.ranks else None
    if producer is not None and producer.layer.spec.recurrent and wanted == 3 and rank == 2:
        return f"pass return_sequences=True to that {producer.layer.name}"
    if producer is None and origin is not None and origin.what.startswith("input_dim") \
            and wanted == 3 and rank == 2:
        return _input_dim_advice(tensor.shape[1])
    if producer is None and origin is not None and origin.what.startswith("input_shape") \
            and wanted == 3 and rank == 2:
        steps = tensor.shape[1]
        return (f"an input_shape for {layer.name} is (timesteps, features): for {steps} steps of "
                f"one feature use input_shape=({steps}, 1) and reshape the data to "
                f"(samples, {steps}, 1)")
    if wanted is not None and rank < wanted:
        return "add the missing axis first (Reshape, or RepeatVector for a repeated vector)"
    if producer is not None and producer.layer.spec.recurrent and rank == 3:
        return f"remove return_sequences=True from that {producer.layer.name}, or flatten first"
    return "reshape the tensor to what the layer expects"


def _input_dim_advice(features, steps="timesteps") -> str:
    return (f"Keras 3 reads input_dim={features} as input_shape=({features},) (Keras 2 read it as the "
            f"number of features of each timestep): declare keras.Input(shape=({steps}, {features})) "
            f"as the model's first element instead")


def _steps(layer):
    steps = layer.arg("input_length") if layer.given("input_length") else None
    return steps if isinstance(steps, int) and not isinstance(steps, bool) else "timesteps"


def _rnn_input_dim(ctx) -> None:
    """``Sequential([LSTM(8, input_dim=3)])`` under Keras 3: the model's input is (None, 3), 2-D."""
    for app in ctx.analysis.applications:
        layer = app.layer
        if app.index != 0 or app.wrapper is not None or not isinstance(app.model, SequentialVal) \
                or layer.keras < 3 or not layer.spec.recurrent or not layer.input_spec("input_dim") \
                or any(layer.given(name) for name in ("input_shape", "batch_input_shape")):
            continue
        features = layer.arg("input_dim")
        if not isinstance(features, int) or isinstance(features, bool) or features <= 0:
            continue
        node = keyword_node(layer.node, "input_dim")
        ctx.report(
            app.node,
            Message.of("{layer} expects {expects} but receives {received} from input_dim={features} on "
                       "{layer} at line {line}; {advice}", layer=layer.name, expects=layer.spec.expects,
                       received=format_shape((None, features)), features=features, line=ctx.line(node),
                       advice=_input_dim_advice(features, _steps(layer))),
            related=[(node, f"input_dim={features} declares a 2-D (None, {features}) input here")],
            evidence=ConstructionFails(layer, EXPECT, arg="input_dim", keep=("input_dim",)),
        )


def _return_sequences(ctx, layer, tensor):
    """return_sequences=True on the RNN that returns only its last step to another RNN."""
    producer = shape_producer(tensor)
    wanted = min(layer.spec.ranks) if layer.spec.ranks else None
    if producer is None or not producer.layer.spec.recurrent or wanted != 3 or len(tensor.shape) != 2:
        return None
    rnn = producer.layer.inner if producer.layer.name == "Bidirectional" else producer.layer
    if rnn is None or rnn.node is None:
        return None
    return FixPlan(f"Pass return_sequences=True to the {rnn.name} at line {ctx.line(rnn.node)}", UNSAFE,
                   SetArgument(rnn.node, "return_sequences", True))


def _data_call(tensor):
    """The ``model.fit(...)`` / ``predict(...)`` call whose data is this very tensor (the root a
    model without a declared input is built or traced for), else None."""
    origin = tensor.origin
    if not tensor.root or tensor.producer is not None or origin is None:
        return None
    node = origin.node
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in DATA_CALLS:
        return node
    return None


def check(ctx) -> None:
    _rnn_input_dim(ctx)
    for app in ctx.analysis.applications:
        layer = app.layer
        spec = layer.spec
        if spec.kind != "layer" or spec.name == "TimeDistributed" or not app.inputs:
            continue
        tensor = app.inputs[0]
        if tensor.shape is None or accepts_rank(spec, layer, len(tensor.shape)):
            continue
        expects = spec.expects or f"{len(layer.arg('dims')) + 1}-D input"
        inside = " (inside TimeDistributed, which feeds it one timestep at a time)" if app.wrapper else ""
        got = format_shape(tensor.shape)
        template = "{layer}{inside} expects {expects} but receives {received} from {source}; {advice}"
        extra = {}
        unknown = unknown_input_clause(tensor, ctx.line)
        if unknown is not None:  # the input is unknown, the rank is certain: say why
            got, extra["why"] = unknown
            template = "{layer}{inside} expects {expects} but receives {received} from {source} {why}; {advice}"
        related = [(tensor.origin.node if tensor.origin else None,
                    f"the {len(tensor.shape)}-D {got} input comes from here")]
        where = app.node
        extra_advice = ""
        call = _data_call(tensor)
        if call is not None and not app.wrapper:
            # The data of a fit / predict goes straight into this layer (a model built from
            # its data, a subclassed model's call): the data's layout is what to fix, there.
            where, related = call, [(app.node, f"{layer.name} rejects it here")]
            extra_advice = ("give the data the layer's layout (x.reshape(samples, ...)); "
                            "for one sample keep its batch axis: x[i:i + 1] or x[None]")
        ctx.report(
            where,
            Message.of(template, layer=layer.name, inside=inside, expects=expects, received=got,
                       source=ctx.where(tensor.origin),
                       advice=extra_advice if call is not None and not app.wrapper else _fix(layer, tensor), **extra),
            related=related,
            evidence=BuildFails(app, EXPECT),
            fix=_return_sequences(ctx, layer, tensor),
        )


RULE = Rule(
    code="SL101",
    name="rank-mismatch",
    summary="A layer receives a tensor with a number of dimensions it cannot take.",
    what="""
        Follows the shape of the data through the model and reports a layer whose input has
        the wrong rank: an LSTM after an LSTM that returns only its last step, an RNN given a
        1-D ``input_shape``, a ``Conv1D`` after a ``Dense`` output, a ``Flatten`` followed by an
        LSTM, and, under Keras 3, a first RNN given ``input_dim=`` (Keras 3 reads it as
        ``input_shape=(input_dim,)``, a 2-D input; Keras 2 read it as the features per step).
        The message names the shape received and the layer (or ``input_shape``) it came from,
        and what to change.  A model whose input is never given (a Sequential without input
        shape, a functional graph on an input the code does not define) is followed too, from
        the layers whose output rank does not depend on their input: an RNN returning its last
        step, ``Bidirectional`` over one, ``Flatten`` and global pooling output 2-D whatever
        they receive, so a sequence layer after them fails for every input.
    """,
    why="""
        Recurrent and 1-D convolution layers read 3-D input: (batch, timesteps, features).
        An LSTM without ``return_sequences=True`` outputs only its last step, (batch, units),
        so a second LSTM stacked on it has no time axis to iterate over.  Keras raises
        ``expected ndim=3, found ndim=2`` when the model is built.
    """,
    notes="""
        Fix safety: unsafe.  When the tensor comes from an RNN that returns only its last step,
        the fix passes ``return_sequences=True`` to that RNN (``--fix --unsafe-fixes``, or the
        editor's quick fix).  That changes what the RNN outputs, and so the model: stacking was
        probably meant, but the user may have meant a ``Dense`` after it instead.
    """,
    invalid=[
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        model = Sequential()
        model.add(LSTM(32, input_shape=(600, 8)))
        model.add(LSTM(32))  # expect: SL101
        model.add(Dense(1))
        """,
        """
        import tensorflow as tf

        model = tf.keras.Sequential([
            tf.keras.layers.LSTM(4, input_shape=(5,)),  # expect: SL101
            tf.keras.layers.Dense(1),
        ])
        """,
        """
        from keras import layers, Input, Model

        inputs = Input(shape=(32,))
        x = layers.Dense(16)(inputs)
        x = layers.Conv1D(8, 3)(x)  # expect: SL101
        """,
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        model = Sequential()
        model.add(LSTM(32))
        model.add(LSTM(16))  # expect: SL101
        model.add(Dense(1))
        """,
    ],
    valid=[
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        model = Sequential()
        model.add(LSTM(32, return_sequences=True, input_shape=(600, 8)))
        model.add(LSTM(32))
        model.add(Dense(1))
        """,
        """
        import tensorflow as tf

        model = tf.keras.Sequential([
            tf.keras.layers.LSTM(4, input_shape=(5, 1)),
            tf.keras.layers.Dense(1),
        ])
        """,
    ],
    check=check,
)
