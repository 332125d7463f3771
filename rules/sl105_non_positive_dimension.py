from shapelint.core.rule import Message, Rule, render
from shapelint.core.shapes import format_shape, is_known
from shapelint.frameworks.keras.catalog import cropping_pairs, shrunk_output, tuple_arg
from shapelint.frameworks.keras.evidence import BuildFails
from shapelint.frameworks.keras.propagate import shape_producer

# Keras 3 (Conv; Pool; Cropping2D; Cropping1D), then Keras 2 (tf_keras).
EXPECT = (
    "Computed output size would be zero or negative",
    "should be smaller than the corresponding spatial dimension",
    "must be smaller than the input length",
    "One of the dimensions in the output is <= 0",
    "Negative dimension size",
    "must be greater than the input shape",
)
_AXES = {1: ("steps",), 2: ("rows", "cols")}
# A file that sets or reads Keras' global image format may run channels-first (Keras 1's
# ``image_dim_ordering`` and ``dim_ordering=`` too): then a layer without ``data_format`` is not
# certainly channels-last.
_GLOBAL_FORMAT = ("image_data_format", "dim_ordering")


def _global_format(ctx) -> bool:
    code = getattr(getattr(ctx.locator, "module", None), "code", "")
    return any(word in code for word in _GLOBAL_FORMAT)


def _needed(layer, rank: int, axis: int):
    """The smallest input size along spatial ``axis`` that gives an output of at least 1."""
    arg = layer.spec.window_arg
    if arg == "cropping":
        pairs = cropping_pairs(layer, rank)
        return sum(pairs[axis]) + 1 if pairs else None
    window = tuple_arg(layer, arg, rank)
    if window is None:
        return None
    dilation = tuple_arg(layer, "dilation_rate", rank) if arg == "kernel_size" else (1,) * rank
    return (dilation[axis] * (window[axis] - 1) + 1) if dilation else None


def _channels_first(shape, failing) -> bool:
    """(None, 3, 32, 32) under channels-last layers: the first axis is a few channels."""
    return (0 in failing and len(shape) in (3, 4) and is_known(shape[1]) and shape[1] <= 4
            and all(is_known(d) and d > 4 for d in shape[2:]))


def _advice(layer, shape, failing, tensor) -> str:
    if _channels_first(shape, failing):
        rest = tuple(shape[2:]) + (shape[1],)
        return (f"the data looks channels-first ({shape[1]} channels before the "
                f"{'steps' if len(shape) == 3 else 'rows and cols'}) but Keras layers read channels last: "
                f"give the data as {format_shape(rest)} (transpose the arrays and the input shape), or pass "
                f"data_format='channels_first' to the convolution and pooling layers")
    arg = layer.spec.window_arg
    producer = shape_producer(tensor)
    shrunk = producer is not None and producer.layer.spec.window_arg in ("kernel_size", "pool_size")
    if arg == "cropping":
        return "crop less, or crop an input that is larger"
    fix = "a smaller kernel_size or padding='same'" if arg == "kernel_size" else \
        "a smaller pool_size or padding='same'"
    if shrunk:
        return (f"the layers before have already shrunk the input to {format_shape(shape)}: remove one of "
                f"the pooling or convolution layers, or use {fix}")
    return f"use {fix}, or a larger input"


def check(ctx) -> None:
    global_format = None
    for app in ctx.analysis.applications:
        layer = app.layer
        if layer.spec.window_arg is None or len(app.inputs) != 1:
            continue
        tensor = app.inputs[0]
        out = shrunk_output(layer, [tensor.shape])
        if out is None:
            continue
        if layer.arg("data_format") is None:
            if global_format is None:
                global_format = _global_format(ctx)
            if global_format:
                continue
        shape = tensor.shape
        rank = len(shape) - 2
        failing = [i for i in range(rank) if is_known(out[1 + i]) and out[1 + i] <= 0]
        if not failing or rank not in _AXES:
            continue
        axis = failing[0]
        needed = _needed(layer, rank, axis)
        if needed is None:
            continue
        name = _AXES[rank][axis]
        arg = layer.spec.window_arg
        inside = " (inside TimeDistributed, which feeds it one timestep at a time)" if app.wrapper else ""
        got = format_shape(shape)
        ctx.report(
            app.node,
            Message.of("{layer}({arg}={window}){inside} needs at least {needed} {axis} but receives "
                       "{received} from {source}, which has {size}: its output would be {output}; {advice}",
                       layer=layer.name, arg=arg, window=render(layer.arg(arg)), inside=inside,
                       needed=needed, axis=name, received=got, source=ctx.where(tensor.origin),
                       size=shape[1 + axis], output=format_shape(out),
                       advice=_advice(layer, shape, failing, tensor)),
            related=[(tensor.origin.node if tensor.origin else None,
                      f"the {got} input comes from here")],
            evidence=BuildFails(app, EXPECT),
        )


RULE = Rule(
    code="SL105",
    name="non-positive-dimension",
    summary="A convolution, pooling or cropping layer whose output would have a size of 0 or less.",
    what="""
        Follows the sizes through the model and reports a ``Conv1D`` / ``Conv2D``, a max or
        average pooling layer or a ``Cropping1D`` / ``Cropping2D`` whose output would have
        0 or fewer steps, rows or cols: a kernel, a pool or a crop larger than what arrives.
        The two usual causes: channels-first images, ``Input((3, 32, 32))``, under
        channels-last layers (the 3 channels are read as 3 rows), and a stack of pooling
        layers that halves a 28x28 image down to nothing.  The message gives the shape
        received, where it came from, and what to change.
    """,
    why="""
        With ``padding='valid'`` (the default) a window of size k over n positions gives
        n - k + 1 outputs (divided by the stride): fewer than k positions leave none.  Keras
        refuses to build the model: ``Computed output size would be zero or negative``
        (Keras 2: ``Negative dimension size caused by subtracting 5 from 3``).  After the
        failing layer shapelint stops following the shape, so the mistake is reported once.
    """,
    invalid=[
        """
        import keras
        from keras import layers

        inputs = keras.Input(shape=(3, 32, 32))
        x = layers.Conv2D(16, 5)(inputs)  # expect: SL105
        x = layers.Flatten()(x)
        outputs = layers.Dense(10, activation="softmax")(x)
        """,
        """
        from keras.models import Sequential
        from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense

        model = Sequential()
        model.add(Conv2D(8, 3, padding="same", input_shape=(28, 28, 1)))
        model.add(MaxPooling2D(2))
        model.add(MaxPooling2D(2))
        model.add(MaxPooling2D(2))
        model.add(MaxPooling2D(2))
        model.add(MaxPooling2D(2))  # expect: SL105
        model.add(Flatten())
        model.add(Dense(10))
        """,
    ],
    valid=[
        """
        import keras
        from keras import layers

        inputs = keras.Input(shape=(32, 32, 3))
        x = layers.Conv2D(16, 5)(inputs)
        x = layers.Flatten()(x)
        outputs = layers.Dense(10, activation="softmax")(x)
        """,
        """
        from keras.models import Sequential
        from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense

        model = Sequential()
        model.add(Conv2D(8, 3, padding="same", input_shape=(28, 28, 1)))
        model.add(MaxPooling2D(2))
        model.add(MaxPooling2D(2))
        model.add(MaxPooling2D(2))
        model.add(Flatten())
        model.add(Dense(10))
        """,
    ],
    check=check,
)
