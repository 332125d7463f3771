from shapelint.core.rule import Message, Rule
from shapelint.frameworks.torch.catalog import describe
from shapelint.frameworks.torch.evidence import LayerRejectsInput

_FIX = {
    "in_features": "nn.Linear({got}, ...)",
    "in_channels": "{name}({got}, ...)",
    "num_features": "{name}({got})",
    "num_channels": "nn.GroupNorm(..., {got})",
    "input_size": "{name}({got}, ...)",
    "normalized_shape": "nn.LayerNorm({got})",
}


def _flattened(app):
    """``Linear(784, ...)`` given (B, 1, 28, 28): the sizes after the batch axis multiply to
    exactly ``in_features``, so the missing step is a flatten, not another layer size."""
    mismatch, hyp = app.mismatch, app.failed
    if mismatch.param != "in_features" or hyp is None or not hyp.batched or hyp.rank < 3:
        return None
    rest = hyp.dims[1:]
    if any(d is None for d in rest):
        return None
    product = 1
    for d in rest:
        product *= d
    return product if product == mismatch.expected else None


def check(ctx) -> None:
    for app in ctx.analysis.torch_applications:
        mismatch = app.mismatch
        if mismatch is None:
            continue
        layer = app.layer
        origin = mismatch.origin
        source = f"from {ctx.where(origin)}" if origin is not None else "from the input"
        fix = _FIX.get(mismatch.param, "{name}(...)").format(name=f"nn.{layer.name}", got=mismatch.got)
        flat = _flattened(app)
        template = ("{layer}{built} expects {param}={expected} on {axis} but receives {got} {source}; "
                    "make them agree: {advice}, or change the layer that produces {got}")
        if flat is not None:  # images into an MLP: their sizes multiply to in_features
            template = ("{layer}{built} expects {param}={expected} on {axis} but receives {got} {source}: "
                        "each sample is {sample}, not flattened; {advice}")
            sizes = " x ".join(map(str, app.failed.dims[1:]))
            fix = f"flatten it first: x.view(x.size(0), -1) or nn.Flatten() ({sizes} = {flat})"
        built = ""
        related = [(origin.node if origin else None, f"the {mismatch.got} comes from here")]
        if app.node is not layer.node:
            built = f" (built at line {ctx.line(layer.node)})"
            related.append((layer.node, f"{describe(layer)} is built here"))
        if mismatch.param == "rank":
            _report_rank(ctx, app, built, source, related)
            continue
        ctx.report(
            app.node,
            Message.of(template, layer=describe(layer), built=built, param=mismatch.param,
                       expected=mismatch.expected, axis=mismatch.axis, got=mismatch.got, source=source, advice=fix,
                       sample="(" + ", ".join(map(str, app.failed.dims[1:])) + ")" if flat is not None else ""),
            related=related,
            evidence=LayerRejectsInput(app),
        )


def _report_rank(ctx, app, built, source, related) -> None:
    """A tensor of certain rank into a layer that cannot take it (a rank mismatch between a
    tensor and a layer: the closest thing to consecutive layers that disagree)."""
    mismatch, hyp = app.mismatch, app.failed
    shape = ", ".join("?" if d is None else str(d) for d in hyp.dims)
    fewer = mismatch.got < min(mismatch.expected)
    advice = ("add the missing axes (x.unsqueeze(0) for a batch of one, x.view(...) to the layer's layout)"
              if fewer else "remove the extra axes (x.squeeze(...), x.view(...)) or use the layer for that rank")
    related[0] = (related[0][0], f"the {mismatch.got}-D tensor comes from here")
    # The model's own input (`model(x)` with x as given): the data's layout is what to fix,
    # so the finding goes on that call; the layer that rejects it is a related location.
    where = next((call for tensor, call in ctx.analysis.torch_model_inputs
                  if tensor is app.input and call is not app.node), None)
    if where is not None:
        layer = app.layer
        built = f" (the model's first layer, built at line {ctx.line(layer.node)})"
        related.append((app.node, f"{describe(layer)} rejects it here"))
    ctx.report(
        where if where is not None else app.node,
        Message.of("{layer}{built} expects {wanted} but receives a {got}-D tensor ({shape}) {source}; "
                   "PyTorch raises on the first call: {advice}",
                   layer=describe(app.layer), built=built, wanted=mismatch.axis, got=mismatch.got,
                   shape=shape + ("," if hyp.rank == 1 else ""), source=source, advice=advice),
        related=related,
        evidence=LayerRejectsInput(app),
    )


RULE = Rule(
    code="SL201",
    name="torch-feature-mismatch",
    summary="Consecutive torch.nn layers whose sizes disagree.",
    what="""
        Follows the sizes through ``nn.Sequential(...)`` and through an ``nn.Module``'s
        ``forward`` (``x = self.fc1(x)``, ``F.relu(self.conv1(x))``, ``x.view(-1, N)``,
        ``torch.flatten(x, 1)``, ``nn.ModuleList`` loops), with sizes from ``__init__``
        arguments, their literal defaults or literal call sites.  It reports the layer whose
        constructor disagrees with the size it receives: ``Linear`` ``in_features`` against
        the previous ``out_features`` or a flattened size, ``Conv*d`` ``in_channels`` /
        ``BatchNorm*d`` ``num_features`` / ``GroupNorm`` ``num_channels`` against the
        channels that arrive, an RNN's ``input_size``, ``LayerNorm``'s ``normalized_shape``.
        A tensor whose rank is certain (built with literal sizes, ``torch.tensor([[...]])``, or
        viewed to literal sizes) that a ``Conv*d`` / ``MaxPool*d`` / ``BatchNorm*d`` / RNN
        cannot take is reported too: a 2-D tensor into ``Conv2d``, which accepts 3-D
        (unbatched) or 4-D (batched) input.
    """,
    why="""
        PyTorch checks sizes only when data flows: the model builds fine and crashes on the
        first batch with ``mat1 and mat2 shapes cannot be multiplied (64x256 and 400x120)``,
        often after minutes of data loading, and the message names neither layer.  The input
        has no declared shape, so shapelint reports only what fails for *every* input: sizes
        that depend on the image size (a flatten after convolutions without a fixed view or an
        adaptive pool) are left alone.
    """,
    invalid=[
        """
        import torch.nn as nn

        model = nn.Sequential(
            nn.Linear(784, 128),
            nn.ReLU(),
            nn.Linear(64, 10),  # expect: SL201
        )
        """,
        """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(3, 6, 5)
                self.pool = nn.MaxPool2d(2, 2)
                self.conv2 = nn.Conv2d(16, 32, 5)
                self.fc1 = nn.Linear(16 * 5 * 5, 120)

            def forward(self, x):
                x = self.pool(F.relu(self.conv1(x)))
                x = self.pool(F.relu(self.conv2(x)))  # expect: SL201
                x = torch.flatten(x, 1)
                return self.fc1(x)
        """,
    ],
    valid=[
        """
        import torch.nn as nn

        model = nn.Sequential(
            nn.Linear(784, 128),
            nn.ReLU(),
            nn.Linear(128, 10),
        )
        """,
        """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(3, 6, 5)
                self.pool = nn.MaxPool2d(2, 2)
                self.conv2 = nn.Conv2d(6, 16, 5)
                self.fc1 = nn.Linear(16 * 5 * 5, 120)

            def forward(self, x):
                x = self.pool(F.relu(self.conv1(x)))
                x = self.pool(F.relu(self.conv2(x)))
                x = torch.flatten(x, 1)
                return self.fc1(x)
        """,
    ],
    check=check,
)
