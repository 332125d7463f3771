"""What a PyTorch finding claims, as typed evidence that writes its own confirmation program
(``synthesize.py`` has the pieces)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapelint.confirm.probe import Probe
from shapelint.core.rule import Evidence
from shapelint.frameworks.torch import synthesize


class TorchEvidence(Evidence):
    framework = "torch"


@dataclass(frozen=True)
class LayerRejectsInput(TorchEvidence):
    """``app``'s layer raises PyTorch's size error on what the layers before it produce."""

    app: Any  # a TorchApplication with a mismatch

    def synthesize(self, target_keras: int) -> Probe:
        return synthesize.mismatch_probe(self.app)


@dataclass(frozen=True)
class WindowTooLarge(TorchEvidence):
    """``app``'s conv / pool window is larger than the (padded) input ``hyp`` (SL202)."""

    app: Any  # a TorchApplication
    hyp: Any = field(compare=False)  # the input hypothesis the program rebuilds

    def synthesize(self, target_keras: int) -> Probe:
        return synthesize.too_small_probe(self.app, self.hyp)


@dataclass(frozen=True)
class ImplicitSoftmaxDim(TorchEvidence):
    """A softmax without ``dim``: PyTorch warns "Implicit dimension choice"."""

    layer: Any

    def synthesize(self, target_keras: int) -> Probe:
        return synthesize.implicit_dim_probe(self.layer)


@dataclass(frozen=True)
class SoftmaxAcrossBatch(TorchEvidence):
    """``dim=0`` on batch-first data: the probabilities sum to 1 across the batch."""

    app: Any

    def synthesize(self, target_keras: int) -> Probe:
        return synthesize.batch_softmax_probe(self.app)
