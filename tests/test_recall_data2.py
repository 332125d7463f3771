"""Recall on the data given to fit / predict / evaluate (issue 13, items 4, 8 and 10, data side):
new axes from None / np.newaxis, arrays of unknown shape whose rank a reshape fixes, unbatched
tf.data pipelines, data of the declared rank but other sizes pushed through the model, and where
an extra time axis comes from.  Every positive has a silent look-alike."""
from shapelint.core.config import Config
from shapelint.engine import lint_source
from shapelint.frameworks.data.arrays import ELLIPSIS, index_shape
from shapelint.testing import codes


def test_index_shape_new_axes():
    assert index_shape((500, 20), [slice(None), None, slice(None)]) == (500, 1, 20)
    assert index_shape((500, 20), [slice(None), slice(None), None]) == (500, 20, 1)
    assert index_shape((500, 20), [ELLIPSIS, None]) == (500, 20, 1)
    assert index_shape((500, 20), [None]) == (1, 500, 20)
    assert index_shape((500, 20), [None, ELLIPSIS]) == (1, 500, 20)
    assert index_shape((5, 20), [ELLIPSIS, 0]) == (5,)
    assert index_shape((5, 20, 3), [0, ELLIPSIS, None]) == (20, 3, 1)
    assert index_shape((5,), [0, None]) == (1,)
    assert index_shape((5, 20), [ELLIPSIS, ELLIPSIS]) is None
    assert index_shape((5, 20), [0, 0, 0]) is None


WINDOW = """
import numpy as np
import keras
X = np.zeros((500, 20))
model = keras.Sequential([keras.layers.LSTM(8, input_shape=(20, 1)), keras.layers.Dense(1)])
model.compile(loss="mse")
model.fit({x}, np.zeros((500, 1)))
"""


def test_new_axis_indexing():
    for x in ("X[:, None, :]", "X[:, np.newaxis]", "X[:, np.newaxis, ...]", "X[:, None]"):
        assert codes(WINDOW.format(x=x)) == ["SL131"], x
    for x in ("X[:, :, None]", "X[..., None]", "X[..., np.newaxis]", "X[:, :, np.newaxis]", "X[:, :, flag]",
              "X[:, None, :][:, 0]", "X[mask, None]"):
        assert codes(WINDOW.format(x=x)) == [], x
    assert codes(WINDOW.format(x="np.expand_dims(X, axis=1)")) == ["SL131"]
    assert codes(WINDOW.format(x="np.expand_dims(X, axis=-1)")) == []
    assert codes(WINDOW.format(x="np.expand_dims(X, axis=k)")) == []
    assert codes(WINDOW.format(x="X[None]")) == ["SL131", "SL132"]  # and 1 sample against 500 targets


FRAME = """
import numpy as np
import pandas as pd
import keras
{setup}
X = {x}
model = keras.Sequential([keras.layers.LSTM(8, input_shape=({steps}, {features})), keras.layers.Dense(1)])
model.compile(loss="mse")
model.fit(X, y)
"""


def frame(x, steps="X.shape[1]", features=3, setup='df = pd.read_csv("f.csv")\ny = df["t"].values'):
    return codes(FRAME.format(x=x, steps=steps, features=features, setup=setup))


def test_reshape_of_a_proven_array_fixes_its_rank():
    assert frame("df.values.reshape(-1, 10, 1)") == ["SL131"]
    assert frame("df.values.reshape(-1, 10, 1)", features=1) == []
    assert frame("df.iloc[:, 1:].values.reshape(len(df), 10, 1)") == ["SL131"]
    assert frame("df.drop(columns=['t']).to_numpy().reshape(-1, 10, 1)") == ["SL131"]
    assert frame("np.array(rows).reshape(-1, 10, 1)", setup="rows = load()\ny = None") == ["SL131"]
    assert frame("(np.asarray(rows) / 255.).reshape(-1, 10, 1).astype('float32')",
                 setup="rows = load()\ny = None") == ["SL131"]
    assert frame("np.array(rows).reshape(-1, 10 * 3)", setup="rows = load()\ny = None") == ["SL131"]  # rank 2
    assert frame("np.array(rows).reshape(-1, 10 * 3)", features=1, setup="rows = load()\ny = None") == []


