"""Recall on real data pipelines (issue 13, items 3 and 4): image and directory pipelines,
symbolic and derived shapes.  Every positive has a silent look-alike."""
from shapelint.testing import codes

GEN = """
import keras
from tensorflow.keras.preprocessing.image import ImageDataGenerator
model = keras.Sequential([keras.Input((64, 64, {channels})), keras.layers.Conv2D(8, 3),
                          keras.layers.Flatten(), keras.layers.Dense({units}, activation="{act}")])
model.compile(loss="{loss}", optimizer="adam")
data = ImageDataGenerator({gen}).flow_from_directory("d", target_size=(64, 64){extra})
model.{method}(data)
"""


def gen(channels=3, units=3, act="softmax", loss="categorical_crossentropy", gen="rescale=1 / 255",
        extra="", method="fit"):
    return codes(GEN.format(channels=channels, units=units, act=act, loss=loss, gen=gen, extra=extra,
                            method=method))


def test_flow_from_directory_channels():
    assert gen(channels=1) == ["SL131"]
    assert gen(channels=1, extra=", color_mode='grayscale'") == []
    assert gen(channels=3, extra=", color_mode='grayscale'") == ["SL131"]
    assert gen(channels=4, extra=", color_mode='rgba'") == []
    assert gen(channels=1, method="predict") == ["SL131"]
    assert gen(channels=1, method="fit_generator") == ["SL131", "SL302"]  # fit_generator is gone in Keras 3 (SL302)
    assert gen(channels=1, method="evaluate_generator") == ["SL131", "SL302"]


def test_flow_from_directory_labels():
    assert gen() == []  # categorical (the default), k unknown
    assert gen(extra=", class_mode='sparse'") == ["SL132"]
    assert gen(extra=", class_mode='binary'") == ["SL132"]
    assert gen(extra=", class_mode='binary'", loss="sparse_categorical_crossentropy") == []
    assert gen(extra=", class_mode='binary'", loss="binary_crossentropy") == ["SL132"]
    assert gen(extra=", class_mode='binary'", units=1, act="sigmoid", loss="binary_crossentropy") == []
    assert gen(extra=", class_mode=None", loss="categorical_crossentropy", method="predict") == []
    assert gen(extra=", classes=['a', 'b', 'c']") == []
    assert gen(extra=", classes=['a', 'b']") == ["SL132"]
    assert gen(extra=", class_mode='input'") == []
    assert gen(extra=", class_mode='sparse'", method="fit_generator") == ["SL132", "SL302"]


def test_flow_from_directory_defaults():
    assert codes(GEN.replace(", target_size=(64, 64)", "").format(
        channels=3, units=3, act="softmax", loss="sparse_categorical_crossentropy", gen="", extra="",
        method="fit").replace("(64, 64, 3)", "(256, 256, 3)")) == []
    assert codes(GEN.replace(", target_size=(64, 64)", "").format(
        channels=1, units=3, act="softmax", loss="sparse_categorical_crossentropy", gen="", extra="",
        method="fit").replace("(64, 64, 1)", "(256, 256, 1)")) == ["SL131"]


def test_flow_from_directory_unknown_stays_silent():
    assert gen(channels=1, gen="data_format='channels_first'") == []
    assert gen(channels=1, gen="**augment") == []
    assert gen(channels=1, extra=", color_mode=mode") == []
    assert gen(channels=1, extra=", target_size=size") == []
    assert gen(channels=1, extra=", **options") == []
    assert gen(channels=1, gen="", extra=", batch_size=n") == []
    assert codes(GEN.format(channels=1, units=3, act="softmax", loss="mse", gen="", extra="",
                            method="fit") + "keras.backend.set_image_data_format('channels_first')\n") == []


def test_flow_of_arrays():
    source = """
    import numpy as np
    import keras
    from tensorflow.keras.preprocessing.image import ImageDataGenerator
    x = np.zeros((100, 32, 32, 3))
    y = np.zeros((100,))
    model = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Conv2D(8, 3), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy")
    model.fit(ImageDataGenerator(rotation_range=10).flow(x, y, batch_size=16))
    """
    assert codes(source) == ["SL131"]
    assert codes(source.replace("(32, 32, 1)", "(32, 32, 3)")) == ["SL132"]
    assert codes(source.replace("(32, 32, 1)", "(32, 32, 3)").replace('"categorical', '"sparse_categorical')) == []


