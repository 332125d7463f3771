"""Fixes (``shapelint.fixes``) and layer facts (``shapelint.facts``) without a language server:
each fix applied to the text makes its finding go away; fixes that are not certain are not
offered."""
import textwrap
from pathlib import Path

import pytest

from shapelint.core.config import Config
from shapelint.core.diagnostics import Position
from shapelint.core.registry import all_rules, docs_url
from shapelint.engine import lint_source
from shapelint.frontends.facts import facts_at, layer_facts
from shapelint.frontends.fixes import apply_edits, edits_between, fixes_for, noqa_fix
from shapelint.frontends.summary import summarize

ROOT = Path(__file__).resolve().parent.parent
STATIC = Config(confirm=False)


def lint(source):
    return lint_source(textwrap.dedent(source), "model.py", STATIC)


def fixed(source, code, title):
    """The source after the fix titled ``title`` of its first ``code`` finding."""
    source = textwrap.dedent(source)
    diag = next(d for d in lint_source(source, "model.py", STATIC) if d.code == code)
    [fix] = [f for f in fixes_for(source, diag, STATIC) if title in f.title]
    return apply_edits(source, fix.edits)


def titles(source, code):
    source = textwrap.dedent(source)
    diag = next(d for d in lint_source(source, "model.py", STATIC) if d.code == code)
    return [f.title for f in fixes_for(source, diag, STATIC)]


def codes(source):
    return [d.code for d in lint_source(source, "model.py", STATIC)]


def test_return_sequences_on_a_functional_rnn():
    source = """\
        from keras import layers, Input

        inputs = Input(shape=(10, 3))
        x = layers.LSTM(8, dropout=0.1)(inputs)
        x = layers.LSTM(4)(x)
    """
    after = fixed(source, "SL101", "return_sequences")
    assert "x = layers.LSTM(8, dropout=0.1, return_sequences=True)(inputs)" in after
    assert codes(after) == []


def test_return_sequences_false_becomes_true_and_a_trailing_comma_stays():
    source = """\
        from keras.models import Sequential
        from keras.layers import GRU

        model = Sequential([
            GRU(
                16,
                input_shape=(20, 4),
                return_sequences=False,
            ),
            GRU(8),
        ])
    """
    after = fixed(source, "SL101", "return_sequences")
    assert "        return_sequences=True,\n    ),\n    GRU(8),\n" in after
    assert codes(after) == []


def test_sigmoid_keeps_the_users_quotes():
    after = fixed("""\
        from keras.layers import Dense
        out = Dense(1, activation='softmax')
    """, "SL121", "sigmoid")
    assert "Dense(1, activation='sigmoid')" in after and codes(after) == []


def test_shuffle_false_added_to_fit():
    source = (ROOT / "fixtures" / "training" / "seed001_stateful_loop.py").read_text()
    after = fixed(source, "SL113", "shuffle=False")
    assert "verbose=2, shuffle=False)  # expect: SL113" in after
    assert "SL113" not in codes(after)


def test_shuffle_true_becomes_false():
    source = (ROOT / "fixtures" / "training" / "seed001_stateful_loop.py").read_text()
    source = source.replace("verbose=2)", "verbose=2, shuffle=True)")
    after = fixed(source, "SL113", "shuffle=False")
    assert "verbose=2, shuffle=False)" in after and "SL113" not in codes(after)


def test_batch_shape_input_in_a_list_with_the_files_own_spelling():
    source = """\
        from tensorflow import keras

        model = keras.Sequential([
            keras.layers.LSTM(4, batch_input_shape=(1, 3, 1), stateful=True),
            keras.layers.Dense(1),
        ])
    """
    after = fixed(source, "SL301", "batch_shape")
    assert after == textwrap.dedent("""\
        from tensorflow import keras

        model = keras.Sequential([
            keras.layers.Input(batch_shape=(1, 3, 1)),
            keras.layers.LSTM(4, stateful=True),
            keras.layers.Dense(1),
        ])
    """)
    assert codes(after) == []