def test_unknown_values_stay_unknown():
    assert frame("rows.reshape(-1, 10, 1)", setup="rows = load()\ny = None") == []  # maybe not an array
    assert frame("df.reshape(-1, 10, 1)") == []  # a DataFrame has no reshape
    assert frame("df.values[:, None].reshape(-1, 10, 1)", features=1) == []
    assert frame("df.values.reshape(shape)") == []
    assert frame("df.values.reshape(-1, 10, k)") == []
    assert frame("df.to_dict().values.reshape(-1, 10, 1)") == []
    assert frame("np.array(rows, ndmin=3)", setup="rows = load()\ny = None") == []


DATASET = """
import numpy as np
import tensorflow as tf
import keras
X = np.random.rand(100, 75)
y = np.random.rand(100)

def prep(features, label):
    return features / 255., label

def batched(features, label):
    return np.expand_dims(features, 0), label

data = tf.data.Dataset.from_tensor_slices((X, y)){steps}
model = keras.Sequential([keras.Input((75,)), keras.layers.Dense(1)])
model.compile(loss="mse")
model.{call}
"""


def dataset(steps, call="fit(data)"):
    return codes(DATASET.format(steps=steps, call=call))


def test_unbatched_pipelines():
    for steps in ("", ".shuffle(100)", ".repeat()", ".prefetch(2)", ".cache()", ".map(prep)",
                  ".shuffle(100).map(prep).repeat().prefetch(tf.data.AUTOTUNE)"):
        assert dataset(steps) == ["SL133"], steps
        assert dataset(steps, "predict(data)") == ["SL133"], steps
        assert dataset(steps, "evaluate(data)") == ["SL133"], steps
    for steps in (".batch(8)", ".shuffle(100).batch(8).prefetch(2)", ".map(prep).batch(8)",
                  ".padded_batch(8)", ".map(batched)", ".map(lambda x, y: (x, y))", ".map(unknown)",
                  ".unbatch()", ".window(4)", ".batch(8).map(prep)"):
        assert dataset(steps) == [], steps


def test_unbatched_validation_data():
    assert dataset(".batch(8)", "fit(data, validation_data=data.unbatch())") == []
    source = DATASET.format(steps="", call="fit(data.batch(8), validation_data=data.shuffle(10))")
    assert codes(source) == ["SL133"]
    assert "as validation_data" in lint_source(source.strip(), "<t>", Config())[0].message
    assert dataset("", "fit(data.batch(8), validation_data=data.batch(8))") == []
    assert dataset("", "fit(data.batch(8), validation_data=(X, y))") == []
    assert dataset("", "evaluate(data.batch(8), validation_data=data)") == []  # not an argument of evaluate


IMAGES = """
import numpy as np
import keras
from keras import layers
X = np.zeros({data})
model = keras.Sequential([layers.Conv2D(8, 3, input_shape=(100, 100, 3)), {middle}, layers.Dense(1)])
model.compile(loss="mse")
model.fit(X, np.zeros((10, 1)))
"""


def images(data="(10, 223, 223, 3)", middle="layers.MaxPooling2D(2), layers.Flatten()"):
    return codes(IMAGES.format(data=data, middle=middle))


def test_data_pushed_through_the_model():
    assert images() == ["SL131"]
    assert images("(10, 100, 100, 3)") == []
    assert images(middle="layers.GlobalAveragePooling2D()") == []  # accepts any size
    assert images(middle="layers.MaxPooling2D(2), layers.GlobalMaxPooling2D()") == []
    assert images(middle="layers.Flatten(), layers.Dropout(0.5)") == ["SL131"]
    assert images(middle="layers.Reshape((-1, 8)), layers.Flatten()") == ["SL131"]  # -1 follows the data
    assert images(middle="layers.Reshape((98 * 98, 8)), layers.Flatten()") == []  # Reshape fails first
    assert images("(10, 2, 2, 3)") == []  # the convolution fails first: not this finding
    assert images("(10, 223, 100, 3)") == ["SL131"]


def test_data_pushed_message_names_the_layer():
    source = IMAGES.format(data="(10, 223, 223, 3)", middle="layers.Flatten()")
    [finding] = lint_source(source.strip(), "<t>", Config())
    assert "Dense at line 5 gets 390728 features" in finding.message  # 221 * 221 * 8
    assert "sized for 76832" in finding.message  # 98 * 98 * 8


def test_other_timesteps_are_accepted():
    source = """
    import numpy as np
    import keras
    model = keras.Sequential([keras.layers.LSTM(8, input_shape=(10, 4)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    model.fit(np.zeros((32, 25, 4)), np.zeros((32, 1)))
    model.fit(np.zeros((32, 25, 4)), np.zeros((32, 1)))
    """
    assert codes(source) == []
    assert codes(source.replace("LSTM(8", "Conv1D(8, 3").replace("keras.layers.Dense(1)",
                                                                  "keras.layers.Flatten(), keras.layers.Dense(1)")) \
        == ["SL131", "SL131"]