DIRECTORY = """
import keras
import tensorflow as tf
ds = {function}("photos", {args})
model = keras.Sequential([keras.Input((128, 128, {channels})), keras.layers.Conv2D(8, 3),
                          keras.layers.GlobalAveragePooling2D(), keras.layers.Dense({units}, activation="softmax")])
model.compile(loss="{loss}", optimizer="adam")
model.fit(ds.prefetch(tf.data.AUTOTUNE))
"""


def directory(args="image_size=(128, 128)", channels=3, units=4, loss="sparse_categorical_crossentropy",
              function="keras.utils.image_dataset_from_directory"):
    return codes(DIRECTORY.format(function=function, args=args, channels=channels, units=units, loss=loss))


def test_image_dataset_from_directory():
    assert directory() == []
    assert directory(channels=1) == ["SL131"]
    assert directory(args="image_size=(128, 128), color_mode='grayscale'", channels=1) == []
    assert directory(loss="categorical_crossentropy") == ["SL132"]
    assert directory(args="image_size=(128, 128), label_mode='categorical'", loss="categorical_crossentropy") == []
    assert directory(args="image_size=(128, 128), label_mode='categorical', class_names=['a', 'b']",
                     loss="categorical_crossentropy") == ["SL132"]
    assert directory(function="tf.keras.utils.image_dataset_from_directory", channels=1) == ["SL131"]
    assert directory(function="tf.keras.preprocessing.image_dataset_from_directory", channels=1) == ["SL131"]
    assert directory(args="", channels=1) == ["SL131"]  # 256 x 256 x 3 by default
    assert directory(args="") == []  # another image size: global pooling takes it


def test_image_dataset_from_directory_unknown_stays_silent():
    assert directory(args="image_size=(128, 128), label_mode=None", loss="categorical_crossentropy") == []
    assert directory(args="image_size=(128, 128), labels=my_labels", loss="categorical_crossentropy") == []
    assert directory(args="image_size=size", channels=1) == []
    assert directory(args="image_size=(128, 128), batch_size=None", channels=1) == []
    assert directory(args="image_size=(128, 128), color_mode=mode", channels=1) == []
    assert directory(args="**kwargs", channels=1) == []
    assert directory(args="image_size=(128, 128), data_format='channels_first'", channels=1) == []
    assert codes(DIRECTORY.format(function="keras.utils.image_dataset_from_directory", args="image_size=(128, 128)",
                                  channels=1, units=4, loss="mse").replace(
        "model.fit(ds.prefetch(tf.data.AUTOTUNE))", "model.fit(ds.map(lambda x, y: (x / 255, y)))")) == []
    assert codes(DIRECTORY.format(function="keras.utils.image_dataset_from_directory", args="image_size=(128, 128)",
                                  channels=1, units=4, loss="mse").replace(
        "model.fit(ds.prefetch(tf.data.AUTOTUNE))", "model.fit(ds.unbatch().batch(8))")) == []


def test_image_dataset_subset_both():
    source = DIRECTORY.format(function="keras.utils.image_dataset_from_directory",
                              args="image_size=(128, 128), validation_split=0.2, subset='both', seed=1",
                              channels=1, units=4, loss="sparse_categorical_crossentropy")
    source = source.replace("ds = ", "train, val = ").replace("ds.prefetch", "train.prefetch")
    assert codes(source) == ["SL131"]


def test_text_dataset_from_directory():
    source = """
    import keras
    train = keras.utils.text_dataset_from_directory("aclImdb/train", batch_size=32)
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), keras.layers.Dense(1)])
    model.compile(loss="binary_crossentropy")
    model.fit(train)
    """
    assert codes(source) == []  # (B,) strings into (None, 1): Keras adds the axis; labels (B,) vs (None, 1)
    assert codes(source.replace("Dense(1)", "Dense(3)")) == ["SL132"]
    # categorical_crossentropy over one unit is always 0 (test_recall_data2.py)
    assert codes(source.replace("binary_crossentropy", "categorical_crossentropy")) == ["SL132"]
    assert codes(source.replace("binary_crossentropy", "categorical_crossentropy").replace("Dense(1)", "Dense(3)")) \
        == ["SL132"]


