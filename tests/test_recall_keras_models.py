"""Recall on Keras models as people write them beyond Sequential / functional (issue 13,
items 5 and 6): models without a declared input (built by their first call or data),
subclassed ``keras.Model`` classes traced through ``call``, and user classes whose methods
build and return a model.  Every positive has a silent look-alike."""
import pytest

from shapelint.testing import codes

# -- deferred build ------------------------------------------------------------------------

DEFERRED = """
import numpy as np
import keras
from keras import layers
X = np.random.rand(200, 10, 3)
y = np.random.rand(200, 1)
model = keras.Sequential([layers.LSTM(8), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
{build}
model.predict({sample})
"""


def deferred(build, sample="X[0]"):
    return codes(DEFERRED.format(build=build, sample=sample))


def test_first_data_builds_the_model():
    assert deferred("model.fit(X, y)") == ["SL131"]
    assert deferred("model.fit(X, y)", sample="X[:1]") == []
    assert deferred("model.fit(x=X, y=y, epochs=3)") == ["SL131"]
    assert deferred("model.train_on_batch(X, y)") == ["SL131"]
    assert deferred("model.evaluate(X, y)") == ["SL131"]
    assert deferred("model(keras.Input(shape=(10, 3)))") == ["SL131"]
    assert deferred("model.build((None, 10, 3))") == ["SL131"]
    assert deferred("for epoch in range(3):\n    model.fit(X, y)") == ["SL131"]


def test_only_the_first_data_decides():
    assert deferred("model.fit(np.load('x.npy'), y)\nmodel.fit(X, y)") == []
    assert deferred("model(inputs)\nmodel.fit(X, y)") == []
    # Built for (None, 10, 3): the second fit's one feature does not fit the LSTM's weights.
    assert deferred("model.fit(X, y)\nmodel.fit(X.reshape(200, 30, 1), y)") == ["SL131", "SL131"]


def test_branches_and_loops_do_not_invent_a_build():
    assert deferred("if X.mean() > 0.5:\n    model.fit(X, y)") == []
    assert deferred("while True:\n    model.fit(X, y)\n    break") == []
    assert deferred("for batch in batches:\n    model.train_on_batch(X, y)") == []


def test_one_dimensional_data_is_not_guessed():
    assert deferred("model.fit(np.zeros(200), y)", sample="np.zeros((5,))") == []


def test_declared_inputs_are_not_replaced_by_data():
    code = DEFERRED.replace("layers.LSTM(8)", "layers.LSTM(8, input_shape=shape)")
    assert codes(code.format(build="model.fit(X, y)", sample="X[0]")) == []
    code = DEFERRED.replace("[layers.LSTM(8)", "[keras.Input(shape=(10, 3)), layers.LSTM(8)")
    assert codes(code.format(build="model.fit(np.load('x.npy'), y)", sample="X[0]")) == ["SL131"]


def test_layer_mistakes_inside_a_deferred_model_become_visible():
    code = """
import numpy as np
from tensorflow import keras
model = keras.Sequential([keras.layers.LSTM(8), keras.layers.LSTM(4), keras.layers.Dense(1)])
model.compile(loss="mse")
model.fit({x}, np.zeros((100, 1)))
"""
    assert codes(code.format(x="np.zeros((100, 10, 3))")) == ["SL101"]
    # Unknown data: LSTM(8) still outputs (None, 8) whatever it is (tests/test_rank_level.py).
    assert codes(code.format(x="data")) == ["SL101"]
    assert codes(code.replace("LSTM(8)", "LSTM(8, return_sequences=True)").format(x="np.zeros((100, 10, 3))")) == []


# -- subclassed models ---------------------------------------------------------------------

SUBCLASSED = """
import numpy as np
{imports}
class Net({base}):
    def __init__(self, units=16):
        super().__init__()
        self.rnn = layers.LSTM(units)
        self.rnn2 = layers.LSTM(units){extra}
        self.head = layers.Dense(1)

    def call(self, inputs, training=None):
        x = self.rnn(inputs)
        x = self.rnn2(x)
        return self.head(x)

net = Net()
{use}
"""

IMPORTS = "import keras\nfrom keras import layers"


def subclassed(use="net(keras.Input(shape=(10, 3)))", base="keras.Model", imports=IMPORTS, extra=""):
    return codes(SUBCLASSED.format(use=use, base=base, imports=imports, extra=extra))


@pytest.mark.parametrize("imports, base", [
    (IMPORTS, "keras.Model"),
    (IMPORTS, "keras.models.Model"),
    ("import tensorflow as tf\nfrom tensorflow.keras import layers\nkeras = tf.keras", "tf.keras.Model"),
    ("from tensorflow import keras\nfrom tensorflow.keras import layers\nfrom tensorflow.keras import Model",
     "Model"),
    ("from keras import layers\nimport keras", "keras.Model"),
])
def test_subclass_spellings(imports, base):
    assert subclassed(imports=imports, base=base) == ["SL101"]


def test_snippet_mode_model_base():
    code = SUBCLASSED.format(use="net(keras.Input(shape=(10, 3)))", base="Model", imports="", extra="")
    code = code.replace("import numpy as np\n", "")
    assert codes(code) == ["SL101"]


def test_subclass_is_traced_on_known_inputs_only():
    assert subclassed(use="net.build((None, 10, 3))") == ["SL101"]
    assert subclassed(use="net.fit(np.zeros((50, 10, 3)), np.zeros((50, 1)))") == ["SL101"]
    assert subclassed(use="net.predict(np.zeros((50, 10, 3)))") == ["SL101"]
    assert subclassed(use="net(inputs)") == []
    assert subclassed(use="net.fit(load(), np.zeros((50, 1)))") == []
    assert subclassed(use="pass") == []
    assert subclassed(use="net.build(input_shape)") == []


