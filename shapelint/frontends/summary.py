"""A static ``model.summary()`` (Keras) or ``torchinfo``-like table (PyTorch): every model
shapelint can extract, with output shapes and parameter counts from the layer catalogs; ``?``
where something is unknown.

Keras: Sequential and functional models.  PyTorch: every ``nn.Sequential(...)`` written as a
call, and every ``nn.Module`` class with a ``forward``.  Each row is one layer, at the line
where that layer is written.  A model without a declared input can be given one
(``input_shape``): for Keras without the batch axis (as ``input_shape=``), for PyTorch the
whole tensor shape (as ``torchinfo``'s ``input_size``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from shapelint.core.config import Config
from shapelint.core.shapes import Tensor, format_shape
from shapelint.engine import Locator, analyse, parse_module
from shapelint.frameworks.keras import catalog
from shapelint.frameworks.keras.propagate import (
    FunctionalModelVal,
    LayerVal,
    SequentialVal,
    UnknownLayer,
    upstream,
)
from shapelint.frameworks.torch import catalog as torch_catalog
from shapelint.frameworks.torch.model import TorchTensor
from shapelint.interp.values import ListVal


@dataclass
class Row:
    layer: str
    line: int
    output: str
    params: Optional[int]
    cell: Optional[int] = None  # in a notebook: the cell, and ``line`` is the line in it

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.cell is None else f"cell {self.cell}, line {self.line}"

    def as_json(self) -> Dict[str, Any]:
        return {"layer": self.layer, "line": self.line, "output": self.output, "params": self.params,
                **({"cell": self.cell} if self.cell is not None else {})}


@dataclass
class ModelSummary:
    kind: str
    path: str
    line: int
    rows: List[Row] = field(default_factory=list)
    framework: str = "keras"
    # The total when it is known otherwise than as the sum of the rows (PyTorch: every
    # parameter the module registers, applied or not); None: the sum of the rows.
    declared_total: Optional[int] = None
    total_known: bool = True  # False: some parameters are not counted by any row
    cell: Optional[int] = None  # in a notebook: the cell of ``line``
    note: str = ""  # what the table leaves out (shown under it)

    @property
    def total(self) -> Optional[int]:
        if not self.total_known:
            return None
        if self.declared_total is not None:
            return self.declared_total
        counts = [row.params for row in self.rows]
        return None if any(c is None for c in counts) else sum(c for c in counts if c is not None)

    def as_json(self) -> Dict[str, Any]:
        return {"framework": self.framework, "model": self.kind, "path": self.path, "line": self.line,
                **({"cell": self.cell} if self.cell is not None else {}),
                "layers": [row.as_json() for row in self.rows], "total_params": self.total,
                **({"note": self.note} if self.note else {})}


def format_output(value) -> str:
    if isinstance(value, Tensor):
        return format_shape(value.shape)
    if isinstance(value, tuple):
        return "[" + ", ".join(format_output(v) for v in value) + "]"
    return "?"


def app_parameters(app) -> Optional[int]:
    return layer_parameters(app.layer, [t.shape for t in app.inputs])


def layer_parameters(layer, shapes) -> Optional[int]:
    spec = layer.spec
    if spec.params is None or not shapes or any(s is None for s in shapes):
        return None
    try:
        return spec.params(layer, list(shapes))
    except (TypeError, ValueError, IndexError):
        return None


# -- source helpers ---------------------------------------------------------------------------

def callee_name(node) -> Optional[str]:
    """``Attention`` for ``Attention(...)``, ``mylib.Attention(...)``, ``model.add(Attention())``."""
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add" and node.args:
            inner = callee_name(node.args[0].value)
            if inner is not None:
                return inner
        if isinstance(func, cst.Attribute):
            return func.attr.value
        if isinstance(func, cst.Name):
            return func.value
        return callee_name(func)
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def _list_elements(call) -> Optional[List[Any]]:
    """The element nodes of ``Sequential([a, b, c])``, or None."""
    if not isinstance(call, cst.Call):
        return None
    value = next((a.value for a in call.args if a.keyword is None or a.keyword.value == "layers"), None)
    if isinstance(value, (cst.List, cst.Tuple)) and all(isinstance(e, cst.Element) for e in value.elements):
        return [e.value for e in value.elements]
    return None


# -- Keras ------------------------------------------------------------------------------------

def _unknown_row(model: SequentialVal, index: int, entry, locator) -> Row:
    node = getattr(entry, "node", None)
    kind = {"SequentialVal": "Sequential", "FunctionalModelVal": "Model"}.get(type(entry).__name__)
    if node is model.node or node is None:
        # Written inside Sequential([...]): the element itself, when the list is literal.
        elements = _list_elements(model.node)
        node = elements[index] if elements is not None and index < len(elements) else node
    if kind is None:
        name = callee_name(node) if isinstance(entry, UnknownLayer) and node is not model.node else None
        kind = f"{name} (not modelled)" if name else "? (not modelled)"
    return Row(kind, locator.start(node).line if node is not None else 0, "?", None)


def _sequential(model: SequentialVal, analysis, locator, path, input_shape=None) -> ModelSummary:
    summary = ModelSummary("Sequential", path, locator.start(model.node).line)
    declared = model.input is not None and model.input.shape is not None
    if input_shape is not None and not declared and not model.uncertain:
        return _sequential_with_input(model, locator, path, (None,) + tuple(input_shape))
    apps = {}
    for app in analysis.applications:
        if app.model is model and app.wrapper is None:
            apps[app.index] = app  # the last propagation (e.g. after model.build) wins
    for index, entry in enumerate(model.entries):
        if isinstance(entry, Tensor) or (isinstance(entry, LayerVal) and entry.spec.kind == "input"):
            continue
        if isinstance(entry, LayerVal):
            app = apps.get(index)
            summary.rows.append(Row(entry.name, locator.start(entry.node).line,
                                    format_output(app.output) if app else "?",
                                    app_parameters(app) if app else None))
        else:
            summary.rows.append(_unknown_row(model, index, entry, locator))
    return summary


def _sequential_with_input(model: SequentialVal, locator, path, shape) -> ModelSummary:
    """The model as Keras would build it on ``shape`` (batch axis included)."""
    summary = ModelSummary("Sequential", path, locator.start(model.node).line,
                           note=f"input shape {format_shape(shape)} given on the command line")
    current: Any = shape
    for index, entry in enumerate(model.entries):
        if isinstance(entry, Tensor) or (isinstance(entry, LayerVal) and entry.spec.kind == "input"):
            continue
        if not isinstance(entry, LayerVal):
            summary.rows.append(_unknown_row(model, index, entry, locator))
            current = None
            continue
        shapes = [current] if isinstance(current, tuple) else [None]
        out = catalog.apply_output(entry, shapes) if current is not None else None
        params = layer_parameters(entry, shapes) if current is not None else None
        if isinstance(out, list):
            shown = "[" + ", ".join(format_shape(s) for s in out) + "]"
            current = None
        else:
            shown = format_shape(out) if out is not None else "?"
            current = out
        summary.rows.append(Row(entry.name, locator.start(entry.node).line, shown, params))
    return summary


def _tensors(value) -> List[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, ListVal) and value.items is not None:
        value = tuple(value.items)
    if isinstance(value, tuple):
        return [t for item in value for t in _tensors(item)]
    return []


def _functional(model: FunctionalModelVal, analysis, locator, path) -> ModelSummary:
    summary = ModelSummary("Model", path, locator.start(model.node).line)
    needed, roots = upstream(_tensors(model.outputs))
    if not needed and not roots:
        summary.rows.append(Row("?", summary.line, "?", None))
        return summary
    for root in roots:
        if root.origin is not None:
            summary.rows.append(Row("InputLayer", locator.start(root.origin.node).line,
                                    format_shape(root.shape), 0))
    counted = set()
    for app in analysis.applications:
        if id(app) in needed:
            params = app_parameters(app)
            if id(app.layer) in counted:
                params = 0  # a shared layer's weights are counted once
            counted.add(id(app.layer))
            summary.rows.append(Row(app.layer.name, locator.start(app.node).line, format_output(app.output), params))
    return summary


# -- PyTorch ----------------------------------------------------------------------------------

def torch_shapes(tensor) -> str:
    """A PyTorch tensor's possible shapes: ``(?, 400)``, or several when the rank is open."""
    if not isinstance(tensor, TorchTensor) or tensor.hyps is None:
        return "?"
    if not tensor.hyps:
        return "unreachable: an earlier layer fails"
    shapes: List[str] = []
    for hyp in tensor.hyps:
        text = format_shape(tuple("?" if d is None else d for d in hyp.dims)).replace("'", "")
        if text not in shapes:
            shapes.append(text)
    if len(shapes) > 3:
        return f"{shapes[0]}, {shapes[1]}, ... ({len(shapes)} ranks possible)"
    return " or ".join(shapes)


