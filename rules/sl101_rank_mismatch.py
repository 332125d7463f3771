from shapelint.core.fix import UNSAFE, FixPlan, SetArgument
from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import format_shape
from shapelint.frameworks.keras.catalog import accepts_rank
from shapelint.frameworks.keras.evidence import BuildFails
from shapelint.frameworks.keras.propagate import shape_producer

EXPECT = ("expected ndim=", "expected min_ndim=")


def _fix(layer, tensor) -> str:
    origin = tensor.origin
    producer = shape_producer(tensor)
    rank = len(tensor.shape)
    wanted = min(layer.spec.ranks) if layer.spec.ranks else None
    if producer is not None and producer.layer.spec.recurrent and wanted == 3 and rank == 2:
        return f"pass return_sequences=True to that {producer.layer.name}"
    if producer is None and origin is not None and origin.what.startswith(("input_shape", "input_dim")) \
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


def check(ctx) -> None:
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
        ctx.report(
            app.node,
            Message.of("{layer}{inside} expects {expects} but receives {received} from {source}; {advice}",
                       layer=layer.name, inside=inside, expects=expects, received=got,
                       source=ctx.where(tensor.origin), advice=_fix(layer, tensor)),
            related=[(tensor.origin.node if tensor.origin else None,
                      f"the {len(tensor.shape)}-D {got} input comes from here")],
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
        LSTM.  The message names the shape received and the layer (or ``input_shape``) it came
        from, and what to change.
    """,
    why="""
        Recurrent and 1-D convolution layers read 3-D input: (batch, timesteps, features).
        An LSTM without ``return_sequences=True`` outputs only its last step, (batch, units),
        so a second LSTM stacked on it has no time axis to iterate over.  Keras raises
        ``expected ndim=3, found ndim=2`` when the model is built.
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
