"""Confirmation of PyTorch findings on real PyTorch: the fixtures' findings are confirmed with
PyTorch's own words, a wrong static claim is refuted, and without PyTorch findings stay."""
from pathlib import Path

import pytest

from shapelint.confirm import run as confirm_module
from shapelint.confirm.run import CONFIRMED, REFUTED, UNCONFIRMED, confirm
from shapelint.core.diagnostics import Diagnostic, Position
from shapelint.engine import lint_source
from shapelint.frameworks.torch.catalog import LAYERS, Hyp, Mismatch
from shapelint.frameworks.torch.model import TorchApplication, TorchTensor, make_layer
from shapelint.frameworks.torch.synthesize import mismatch_probe
from shapelint.testing import expected

TORCH_FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "torch").glob("*.py"))


@pytest.fixture(scope="module")
def torch_verdicts():
    diagnostics = []
    for path in TORCH_FIXTURES:
        if expected(path.read_text()):
            diagnostics += lint_source(path.read_text(), str(path))
    return confirm(diagnostics)


@pytest.mark.torch
def test_torch_fixture_findings_are_confirmed_by_pytorch(torch_verdicts):
    confirmed = [d for d in torch_verdicts if d.verdict == CONFIRMED]
    assert all(d.confirmed_by.startswith("PyTorch 2.") for d in confirmed)
    assert not [d for d in torch_verdicts if d.verdict == REFUTED]
    # Every SL201 is confirmed; an SL122 in a function analysed without its arguments has
    # layers of unknown size and no program (it stays, unconfirmed).
    for diag in torch_verdicts:
        if diag.code == "SL201":
            assert diag.verdict == CONFIRMED, (diag.path, diag.start, diag.tf_message)
        elif diag.verdict != CONFIRMED:
            assert diag.tf_message.startswith("no model to build"), diag.tf_message
    assert len(confirmed) >= 12


@pytest.mark.torch
def test_pytorch_is_quoted(torch_verdicts):
    messages = " ".join(d.tf_message for d in torch_verdicts if d.verdict == CONFIRMED)
    assert "mat1 and mat2 shapes cannot be multiplied" in messages
    assert "running_mean should contain" in messages
    assert "expected input[" in messages and "channels, but got" in messages
    assert "Given normalized_shape=[128]" in messages
    assert "Implicit dimension choice for softmax has been deprecated" in messages
    assert "sum to 1 across the batch" in messages


def _claimed(layer_args, shape, mismatch):
    layer = make_layer(LAYERS["Linear"], None, list(layer_args), {}, False)
    hyp = Hyp(shape, (None,) * len(shape), False, (), shape, (None,) * len(shape))
    app = TorchApplication(layer, TorchTensor((hyp,)), None, None, mismatch, hyp)
    start = Position(1, 1)
    return Diagnostic("SL201", "claimed", "<test>", start, start, probe=mismatch_probe(app))


@pytest.mark.torch
def test_a_wrong_claim_is_refuted():
    wrong = _claimed((10, 5), (3, 10), Mismatch("in_features", 10, 12, "", None,
                                                "mat1 and mat2 shapes cannot be multiplied"))
    right = _claimed((10, 5), (3, 12), Mismatch("in_features", 10, 12, "", None,
                                                "mat1 and mat2 shapes cannot be multiplied"))
    verdicts = confirm([wrong, right], use_cache=False)
    assert [d.verdict for d in verdicts] == [REFUTED, CONFIRMED]
    assert verdicts[0].tf_message == "PyTorch ran it without an error"


def test_without_pytorch_findings_stay_unconfirmed(monkeypatch):
    monkeypatch.setattr(confirm_module, "torch_version", lambda: None)
    diag = _claimed((10, 5), (3, 12), Mismatch("in_features", 10, 12, "", None, "mat1"))
    [result] = confirm([diag], use_cache=False)
    assert (result.verdict, result.tf_message) == (UNCONFIRMED, "PyTorch is not installed")
