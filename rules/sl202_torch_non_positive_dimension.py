from shapelint.core.rule import Message, Rule
from shapelint.frameworks.torch.catalog import RANK, describe, too_small
from shapelint.frameworks.torch.evidence import WindowTooLarge

_AXES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
_SHRINKING = ("Conv", "MaxPool", "AvgPool", "F.max_pool", "F.avg_pool", "view", "reshape")


def _shape(dims) -> str:
    return "(" + ", ".join("?" if d is None else str(d) for d in dims) + ")"


def _failing(app):
    """(hyp, TooSmall) when every input hypothesis of a rank the layer takes is too small
    for its window (and at least one is), else None: then PyTorch raises for every input."""
    tensor = app.input
    layer = app.layer
    if not getattr(tensor, "hyps", None) or getattr(tensor, "pending", None) is not None:
        return None  # sizes unknown, unreachable, or an earlier layer already fails (SL201)
    found = []
    for hyp in tensor.hyps:
        if hyp.rank == 0:
            return None
        if layer.spec.apply(layer, hyp) is RANK:
            continue
        small = too_small(layer, hyp)
        if small is None:
            return None  # this input gets through
        found.append((hyp, small))
    if not found:
        return None
    return min(found, key=lambda f: (not f[0].batched, f[0].rank))


def _name(layer) -> str:
    return f"F.{layer.functional}(..., {layer.args.get('kernel_size', '?')!r})" if layer.functional \
        else describe(layer)


def check(ctx) -> None:
    for app in ctx.analysis.torch_applications:
        layer = app.layer
        if layer.spec.apply is None or app.mismatch is not None or app.candidate is not None:
            continue
        failing = _failing(app)
        if failing is None:
            continue
        hyp, small = failing
        n = int(layer.spec.name[-2])
        spatial = small.axis - (hyp.rank - n)
        axis_name = _AXES[n][spatial]
        origin = hyp.origins[small.axis]
        source = f"from {ctx.where(origin)}" if origin is not None and origin.node is not None \
            else "from the input"
        padded = f" (a window of {small.window} over {small.padding} of padding on each side)" \
            if small.padding else ""
        pooling = "Pool" in layer.spec.name
        shrunk = origin is not None and origin.what.startswith(_SHRINKING[:5])
        if shrunk:
            advice = (f"the layers before have already shrunk it to {small.length}: remove one of the "
                      f"pooling or convolution layers, or keep the size with padding")
        elif pooling:
            advice = "use a smaller kernel_size, or a larger input"
        else:
            advice = "use a smaller kernel_size or padding (padding='same' keeps the size), or a larger input"
        built = ""
        related = [(origin.node if origin is not None else None,
                    f"the {axis_name} of {small.length} comes from here")]
        if app.node is not layer.node and layer.node is not None:
            built = f" (built at line {ctx.line(layer.node)})"
            related.append((layer.node, f"{describe(layer)} is built here"))
        if layer.spec.name.startswith("ConvTranspose"):
            ctx.report(
                app.node,
                Message.of("{layer}{built} removes {padding} of padding on each side of its output but receives "
                           "{received} {source}, whose {axis} is {size}: its output {axis} would be {output}; "
                           "use less padding, or a larger input",
                           layer=_name(layer), built=built, padding=small.padding, received=_shape(hyp.dims),
                           source=source, axis=axis_name, size=small.length, output=small.output),
                related=related,
                evidence=WindowTooLarge(app, hyp),
            )
            continue
        ctx.report(
            app.node,
            Message.of("{layer}{built} needs a {axis} of at least {needed}{padded} "
                       "but receives {received} {source}, whose {axis} is {size}: its output {axis} would be "
                       "{output}; {advice}",
                       layer=_name(layer), built=built, axis=axis_name, needed=small.window - 2 * small.padding,
                       padded=padded, received=_shape(hyp.dims), source=source,
                       size=small.length, output=small.output, advice=advice),
            related=related,
            evidence=WindowTooLarge(app, hyp),
        )


RULE = Rule(
    code="SL202",
    name="torch-non-positive-dimension",
    summary="A torch.nn convolution or pooling window larger than its (padded) input.",
    what="""
        Follows the sizes through ``nn.Sequential(...)`` and ``forward`` and reports a
        ``Conv*d``, ``ConvTranspose*d``, ``MaxPool*d`` / ``AvgPool*d`` (or ``F.max_pool2d``,
        ``F.avg_pool2d``) whose output would have 0 or fewer positions along an axis: a
        kernel larger than the padded input, or a pooling applied once too often.  A
        PyTorch input has no declared size, so this needs sizes that are certain: a
        ``x.view(-1, 1, 28, 28)``, a literal ``torch.zeros(1, 3, 32, 32)``, and the layers
        after them; and, as for SL201, it reports only what fails for every possible input.
    """,
    why="""
        With no padding a window of size k over n positions gives n - k + 1 outputs (divided
        by the stride): fewer than k positions leave none.  PyTorch only finds out when data
        flows: ``Kernel size can't be greater than actual input size`` for a convolution,
        ``Output size is too small`` for pooling, often after minutes of loading data.
    """,
    invalid=[
        """
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 8, 5)
                self.conv2 = nn.Conv2d(8, 16, 5)
                self.conv3 = nn.Conv2d(16, 32, 5)

            def forward(self, x):
                x = x.view(-1, 1, 28, 28)
                x = F.max_pool2d(F.relu(self.conv1(x)), 2)
                x = F.max_pool2d(F.relu(self.conv2(x)), 2)
                x = F.relu(self.conv3(x))  # expect: SL202
                return x
        """,
        """
        import torch
        import torch.nn as nn

        model = nn.Sequential(
            nn.Conv2d(3, 8, 7),  # expect: SL202
            nn.ReLU(),
        )
        out = model(torch.zeros(1, 3, 5, 5))
        """,
    ],
    valid=[
        """
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 8, 5)
                self.conv2 = nn.Conv2d(8, 16, 5)
                self.conv3 = nn.Conv2d(16, 32, 3)

            def forward(self, x):
                x = x.view(-1, 1, 28, 28)
                x = F.max_pool2d(F.relu(self.conv1(x)), 2)
                x = F.max_pool2d(F.relu(self.conv2(x)), 2)
                x = F.relu(self.conv3(x))
                return x
        """,
        """
        import torch
        import torch.nn as nn

        model = nn.Sequential(
            nn.Conv2d(3, 8, 7, padding=3),
            nn.ReLU(),
        )
        out = model(torch.zeros(1, 3, 5, 5))
        """,
    ],
    check=check,
)