def _hyp_shape(hyp) -> str:
    return format_shape(tuple("?" if d is None else d for d in hyp.dims)).replace("'", "")


def _unknowns(text: str) -> int:
    return text.count("?") + text.count(" or ") + ("unreachable" in text) * 100


class _TorchModels(cst.CSTVisitor):
    """``Sequential(...)`` calls and classes with a ``forward`` method."""

    def __init__(self):
        self.sequentials: List[cst.Call] = []
        self.classes: List[cst.ClassDef] = []

    def visit_Call(self, node):
        if callee_name(node.func) == "Sequential" or (isinstance(node.func, cst.Name) and node.func.value == "Sequential"):
            self.sequentials.append(node)

    def visit_ClassDef(self, node):
        if any(isinstance(s, cst.FunctionDef) and s.name.value == "forward" for s in node.body.body):
            self.classes.append(node)


def _inside(locator, node, outer) -> bool:
    start, end = locator.start(outer), locator.end(outer)
    return start <= locator.start(node) and locator.end(node) <= end


def _torch_sequential(call, apps, layers, locator, path, input_shape) -> Optional[ModelSummary]:
    args = [a.value for a in call.args]
    index_of = {id(node): i for i, node in enumerate(args)}
    mine = [app for app in apps if id(app.node) in index_of]
    if not mine or any(a.keyword is not None or a.star for a in call.args):
        return None
    summary = ModelSummary("nn.Sequential", path, locator.start(call).line, framework="torch")
    layer_at = {}
    for app in mine:
        layer_at.setdefault(index_of[id(app.node)], app.layer)
    if input_shape is not None:
        _torch_sequential_with_input(summary, args, layer_at, locator, tuple(input_shape))
        return summary
    # The construction runs the model on any input; each call on a known tensor runs it again.
    # Keep the most complete run (the last of the best), row by row of the same run.
    runs: List[Dict[int, Any]] = []
    for app in mine:
        index = index_of[id(app.node)]
        if not runs or index in runs[-1] or (runs[-1] and index < max(runs[-1])):
            runs.append({})
        runs[-1][index] = app
    best = min(reversed(runs), key=lambda run: sum(_unknowns(torch_shapes(a.output)) for a in run.values()))
    for index, node in enumerate(args):
        app = best.get(index)
        layer = layer_at.get(index)
        if layer is None:
            summary.rows.append(Row(f"{callee_name(node) or '?'} (not modelled)", locator.start(node).line, "?", None))
            continue
        output = torch_shapes(app.output) if app is not None else "?"
        summary.rows.append(Row(torch_catalog.describe(layer), locator.start(node).line, output,
                                torch_catalog.parameter_count(layer)))
    return summary


