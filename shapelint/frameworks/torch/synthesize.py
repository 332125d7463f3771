"""Confirmation programs for PyTorch findings, written from literal configuration only.

The program rebuilds the layers a tensor went through (``Hyp.steps``), feeds them zeros, and
runs the layer under test.  Input sizes the layers do not pin down are tried from a short list
of common sizes until one gets through every step before the failing layer: the finding is
confirmed when that layer then raises PyTorch's error, refuted when it runs.
"""
from __future__ import annotations

from typing import List, Tuple

from shapelint.confirm.probe import Probe, Unsynthesizable
from shapelint.confirm.probe import render_literal as render_value
from shapelint.frameworks.torch.catalog import TOO_SMALL_SAYS
from shapelint.frameworks.torch.model import TorchLayerVal

FILLS = (2, 4, 8, 16, 28, 32, 64, 96, 128, 224)
_NEUTRAL = {"bias", "inplace", "dropout", "eps", "momentum", "device", "dtype", "padding_mode",
            "track_running_stats", "elementwise_affine", "nonlinearity", "p"}


def render_torch_layer(layer: TorchLayerVal) -> str:
    if layer.name == "Identity":
        return "nn.Identity()"  # it takes and ignores any arguments
    if layer.opaque:
        raise Unsynthesizable("arguments of unknown content")
    parts = []
    for name, value in layer.args.items():
        try:
            parts.append(f"{name}={render_value(value)}")
        except Unsynthesizable:
            if name in _NEUTRAL:
                continue
            raise
    return f"nn.{layer.spec.name}({', '.join(parts)})"


def _step_code(step, index: int, lines: List[str]) -> str:
    if isinstance(step, TorchLayerVal):
        if step.functional:
            if step.opaque:
                raise Unsynthesizable("arguments of unknown content")
            arguments = "".join(f", {name}={render_value(value)}" for name, value in step.args.items())
            return f"lambda x: F.{step.functional}(x{arguments})"
        lines.append(f"m{index} = {render_torch_layer(step)}")
        return f"lambda x: m{index}(x)[0]" if step.spec.returns_state else f"lambda x: m{index}(x)"
    kind = step[0]
    if kind == "view":
        return f"lambda x: x.reshape({', '.join(str(s) for s in step[1])})"
    if kind == "code":
        return f"lambda x: {step[1]}"
    if kind == "flatten":
        return f"lambda x: torch.flatten(x, {render_value(step[1])}, {render_value(step[2])})"
    raise Unsynthesizable("a tensor operation shapelint cannot write down")


def chain_program(hyp, last: TorchLayerVal, tail: Tuple[str, ...]) -> str:
    """Rebuild ``hyp.steps`` then ``last``; ``tail`` runs with ``out`` bound to its output."""
    lines = ["import torch", "from torch import nn", "import torch.nn.functional as F",
             "torch.manual_seed(0)"]
    steps = list(hyp.steps) + [last]
    root = tuple(hyp.root)
    for index in range(len(steps) - 1, -1, -1):
        step = steps[index]
        if isinstance(step, tuple) and step[0] == "view" and all(isinstance(s, int) for s in step[1]):
            # A view to literal sizes fixes the shape: start there (any earlier size works).
            root, steps = tuple(step[2]), steps[index + 1:]
            break
    calls = [_step_code(step, i, lines) for i, step in enumerate(steps)]
    indices = isinstance(steps[0], TorchLayerVal) and steps[0].name == "Embedding"
    lines.append(f"steps = [{', '.join(calls)}]")
    lines.append(f"root = {root!r}")
    lines += [
        f"for fill in {FILLS!r}:",
        "    x = torch.zeros(*[fill if d is None else d for d in root]"
        + (", dtype=torch.long)" if indices else ")"),
        "    try:",
        "        with torch.no_grad():",
        "            for step in steps[:-1]:",
        "                x = step(x)",
        "    except Exception:",
        "        continue",
        "    break",
        "else:",
        "    raise RuntimeError('shapelint: no input size gets through the layers before this one')",
        "with torch.no_grad():",
        "    out = steps[-1](x)",
    ]
    lines += list(tail)
    return "\n".join(lines) + "\n"


def mismatch_probe(app) -> Probe:
    if app.layer.name == "Bilinear":
        return _bilinear_probe(app)
    program = chain_program(app.failed, app.layer, ())
    return Probe(program, "raises", (app.mismatch.torch_says,), 0, framework="torch")


def too_small_probe(app, hyp) -> Probe:
    program = chain_program(hyp, app.layer, ())
    return Probe(program, "raises", TOO_SMALL_SAYS, 0, framework="torch")


def implicit_dim_probe(layer) -> Probe:
    call = f"F.{layer.functional}(torch.zeros(2, 3))" if layer.functional else f"{render_torch_layer(layer)}(torch.zeros(2, 3))"
    program = "\n".join([
        "import warnings", "import torch", "from torch import nn", "import torch.nn.functional as F",
        "with warnings.catch_warnings(record=True) as caught:",
        "    warnings.simplefilter('always')",
        f"    {call}",
        "__result__ = next((str(w.message) for w in caught if 'Implicit dimension' in str(w.message)), None)",
    ]) + "\n"
    return Probe(program, "warns", ("Implicit dimension choice",), 0, framework="torch")


def batch_softmax_probe(app) -> Probe:
    hyp = app.input.expanded()[0]
    tail = ("sums = out.exp().sum(0)" if app.layer.name == "LogSoftmax" else "sums = out.sum(0)",
            "__result__ = [int(x.size(0)), bool(torch.allclose(sums, torch.ones_like(sums), atol=1e-5))]")
    return Probe(chain_program(hyp, app.layer, tail), "batch_sums", (), 0, framework="torch")


def _bilinear_probe(app) -> Probe:
    """Bilinear's two inputs: the one received (unknown sizes 2), the other as expected."""
    received = tuple(2 if d is None else d for d in app.failed.dims)
    first = app.mismatch.param == "in1_features"
    other = received[:-1] + (app.layer.arg("in2_features" if first else "in1_features"),)
    x1, x2 = (received, other) if first else (other, received)
    program = "\n".join([
        "import torch", "from torch import nn",
        f"m = {render_torch_layer(app.layer)}",
        f"out = m(torch.zeros{render_value(x1)}, torch.zeros{render_value(x2)})",
    ]) + "\n"
    return Probe(program, "raises", (app.mismatch.torch_says,), 0, framework="torch")
