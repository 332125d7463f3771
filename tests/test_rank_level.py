"""Rank-level propagation: a model whose input is never given (a Sequential without input
shape, a functional graph on an input the code does not define) still has layers whose output
rank does not depend on that input (an RNN returning its last step, Flatten, global pooling).
The layer after them that needs a time axis fails for every input: reported, and confirmed
by building the model for several candidate inputs."""
import dataclasses
import textwrap

import pytest

from shapelint.confirm.run import CONFIRMED, REFUTED, UNCONFIRMED, confirm
from shapelint.core.config import Config
from shapelint.core.shapes import UNKNOWN_DIM
from shapelint.engine import lint_source
from shapelint.frameworks.keras import catalog
from shapelint.testing import codes


def lint(source, **config):
    return lint_source(textwrap.dedent(source), "<test>", Config(confirm=False, **config))


HEADER = """
import numpy as np
from keras.models import Sequential
from keras.layers import (LSTM, GRU, Bidirectional, Conv1D, Dense, Dropout, Embedding, Flatten,
                          GlobalAveragePooling1D, GlobalMaxPooling2D, MaxPooling1D, RepeatVector,
                          Reshape, TimeDistributed)
"""


def findings(body, **config):
    return [(d.start.line - HEADER.count("\n"), d.code) for d in lint(HEADER + textwrap.dedent(body), **config)]


# -- what is reported ---------------------------------------------------------------------------

def test_sequential_without_input_stacked_lstm():
    diags = lint(HEADER + textwrap.dedent("""
        model = Sequential()
        model.add(LSTM(32))
        model.add(LSTM(16))
        model.add(Dense(1))
    """))
    assert [d.code for d in diags] == ["SL101"]
    message = diags[0].message
    assert "receives (None, 32) from LSTM at line" in message
    assert "the model declares no input, but that LSTM outputs 2-D (None, 32) whatever its input" in message
    assert "pass return_sequences=True to that LSTM" in message


def test_functional_input_never_defined():
    assert findings("""
        x = LSTM(32)(inputs)
        y = LSTM(16)(x)
    """) == [(3, "SL101")]
    diags = lint(HEADER + "x = LSTM(32)(inputs)\ny = LSTM(16)(x)\n")
    assert "its input is not known here, but that LSTM outputs 2-D (None, 32) whatever it is" in diags[0].message


def test_keras3_embedding_then_flatten_then_lstm():
    assert findings("""
        model = Sequential([Embedding(5000, 64), Flatten(), LSTM(32)])
    """) == [(2, "SL101")]


def test_rank_is_certain_through_dense_and_dropout():
    body = """
        def head(inputs):
            x = GRU(48)(inputs)
            x = Dropout(0.2)(x)
            x = Dense(24)(x)
            return TimeDistributed(Dense(5))(x)
    """
    assert findings(body) == [(6, "SL104")]
    message = lint(HEADER + textwrap.dedent(body))[0].message
    assert "receives (None, 24) from Dense at line" in message
    assert "the input of the GRU at line" in message and "outputs 2-D (None, 48)" in message


def test_bidirectional_concat_doubles_the_units():
    diags = lint(HEADER + "x = Bidirectional(LSTM(8))(inputs)\ny = Conv1D(4, 3)(x)\n")
    assert [d.code for d in diags] == ["SL101"]
    assert "(None, 16)" in diags[0].message


def test_global_pooling_then_sequence_layer():
    assert findings("""
        x = GlobalAveragePooling1D()(features)
        y = MaxPooling1D(2)(x)
    """) == [(3, "SL101")]


def test_snippet_without_imports():
    source = """
        model = Sequential()
        model.add(Embedding(vocab_size, 100))
        model.add(LSTM(128, dropout=0.2))
        model.add(LSTM(64))
        model.add(Dense(num_classes, activation='softmax'))
    """
    assert codes(source, confirm=False) == ["SL101"]


# -- what stays silent ----------------------------------------------------------------------------

SILENT = {
    "return_sequences then LSTM": """
        model = Sequential([LSTM(32, return_sequences=True), LSTM(16)])
    """,
    "flatten then dense": """
        model = Sequential([Flatten(), Dense(64), Dense(10)])
    """,
    "global pooling then dense": """
        x = GlobalMaxPooling2D()(images)
        y = Dense(10)(x)
    """,
    "unknown custom layer in between": """
        model = Sequential([LSTM(32), MyAttention(), LSTM(16)])
        x = LSTM(32)(inputs)
        x = Smoother()(x)
        y = LSTM(16)(x)
    """,
    "reshape after LSTM": """
        x = LSTM(32)(inputs)
        x = Reshape((8, 4))(x)
        y = LSTM(16)(x)
    """,
    "repeat vector after LSTM": """
        model = Sequential([LSTM(32), RepeatVector(10), LSTM(16), Dense(1)])
    """,
    "return_sequences not a literal": """
        x = LSTM(32, return_sequences=flag)(inputs)
        y = LSTM(16)(x)
    """,
    "return_state gives several outputs": """
        x = LSTM(32, return_state=True)(inputs)
        y = LSTM(16)(x[0])
    """,
    "keepdims keeps the rank": """
        x = GlobalAveragePooling1D(keepdims=True)(inputs)
        y = Conv1D(4, 1)(x)
    """,
    "layer of unknown arguments": """
        x = LSTM(**config)(inputs)
        y = LSTM(16)(x)
    """,
    "dense keeps whatever rank it gets": """
        model = Sequential([Dense(32), LSTM(16)])
    """,
    "stateful RNN: the batch size stays unknown": """
        x = LSTM(32)(inputs)
        x = RepeatVector(4)(x)
        y = LSTM(8, stateful=True)(x)
    """,
}


