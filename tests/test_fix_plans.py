"""Fixes attached by the rules when they report (core.fix): typed, located, with a safety level,
and applied without reading the message."""
import textwrap
from dataclasses import replace

from shapelint.core.config import Config
from shapelint.core.fix import SAFE, UNSAFE, SetArgument, Span
from shapelint.engine import lint_source
from shapelint.frontends.fixes import apply_edits, fixes_for

CONFIG = Config(confirm=False)


def _only(source, code):
    source = textwrap.dedent(source)
    found = [d for d in lint_source(source, "model.py", CONFIG) if d.code == code]
    assert len(found) == 1, found
    return source, found[0]


def _fixed(source, diag):
    fix = next(f for f in fixes_for(source, diag, CONFIG) if f.preferred)
    return fix, apply_edits(source, fix.edits)


STACKED = """\
    from keras.models import Sequential
    from keras.layers import LSTM, Dense

    model = Sequential()
    model.add(LSTM(32, input_shape=(10, 4)))
    model.add(LSTM(16))
    model.add(Dense(1))
"""


def test_the_rule_names_the_node_to_change_located_as_a_span():
    _, diag = _only(STACKED, "SL101")
    assert diag.fix.safety == UNSAFE
    edit = diag.fix.edit
    assert isinstance(edit, SetArgument) and (edit.keyword, edit.value) == ("return_sequences", True)
    # The first LSTM's construction, not the reported second one.
    assert isinstance(edit.call, Span) and edit.call.start.line == 5 and diag.start.line == 6


def test_a_reworded_message_keeps_its_fix():
    source, diag = _only(STACKED, "SL101")
    reworded = replace(diag, message="something else entirely")
    fix, fixed = _fixed(source, reworded)
    assert "LSTM(32, input_shape=(10, 4), return_sequences=True)" in fixed


def test_a_positional_softmax_is_replaced_where_it_is_written():
    source, diag = _only("""\
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential([Dense(8, input_shape=(4,)), Dense(1, 'softmax')])
    """, "SL121")
    fix, fixed = _fixed(source, diag)
    assert fix.safety == UNSAFE
    assert "Dense(1, 'sigmoid')" in fixed and "activation=" not in fixed


def test_keras1_spellings_are_safe_fixes():
    source, diag = _only("""\
        from keras.models import Sequential
        from keras.layers import Dense

        model = Sequential([Dense(1, input_shape=(4,))])
        model.compile(loss="mse", optimizer="sgd")
        model.fit(x, y, nb_epoch=3)
    """, "SL301")
    fix, fixed = _fixed(source, diag)
    assert fix.safety == SAFE and "model.fit(x, y, epochs=3)" in fixed


def test_no_fix_where_the_rule_attaches_none():
    source, diag = _only("""\
        from keras import layers, Input

        inputs = Input(shape=(32,))
        x = layers.Dense(16)(inputs)
        x = layers.Conv1D(8, 3)(x)
    """, "SL101")
    assert diag.fix is None
    assert [f.preferred for f in fixes_for(source, diag, CONFIG)] == [False]  # only # noqa


def test_messages_carry_their_arguments_by_name():
    _, diag = _only(STACKED, "SL101")
    args = dict(diag.args)
    assert args["layer"] == "LSTM" and args["received"] == "(None, 32)"
    assert args["source"] == "LSTM at line 5, which returns only its last step"
    assert diag.to_dict()["args"] == args
