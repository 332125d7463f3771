from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import format_shape
from shapelint.frameworks.keras.evidence import BuildFails
from shapelint.frameworks.keras.propagate import shape_producer, unknown_input_clause


def check(ctx) -> None:
    for app in ctx.analysis.applications:
        if app.layer.name != "TimeDistributed" or not app.inputs:
            continue
        tensor = app.inputs[0]
        if tensor.shape is None or len(tensor.shape) >= 3:
            continue
        producer = shape_producer(tensor)
        if producer is not None and producer.layer.spec.recurrent:
            fix = f"pass return_sequences=True to that {producer.layer.name} to get one output per timestep"
        else:
            inner = app.layer.inner.name if app.layer.inner is not None else "the wrapped layer"
            fix = f"there is no time axis to distribute over: apply {inner} directly"
        got = format_shape(tensor.shape)
        template = ("TimeDistributed needs input with a time axis, (batch, timesteps, ...), but "
                    "receives {received} from {source}; {advice}")
        extra = {}
        unknown = unknown_input_clause(tensor, ctx.line)
        if unknown is not None:  # the input is unknown, the rank is certain: say why
            got, extra["why"] = unknown
            template = ("TimeDistributed needs input with a time axis, (batch, timesteps, ...), but "
                        "receives {received} from {source} {why}; {advice}")
        ctx.report(
            app.node,
            Message.of(template, received=got, source=ctx.where(tensor.origin), advice=fix, **extra),
            related=[(tensor.origin.node if tensor.origin else None, f"the {got} input comes from here")],
            evidence=BuildFails(app, ("at least 3 dimensions",)),
        )


RULE = Rule(
    code="SL104",
    name="timedistributed-needs-sequence",
    summary="TimeDistributed is applied to a tensor without a time axis.",
    what="""
        Reports ``TimeDistributed(...)`` whose input has fewer than 3 dimensions, typically
        because the recurrent layer before it returns only its last step.  Also when the
        model's input is never given: an RNN returning its last step outputs 2-D whatever it
        receives.
    """,
    why="""
        ``TimeDistributed`` applies its layer once per timestep, along axis 1.  After an
        LSTM without ``return_sequences=True`` the output is (batch, units): there are no
        timesteps.  Keras raises ``TimeDistributed Layer should be passed an input_shape with
        at least 3 dimensions`` when the model is built.
    """,
    invalid=[
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense, TimeDistributed

        model = Sequential()
        model.add(LSTM(4, input_shape=(3, 1)))
        model.add(TimeDistributed(Dense(1)))  # expect: SL104
        """,
    ],
    valid=[
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense, TimeDistributed

        model = Sequential()
        model.add(LSTM(4, input_shape=(3, 1), return_sequences=True))
        model.add(TimeDistributed(Dense(1)))
        """,
    ],
    check=check,
)