def test_subclass_fixed_is_silent():
    fixed = SUBCLASSED.replace("self.rnn = layers.LSTM(units)", "self.rnn = layers.LSTM(units, return_sequences=True)")
    for use in ("net(keras.Input(shape=(10, 3)))", "net.build((None, 10, 3))",
                "net.fit(np.zeros((50, 10, 3)), np.zeros((50, 1)))"):
        assert codes(fixed.format(use=use, base="keras.Model", imports=IMPORTS, extra="")) == []


def test_subclass_attributes_that_may_change_are_unknown():
    # Replaced in another method, or the class has another base: not followed.
    assert subclassed(extra="\n\n    def build(self, shape):\n        self.rnn2 = layers.Dense(4)\n") == []
    assert subclassed(base="keras.Model, Mixin") == []
    assert subclassed(base="keras.layers.Layer") == []
    assert subclassed(use="net.rnn2 = layers.Dense(4)\nnet(keras.Input(shape=(10, 3)))") == []


def test_subclass_layer_lists_and_training_branches():
    code = """
import keras
from keras import layers
class Stack(keras.Model):
    def __init__(self, n_layers):
        super().__init__()
        self.blocks = [layers.LSTM(8, return_sequences={rs}) for _ in range(n_layers)]
        self.dropout = layers.Dropout(0.1)
        self.out = layers.Dense(1)

    def call(self, x, training=False):
        for block in self.blocks:
            x = block(x)
            if training:
                x = self.dropout(x)
        return self.out(x)

Stack(3).build((None, 20, 4))
"""
    assert codes(code.format(rs="False")) == ["SL101"]
    assert codes(code.format(rs="True")) == []


def test_subclass_targets_and_one_sample():
    code = """
import numpy as np
import keras
from keras import layers
class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(64, activation="relu")
        self.out = layers.Dense(10, activation="softmax")

    def call(self, x):
        return self.out(self.hidden(x))

X = np.random.rand(100, 20)
labels = np.random.randint(0, 10, size=(100,))
clf = Classifier()
clf.compile(optimizer="adam", loss="{loss}")
clf.fit(X, labels)
"""
    assert codes(code.format(loss="categorical_crossentropy")) == ["SL132"]
    assert codes(code.format(loss="sparse_categorical_crossentropy")) == []
    # Fed another shape later: Keras re-runs call, the recorded input no longer describes it.
    assert codes(code.format(loss="categorical_crossentropy") + "clf.predict(np.zeros((5, 3, 20)))\n") == []


def test_functional_style_subclass_is_silent():
    code = """
import numpy as np
import keras
from keras import layers
class Backbone(keras.Model):
    def __init__(self, **kwargs):
        inputs = keras.Input(shape=(None, 8))
        x = layers.LSTM(4)(inputs)
        super().__init__(inputs=inputs, outputs=x, **kwargs)

backbone = Backbone()
backbone.fit(np.zeros((10, 5, 8)), np.zeros((10, 4)))
backbone.predict(np.zeros((5, 8)))
"""
    assert codes(code) == []


# -- user classes that build a model -------------------------------------------------------

BUILDER = """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
class Builder:
    def __init__(self, steps):
        self.steps = steps
{extra}
    def build(self):
        model = Sequential()
        model.add(LSTM(8, input_shape=(self.steps, 1)))
        model.add(Dense(1))
        return model

model = Builder(20).build()
model.predict(np.zeros((20, 1)))
"""


def test_builder_classes_are_followed():
    assert codes(BUILDER.format(extra="")) == ["SL131"]
    assert codes(BUILDER.replace("np.zeros((20, 1))", "np.zeros((1, 20, 1))").format(extra="")) == []
    assert codes(BUILDER.replace("class Builder:", "class Builder(object):").format(extra="")) == ["SL131"]


def test_builder_classes_that_may_change_are_not_guessed():
    assert codes(BUILDER.format(extra="    def grow(self):\n        self.steps += 1\n")) == []
    assert codes(BUILDER.format(extra="    def __getattr__(self, name):\n        return 20\n")) == []
    assert codes(BUILDER.replace("class Builder:", "class Builder(Base):").format(extra="")) == []
    assert codes(BUILDER.replace("class Builder:", "@register\nclass Builder:").format(extra="")) == []
    assert codes(BUILDER.replace("model = Builder(20).build()",
                                 "b = Builder(20)\nconfigure(b)\nmodel = b.build()").format(extra="")) == []


def test_classes_changed_elsewhere_are_not_followed():
    assert codes(BUILDER.replace("model = Builder(20).build()",
                                 "Builder.build = other\nmodel = Builder(20).build()").format(extra="")) == []
    assert codes(BUILDER.replace("model = Builder(20).build()",
                                 "patch(Builder)\nmodel = Builder(20).build()").format(extra="")) == []
    assert subclassed(use="Net.call = other_call\nnet(keras.Input(shape=(10, 3)))") == []


def test_batched_datasets_build_a_deferred_model():
    code = """
import numpy as np
import tensorflow as tf
X = np.random.rand(200, 10, 3)
y = np.random.rand(200, 1)
ds = tf.data.Dataset.from_tensor_slices((X, y)){batch}
model = tf.keras.Sequential([tf.keras.layers.LSTM(8), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(ds, epochs=2)
model.predict(X[0])
"""
    assert codes(code.format(batch=".batch(32)")) == ["SL131"]
    assert codes(code.format(batch=".batch(32)").replace("X[0]", "X[:4]")) == []
    # Unbatched: SL133 says so; what it builds is not guessed.
    assert "SL131" not in codes(code.format(batch=""))