POOLING = """
import numpy as np
import keras
from keras import layers
model = keras.Sequential([layers.{first}, {middle}layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(np.zeros((32, 100, 8)), np.zeros((32, 1)))
"""


def pooling_message(first="Conv1D(16, 3, input_shape=(100, 8))", middle="layers.MaxPooling1D(2), "):
    found = lint_source(POOLING.format(first=first, middle=middle).strip(), "<t>", Config())
    return [d.code for d in found], found[0].message if found else ""


def test_where_the_time_axis_comes_from():
    found, message = pooling_message()
    assert found == ["SL132"] and "MaxPooling1D at line" in message and "GlobalMaxPooling1D" in message \
        and "return_sequences" not in message
    found, message = pooling_message(middle="")
    assert found == ["SL132"] and "Conv1D at line" in message and "return_sequences" not in message
    found, message = pooling_message(first="LSTM(16, input_shape=(100, 8), return_sequences=True)", middle="")
    assert found == ["SL132"] and "return_sequences=True on the last RNN" in message
    assert pooling_message(middle="layers.MaxPooling1D(2), layers.GlobalMaxPooling1D(), ")[0] == []
    assert pooling_message(middle="layers.MaxPooling1D(2), layers.Flatten(), ")[0] == []


SINGLE = """
import numpy as np
import keras
model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(8), keras.layers.Dense({units}, activation="{act}")])
model.compile(loss="{loss}", optimizer="adam")
model.fit(np.zeros((60, 12)), {y})
"""


def single(units=1, act="sigmoid", loss="categorical_crossentropy", y="np.random.randint(0, 5, size=(60,))"):
    return codes(SINGLE.format(units=units, act=act, loss=loss, y=y))


def test_single_unit_categorical_crossentropy():
    assert single() == ["SL132"]
    assert single(y="np.zeros((60, 1))") == ["SL132"]
    assert single(act="linear") == ["SL132"]
    assert single(loss="binary_crossentropy") == []
    assert single(loss="sparse_categorical_crossentropy", units=5, act="softmax") == []
    assert single(units=5, act="softmax", y="keras.utils.to_categorical(np.zeros(60), 5)") == []
    assert single(y="np.zeros((60, 5))") == ["SL132"]  # one-hot rows against one unit: the shape check
    assert single(y="labels") == []  # unknown targets
    assert "SL132" not in single(act="softmax")  # SL121's business


def test_numpy_functions_prove_an_array():
    setup = "rows = load()\ny = None"
    assert frame("np.loadtxt('f.csv', delimiter=',').reshape(-1, 10, 1)", setup=setup) == ["SL131"]
    assert frame("np.load('x.npy').reshape(-1, 10, 1)", setup=setup) == ["SL131"]
    assert frame("np.load('x.npz').reshape(-1, 10, 1)", setup=setup) == []  # an NpzFile
    assert frame("np.load(path).reshape(-1, 10, 1)", setup=setup) == []
    assert frame("np.concatenate(rows).reshape(-1, 10, 1)", setup=setup) == ["SL131"]
    assert frame("np.float32(np.vstack(rows)).reshape(-1, 10, 1)", setup=setup) == ["SL131"]
    assert frame("np.concatenate(rows).reshape(-1, 10, 1)", features=1, setup=setup) == []
    assert frame("np.some_function(rows).reshape(-1, 10, 1)", setup=setup) == []


def test_keras2_checks_the_whole_input_shape():
    source = """
    import numpy as np
    from keras.models import Sequential
    from keras.layers import LSTM, Dense
    model = Sequential([LSTM(4, input_shape=({declared})), Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    model.fit(np.zeros(({data})), np.zeros((8, 1)))
    """
    for declared, data, keras3, keras2 in (
            ("10, 4", "8, 25, 4", [], ["SL131"]),  # other timesteps: Keras 3 adapts, Keras 2 raises
            ("None, 4", "8, 25, 4", [], []),
            ("10, 4", "8, 10, 4", [], []),
            ("10, 1", "8, 10", [], []),  # both add the trailing axis of 1
            ("10, 4", "8, 10, 3", ["SL131"], ["SL131"])):
        text = source.format(declared=declared, data=data)
        assert codes(text) == keras3, (declared, data)
        assert codes(text, target_keras=2) == keras2, (declared, data)
    unknown = source.format(declared="10, 4", data="8, n, 4")
    assert codes(unknown, target_keras=2) == []