def test_batch_shape_input_imports_input_next_to_the_layer():
    source = (ROOT / "fixtures" / "keras" / "stateful_lookback.py").read_text()
    after = fixed(source, "SL301", "batch_shape")
    assert "from keras.layers import Dense, LSTM, Input\n" in after
    assert "model = Sequential()\nmodel.add(Input(batch_shape=(batch_size, look_back, 1)))\n" \
           "model.add(LSTM(4, stateful=True))  # expect: SL301\n" in after
    assert codes(after).count("SL301") == codes(source).count("SL301") - 1


@pytest.mark.parametrize("source", [
    # not the model's first layer: Keras would ignore it, and an Input there is wrong
    """\
        from keras.models import Sequential
        from keras.layers import LSTM, Dense

        model = Sequential()
        model.add(Dense(3, input_shape=(3, 1)))
        model.add(LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))
    """,
    # Input means something else in this file
    """\
        from keras.models import Sequential
        from keras.layers import LSTM
        Input = None

        model = Sequential()
        model.add(LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))
    """,
    # a legacy module that has no Input
    """\
        import keras

        model = keras.Sequential()
        model.add(keras.layers.recurrent.LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))
    """,
    # a legacy module that has no Input to import
    """\
        from keras.models import Sequential
        from keras.layers.recurrent import LSTM

        model = Sequential()
        model.add(LSTM(4, batch_input_shape=(1, 3, 1), stateful=True))
    """,
])
def test_batch_shape_input_not_offered_when_uncertain(source):
    offered = titles(source, "SL301")
    assert not any("batch_shape" in title for title in offered)
    assert any("# noqa: SL301" in title for title in offered)


def test_keras1_keyword_renamed():
    after = fixed("""\
        from keras.layers import Dense
        out = Dense(output_dim=4, input_shape=(3,))
    """, "SL301", "units=")
    assert "Dense(units=4, input_shape=(3,))" in after and codes(after) == []


def test_noqa_extends_an_existing_list_and_is_not_offered_inside_a_string():
    source = textwrap.dedent("""\
        from keras.layers import Dense
        out = Dense(1, activation="softmax")  # noqa: E501
    """)
    [diag] = lint_source(source, "model.py", STATIC)
    after = apply_edits(source, noqa_fix(source, diag).edits)
    assert 'activation="softmax")  # noqa: E501, SL121\n' in after and codes(after) == []
    continued = textwrap.dedent('''\
        from keras.layers import Dense
        out, doc = Dense(1, activation="softmax"), """
        text"""
    ''')
    [diag] = lint_source(continued, "model.py", STATIC)
    assert noqa_fix(continued, diag) is None


def test_edits_touch_only_what_changed():
    old = "a = 1\nb = 2\nc = 3\n"
    new = "a = 1\nz = 0\nb = 2\nc = 4\n"
    edits = edits_between(old, new)
    assert len(edits) == 2
    assert apply_edits(old, edits) == new


def test_every_rule_links_to_its_own_module():
    for rule in all_rules():
        url = docs_url(rule.code)
        assert url.startswith("https://")
        assert (ROOT / "rules" / url.rsplit("/", 1)[1]).is_file(), url


def test_layer_facts_agree_with_the_static_summary():
    source = (ROOT / "fixtures" / "keras" / "seed003_functional_api_ok.py").read_text()
    facts = layer_facts(source, "model.py", STATIC)
    for summary in summarize(source, "model.py", STATIC):
        for row in summary.rows:
            if row.layer == "InputLayer":
                continue
            on_line = [f for f in facts if f.start.line == row.line and f.layer == row.layer]
            assert on_line, row
            assert {(f.output, f.params) for f in on_line} == {(row.output, row.params)}


def test_facts_at_a_shared_layers_construction_list_each_application():
    source = textwrap.dedent("""\
        from keras import layers, Input

        a = Input(shape=(8,))
        b = Input(shape=(4, 8))
        dense = layers.Dense(2)
        x = dense(a)
        y = dense(b)
    """)
    found = facts_at(layer_facts(source), Position(5, 12))
    assert sorted((f.applied, f.inputs, f.output) for f in found) == [
        (6, ("(None, 8)",), "(None, 2)"), (7, ("(None, 4, 8)",), "(None, 4, 2)")]
    assert "applied at line 6" in found[0].markdown() or "applied at line 6" in found[1].markdown()