def _torch_sequential_with_input(summary, args, layer_at, locator, shape) -> None:
    hyp: Any = torch_catalog.Hyp(tuple(shape), (None,) * len(shape), True, (), tuple(shape),
                                 tuple(range(len(shape))))
    summary.note = f"input shape {_hyp_shape(hyp)} given on the command line"
    for index, node in enumerate(args):
        layer = layer_at.get(index)
        if layer is None:
            summary.rows.append(Row(f"{callee_name(node) or '?'} (not modelled)", locator.start(node).line, "?", None))
            hyp = None
            continue
        result = None
        if hyp is not None and layer.spec.apply is not None:
            try:
                result = layer.spec.apply(layer, hyp)
            except (TypeError, ValueError, IndexError, ZeroDivisionError):
                result = None
        if isinstance(result, torch_catalog.Hyp):
            hyp, output = result, _hyp_shape(result)
        else:
            output = "fails here" if isinstance(result, torch_catalog.Mismatch) or result is torch_catalog.RANK \
                else "?"
            hyp = None
        summary.rows.append(Row(torch_catalog.describe(layer), locator.start(node).line, output,
                                torch_catalog.parameter_count(layer)))


class _InitAssignments(cst.CSTVisitor):
    """In ``__init__``: the values assigned to ``self.<name>``, and whether a layer is built
    in a loop or comprehension (built several times from one line)."""

    def __init__(self):
        self.values: List[Any] = []
        self.loops: List[Any] = []

    def visit_Assign(self, node):
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and isinstance(target.target.value, cst.Name) \
                    and target.target.value.value == "self":
                self.values.append(node.value)

    def visit_For(self, node):
        self.loops.append(node)

    def visit_While(self, node):
        self.loops.append(node)

    def visit_ListComp(self, node):
        self.loops.append(node)

    def visit_GeneratorExp(self, node):
        self.loops.append(node)

    def visit_DictComp(self, node):
        self.loops.append(node)


