"""Keras 2 APIs that Keras 3 removed or renamed: where a file imports or calls them.

Two sources, both cheap:

* ``removed_imports(module)``: the ``import`` / ``from ... import`` statements (a walk over
  statements only, never expressions) that name a module or class Keras 3 no longer has
  (``names.KERAS3_REMOVED``);
* ``ApiPlugin``: a plug-in consulted before the others that records, in
  ``analysis.api_calls``, each call of such a name through an attribute chain
  (``keras.layers.CuDNNLSTM(...)``) and each Keras optimizer construction (for ``lr=``), and
  then hands the call to the plug-in that models it (an ``ImageDataGenerator`` keeps its
  batch shapes).

Code guarded against the missing name (inside ``try`` with an ``except``, under an ``if`` on a
version or ``hasattr``, in ``with pytest.raises(...)``) is left alone: it is written for both
Keras versions.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple

import libcst as cst

from shapelint.frameworks import names
from shapelint.frameworks.keras import catalog
from shapelint.interp import syntax
from shapelint.interp.plugins import Plugin
from shapelint.interp.values import UNKNOWN


@dataclass(eq=False)
class ApiCall:
    """A call of a Keras name that Keras 3 changed, as the file spells it."""

    qualname: str
    node: Any  # the cst.Call
    kwargs: Dict[str, Any]
    removed: Optional[names.Removed]
    optimizer: Optional[str]  # ``Adam`` for keras.optimizers.Adam(...)


def _record(qualname, removed, optimizer, plugin, interp, args, kwargs, opaque, node, frame):
    calls = getattr(interp.analysis, "api_calls", None)
    if calls is not None and interp.target_keras >= 3:
        calls.append(ApiCall(qualname, node, dict(kwargs), removed, optimizer))
    for other in interp.handlers.plugins:  # what the call means otherwise
        if other is plugin:
            continue
        handler = other.resolve(qualname)
        if handler is not None:
            return handler(interp, args, kwargs, opaque, node, frame)
    interp.escape_all(args, kwargs)
    return UNKNOWN


class ApiPlugin(Plugin):
    name = "keras-api"

    def resolve(self, qualname):
        if not qualname.startswith(("keras.", "tensorflow.keras.")):
            return None
        removed, optimizer = names.keras3_removed(qualname), names.keras_optimizer(qualname)
        if removed is None and optimizer is None:
            return None
        return partial(_record, qualname, removed, optimizer, self)


PLUGIN = ApiPlugin()


# -- imports --------------------------------------------------------------------------------

class RemovedImport(NamedTuple):
    node: Any  # the ImportAlias
    qualname: str  # the module, or module.name, imported
    removed: names.Removed
    statement: str  # the import of just this name, to rebuild on TensorFlow
    error: str  # ModuleNotFoundError (a module is gone) or ImportError (a name in one)
    names: Tuple[str, ...] = ()  # what a ``from`` import of a removed module takes from it

    def package(self) -> Optional[str]:
        """Where the names of this ``from`` import live now (``new_home``), or None."""
        return new_home(self.removed, self.qualname, self.names)

    def use(self) -> str:
        """What to write instead: the same import from the package the names live in now
        (``from keras.layers import LSTM, Dense``) when Keras 3 has every one of them there,
        else the table's words."""
        package = self.package()
        return f"from {package} import {', '.join(self.names)}" if package else self.removed.use


def new_home(removed: names.Removed, qualname: str, imported) -> Optional[str]:
    """The package a removed module's names live in now, spelled as the file spells Keras
    (``tensorflow.keras.layers``), when every name in ``imported`` (``LSTM``, ``LSTM as L``) is
    one Keras 3 has there (``KERAS3_LAYER_NAMES``); else None."""
    if not removed.package or not imported \
            or not all(name.split(" as ")[0] in KERAS3_LAYER_NAMES for name in imported):
        return None
    return ("tensorflow." if qualname.startswith("tensorflow.keras.") else "") + removed.package


# What ``from keras.layers.<old module> import ...`` may take and still find in Keras 3's
# keras.layers (and TensorFlow 2.21's tf.keras.layers): the catalog's layers and these aliases.
# tests/test_migration_rules.py checks every one on the installed Keras.
KERAS3_LAYER_NAMES = frozenset(catalog.LAYERS) | frozenset({
    "Layer", "Input", "InputSpec", "Convolution1D", "Convolution2D", "Convolution3D", "MaxPool1D",
    "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D", "GlobalAvgPool1D", "GlobalAvgPool2D",
    "GlobalMaxPool1D", "GlobalMaxPool2D", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
})


