"""Name resolution, values and control flow: what the extraction can prove, and where it stays silent."""
import pytest

from shapelint.testing import codes

STACK = """
model = {seq}()
model.add({lstm}(32, input_shape=(10, 8)))
model.add({lstm}(32))
"""

SPELLINGS = [
    ("import keras", "keras.Sequential", "keras.layers.LSTM"),
    ("from tensorflow import keras", "keras.models.Sequential", "keras.layers.LSTM"),
    ("import tensorflow as tf", "tf.keras.Sequential", "tf.keras.layers.LSTM"),
    ("import tensorflow.keras.layers as kl\nfrom tensorflow.keras import Sequential", "Sequential", "kl.LSTM"),
    ("from tensorflow.keras import layers, models", "models.Sequential", "layers.LSTM"),
    ("from keras.models import *\nfrom keras.layers import *", "Sequential", "LSTM"),
    ("from keras import layers as L\nfrom keras import Sequential as S", "S", "L.LSTM"),
    ("import keras.models as kem\nimport keras.layers as kel", "kem.Sequential", "kel.LSTM"),
    ("from keras.models import Sequential\nfrom keras.layers.recurrent import LSTM", "Sequential", "LSTM"),
    ("from keras.models import Sequential\nfrom keras.layers.rnn.lstm import LSTM", "Sequential", "LSTM"),
    ("import tf_keras\nfrom tf_keras.layers import LSTM", "tf_keras.Sequential", "LSTM"),
    ("from keras.src.models import Sequential\nfrom keras.src.layers import LSTM", "Sequential", "LSTM"),
    ("import tensorflow.compat.v2 as tf", "tf.keras.Sequential", "tf.keras.layers.LSTM"),
]


@pytest.mark.parametrize("imports,seq,lstm", SPELLINGS, ids=[s[0].split("\n")[-1] for s in SPELLINGS])
def test_import_spellings(imports, seq, lstm):
    legacy = ["SL302"] if "layers.recurrent" in imports else []  # a Keras 2 path: gone in Keras 3
    assert codes(imports + STACK.format(seq=seq, lstm=lstm)) == legacy + ["SL101"]


SILENT = {
    "user class shadows the import": """
        from keras.layers import LSTM
        from keras.models import Sequential
        class LSTM:
            pass
        m = Sequential()
        m.add(LSTM(4, input_shape=(3, 1)))
        m.add(LSTM(4))
    """,
    "name rebound to something else": """
        from keras.layers import LSTM, Dense
        from keras.models import Sequential
        from mylib import MyDense
        Dense = MyDense
        m = Sequential([LSTM(4, input_shape=(3, 1)), Dense(1, activation="softmax")])
    """,
    "unknown kwargs may hold return_sequences": """
        from keras import layers, Sequential
        cfg = load()
        m = Sequential([layers.LSTM(4, input_shape=(3, 1), **cfg), layers.LSTM(4)])
    """,
    "unknown layer in the stack": """
        from keras import layers, Sequential
        from mylib import Attention
        m = Sequential([layers.LSTM(4, input_shape=(3, 1)), Attention(), layers.LSTM(4)])
    """,
    "layer added in a branch": """
        from keras import layers, Sequential
        m = Sequential()
        m.add(layers.LSTM(4, input_shape=(3, 1), return_sequences=True))
        if use_pooling:
            m.add(layers.GlobalAveragePooling1D())
        m.add(layers.LSTM(4))
    """,
    "model handed to unknown code": """
        from keras import layers, Sequential
        m = Sequential()
        m.add(layers.LSTM(4, input_shape=(3, 1)))
        add_sequence_head(m)
        m.add(layers.LSTM(4))
    """,
    "model stored where an alias can change it": """
        from keras import layers, Sequential
        m = Sequential()
        m.add(layers.LSTM(4, input_shape=(3, 1)))
        registry["m"] = m
        registry["m"].add(layers.RepeatVector(3))
        m.add(layers.LSTM(4))
    """,
    "loop with an unknown count": """
        from keras import layers, Sequential
        m = Sequential()
        m.add(layers.LSTM(4, input_shape=(3, 1), return_sequences=True))
        for _ in range(n_blocks):
            m.add(layers.LSTM(4))
        m.add(layers.Dense(1))
    """,
    "parameter shadows the module": """
        import keras
        from keras import layers
        def build(layers):
            return keras.Sequential([layers.LSTM(4, input_shape=(3, 1)), layers.LSTM(4)])
    """,
    "unknown star import after keras": """
        from keras.layers import *
        from keras.models import Sequential
        from mylib import *
        m = Sequential([LSTM(4, input_shape=(3, 1)), LSTM(4)])
    """,
    "Lambda without output_shape": """
        import keras
        m = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4),
                              keras.layers.Lambda(lambda t: t[:, None]), keras.layers.LSTM(2)])
    """,
    "subclassed layer": """
        import keras
        class Expand(keras.layers.Layer):
            def call(self, x):
                return x[:, None]
        m = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4), Expand(), keras.layers.LSTM(2)])
    """,
    "function parameter without a call site": """
        import keras
        def head(units):
            return keras.layers.Dense(units, activation="softmax")
    """,
    "global rebound before the call": """
        import keras
        n = 1
        def head():
            return keras.layers.Dense(n, activation="softmax")
        n = 10
        h = head()
    """,
    "Input with None dimensions": """
        import keras
        x = keras.Input(shape=(None, None))
        y = keras.layers.LSTM(3, return_sequences=True)(x)
        z = keras.layers.Concatenate(axis=1)([y, keras.layers.LSTM(3, return_sequences=True)(x)])
        w = keras.layers.Add()([y, y])
    """,
    "conditional return_sequences": """
        import keras
        def block(last):
            return keras.layers.LSTM(8, return_sequences=not last)
        m = keras.Sequential([keras.Input((5, 2)), block(flag), keras.layers.LSTM(2)])
    """,
    "try/except ImportError": """
        try:
            from tensorflow import keras
        except ImportError:
            keras = None
        m = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4, return_sequences=True),
                              keras.layers.LSTM(2)])
    """,
}


