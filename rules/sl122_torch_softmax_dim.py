from shapelint.core.rule import Message, Rule
from shapelint.core.shapes import as_int
from shapelint.frameworks.torch.catalog import SOFTMAX_LAYERS
from shapelint.frameworks.torch.evidence import ImplicitSoftmaxDim, SoftmaxAcrossBatch
from shapelint.frameworks.torch.model import TorchTensor


def _spelling(layer) -> str:
    return f"F.{layer.functional}" if layer.functional else f"nn.{layer.name}"


def _report_implicit(ctx, layer, node, argument: str) -> None:
    """``nn.Softmax()`` (argument "") or ``F.softmax(x)`` (argument "x")."""
    call = _spelling(layer)
    ctx.report(
        node,
        Message.of("{call}({argument}) without dim: PyTorch guesses the axis from the input's rank "
                   "(dim=0 for 0-D, 1-D and 3-D input, else dim=1) and warns that this is deprecated; "
                   "on a (batch, seq, classes) output it normalises across the batch; pass the class "
                   "axis: {call}({arguments}dim=-1)",
                   call=call, argument=argument, arguments=f"{argument}, " if argument else ""),
        evidence=ImplicitSoftmaxDim(layer),
    )


def _implicit(layer) -> bool:
    """No ``dim`` (or ``dim=None``), as written, with nothing hidden in ``**kwargs``."""
    return not layer.opaque and layer.args.get("dim") is None


def check(ctx) -> None:
    for layer in ctx.analysis.torch_layers:
        if layer.name in SOFTMAX_LAYERS and _implicit(layer):
            _report_implicit(ctx, layer, layer.node, "")
    for app in ctx.analysis.torch_applications:
        layer = app.layer
        if layer.name not in SOFTMAX_LAYERS:
            continue
        if layer.functional and _implicit(layer):
            _report_implicit(ctx, layer, app.node, "x")
            continue
        if as_int(layer.arg("dim")) != 0 or not isinstance(app.input, TorchTensor):
            continue
        hyps = app.input.hyps
        if not hyps or not all(h.batched and h.rank >= 2 for h in hyps):
            continue
        if not all(any(d is not None and d > 1 for d in h.dims[1:]) for h in hyps):
            continue  # (N, 1): normalising over axis 0 is the point (attention pooling)
        origin = hyps[0].origins[0]
        since = f" (axis 0 is the batch since {ctx.where(origin)})" if origin is not None else ""
        ctx.report(
            app.node,
            Message.of("{call} over dim=0 normalises across the batch: its input is (batch, {sizes}){since}, "
                       "so each sample's scores are divided by the other samples' scores and the "
                       "predictions depend on what else is in the batch; use dim=1 (or dim=-1) for the "
                       "classes", call=_spelling(layer),
                       sizes=", ".join("?" if d is None else str(d) for d in hyps[0].dims[1:]), since=since),
            related=[(origin.node if origin else None, "the batch axis comes from here")],
            evidence=SoftmaxAcrossBatch(app),
        )


RULE = Rule(
    code="SL122",
    name="torch-softmax-dim",
    summary="Softmax / LogSoftmax without dim, or over dim=0 of batch-first data.",
    what="""
        Reports ``nn.Softmax()``, ``nn.LogSoftmax()``, ``nn.Softmin()`` and
        ``F.softmax(x)`` / ``F.log_softmax(x)`` written without ``dim``, and a softmax over
        ``dim=0`` of a tensor whose axis 0 is certainly the batch (after a ``BatchNorm2d`` /
        ``BatchNorm3d``, a convolution or pooling of batched input, an RNN with
        ``batch_first=True`` on 3-D input, and what keeps that axis: ``x.view(x.size(0), -1)``,
        ``torch.flatten(x, 1)``, ``Linear``) and another axis of size greater than 1.  Rows
        of ``x.view(-1, N)`` or of a ``BatchNorm1d`` input may be the instances of one bag or
        the nodes of one graph, where a softmax over them is intended: not reported.
    """,
    why="""
        Without ``dim`` PyTorch picks the axis from the input's rank, warns that this is
        deprecated, and for 1-D and 3-D input picks axis 0: for a (batch, seq, classes) output
        that is the batch.  Over the batch axis a softmax makes every sample's prediction depend
        on the others in its batch: training still runs, the loss looks plausible, and the
        model is wrong at inference time with another batch size.
    """,
    invalid=[
        """
        import torch.nn as nn

        model = nn.Sequential(nn.Linear(20, 5), nn.Softmax())  # expect: SL122
        """,
        """
        import torch.nn as nn
        import torch.nn.functional as F

        class Classifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(1, 16, 5)
                self.bn = nn.BatchNorm2d(16)
                self.fc = nn.Linear(16 * 24 * 24, 10)

            def forward(self, x):
                x = F.relu(self.bn(self.conv(x)))
                x = x.view(x.size(0), -1)
                return F.log_softmax(self.fc(x), dim=0)  # expect: SL122
        """,
    ],
    valid=[
        """
        import torch.nn as nn

        model = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=-1))
        """,
        """
        import torch.nn as nn
        import torch.nn.functional as F

        class Classifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(1, 16, 5)
                self.bn = nn.BatchNorm2d(16)
                self.fc = nn.Linear(16 * 24 * 24, 10)

            def forward(self, x):
                x = F.relu(self.bn(self.conv(x)))
                x = x.view(x.size(0), -1)
                return F.log_softmax(self.fc(x), dim=1)
        """,
    ],
    check=check,
)
