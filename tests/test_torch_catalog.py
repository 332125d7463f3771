"""The torch layer catalog against real PyTorch: for every case, what shapelint predicts for an
input of known shape must be what PyTorch does: the same output shape, or an error when
shapelint says the rank or a size cannot enter the layer."""
import warnings

import pytest

from shapelint.frameworks.torch import catalog as torch_catalog
from shapelint.frameworks.torch.catalog import RANK, Hyp, Mismatch
from shapelint.frameworks.torch.model import make_layer

CASES = [
    ("Linear", (10, 5), {}, [(10,), (3, 10), (2, 3, 10), (3, 7)]),
    ("Conv1d", (4, 6, 3), {}, [(4, 20), (2, 4, 20), (2, 5, 20), (2, 4, 20, 20)]),
    ("Conv1d", (4, 6, 3), {"stride": 2, "padding": 1, "dilation": 2}, [(2, 4, 21)]),
    ("Conv2d", (3, 8, 3), {}, [(3, 16, 16), (2, 3, 16, 16), (2, 4, 16, 16), (16, 16)]),
    ("Conv2d", (3, 8, (3, 5)), {"stride": (2, 1), "padding": (1, 2)}, [(2, 3, 15, 16)]),
    ("Conv2d", (3, 8, 3), {"padding": "same"}, [(2, 3, 9, 9)]),
    ("Conv2d", (3, 8, 3), {"padding": "valid"}, [(2, 3, 9, 9)]),
    ("Conv3d", (2, 4, 3), {}, [(2, 2, 8, 8, 8), (2, 8, 8, 8), (2, 3, 8, 8, 8)]),
    ("ConvTranspose2d", (3, 8, 3), {"stride": 2, "padding": 1, "output_padding": 1},
     [(2, 3, 8, 8), (2, 4, 8, 8), (3, 8, 8)]),
    ("ConvTranspose1d", (4, 2, 4), {"stride": 2}, [(2, 4, 10)]),
    ("BatchNorm1d", (5,), {}, [(3, 5), (3, 5, 7), (3, 6), (5,), (2, 3, 5, 7)]),
    ("BatchNorm2d", (4,), {}, [(2, 4, 5, 5), (4, 5, 5), (2, 3, 5, 5)]),
    ("BatchNorm3d", (2,), {}, [(2, 2, 3, 3, 3), (2, 3, 3, 3, 3)]),
    ("InstanceNorm1d", (5,), {"affine": True}, [(2, 5, 7), (5, 7), (2, 6, 7)]),
    ("InstanceNorm2d", (4,), {}, [(2, 3, 5, 5), (2, 4, 5, 5)]),
    ("GroupNorm", (2, 6), {}, [(3, 6, 4), (3, 8, 4), (3, 6)]),
    ("LayerNorm", (5,), {}, [(3, 5), (3, 6), (5,)]),
    ("LayerNorm", ((4, 5),), {}, [(2, 4, 5), (2, 5, 4)]),
    ("Embedding", (10, 3), {}, [(4,), (2, 4)]),
    ("LSTM", (5, 7), {}, [(4, 5), (4, 2, 5), (4, 2, 6), (4, 2, 3, 5)]),
    ("LSTM", (5, 7), {"bidirectional": True, "batch_first": True}, [(2, 4, 5)]),
    ("LSTM", (5, 7), {"proj_size": 3}, [(4, 2, 5)]),
    ("GRU", (5, 7, 2), {}, [(4, 2, 5), (4, 2, 4)]),
    ("RNN", (5, 7), {"nonlinearity": "relu"}, [(4, 5)]),
    ("MaxPool2d", (2,), {}, [(2, 3, 8, 8), (3, 7, 7), (8,)]),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1}, [(2, 3, 9, 9)]),
    ("MaxPool1d", (2,), {}, [(2, 3, 9)]),
    ("AvgPool2d", (2,), {}, [(2, 3, 7, 7)]),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1}, [(2, 3, 10)]),
    ("AdaptiveAvgPool2d", ((1, 1),), {}, [(2, 8, 7, 7), (8, 5, 5), (8,)]),
    ("AdaptiveAvgPool2d", (1,), {}, [(2, 8, 7, 7)]),
    ("AdaptiveAvgPool2d", ((None, 3),), {}, [(2, 8, 7, 7)]),
    ("AdaptiveMaxPool1d", (4,), {}, [(2, 3, 9)]),
    ("AdaptiveAvgPool1d", (3,), {}, [(2, 4, 9), (4, 9)]),
    ("AdaptiveAvgPool3d", ((1, 2, 2),), {}, [(2, 3, 4, 4, 4)]),
    ("AdaptiveMaxPool2d", ((2, 2),), {}, [(2, 3, 5, 5), (3, 5, 5)]),
    ("AdaptiveMaxPool3d", (1,), {}, [(3, 4, 4, 4)]),
    ("AvgPool3d", (2,), {}, [(2, 3, 4, 6, 6)]),
    ("MaxPool3d", (2,), {"stride": 1}, [(2, 3, 4, 6, 6), (3, 4)]),
    ("ConvTranspose3d", (2, 4, 3), {}, [(2, 2, 4, 4, 4), (2, 3, 4, 4, 4)]),
    ("InstanceNorm3d", (2,), {"affine": True}, [(1, 2, 3, 3, 3), (1, 3, 3, 3, 3)]),
    ("Flatten", (), {}, [(2, 3, 4), (5,), (2, 3)]),
    ("Flatten", (0, -1), {}, [(2, 3, 4)]),
    ("Flatten", (1, 2), {}, [(2, 3, 4, 5)]),
    ("Unflatten", (1, (2, 5)), {}, [(3, 10)]),
    ("Dropout", (0.5,), {}, [(2, 3)]),
    ("LeakyReLU", (0.2,), {"inplace": True}, [(2, 3)]),
    ("Softmax", (), {"dim": 1}, [(2, 3)]),
    ("Identity", (), {}, [(2, 3)]),
    # Windows larger than the (padded) input: PyTorch raises, the catalog knows (SL202).
    ("Conv2d", (1, 2, 5), {}, [(1, 1, 3, 3), (1, 3, 3), (1, 1, 5, 3), (1, 1, 5, 5)]),
    ("Conv2d", (1, 2, 5), {"padding": 1}, [(1, 1, 3, 3), (1, 1, 2, 9)]),
    ("Conv2d", (1, 2, 3), {"dilation": 2, "stride": 2}, [(1, 1, 4, 9), (1, 1, 5, 5)]),
    ("Conv1d", (1, 2, 64), {"padding": 4}, [(8, 1, 50), (8, 1, 56)]),
    ("Conv3d", (1, 2, 3), {}, [(1, 1, 2, 8, 8)]),
    ("ConvTranspose2d", (1, 2, 1), {"padding": 2}, [(1, 1, 2, 2), (1, 1, 5, 5)]),
    ("MaxPool2d", (2,), {}, [(1, 16, 1, 1), (16, 1, 4), (1, 1, 2, 2)]),
    ("MaxPool2d", (3,), {"stride": 1, "padding": 1}, [(1, 1, 1, 1)]),
    ("MaxPool1d", (4,), {}, [(1, 1, 3), (1, 3)]),
    ("MaxPool3d", (2,), {}, [(1, 1, 1, 4, 4)]),
    ("AvgPool2d", (2,), {}, [(1, 1, 1, 1)]),
    ("AvgPool1d", (4,), {}, [(1, 1, 3)]),
    ("AvgPool3d", (2,), {}, [(1, 1, 1, 4, 4)]),
    ("MaxPool2d", (2,), {"ceil_mode": True}, [(1, 1, 1, 1)]),
]


