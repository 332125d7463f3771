"""Per-layer facts with source ranges: what an editor shows when the cursor is on a layer.

For every layer application the engine's analysis records (a Sequential step or a functional
call), its input shapes, output shape and parameter count, computed as ``summary.py`` does.
Front ends (the language server's hover) only look the facts up by position.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

import libcst as cst

from shapelint.core.config import Config
from shapelint.core.diagnostics import Position
from shapelint.core.shapes import Tensor, format_shape
from shapelint.engine import Locator, analyse, mentions_framework, parse_module
from shapelint.frameworks.torch.catalog import describe, parameter_count
from shapelint.frontends.summary import app_parameters, format_output
from shapelint.frontends.summary import torch_shapes as _torch_shapes


@dataclass(frozen=True)
class LayerFact:
    layer: str  # "LSTM", "Dense inside TimeDistributed"
    start: Position  # the layer's call or construction, as the engine reports positions
    end: Position
    inputs: Tuple[str, ...]  # formatted shapes, "?" where unknown
    output: str
    params: Optional[int]
    applied: Optional[int] = None  # the line it is applied on, when constructed elsewhere

    def contains(self, position: Position) -> bool:
        return self.start <= position < self.end

    def markdown(self) -> str:
        inputs = ", ".join(f"`{shape}`" for shape in self.inputs) or "?"
        params = "?" if self.params is None else f"{self.params:,}"
        where = f", applied at line {self.applied}" if self.applied not in (None, self.start.line) else ""
        return "\n".join([f"**{self.layer}**{where} (shapelint)", "",
                          f"- input: {inputs}", f"- output: `{self.output}`", f"- parameters: {params}"])


def _unknowns(fact: LayerFact) -> int:
    return sum("?" in s for s in fact.inputs) + ("?" in fact.output) + (fact.params is None)


def layer_facts(source: str, path: str = "<unsaved>", config: Optional[Config] = None) -> List[LayerFact]:
    """One fact per place a layer is applied, and one at its construction when that is
    elsewhere (``dense = Dense(4)`` ... ``dense(x)``; a shared layer has one per application).
    A place seen several times (a model built in a function called twice, a Sequential
    re-propagated after ``build``) keeps its most complete view.  Empty for code that does not
    parse or mentions no framework."""
    config = config or Config()
    if not mentions_framework(source):
        return []
    try:
        module = parse_module(source)
    except (cst.ParserSyntaxError, cst.CSTValidationError, RecursionError, ValueError):
        return []
    analysis = analyse(module, config, source)
    locator = Locator(module)
    best = {}
    for app in analysis.applications:
        if app.node is None:
            continue
        name = app.layer.name + (f" inside {app.wrapper.name}" if app.wrapper is not None else "")
        inputs = tuple(format_shape(t.shape) if isinstance(t, Tensor) else "?" for t in app.inputs)
        output, params = format_output(app.output), app_parameters(app)
        applied = locator.start(app.node)
        places = [app.node]
        if app.layer.node is not None and app.layer.node is not app.node:
            places.append(app.layer.node)
        for node in places:
            fact = LayerFact(name, locator.start(node), locator.end(node), inputs, output, params, applied.line)
            key = (fact.start, fact.end, name, applied)
            if key not in best or _unknowns(fact) <= _unknowns(best[key]):
                best[key] = fact
    for app in analysis.torch_applications:
        fact_node = app.node
        if fact_node is None:
            continue
        inputs = (_torch_shapes(app.input),)
        output = _torch_shapes(app.output[0] if isinstance(app.output, tuple) else app.output)
        params = parameter_count(app.layer)
        applied = locator.start(fact_node)
        places = [fact_node] + ([app.layer.node] if app.layer.node is not fact_node else [])
        for node in places:
            fact = LayerFact(describe(app.layer), locator.start(node), locator.end(node), inputs, output, params,
                             applied.line)
            key = (fact.start, fact.end, fact.layer, applied)
            if key not in best or _unknowns(fact) <= _unknowns(best[key]):
                best[key] = fact
    return sorted(best.values(), key=lambda f: (f.start, f.end))


def facts_at(facts: List[LayerFact], position: Position) -> List[LayerFact]:
    """The facts of the innermost layer expression around ``position`` (several when a
    wrapper and its inner layer share it)."""
    around = [f for f in facts if f.contains(position)]
    if not around:
        return []
    # Ranges of nested expressions nest: the innermost starts last and, of those, ends first.
    inner = max(around, key=lambda f: (f.start, -f.end.line, -f.end.column))
    return [f for f in around if (f.start, f.end) == (inner.start, inner.end)]
