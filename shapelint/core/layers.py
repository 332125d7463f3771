"""What both layer catalogs share: the unknown value, a layer's declared parameters, and the one
rule for reading a construction's argument."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Tuple


class Sentinel:
    """A class with one instance, kept one across pickling (process pools, caches)."""

    def __new__(cls):
        if "_instance" not in cls.__dict__:
            cls._instance = super().__new__(cls)
        return cls.__dict__["_instance"]

    def __reduce__(self):
        return (type(self), ())


class _Unknown(Sentinel):
    """A value the analysis cannot determine: every check that depends on it stays silent."""

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # guard against accidental truthiness tests
        raise TypeError("UNKNOWN has no truth value")


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class LayerSpecBase:
    """One catalogued layer class, Keras or PyTorch: its name, its parameters in positional
    order, and their defaults, as data.  A parameter absent from ``defaults`` is required."""

    name: str
    positional: Tuple[str, ...] = ()
    defaults: Dict[str, Any] = field(default_factory=dict)


class LayerConstruction:
    """One construction of a catalogued layer (``spec``, ``args``, ``opaque``)."""

    spec: Any
    args: Dict[str, Any]
    opaque: bool

    def arg(self, name: str) -> Any:
        """The argument as written; else unknown when ``**kwargs`` could hold it; else the
        catalog's default; else (a required parameter not given) unknown."""
        if name in self.args:
            return self.args[name]
        if self.opaque:
            return UNKNOWN
        return self.spec.defaults.get(name, UNKNOWN)
