from shapelint.core.fix import SAFE, DeclareBatchInput, FixPlan, RenameKeyword
from shapelint.core.rule import Message, Rule, keyword_node, render, source_text
from shapelint.frameworks.keras.evidence import (
    CallArgumentFails,
    ConstructionFails,
    ModelMethodMissing,
    OptimizerArgumentFails,
)
from shapelint.frameworks.keras.propagate import LayerVal, SequentialVal

REJECTED = ("Unrecognized keyword arguments", "unexpected keyword argument",
            "missing 1 required positional argument")

# Keras 1 spellings that Keras 3 rejects ("Unrecognized keyword arguments"), and their names now.
KERAS1_RENAMES = {
    "output_dim": "units", "init": "kernel_initializer", "inner_init": "recurrent_initializer",
    "border_mode": "padding", "nb_filter": "filters", "subsample": "strides",
    "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
    "U_regularizer": "recurrent_regularizer", "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint", "dim_ordering": "data_format",
    "dropout_W": "dropout", "dropout_U": "recurrent_dropout",
}
# Removed from model.fit / evaluate / predict in every Keras since 2 (a TypeError at the call).
FIT_RENAMES = {"nb_epoch": "epochs"}
# Keras 2 optimizer spellings Keras 3 rejects ("Argument(s) not recognized"); tf_keras accepts them.
OPTIMIZER_RENAMES = {"lr": "learning_rate"}


def _code(layer, name):
    """The argument as the user wrote it (their own names, not shapelint's values)."""
    arg = keyword_node(layer.node, name)
    return source_text(arg.value) if arg is not layer.node else render(layer.arg(name))


def _declared(layer) -> str:
    if layer.given("batch_input_shape"):
        return f"keras.Input(batch_shape={_code(layer, 'batch_input_shape')})"
    if layer.given("input_shape"):
        return f"keras.Input(shape={_code(layer, 'input_shape')}, batch_size={_code(layer, 'batch_size')})"
    return f"keras.Input(shape=(...), batch_size={_code(layer, 'batch_size')})"


def _timesteps_features(layer) -> str:
    steps = _code(layer, "input_length") if layer.given("input_length") else "timesteps"
    features = _code(layer, "input_dim") if layer.given("input_dim") else "features"
    return f"keras.Input(shape=({steps}, {features}))"


def _layer_messages(layer: LayerVal, declares_input: bool):
    """(argument, message) for every argument Keras 3 rejects on this layer."""
    name = layer.name
    if layer.given("batch_input_shape"):
        yield "batch_input_shape", Message.of(
            "batch_input_shape was removed in Keras 3 ({layer} raises 'Unrecognized keyword arguments'): "
            "remove it, and declare the input as the model's first element: {declare}",
            layer=name, declare=_declared(layer))
    if layer.given("batch_size"):
        yield "batch_size", Message.of(
            "batch_size on a layer was removed in Keras 3 ({layer} raises 'Unrecognized keyword "
            "arguments'): remove it, and declare the input as the model's first element: {declare}",
            layer=name, declare=_declared(layer))
    if layer.given("input_length") and name != "Embedding":
        yield "input_length", Message.of(
            "input_length was removed in Keras 3 ({layer} raises 'Unrecognized keyword arguments'): "
            "remove it; the timesteps belong in the model's input: {declare}",
            layer=name, declare=_timesteps_features(layer))
    if layer.given("input_dim") and layer.spec.recurrent and declares_input:
        yield "input_dim", Message.of(
            "input_dim on the first layer means input_shape=({input_dim},) in Keras 3, a 2-D input "
            "that an RNN cannot take (Keras 2 read it as the number of features): declare {declare} "
            "instead", input_dim=_code(layer, "input_dim"), declare=_timesteps_features(layer))
    for old, new in KERAS1_RENAMES.items():
        if layer.given(old) and old not in layer.spec.positional:  # Embedding's output_dim is real
            yield old, Message.of("{old}= is a Keras 1 argument that Keras 3 does not know (a TypeError "
                                  "or 'Unrecognized keyword arguments'): use {new}=", old=old, new=new)


def _first_layers(analysis) -> set:
    """Layers that declare a Sequential model's input (the first entry)."""
    return {id(app.layer) for app in analysis.applications
            if isinstance(app.model, SequentialVal) and app.index == 0 and app.wrapper is None}


def _keras3_spelling(layer, arg: str, first: bool):
    if arg == "batch_input_shape" and first:
        return FixPlan("Declare Input(batch_shape=...) as the model's first element", SAFE,
                       DeclareBatchInput(layer.node))
    new = KERAS1_RENAMES.get(arg)
    if new is not None:
        return FixPlan(f"Rename {arg}= to {new}=", SAFE, RenameKeyword(layer.node, arg, new))
    return None


def _once(calls):
    """Each call node once (a function analysed twice records its calls twice)."""
    seen = set()
    for call in calls:
        if id(call.node) not in seen:
            seen.add(id(call.node))
            yield call


