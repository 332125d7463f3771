from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import format_shape, is_known, product
from shapelint.frameworks.keras.catalog import dot_axes, normalize_axis
from shapelint.frameworks.keras.evidence import BuildFails

MERGE_ERRORS = ("incompatible shapes", "matching shapes except for the concatenation axis",
                "Incompatible input shapes: axis values")
ELEMENTWISE = ("Add", "Multiply", "Subtract", "Average", "Maximum", "Minimum")


def _merge_problem(layer, shapes):
    """Why Keras would reject merging tensors of these shapes, or None."""
    if layer.name == "Concatenate":
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            return "they have different numbers of dimensions"
        axis = normalize_axis(layer.arg("axis"), rank)
        if axis is None:
            return None
        for i in range(1, rank):
            if i == axis:
                continue
            dims = {s[i] for s in shapes if is_known(s[i])}
            if len(dims) > 1:
                return f"axis {i} differs ({' vs '.join(str(s[i]) for s in shapes)}) and only " \
                       f"the concatenation axis (axis={layer.arg('axis')}) may differ"
        return None
    if layer.name == "Dot":
        if len(shapes) != 2:
            return None
        axes = dot_axes(layer, shapes)
        if axes is None:
            return None
        first, second = shapes[0][axes[0]], shapes[1][axes[1]]
        if is_known(first) and is_known(second) and first != second:
            return f"Dot(axes={layer.arg('axes')!r}) multiplies axis {axes[0]} of the first input ({first}) " \
                   f"with axis {axes[1]} of the second ({second}), and these sizes must be equal"
        return None
    if layer.name not in ELEMENTWISE:
        return None  # Attention and the like: not judged here
    # Element-wise merges broadcast from the right, size 1 against anything.
    shortest = min(len(s) for s in shapes) - 1
    for offset in range(1, shortest + 1):
        dims = {s[-offset] for s in shapes if is_known(s[-offset]) and s[-offset] != 1}
        if len(dims) > 1:
            return f"the sizes {' vs '.join(str(s[-offset]) for s in shapes)} of axis {-offset} cannot broadcast"
    return None


def check(ctx) -> None:
    for app in ctx.analysis.applications:
        layer = app.layer
        shapes = [t.shape for t in app.inputs]
        if not shapes or any(s is None for s in shapes):
            continue
        if layer.spec.kind == "merge" and len(shapes) >= 2:
            problem = _merge_problem(layer, shapes)
            if problem:
                listed = ", ".join(f"{format_shape(t.shape)} from {ctx.where(t.origin)}" for t in app.inputs)
                ctx.report(app.node, Message.of("{layer} cannot merge {inputs}: {problem}",
                                                layer=layer.name, inputs=listed, problem=problem),
                           related=[(t.origin.node if t.origin else None,
                                     f"{format_shape(t.shape)} comes from here") for t in app.inputs],
                           evidence=BuildFails(app, MERGE_ERRORS))
        elif layer.name == "Reshape" and len(shapes) == 1:
            shape = shapes[0]
            size = product(shape[1:])
            target = layer.arg("target_shape")
            if size is None or not isinstance(target, (tuple, list)):
                continue
            if not all(isinstance(d, int) and not isinstance(d, bool) for d in target):
                continue
            wanted = product(d for d in target if d != -1)
            if list(target).count(-1) > 1 or not wanted:
                continue
            fits = size % wanted == 0 if -1 in target else size == wanted
            if fits:
                continue
            shown = format_shape(tuple(target))
            ctx.report(
                app.node,
                Message.of("Reshape{target} cannot take {received} from {source}: {size} values per sample "
                           "do not fit {multiple}{wanted}; the target shape excludes the batch axis and "
                           "must hold the same number of values",
                           target=shown, received=format_shape(shape), source=ctx.where(app.inputs[0].origin),
                           size=size, multiple="a multiple of " if -1 in target else "", wanted=wanted),
                related=[(app.inputs[0].origin.node if app.inputs[0].origin else None,
                          f"{format_shape(shape)} comes from here")],
                evidence=BuildFails(app, ("total size of the tensor must be unchanged",
                                               "total size of new array must be unchanged")),
            )


RULE = Rule(
    code="SL102",
    name="dim-mismatch",
    summary="A fixed dimension disagrees inside the model (merge layers, Reshape).",
    what="""
        Reports ``Concatenate`` of tensors whose sizes differ on an axis other than the
        concatenation axis (or whose ranks differ), ``Add`` / ``Multiply`` / ``Subtract`` /
        ``Average`` / ``Maximum`` / ``Minimum`` of sizes that cannot broadcast, ``Dot`` whose
        ``axes`` (one per input, negative counted from the end) have different sizes, and a
        ``Reshape`` whose target holds a different number of values than its input.
    """,
    why="""
        Keras raises when the model is built (``Inputs have incompatible shapes``, ``A
        Concatenate layer requires inputs with matching shapes except for the concatenation
        axis``, ``Incompatible input shapes: axis values ...`` for ``Dot``, or a failed
        reshape).  These usually come from a branch whose size was changed in one place and not
        the other.
    """,
    invalid=[
        """
        from keras import Input, layers

        a = Input(shape=(10, 4))
        b = Input(shape=(12, 4))
        merged = layers.Concatenate()([a, b])  # expect: SL102
        """,
        """
        from keras import Input, layers

        x = Input(shape=(64,))
        y = layers.Dense(32)(x)
        z = layers.Add()([x, y])  # expect: SL102
        """,
        """
        from keras import Sequential, Input, layers

        model = Sequential([Input(shape=(6,)), layers.Reshape((4,))])  # expect: SL102
        """,
    ],
    valid=[
        """
        from keras import Input, layers

        a = Input(shape=(10, 4))
        b = Input(shape=(10, 6))
        merged = layers.Concatenate()([a, b])
        """,
        """
        from keras import Input, layers

        x = Input(shape=(64,))
        y = layers.Dense(64)(x)
        z = layers.Add()([x, y])
        """,
        """
        from keras import Sequential, Input, layers

        model = Sequential([Input(shape=(6,)), layers.Reshape((3, -1))])
        """,
    ],
    check=check,
)
