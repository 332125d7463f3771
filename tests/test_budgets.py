"""Budgets of the interpreter: constants stay small, deep expressions go unknown instead of
overflowing the stack, and the rest of the file is still checked (issue: hardening)."""
import textwrap

import pytest

from shapelint.core.config import Config
from shapelint.engine import lint_source
from shapelint.interp.operators import MAX_INT, MAX_SEQUENCE, binop
from shapelint.interp.values import UNKNOWN

BAD_STACK = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([tf.keras.layers.LSTM(4, input_shape=(5,))])
""")


def _codes(prefix: str):
    return sorted((d.start.line, d.code) for d in lint_source(prefix + BAD_STACK, "big.py", Config(confirm=False)))


@pytest.mark.parametrize("prefix", [
    "x = " + "+".join(["1"] * 500) + "\n",
    "x = 1 " + "and 1 " * 1000 + "\n",
    "x = " + "-" * 500 + "1\n",
    "x = " + "f(" * 150 + ")" * 150 + "\n",
    "n = 9 ** 9 ** 9\nm = 2 ** 10 ** 10\n",
    "s = 'ab'\n" + "s = s + s\n" * 40,
    "t = (1,)\n" + "t = t * 64\n" * 5,
    "big = " + "9" * 5000 + "\n",
    "for i in range(10 ** 19):\n    pass\nr = range(-10 ** 18, 10 ** 18)\nfor j in r:\n    pass\n",
    "x = [[[i * j * k for i in range(60)] for j in range(60)] for k in range(60)]\n",
], ids=["sum", "and", "unary", "calls", "pow", "string-doubling", "tuple-repeat", "5000-digits", "range",
        "comprehensions"])
def test_the_rest_of_the_file_is_still_checked(prefix):
    line = prefix.count("\n") + 2
    assert _codes(prefix) == [(line, "SL101")]


def test_constants_past_the_budget_are_unknown():
    import operator

    assert binop(operator.pow, 9, 9 ** 9) is UNKNOWN
    assert binop(operator.pow, 2, 59) == 2 ** 59 and binop(operator.pow, 10, 19) is UNKNOWN
    assert binop(operator.mul, MAX_INT, 10) is UNKNOWN
    assert binop(operator.add, "a" * MAX_SEQUENCE, "b") is UNKNOWN
    assert binop(operator.mul, (1,) * 200, 64) is UNKNOWN and binop(operator.mul, (1,), 64) == (1,) * 64


def test_a_huge_size_is_not_written_into_a_finding():
    source = "from keras.layers import Dense\nfrom keras.models import Sequential\n" \
             "m = Sequential([Dense(10 ** 5000, input_shape=(3,)), Dense(1, activation='softmax')])\n"
    found = lint_source(source, "huge.py", Config())
    assert [d.code for d in found] == ["SL121"]


def test_the_other_parsers_are_guarded_too(tmp_path):
    """summary, hover and fixes parse on their own: deep nesting that would crash LibCST's
    native parser (exit 139) is refused there as well."""
    import subprocess
    import sys

    from shapelint.frontends.facts import layer_facts

    deep = "import keras\nx = " + "[" * 1300 + "]" * 1300 + "\n"
    path = tmp_path / "deep.py"
    path.write_text(deep)
    result = subprocess.run([sys.executable, "-m", "shapelint", "summary", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "cannot summarize" in result.stderr
    assert layer_facts(deep, "deep.py") == []


def test_valid_python_the_parser_cannot_read_is_not_a_syntax_error():
    # The statement feeds a model, so LibCST must read it: it cannot, and that is an SL003.
    strings = "import keras\nx = " + " ".join(['"a"'] * 5000) + "\nlayer = keras.layers.Dense(x)\n"
    assert [d.code for d in lint_source(strings, "s.py", Config(confirm=False))] == ["SL003"]
    # A statement no model depends on is never handed to LibCST (core.select): nothing to say.
    unrelated = "import keras\nx = " + " ".join(['"a"'] * 5000) + "\n"
    assert lint_source(unrelated, "s.py", Config(confirm=False)) == []


def test_a_long_attribute_chain_is_refused_before_the_parser_spends_minutes_on_it():
    chain = "import keras\nx = a" + ".b" * 20000 + "\n"
    assert [d.code for d in lint_source(chain, "a.py", Config(confirm=False))] == ["SL003"]
