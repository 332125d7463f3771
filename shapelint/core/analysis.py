"""The extracted facts of one file: the small IR every rule reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass(eq=False)
class Application:
    """A layer applied to symbolic tensors (a Sequential step or a functional call)."""

    layer: Any  # LayerVal
    inputs: List[Any]  # Tensor
    output: Any  # Tensor, tuple of Tensors, or a Tensor of unknown shape
    node: Any  # where it is applied: the layer construction (Sequential) or the call
    model: Any = None  # the SequentialVal it belongs to
    index: Optional[int] = None  # position in that Sequential model
    wrapper: Any = None  # the TimeDistributed applying this inner layer step by step
    parent: Any = None  # that TimeDistributed's own Application


@dataclass(eq=False)
class ModelCall:
    """``model.fit(...)``, ``model.compile(...)`` and friends on a model shapelint tracks."""

    model: Any
    method: str
    node: Any
    args: List[Any]
    kwargs: Dict[str, Any]
    opaque: bool


@dataclass(eq=False)
class Analysis:
    target_keras: int
    layers: List[Any] = field(default_factory=list)  # every LayerVal constructed
    applications: List[Application] = field(default_factory=list)
    models: List[Any] = field(default_factory=list)
    model_calls: List[ModelCall] = field(default_factory=list)
    # Calls of Keras names that Keras 3 removed or changed (frameworks/keras/removed.py).
    api_calls: List[Any] = field(default_factory=list)
    # PyTorch (torch_model.py)
    torch_layers: List[Any] = field(default_factory=list)  # every TorchLayerVal constructed
    torch_applications: List[Any] = field(default_factory=list)  # TorchApplication
    # (tensor, call node) for each ``model(x)`` of an nn.Sequential or nn.Module on a tensor.
    torch_model_inputs: List[Any] = field(default_factory=list)
    # Snippet mode: names the file uses but never binds, taken as framework names (name ->
    # the qualified name assumed), in the order first used.
    assumed: Dict[str, str] = field(default_factory=dict)
