"""Cooperative cancellation (the language server stops analysing a version once a newer one
arrives): the interpreter checks every few statements, and the engine lets ``Cancelled``
through instead of turning it into an SL003 finding."""
import pytest

from shapelint.core.config import Config
from shapelint.engine import lint_source
from shapelint.interp.cancel import Cancelled, cancellable

SOURCE = "import keras\n" + "".join(f"value_{i} = keras.layers.Dense({i + 1})\n" for i in range(200)) + \
    "model = keras.Sequential([keras.Input((10, 3)), keras.layers.LSTM(8), keras.layers.LSTM(4)])\n"
STATIC = Config(confirm=False)


def test_a_cancelled_analysis_stops_with_cancelled():
    calls = []

    def newer_version_arrived():
        calls.append(1)
        return len(calls) > 2

    with cancellable(newer_version_arrived), pytest.raises(Cancelled):
        lint_source(SOURCE, "m.py", STATIC)
    assert len(calls) == 3  # it stopped at the first check that said so


def test_an_analysis_nobody_cancels_runs_to_the_end():
    with cancellable(lambda: False):
        [diag] = lint_source(SOURCE, "m.py", STATIC)
    assert diag.code == "SL101"
    [again] = lint_source(SOURCE, "m.py", STATIC)  # outside: no check at all
    assert again == diag