@pytest.fixture(scope="module")
def torch():
    # Imported here, not at collection: `-m "not torch"` never loads PyTorch.  CI installs the
    # CPU build (torch==2.13.0); the tests marked `torch` must run there.
    import torch

    return torch


def _torch_output(torch, name, args, kwargs, shape):
    module = getattr(torch.nn, name)(*args, **kwargs)
    if name == "Embedding":
        x = torch.zeros(shape, dtype=torch.long)
    else:
        x = torch.zeros(shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.no_grad():
            out = module(x)
    if isinstance(out, tuple):
        out = out[0]
    return tuple(out.shape)


CASE_IDS = [f"{name}{args}{kwargs or ''}" for name, args, kwargs, _ in CASES]


@pytest.mark.torch
@pytest.mark.parametrize("name,args,kwargs,shapes", CASES, ids=CASE_IDS)
def test_catalog_matches_pytorch(torch, name, args, kwargs, shapes):
    spec = torch_catalog.LAYERS[name]
    layer = make_layer(spec, None, list(args), dict(kwargs), False)
    for shape in shapes:
        hyp = Hyp(shape, (None,) * len(shape), False, (), shape, (None,) * len(shape))
        predicted = spec.apply(layer, hyp)
        try:
            actual = _torch_output(torch, name, args, kwargs, shape)
        except Exception as exc:  # noqa: BLE001 - PyTorch's refusal is the fact checked
            small = torch_catalog.too_small(layer, hyp)  # a window larger than the input (SL202)
            assert predicted is RANK or isinstance(predicted, Mismatch) or small, (shape, predicted, exc)
            if isinstance(predicted, Mismatch):
                assert predicted.torch_says in str(exc), (predicted.torch_says, str(exc))
            elif small is not None:
                assert predicted is None and any(s in str(exc) for s in torch_catalog.TOO_SMALL_SAYS), str(exc)
            continue
        assert torch_catalog.too_small(layer, hyp) is None, (shape, "PyTorch ran it")
        assert isinstance(predicted, Hyp), (shape, predicted, actual)
        assert len(predicted.dims) == len(actual), (shape, predicted.dims, actual)
        for ours, theirs in zip(predicted.dims, actual):
            assert ours is None or ours == theirs, (shape, predicted.dims, actual)


def test_every_layer_with_a_shape_rule_is_checked_against_pytorch():
    checked = {name for name, *_ in CASES}
    modelled = {name for name, spec in torch_catalog.LAYERS.items()
                if spec.apply not in (None, torch_catalog.identity)}
    assert modelled <= checked, modelled - checked


PARAMETER_CASES = [
    ("Linear", (10, 5), {}), ("Linear", (10, 5), {"bias": False}), ("Bilinear", (3, 4, 5), {}),
    ("Conv2d", (3, 8, 3), {}), ("Conv1d", (4, 8, 3), {"groups": 2, "bias": False}),
    ("ConvTranspose2d", (3, 8, (2, 3)), {}), ("BatchNorm1d", (7,), {}), ("BatchNorm2d", (7,), {"affine": False}),
    ("InstanceNorm2d", (5,), {}), ("InstanceNorm1d", (5,), {"affine": True}), ("GroupNorm", (2, 6), {}),
    ("LayerNorm", ((4, 5),), {}), ("Embedding", (100, 16), {}), ("LSTM", (10, 20), {}),
    ("LSTM", (10, 20, 2), {"bidirectional": True, "proj_size": 5}), ("GRU", (8, 16, 3), {"bias": False}),
    ("RNN", (8, 16), {"bidirectional": True}), ("PReLU", (), {}), ("ReLU", (), {}), ("MaxPool2d", (2,), {}),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,args,kwargs", PARAMETER_CASES, ids=[f"{c[0]}{c[1]}{c[2] or ''}" for c in PARAMETER_CASES])
def test_parameter_count_matches_pytorch(torch, name, args, kwargs):
    layer = make_layer(torch_catalog.LAYERS[name], None, list(args), dict(kwargs), False)
    module = getattr(torch.nn, name)(*args, **kwargs)
    assert torch_catalog.parameter_count(layer) == sum(p.numel() for p in module.parameters())


def test_cases_cover_failures_and_successes():
    outcomes = set()
    for name, args, kwargs, shapes in CASES:
        layer = make_layer(torch_catalog.LAYERS[name], None, list(args), dict(kwargs), False)
        for shape in shapes:
            hyp = Hyp(shape, (None,) * len(shape), False, (), shape, (None,) * len(shape))
            outcomes.add(type(torch_catalog.LAYERS[name].apply(layer, hyp)).__name__)
    assert {"Hyp", "Mismatch", "str"} <= outcomes