def test_batched_tensor_slices_are_checked_like_arrays():
    source = """
    import numpy as np
    import tensorflow as tf
    import keras
    X = np.zeros((1000, 20))
    y = np.zeros((1000,))
    data = tf.data.Dataset.from_tensor_slices((X, y)).shuffle(100).batch(64)
    model = keras.Sequential([keras.Input((20, 3)), keras.layers.LSTM(8), keras.layers.Dense(1)])
    model.compile(loss="mse")
    model.fit(data)
    """
    assert codes(source) == ["SL131"]
    assert codes(source.replace("(20, 3)", "(20, 1)")) == []
    assert codes(source.replace(".batch(64)", ".batch(64).batch(2)")) == []
    assert codes(source.replace(".batch(64)", ".padded_batch(64)")) == []


CLASSIFIER = """
import numpy as np
import keras
import tensorflow as tf
X = np.zeros((n, 30, 8))
model = keras.Sequential([keras.Input((30, 8)), keras.layers.LSTM(8), keras.layers.Dense(4, activation="softmax")])
model.compile(loss={loss}, optimizer="adam")
model.fit(X, {y})
"""


def classifier(loss, y="np.zeros((n,))"):
    return codes(CLASSIFIER.format(loss=loss, y=y))


def test_loss_objects_count_like_their_strings():
    assert classifier("keras.losses.CategoricalCrossentropy()") == ["SL132"]
    assert classifier("keras.losses.CategoricalCrossentropy(from_logits=True)") == ["SL132"]
    assert classifier("tf.keras.losses.CategoricalCrossentropy(label_smoothing=0.1)") == ["SL132"]
    assert classifier("keras.losses.SparseCategoricalCrossentropy()") == []
    assert classifier("keras.losses.SparseCategoricalCrossentropy()", "keras.utils.to_categorical(np.zeros((n,)), 4)") \
        == ["SL132"]
    assert classifier("keras.losses.categorical_crossentropy") == ["SL132"]
    assert classifier("tf.keras.losses.sparse_categorical_crossentropy") == []
    assert classifier("keras.losses.BinaryCrossentropy()", "np.zeros((n, 3))") == ["SL132"]
    assert classifier("keras.losses.BinaryCrossentropy()", "np.zeros((n, 4))") == []


def test_unfollowed_losses_stay_silent():
    assert classifier("keras.losses.CategoricalCrossentropy(axis=1)") == []
    assert classifier("keras.losses.CategoricalCrossentropy(**options)") == []
    assert classifier("keras.losses.CategoricalCrossentropy(True)") == []
    assert classifier("my_loss") == []
    assert classifier("keras.losses.Loss()") == []


def test_shape_preserving_numpy():
    source = """
    import numpy as np
    import keras
    model = keras.Sequential([keras.Input((20, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.compile(loss="mse")
    model.fit({x}, np.zeros((100, 1)))
    """
    assert codes(source.format(x="np.zeros(shape=(100, 20, 2))")) == ["SL131"]
    assert codes(source.format(x="np.ones(shape=(100, 20, 3), dtype='float32')")) == []
    assert codes(source.format(x="np.float32(np.zeros((100, 20, 2)))")) == ["SL131"]
    assert codes(source.format(x="np.abs(np.zeros((100, 20, 2)))")) == ["SL131"]
    assert codes(source.format(x="np.zeros((100, 20, 2)).astype('float32')")) == ["SL131"]
    assert codes(source.format(x="np.expand_dims(np.zeros((100, 20)), -1)")) == ["SL131"]
    assert codes(source.format(x="np.expand_dims(np.zeros((100, 3)), 1)")) == []  # one timestep of 3
    assert codes(source.format(x="np.zeros((100, 60)).reshape(100, -1, 3)")) == []
    assert codes(source.format(x="np.zeros((100, 60)).reshape(-1, 30, 2)")) == ["SL131"]
    assert codes(source.format(x="np.float32(np.zeros((100, 20, 2)), out=buffer)")) == []


def test_arrays_from_appended_lists():
    source = """
    import numpy as np
    import keras
    windows = []
    for i in range(12):
        windows.append(np.zeros((20, {features})))
    model = keras.Sequential([keras.Input((20, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.compile(loss="mse")
    model.fit(np.array(windows), np.zeros((12, 1)))
    """
    assert codes(source.format(features=2)) == ["SL131"]
    assert codes(source.format(features=3)) == []
    assert codes(source.format(features=2).replace("range(12)", "range(len(data) - 20)")) == []


