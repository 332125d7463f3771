"""Cooperative cancellation of an analysis: the language server's, when a newer version of
the document arrives while the interpreter still runs the old one.

``with cancellable(check):`` around a lint makes every interpreter created in this thread
call ``check()`` every few statements and stop with ``Cancelled`` once it returns True.
``Cancelled`` is a ``BaseException``: the engine's "one file's failure is one SL003"
handlers (``except Exception``) let it through to the caller that asked for it.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

_local = threading.local()


class Cancelled(BaseException):
    """The analysis was cancelled: its result is no longer wanted."""


@contextmanager
def cancellable(check: Callable[[], bool]) -> Iterator[None]:
    previous = getattr(_local, "check", None)
    _local.check = check
    try:
        yield
    finally:
        _local.check = previous


def current() -> Optional[Callable[[], bool]]:
    """The cancellation check of this thread's analysis, if any."""
    return getattr(_local, "check", None)