@pytest.mark.parametrize("name", SILENT)
def test_silent(name):
    assert findings(SILENT[name]) == []


# -- a build from known data replaces the rank-level pass ----------------------------------------

def test_deferred_build_from_data_reports_once_from_the_data():
    diags = lint(HEADER + textwrap.dedent("""
        model = Sequential([LSTM(32), LSTM(16)])
        model.compile(loss="mse", optimizer="adam")
        model.fit(np.zeros((10, 5, 3)), np.zeros((10, 1)))
    """))
    assert [d.code for d in diags] == ["SL101"]
    assert "whatever" not in diags[0].message
    assert "declares no input" not in diags[0].message


def test_declared_input_message_is_unchanged():
    diags = lint(HEADER + "model = Sequential([LSTM(32, input_shape=(5, 3)), LSTM(16)])\n")
    assert [d.code for d in diags] == ["SL101"]
    assert "whatever" not in diags[0].message and "(None, 32)" in diags[0].message


def test_rank_level_output_of_the_catalogue():
    from shapelint.frameworks.keras.propagate import LayerVal, rank_level_output
    from shapelint.interp.values import UNKNOWN

    flag = UNKNOWN

    def layer(name, inner=None, **args):
        return LayerVal(spec=catalog.lookup(name), node=None, args=args, inner=inner)

    assert rank_level_output(layer("LSTM", units=32)) == (UNKNOWN_DIM, 32)
    # The whole sequence: 3-D whatever the input (its length is the input's, unknown).
    assert rank_level_output(layer("LSTM", units=32, return_sequences=True)) == (UNKNOWN_DIM, UNKNOWN_DIM, 32)
    assert rank_level_output(layer("LSTM", units=32, return_sequences=flag)) is None
    assert rank_level_output(layer("Bidirectional", inner=layer("GRU", units=8), layer=None)) == (UNKNOWN_DIM, 16)
    assert rank_level_output(layer("Flatten")) == (UNKNOWN_DIM, UNKNOWN_DIM)
    assert rank_level_output(layer("GlobalMaxPooling2D")) == (UNKNOWN_DIM, UNKNOWN_DIM)
    assert rank_level_output(layer("Dense", units=4)) is None
    assert rank_level_output(layer("Conv1D", filters=4, kernel_size=3)) is None


# -- confirmation on TensorFlow -------------------------------------------------------------------

def verdicts(source):
    diags = lint_source(textwrap.dedent(source), "<test>", Config())
    return confirm(diags, use_cache=False)


@pytest.mark.tensorflow
def test_confirmed_for_every_candidate_input():
    result = verdicts(HEADER + "model = Sequential([Embedding(5000, 64), Flatten(), LSTM(32)])\n")
    assert [(d.code, d.verdict) for d in result] == [("SL101", CONFIRMED)]
    assert "expected ndim=3, found ndim=2" in result[0].tf_message


@pytest.mark.tensorflow
def test_layers_before_it_never_build_stays_unconfirmed():
    # A kernel of 100 steps: no candidate input is that long, so nothing shows the error.
    result = verdicts(HEADER + textwrap.dedent("""
        x = Conv1D(8, 100)(inputs)
        x = GlobalAveragePooling1D()(x)
        y = MaxPooling1D(2)(x)
    """))
    assert [(d.code, d.verdict) for d in result] == [("SL101", UNCONFIRMED)]
    assert "none of the inputs tried" in result[0].tf_message


@pytest.fixture
def wrong_repeat_vector(monkeypatch):
    """A deliberately wrong catalogue: RepeatVector 'takes only 3-D input'."""
    wrong = dataclasses.replace(catalog.LAYERS["RepeatVector"], ranks=frozenset({3}))
    monkeypatch.setitem(catalog.LAYERS, "RepeatVector", wrong)


@pytest.mark.tensorflow
def test_a_wrong_claim_is_refuted(wrong_repeat_vector):
    result = verdicts(HEADER + "x = LSTM(32)(inputs)\ny = RepeatVector(3)(x)\n")
    assert [(d.code, d.verdict) for d in result] == [("SL101", REFUTED)]


@pytest.mark.tensorflow
def test_confirmed_on_tf_keras():
    result = verdicts("""
        import tf_keras as keras
        x = keras.layers.GRU(8)(inputs)
        y = keras.layers.TimeDistributed(keras.layers.Dense(2))(x)
    """)
    assert [(d.code, d.verdict, d.probe.keras) for d in result] == [("SL104", CONFIRMED, 2)]
    assert "at least 3 dimensions" in result[0].tf_message