def test_label_checks_at_rank_level():
    source = """
    import numpy as np
    import keras
    model = keras.Sequential([keras.Input((None, 3)), keras.layers.LSTM(4{sequences}), keras.layers.Dense(5),
                              keras.layers.Activation("softmax")])
    model.compile(loss="categorical_crossentropy")
    model.fit(np.zeros((n, t, 3)), {y})
    """
    one_hot = "keras.utils.to_categorical(np.zeros((n,)), 5)"
    per_step = "keras.utils.to_categorical(np.zeros((n, t)), 5)"
    assert codes(source.format(sequences="", y="np.zeros((n,))")) == ["SL132"]
    assert codes(source.format(sequences="", y=one_hot)) == []
    assert codes(source.format(sequences=", return_sequences=True", y=one_hot)) == ["SL132"]
    assert codes(source.format(sequences=", return_sequences=True", y=per_step)) == []
    assert codes(source.format(sequences="", y="keras.utils.to_categorical(labels, 5)")) == []  # rank unknown
    # x of another rank, or a last axis that follows the input's sizes: silent.
    assert codes(source.format(sequences="", y="np.zeros((n,))").replace("np.zeros((n, t, 3))", "data")) == []
    flat = """
    import numpy as np
    import keras
    model = keras.Sequential([keras.Input((None, 3)), keras.layers.Conv1D(4, 3), keras.layers.Flatten()])
    model.compile(loss="binary_crossentropy")
    model.fit(np.zeros((n, t, 3)), np.zeros((n,)))
    """
    assert codes(flat) == []


def test_model_declared_from_the_data_shape():
    source = """
    import numpy as np
    import keras
    X = np.zeros((n, t, 4))
    inp = keras.Input(shape=X.shape[1:])
    model = keras.Model(inp, keras.layers.Dense(3, activation="softmax")(keras.layers.LSTM(8)(inp)))
    model.compile(loss="categorical_crossentropy")
    model.fit(X, {y})
    """
    assert codes(source.format(y="np.zeros((n,))")) == ["SL132"]
    assert codes(source.format(y="keras.utils.to_categorical(np.zeros((n,)), 3)")) == []
    assert codes(source.format(y="keras.utils.to_categorical(np.zeros((n,)), len(vocab))")) == []
    assert codes(source.format(y="np.zeros((n,))").replace("X.shape[1:]", "(X.shape[1], X.shape[2])")) == ["SL132"]


def test_flow_from_dataframe():
    source = """
    import keras
    from tensorflow.keras.preprocessing.image import ImageDataGenerator
    model = keras.Sequential([keras.Input((224, 224, 3)), keras.layers.Conv2D(8, 3),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(4, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    train = ImageDataGenerator(rescale=1 / 255).flow_from_dataframe(df, "images/", x_col="path", y_col="label",
                                                                   target_size=(224, 224), {mode})
    model.fit(train)
    """
    assert codes(source.format(mode="class_mode='categorical'")) == []
    assert codes(source.format(mode="class_mode='sparse'")) == ["SL132"]
    assert codes(source.format(mode="class_mode='raw'")) == []
    assert codes(source.format(mode="color_mode='grayscale'")) == ["SL131"]


def test_image_pipelines_checked_whatever_the_target():
    assert codes(GEN.format(channels=1, units=3, act="softmax", loss="categorical_crossentropy", gen="",
                            extra="", method="fit_generator"), target_keras=2) == ["SL131"]
    assert codes(GEN.format(channels=3, units=3, act="softmax", loss="categorical_crossentropy", gen="",
                            extra=", class_mode='sparse'", method="fit"), target_keras=2) == ["SL132"]


def test_shape_preserving_arithmetic():
    # Needs the core's AbstractValue.elementwise hook (interp/operators.py binop).
    source = """
    import numpy as np
    import keras
    X = np.random.rand(100, 20, 2)
    model = keras.Sequential([keras.Input((20, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    model.compile(loss="mse")
    model.fit({x}, np.zeros((100, 1)))
    """
    for x in ("X / 255.", "X * 2", "-X", "(X - X.mean(axis=0)) / X.std(axis=0)", "X - np.mean(X, axis=0)",
              "(X - X.mean()) / X.std()", "X.astype('float32') / 255", "X - np.zeros((100, 1, 1))", "X > 0.5"):
        assert codes(source.format(x=x)) == ["SL131"], x
    for x in ("X - X.mean(axis=1)", "X - unknown", "X * [1, 2]", "X - np.zeros((5, 100, 1, 1))", "X @ W",
              "X - X.mean(axis=k)", "X - X.mean(axis=0, keepdims=flag)"):
        assert codes(source.format(x=x)) == [], x
    assert codes(source.format(x="(X - X.mean(axis=0)) / X.std(axis=0)").replace("(100, 20, 2)", "(100, 20, 3)")) == []