@pytest.mark.parametrize("source", SILENT.values(), ids=SILENT.keys())
def test_unknown_means_silent(source):
    assert codes(source) == []


FOUND = {
    "constants and arithmetic": ("""
        from keras.layers import LSTM
        from keras.models import Sequential
        look_back = 3
        n = look_back * 2 - 1
        m = Sequential([LSTM(4, input_shape=(n,))])
    """, ["SL101"]),
    "shape of a known array": ("""
        import numpy as np
        from keras import Sequential, layers
        X = np.zeros((100, 20))
        m = Sequential([layers.LSTM(8, input_shape=X.shape[1:])])
    """, ["SL101"]),
    "reshaped array": ("""
        import numpy as np
        from keras import Sequential, layers
        X = np.random.rand(100, 20).reshape(100, 20, 1)
        m = Sequential([layers.LSTM(8, input_shape=X.shape[1:]), layers.LSTM(8)])
    """, ["SL101"]),
    "function with literal arguments": ("""
        import keras
        def build(units, steps, features):
            model = keras.Sequential()
            model.add(keras.layers.LSTM(units, input_shape=(steps, features)))
            model.add(keras.layers.TimeDistributed(keras.layers.Dense(1)))
            return model
        m = build(16, 10, 2)
    """, ["SL104"]),
    "model returned from a function then extended": ("""
        import keras
        def encoder():
            return keras.Sequential([keras.Input((10, 2)), keras.layers.LSTM(8)])
        m = encoder()
        m.add(keras.layers.LSTM(8))
    """, ["SL101"]),
    "branch on a known constant": ("""
        import keras
        STACKED = True
        m = keras.Sequential([keras.Input((10, 2))])
        if STACKED:
            m.add(keras.layers.LSTM(8))
        m.add(keras.layers.LSTM(8))
    """, ["SL101"]),
    "list built with append": ("""
        import keras
        stack = [keras.Input((10, 2))]
        for units in (32, 16):
            stack.append(keras.layers.LSTM(units))
        m = keras.Sequential(stack)
    """, ["SL101"]),
    "list comprehension of layers": ("""
        import keras
        m = keras.Sequential([keras.Input((10, 2))] + [keras.layers.GRU(u) for u in (8, 4)])
    """, ["SL101"]),
    "shared layer object": ("""
        import keras
        lstm = keras.layers.LSTM(8)
        a = keras.Input((10, 2))
        b = lstm(lstm(a))
    """, ["SL101"]),
    "return_state unpacking": ("""
        import keras
        enc_in = keras.Input((None, 20))
        out, h, c = keras.layers.LSTM(64, return_state=True)(enc_in)
        dec = keras.layers.LSTM(64)(out)
    """, ["SL101"]),
    "Bidirectional doubles units": ("""
        import keras
        x = keras.Input((10, 4))
        y = keras.layers.Bidirectional(keras.layers.LSTM(16))(x)
        z = keras.layers.Add()([y, keras.layers.Dense(16)(x[:, 0])])
        w = keras.layers.Reshape((5, 7))(y)
    """, ["SL102"]),
    "nested Sequential model": ("""
        import keras
        encoder = keras.Sequential([keras.layers.LSTM(8)])
        x = keras.Input((10, 2))
        y = keras.layers.LSTM(4)(encoder(x))
    """, ["SL101"]),
    "model.build on a deferred model": ("""
        import keras
        m = keras.Sequential([keras.layers.LSTM(8, stateful=True)])
        m.build((None, 10, 2))
    """, ["SL111"]),
    "Flatten then LSTM": ("""
        import keras
        m = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.LSTM(4)])
    """, ["SL101"]),
    "stateful inside Bidirectional": ("""
        import keras
        m = keras.Sequential([keras.Input((28, 28)), keras.layers.Bidirectional(keras.layers.LSTM(4, stateful=True))])
    """, ["SL111"]),
}


@pytest.mark.parametrize("source,expected", FOUND.values(), ids=FOUND.keys())
def test_what_is_known_is_checked(source, expected):
    assert codes(source) == expected
