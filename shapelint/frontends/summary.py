"""A static ``model.summary()``: every model shapelint can extract, with output shapes and
parameter counts from the layer catalog; ``?`` where something is unknown."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from shapelint.core.config import Config
from shapelint.core.shapes import Tensor, format_shape
from shapelint.engine import Locator, analyse, parse_module
from shapelint.frameworks.keras.propagate import FunctionalModelVal, LayerVal, SequentialVal, upstream
from shapelint.interp.values import ListVal


@dataclass
class Row:
    layer: str
    line: int
    output: str
    params: Optional[int]


@dataclass
class ModelSummary:
    kind: str
    path: str
    line: int
    rows: List[Row] = field(default_factory=list)

    @property
    def total(self) -> Optional[int]:
        counts = [row.params for row in self.rows]
        return None if any(c is None for c in counts) else sum(counts)


def format_output(value) -> str:
    if isinstance(value, Tensor):
        return format_shape(value.shape)
    if isinstance(value, tuple):
        return "[" + ", ".join(format_output(v) for v in value) + "]"
    return "?"


def app_parameters(app) -> Optional[int]:
    spec = app.layer.spec
    if spec.params is None or any(t.shape is None for t in app.inputs):
        return None
    try:
        return spec.params(app.layer, [t.shape for t in app.inputs])
    except (TypeError, ValueError, IndexError):
        return None


def _sequential(model: SequentialVal, analysis, locator, path) -> ModelSummary:
    summary = ModelSummary("Sequential", path, locator.start(model.node).line)
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
            node = getattr(entry, "node", None)
            kind = {"SequentialVal": "Sequential", "FunctionalModelVal": "Model"}.get(
                type(entry).__name__, "? (not modelled)")
            summary.rows.append(Row(kind,
                                    locator.start(node).line if node is not None else 0, "?", None))
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


def summarize(source: str, path: str, config: Optional[Config] = None) -> List[ModelSummary]:
    config = config or Config()
    module = parse_module(source)
    analysis = analyse(module, config)
    locator = Locator(module)
    # A model built in a function is seen once per call site and once on its own: show the
    # most complete view of each.
    best = {}
    for model in analysis.models:
        if isinstance(model, SequentialVal):
            summary = _sequential(model, analysis, locator, path)
        elif isinstance(model, FunctionalModelVal):
            summary = _functional(model, analysis, locator, path)
        else:
            continue
        unknown = sum(r.params is None or "?" in r.output for r in summary.rows)
        key = id(model.node)
        if key not in best or unknown < best[key][0]:
            best[key] = (unknown, summary)
    return sorted((s for _, s in best.values()), key=lambda s: s.line)


def format_summary(summary: ModelSummary) -> str:
    width = max([len("Layer (type)")] + [len(f"{r.layer} (line {r.line})") for r in summary.rows])
    shape_width = max([len("Output Shape")] + [len(r.output) for r in summary.rows])
    lines = [f"Model: {summary.kind} at {summary.path}:{summary.line}",
             f" {'Layer (type)':<{width}}  {'Output Shape':<{shape_width}}  {'Param #':>12}",
             " " + "=" * (width + shape_width + 16)]
    for row in summary.rows:
        params = "?" if row.params is None else f"{row.params:,}"
        lines.append(f" {row.layer + f' (line {row.line})':<{width}}  {row.output:<{shape_width}}  {params:>12}")
    total = summary.total
    lines.append(" " + "=" * (width + shape_width + 16))
    lines.append(f" Total params: {'?' if total is None else f'{total:,}'}")
    return "\n".join(lines)