_GUARD_WORDS = ("version", "VERSION", "hasattr", "getattr")


def _guarded_if(node: cst.If) -> bool:
    test = cst.Module(body=[]).code_for_node(node.test)
    return any(word in test for word in _GUARD_WORDS)


def guarded_blocks(module) -> Iterator[Tuple[Any, bool]]:
    """Every statement of the module (inside functions, classes and blocks too) with whether it
    is guarded against a missing name."""
    for stmt, guard in _statements(module):
        yield stmt, is_guarded(guard)


def is_guarded(guard) -> bool:
    """``guard``: True, or the ``if`` statements around a statement (their tests are read only
    when asked: rendering every test of a large file costs more than the walk)."""
    return guard is True or any(_guarded_if(node) for node in guard)


def _statements(module) -> Iterator[Tuple[Any, Any]]:
    stack: List[Tuple[Any, Any]] = [(stmt, ()) for stmt in reversed(module.body)]
    while stack:
        stmt, guard = stack.pop()
        yield stmt, guard
        if isinstance(stmt, cst.SimpleStatementLine):
            continue
        inner: List[Tuple[Any, Any]] = []
        if isinstance(stmt, (cst.Try, cst.TryStar)):
            inner += [(s, True if stmt.handlers else guard) for s in syntax.body(stmt)]
            for handler in stmt.handlers:
                inner += [(s, guard) for s in syntax.body(handler)]
            for extra in (stmt.orelse, stmt.finalbody):
                if extra is not None:
                    inner += [(s, guard) for s in syntax.body(extra)]
        elif isinstance(stmt, cst.If):
            branch: Any = stmt
            while isinstance(branch, cst.If):
                branch_guard = guard if guard is True else guard + (branch,)
                inner += [(s, branch_guard) for s in syntax.body(branch)]
                branch = branch.orelse
                if branch is not None and not isinstance(branch, cst.If):
                    inner += [(s, branch_guard) for s in syntax.body(branch)]
        elif isinstance(stmt, cst.With):
            raises = any(syntax.expects_exception(item.item) for item in stmt.items)
            inner += [(s, True if raises else guard) for s in syntax.body(stmt)]
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef, cst.For, cst.While)):
            inner += [(s, guard) for s in syntax.body(stmt)]
            orelse = getattr(stmt, "orelse", None)
            if orelse is not None:
                inner += [(s, guard) for s in syntax.body(orelse)]
        stack.extend(reversed(inner))


def _spelled(alias: cst.ImportAlias) -> str:
    """``LSTM`` or ``LSTM as L``, as the import names it."""
    name = syntax.dotted(alias.name)
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return f"{name} as {alias.asname.name.value}"
    return name


def removed_imports(module) -> Iterator[RemovedImport]:
    """Unguarded imports of what Keras 3 removed (``from keras.layers import CuDNNLSTM``,
    ``from keras.utils import np_utils``, ``import keras.layers.merge``)."""
    for stmt, guard in _statements(module):
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    dotted = syntax.dotted(alias.name)
                    removed = names.keras3_removed(dotted)
                    if removed is not None and not is_guarded(guard):
                        yield RemovedImport(alias, dotted, removed, f"import {dotted}", "ModuleNotFoundError")
            elif isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None \
                    and not isinstance(small.names, cst.ImportStar):
                module_name = syntax.dotted(small.module)
                gone = names.keras3_removed(module_name)
                if gone is not None and is_guarded(guard):
                    continue
                if gone is not None:  # the module itself: one finding for the statement
                    first = syntax.dotted(small.names[0].name)
                    yield RemovedImport(small.module, module_name, gone, f"from {module_name} import {first}",
                                        "ModuleNotFoundError",
                                        tuple(_spelled(alias) for alias in small.names))
                    continue
                for alias in small.names:
                    name = syntax.dotted(alias.name)
                    removed = names.keras3_removed(f"{module_name}.{name}")
                    if removed is not None and not is_guarded(guard):
                        yield RemovedImport(alias, f"{module_name}.{name}", removed,
                                            f"from {module_name} import {name}", "ImportError")