CONTAINERS = ("Sequential", "ModuleList", "ModuleDict", "OrderedDict")


def _torch_class(cls, apps, layers, locator, path) -> Optional[ModelSummary]:
    mine = [app for app in apps if app.layer.node is not None and _inside(locator, app.layer.node, cls)]
    if not mine:
        return None
    summary = ModelSummary(cls.name.value, path, locator.start(cls).line, framework="torch")
    # One row per (call site, layer construction); of several runs, the most complete view.
    best: Dict[Tuple[int, int], Any] = {}
    order: List[Tuple[int, int]] = []
    for app in mine:
        key = (id(app.node), id(app.layer.node))
        if key not in best:
            order.append(key)
            best[key] = app
        elif _unknowns(torch_shapes(app.output)) <= _unknowns(torch_shapes(best[key].output)):
            best[key] = app
    for key in order:
        app = best[key]
        summary.rows.append(Row(torch_catalog.describe(app.layer), locator.start(app.layer.node).line,
                                torch_shapes(app.output), torch_catalog.parameter_count(app.layer)))
    summary.declared_total, summary.total_known = _torch_class_total(cls, layers, locator)
    if summary.declared_total is not None:
        summary.note = "total: every layer built in __init__, applied or not (as sum(p.numel()))"
    return summary


def _torch_class_total(cls, layers, locator) -> Tuple[Optional[int], bool]:
    """The parameters ``__init__`` registers, when every one is a catalogued layer built once."""
    init = next((s for s in cls.body.body if isinstance(s, cst.FunctionDef) and s.name.value == "__init__"), None)
    if init is None:
        return None, False
    finder = _InitAssignments()
    init.visit(finder)
    built = [layer for layer in layers if layer.node is not None and _inside(locator, layer.node, init)]
    by_node: Dict[int, Optional[int]] = {}
    for layer in built:
        count = torch_catalog.parameter_count(layer)
        if id(layer.node) in by_node and by_node[id(layer.node)] != count:
            return None, False  # instances built with other arguments: not one count
        by_node[id(layer.node)] = count
    if any(v is None for v in by_node.values()):
        return None, False
    if any(_inside(locator, layer.node, loop) for loop in finder.loops for layer in built):
        return None, False
    nodes = {id(layer.node) for layer in built}
    for value in finder.values:
        for call in _calls(value):
            if id(call) in nodes or callee_name(call.func) in CONTAINERS:
                continue
            return None, False  # a sub-module, nn.Parameter, anything else that may hold weights
    return sum(v for v in by_node.values() if v is not None), True


def _calls(node) -> List[cst.Call]:
    found: List[cst.Call] = []

    class _Collect(cst.CSTVisitor):
        def visit_Call(self, call):
            found.append(call)

    node.visit(_Collect())
    return found


