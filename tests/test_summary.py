"""The static summary against Keras' own: every fully known model must have the same output
shapes and parameter counts as the real model built on TensorFlow."""
import os
import textwrap

import pytest

from shapelint.core.shapes import format_shape
from shapelint.frontends.summary import format_summary, summarize

MODELS = {
    "dense chain": """
        model = keras.Sequential([keras.Input((1024,)), keras.layers.Dense(1000), keras.layers.Dense(512),
                                  keras.layers.Dense(256), keras.layers.Dense(4)])
    """,
    "big LSTM": """
        model = keras.Sequential([keras.Input((16, 4096)), keras.layers.LSTM(256)])
    """,
    "seed SimpleRNN": """
        model = keras.Sequential()
        model.add(keras.layers.SimpleRNN(10, input_shape=(3, 1)))
        model.add(keras.layers.Dense(1, activation="linear"))
    """,
    "GRU reset_after": """
        model = keras.Sequential([keras.Input((5, 8)), keras.layers.GRU(16)])
    """,
    "GRU classic": """
        model = keras.Sequential([keras.Input((5, 8)), keras.layers.GRU(16, reset_after=False, return_sequences=True),
                                  keras.layers.GRU(4)])
    """,
    "stacked LSTM": """
        model = keras.Sequential()
        model.add(keras.layers.LSTM(32, input_shape=(600, 8), return_sequences=True))
        model.add(keras.layers.LSTM(32))
        model.add(keras.layers.Dense(1))
    """,
    "bidirectional": """
        model = keras.Sequential([keras.Input((20, 6)), keras.layers.Bidirectional(keras.layers.LSTM(12, return_sequences=True)),
                                  keras.layers.Bidirectional(keras.layers.GRU(5), merge_mode="sum"), keras.layers.Dense(2)])
    """,
    "time distributed": """
        model = keras.Sequential([keras.Input((None, 1)), keras.layers.LSTM(150), keras.layers.RepeatVector(8),
                                  keras.layers.LSTM(150, return_sequences=True),
                                  keras.layers.TimeDistributed(keras.layers.Dense(1))])
    """,
    "embedding classifier": """
        model = keras.Sequential([keras.Input((200,)), keras.layers.Embedding(20000, 32),
                                  keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
    """,
    "conv1d stack": """
        model = keras.Sequential([keras.Input((128, 3)), keras.layers.Conv1D(16, 5, activation="relu"),
                                  keras.layers.MaxPooling1D(2), keras.layers.Conv1D(32, 3, padding="same", strides=2),
                                  keras.layers.AveragePooling1D(2), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(3)])
    """,
    "mnist cnn": """
        model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, (3, 3), activation="relu"),
                                  keras.layers.MaxPooling2D((2, 2)), keras.layers.Conv2D(64, 3, activation="relu"),
                                  keras.layers.MaxPooling2D(), keras.layers.Flatten(), keras.layers.Dropout(0.5),
                                  keras.layers.Dense(10, activation="softmax")])
    """,
    "cnn padding and upsampling": """
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.ZeroPadding2D(2),
                                  keras.layers.Conv2D(8, 3, strides=2, use_bias=False), keras.layers.BatchNormalization(),
                                  keras.layers.UpSampling2D(), keras.layers.GlobalAveragePooling2D()])
    """,
    "sequence autoencoder": """
        inputs = keras.Input((30, 4))
        encoded = keras.layers.LSTM(16)(inputs)
        repeated = keras.layers.RepeatVector(30)(encoded)
        decoded = keras.layers.LSTM(4, return_sequences=True)(repeated)
        model = keras.Model(inputs, decoded)
    """,
    "seed 003 api model": """
        inputs = keras.layers.Input(shape=(75,))
        x = keras.layers.Dense(1)(inputs)
        model = keras.Model(inputs, x)
    """,
    "two inputs concatenated": """
        text = keras.Input((100,))
        meta = keras.Input((12,))
        t = keras.layers.Embedding(5000, 16)(text)
        t = keras.layers.LSTM(8)(t)
        m = keras.layers.Dense(4)(meta)
        both = keras.layers.Concatenate()([t, m])
        out = keras.layers.Dense(1, activation="sigmoid")(both)
        model = keras.Model([text, meta], out)
    """,
    "residual add": """
        inputs = keras.Input((64,))
        h = keras.layers.Dense(64, activation="relu")(inputs)
        h = keras.layers.LayerNormalization()(h)
        out = keras.layers.Add()([inputs, h])
        model = keras.Model(inputs, keras.layers.Dense(2)(out))
    """,
    "reshape and permute": """
        model = keras.Sequential([keras.Input((48,)), keras.layers.Reshape((12, -1)), keras.layers.Permute((2, 1)),
                                  keras.layers.Conv1D(6, 2), keras.layers.Flatten(), keras.layers.Dense(3)])
    """,
    "stateful batch shape": """
        model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
    """,
    "masking and spatial dropout": """
        model = keras.Sequential([keras.Input((None, 10)), keras.layers.Masking(0.0), keras.layers.SpatialDropout1D(0.2),
                                  keras.layers.SimpleRNN(7, return_sequences=True), keras.layers.Softmax()])
    """,
    "conv1d causal dilation with upsampling": """
        model = keras.Sequential([keras.Input((50, 2)), keras.layers.ZeroPadding1D((1, 2)),
                                  keras.layers.Conv1D(4, 3, padding="causal", dilation_rate=2),
                                  keras.layers.UpSampling1D(3), keras.layers.LSTM(5, use_bias=False)])
    """,
    "multiply gate": """
        inputs = keras.Input((10, 8))
        gate = keras.layers.Dense(8, activation="sigmoid")(inputs)
        gated = keras.layers.Multiply()([inputs, gate])
        model = keras.Model(inputs, keras.layers.GRU(3)(gated))
    """,
    "loop-built MLP": """
        model = keras.Sequential([keras.Input((20,))])
        for units in (128, 64, 32):
            model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dense(3, activation="softmax"))
    """,
}


@pytest.fixture(scope="module")
def keras():
    # Imported here, not at collection: `-m "not tensorflow"` never loads TensorFlow.  CI
    # installs TensorFlow; the tests marked `tensorflow` must run there.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    return keras


def _keras_model(keras, source):
    namespace = {"keras": keras}
    exec(source, namespace)  # our own test snippet, not user code
    return namespace["model"]


@pytest.mark.tensorflow
@pytest.mark.parametrize("source", MODELS.values(), ids=MODELS.keys())
def test_summary_matches_keras(keras, source):
    source = "import keras\n" + textwrap.dedent(source)
    summaries = summarize(source, "model.py")
    assert len(summaries) == 1
    ours = summaries[0]
    model = _keras_model(keras, source)
    theirs = [format_shape(tuple(layer.output.shape)) for layer in model.layers
              if not isinstance(layer, keras.layers.InputLayer)]
    assert [row.output for row in ours.rows if row.layer != "InputLayer"] == theirs
    assert ours.total == model.count_params()
    assert "?" not in format_summary(ours)


def test_unknown_parts_are_question_marks():
    source = textwrap.dedent("""
        import keras
        from mylib import Attention
        model = keras.Sequential([keras.Input((10, 4)), keras.layers.LSTM(8, return_sequences=True), Attention(),
                                  keras.layers.Dense(1)])
    """)
    text = format_summary(summarize(source, "m.py")[0])
    assert "LSTM (line 4)" in text and "(None, 10, 8)" in text and " 416" in text
    assert "Dense (line 5)" in text and "Total params: ?" in text