def check(ctx) -> None:
    first = _first_layers(ctx.analysis)
    for layer in ctx.analysis.layers:
        if layer.keras < 3 or layer.spec.kind == "input":
            continue
        for arg, message in _layer_messages(layer, id(layer) in first):
            if arg == "input_dim":
                evidence = ConstructionFails(layer, ("expected ndim=3",), arg=arg, keep=(arg,))
            else:
                # The other Keras 1 names are written as Keras 3 spells them, so that the error
                # TensorFlow gives is about this argument.
                evidence = ConstructionFails(layer, REJECTED, arg=arg, keep=(arg,),
                                             rename=tuple(KERAS1_RENAMES.items()))
            ctx.report(keyword_node(layer.node, arg), message, evidence=evidence,
                       fix=_keras3_spelling(layer, arg, id(layer) in first))
    for api in _once(ctx.analysis.api_calls):
        for old, new in OPTIMIZER_RENAMES.items():
            if api.optimizer is not None and old in api.kwargs:
                ctx.report(keyword_node(api.node, old),
                           Message.of("{optimizer}({old}=...) is a Keras 2 argument that Keras 3 rejects "
                                      "(ValueError: Argument(s) not recognized): use {new}=",
                                      optimizer=api.optimizer, old=old, new=new),
                           evidence=OptimizerArgumentFails(api.optimizer, old, api.kwargs[old]),
                           fix=FixPlan(f"Rename {old}= to {new}=", SAFE, RenameKeyword(api.node, old, new)))
    for call in ctx.analysis.model_calls:
        for old, new in FIT_RENAMES.items():
            if old in call.kwargs:
                ctx.report(keyword_node(call.node, old),
                           Message.of("{method}({old}=...) is a Keras 1 argument that Keras 3 and tf_keras "
                                      "reject with a TypeError: use {new}=", method=call.method, old=old, new=new),
                           evidence=CallArgumentFails(call, old, (old,)),
                           fix=FixPlan(f"Rename {old}= to {new}=", SAFE, RenameKeyword(call.node, old, new)))
        if call.method == "reset_states" and call.model.keras >= 3:
            ctx.report(call.node,
                       Message.of("Keras 3 models have no reset_states() (AttributeError): reset the "
                                  "stateful layers instead: for layer in model.layers: if getattr(layer, "
                                  "'stateful', False): layer.reset_states()"),
                       evidence=ModelMethodMissing(("has no attribute 'reset_states'",)))


RULE = Rule(
    code="SL301",
    name="keras3-removed-argument",
    summary="A Keras 1/2 argument that Keras 3 rejects; the message gives the Keras 3 spelling.",
    what="""
        With Keras 3 as the target (the default): ``batch_input_shape=`` and ``batch_size=``
        on a layer, ``input_length=`` on layers other than ``Embedding``, ``input_dim=`` on a
        recurrent layer that declares a Sequential model's input (its meaning changed), Keras 1
        names such as ``output_dim=``, ``init=``, ``border_mode=``, ``nb_filter=``, an
        optimizer's ``lr=`` (``keras.optimizers.Adam(lr=0.01)``: now ``learning_rate=``), and
        ``model.reset_states()``, which Keras 3 models no longer have.  For every target:
        ``fit(nb_epoch=...)`` (Keras 2 here means tf_keras; standalone Keras 2.0-2.3 still
        accepted nb_epoch with a warning).  Code imported from ``tf_keras`` is Keras 2 and only
        gets the ``nb_epoch`` check.
    """,
    why="""
        Keras 3 (``keras`` 3, and ``tf.keras`` from TensorFlow 2.16 on) raises ``Unrecognized
        keyword arguments passed to LSTM: {'batch_input_shape': ...}`` when the layer is
        constructed, so tutorials written for Keras 2 fail on their first line of model code.
        The input is now declared with ``keras.Input(shape=...)`` or, for a fixed batch size
        (stateful RNNs), ``keras.Input(batch_shape=...)``.
    """,
    notes="""
        Set ``target-keras = "2"`` in ``[tool.shapelint]`` (or ``--target-keras 2``) for code
        that runs on tf_keras / Keras 2, where these arguments still work.

        Fix safety: safe.  A removed keyword is renamed to its Keras 3 name (``output_dim=`` to
        ``units=``, ``nb_epoch=`` to ``epochs=``), and ``batch_input_shape=`` on a Sequential
        model's first layer becomes ``Input(batch_shape=...)`` declared before it: the code
        means what it meant under the old Keras (``shapelint --fix``).  The other arguments
        (``input_length=``, ``batch_size=``, ``input_dim=``) have no automatic fix.
    """,
    invalid=[
        """
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        batch_size = 1
        look_back = 3
        model = Sequential()
        model.add(LSTM(4, batch_input_shape=(batch_size, look_back, 1), stateful=True))  # expect: SL301
        model.add(Dense(1))
        """,
        """
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential([Dense(1, input_shape=(3,))])
        model.fit(X, y, nb_epoch=10)  # expect: SL301
        """,
    ],
    valid=[
        """
        import keras
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        batch_size = 1
        look_back = 3
        model = Sequential()
        model.add(keras.Input(batch_shape=(batch_size, look_back, 1)))
        model.add(LSTM(4, stateful=True))
        model.add(Dense(1))
        """,
        """
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential([Dense(1, input_shape=(3,))])
        model.fit(X, y, epochs=10)
        """,
    ],
    check=check,
)