def _torch_summaries(module, analysis, locator, path, input_shape) -> List[ModelSummary]:
    if not analysis.torch_applications:
        return []
    finder = _TorchModels()
    module.visit(finder)
    apps = [app for app in analysis.torch_applications if app.node is not None]
    summaries = []
    for cls in finder.classes:
        summary = _torch_class(cls, apps, analysis.torch_layers, locator, path)
        if summary is not None:
            if input_shape is not None:
                summary.note = (summary.note + "; " if summary.note else "") + \
                    "--input-shape applies to nn.Sequential models only"
            summaries.append(summary)
    for call in finder.sequentials:
        if any(_inside(locator, call, cls) for cls in finder.classes):
            continue  # shown with its module
        summary = _torch_sequential(call, apps, analysis.torch_layers, locator, path, input_shape)
        if summary is not None:
            summaries.append(summary)
    return summaries


# -- both -------------------------------------------------------------------------------------

def summarize(source: str, path: str, config: Optional[Config] = None,
              input_shape: Optional[Sequence[int]] = None) -> List[ModelSummary]:
    config = config or Config()
    module = parse_module(source)
    analysis = analyse(module, config)
    locator = Locator(module)
    # A model built in a function is seen once per call site and once on its own: show the
    # most complete view of each.
    best: Dict[int, Tuple[int, ModelSummary]] = {}
    for model in analysis.models:
        if isinstance(model, SequentialVal):
            summary = _sequential(model, analysis, locator, path, input_shape)
        elif isinstance(model, FunctionalModelVal):
            summary = _functional(model, analysis, locator, path)
        else:
            continue
        unknown = sum(r.params is None or "?" in r.output for r in summary.rows)
        key = id(model.node)
        if key not in best or unknown < best[key][0]:
            best[key] = (unknown, summary)
    summaries = [s for _, s in best.values()] + _torch_summaries(module, analysis, locator, path, input_shape)
    return sorted(summaries, key=lambda s: s.line)


def format_summary(summary: ModelSummary) -> str:
    width = max([len("Layer (type)")] + [len(f"{r.layer} ({r.where})") for r in summary.rows])
    shape_width = max([len("Output Shape")] + [len(r.output) for r in summary.rows])
    place = f"{summary.line}" if summary.cell is None else f"cell {summary.cell}:{summary.line}"
    lines = [f"Model: {summary.kind} at {summary.path}:{place}",
             f" {'Layer (type)':<{width}}  {'Output Shape':<{shape_width}}  {'Param #':>12}",
             " " + "=" * (width + shape_width + 16)]
    for row in summary.rows:
        params = "?" if row.params is None else f"{row.params:,}"
        lines.append(f" {row.layer + f' ({row.where})':<{width}}  {row.output:<{shape_width}}  {params:>12}")
    total = summary.total
    lines.append(" " + "=" * (width + shape_width + 16))
    lines.append(f" Total params: {'?' if total is None else f'{total:,}'}")
    if summary.note:
        lines.append(f" ({summary.note})")
    return "\n".join(lines)


def in_cells(summaries: List[ModelSummary], locate) -> None:
    """A notebook's summaries, whose lines count its code as one program, moved to cells:
    ``locate(line)`` gives (cell, line in it) or None."""
    for summary in summaries:
        found = locate(summary.line)
        if found is not None:
            summary.cell, summary.line = found
        for row in summary.rows:
            found = locate(row.line)
            if found is not None:
                row.cell, row.line = found


def parse_input_shape(text: str) -> Tuple[Optional[int], ...]:
    """``10,3`` or ``(None, 10, 3)``: sizes separated by commas; ``None`` or ``?`` for a free one."""
    parts = [p.strip() for p in text.strip().strip("()[]").split(",") if p.strip()]
    if not parts:
        raise ValueError("an empty shape")
    dims: List[Optional[int]] = []
    for part in parts:
        if part in ("None", "?"):
            dims.append(None)
            continue
        value = int(part)
        if value <= 0:
            raise ValueError(f"a size of {value}")
        dims.append(value)
    return tuple(dims)
