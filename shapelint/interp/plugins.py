"""Framework plug-ins: how the Python-only interpreter core learns about Keras, PyTorch, numpy.

A plug-in (``shapelint.frameworks.<name>.plugin.PLUGIN``) offers

* ``resolve(qualname)``: the handler for a call of a qualified name (``keras.layers.Dense``,
  ``torch.nn.Linear``, ``numpy.zeros``), or None.  A handler is called as
  ``handler(interp, args, kwargs, opaque, node, frame)`` and returns the call's value;
* ``star_exports(module)``: the names ``from module import *`` binds, or None;
* ``class_def(interp, node, bases, frame)``: a value for a class statement the plug-in models
  (``class Net(nn.Module)``), or None.  That value answers ``define_method(interp, name, fn)``
  (True: the method is analysed through instances, not on its own) and
  ``class_defined(interp, node, scope)`` once the body has run;
* ``harmless_attributes``: attribute names whose assignment changes no recorded shape;
* ``foreign_attributes``: ``{type: fn(interp, value, name, node, frame)}`` for values of
  classes the plug-in cannot make ``AbstractValue`` subclasses of.

``HandlerTable`` is the qualified-name -> handler table built from the plug-ins, first one
that answers wins.  Adding a framework is one more plug-in.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional, Tuple

from shapelint.interp.values import UNKNOWN

Handler = Callable[..., Any]


class Plugin:
    """The base plug-in: knows nothing."""

    name = "plugin"
    harmless_attributes: frozenset = frozenset()
    foreign_attributes: Dict[type, Callable] = {}

    def resolve(self, qualname: str) -> Optional[Handler]:
        return None

    def star_exports(self, module: str) -> Optional[set]:
        return None

    def class_def(self, interp, node, bases, frame) -> Any:
        return None

    def snippet_names(self) -> Dict[str, str]:
        """Names pasted code uses without importing them (``Dense``, ``np``), with the
        qualified name each then means: used only for names the file binds nowhere."""
        return {}


class HandlerTable:
    """Qualified name -> handler, resolved through the plug-ins once per name."""

    def __init__(self, plugins: Iterable[Plugin]):
        self.plugins: Tuple[Plugin, ...] = tuple(plugins)
        self._handlers: Dict[str, Optional[Handler]] = {}
        self.harmless_attributes = frozenset().union(*(p.harmless_attributes for p in self.plugins))
        self.foreign_attributes = tuple(
            item for plugin in self.plugins for item in plugin.foreign_attributes.items())
        self.snippet_names: Dict[str, str] = {}
        for plugin in reversed(self.plugins):  # the first plug-in wins
            self.snippet_names.update(plugin.snippet_names())

    def handler(self, qualname: str) -> Optional[Handler]:
        if qualname not in self._handlers:
            found = None
            for plugin in self.plugins:
                found = plugin.resolve(qualname)
                if found is not None:
                    break
            self._handlers[qualname] = found
        return self._handlers[qualname]

    def star_exports(self, module: str) -> Optional[set]:
        for plugin in self.plugins:
            exported = plugin.star_exports(module)
            if exported is not None:
                return exported
        return None

    def class_value(self, interp, node, bases, frame) -> Any:
        for plugin in self.plugins:
            value = plugin.class_def(interp, node, bases, frame)
            if value is not None:
                return value
        return None

    def foreign_attribute(self, interp, value, name, node, frame) -> Any:
        for cls, fn in self.foreign_attributes:
            if isinstance(value, cls):
                return fn(interp, value, name, node, frame)
        return UNKNOWN


_default_factory: Optional[Callable[[], Iterable[Plugin]]] = None


def set_default_plugins(factory: Callable[[], Iterable[Plugin]]) -> None:
    """Called by ``shapelint.frameworks`` when imported: the plug-ins an ``Interpreter`` built
    without an explicit list uses."""
    global _default_factory
    _default_factory = factory


def default_plugins() -> Tuple[Plugin, ...]:
    return tuple(_default_factory()) if _default_factory is not None else ()
