"""Hold-out recall cases: programs written the way people post them (Stack Overflow
questions, notebooks, tutorials), each with the line the accepted fix changes marked
``# bug``, and its fixed version.  Not fixtures: shapelint is not expected to find them all;
``bench/recall.py`` measures how many it finds on the right line, and that it reports
nothing on the fixed versions."""

CASES = {}


def case(name, bug, fixed):
    CASES[name] = (bug, fixed)


case("snippet_stacked_lstm", """
model = Sequential()
model.add(LSTM(64, input_shape=(30, 4)))
model.add(LSTM(32))  # bug
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
""", """
model = Sequential()
model.add(LSTM(64, input_shape=(30, 4), return_sequences=True))
model.add(LSTM(32))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
""")

case("input_shape_whole_array", """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense

X = np.random.rand(200, 12, 3)
y = np.random.rand(200, 1)
model = Sequential()
model.add(LSTM(16, input_shape=X.shape))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=5)  # bug
""", """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense

X = np.random.rand(200, 12, 3)
y = np.random.rand(200, 1)
model = Sequential()
model.add(LSTM(16, input_shape=X.shape[1:]))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=5)
""")

case("binary_generator_softmax3", """
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Conv2D, MaxPooling2D, Flatten, Dense

gen = ImageDataGenerator(rescale=1. / 255)
train = gen.flow_from_directory("data/train", target_size=(150, 150), batch_size=32, class_mode="binary")
model = Sequential([
    Conv2D(32, (3, 3), activation="relu", input_shape=(150, 150, 3)),
    MaxPooling2D(2, 2),
    Flatten(),
    Dense(3, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(train, epochs=10)  # bug
""", """
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Conv2D, MaxPooling2D, Flatten, Dense

gen = ImageDataGenerator(rescale=1. / 255)
train = gen.flow_from_directory("data/train", target_size=(150, 150), batch_size=32, class_mode="categorical")
model = Sequential([
    Conv2D(32, (3, 3), activation="relu", input_shape=(150, 150, 3)),
    MaxPooling2D(2, 2),
    Flatten(),
    Dense(3, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(train, epochs=10)
""")

case("generator_target_size", """
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras import layers, models

datagen = ImageDataGenerator(rescale=1. / 255)
train_gen = datagen.flow_from_directory("train/", target_size=(224, 224), batch_size=16)
model = models.Sequential()
model.add(layers.Conv2D(16, 3, activation="relu", input_shape=(128, 128, 3)))
model.add(layers.MaxPooling2D())
model.add(layers.Flatten())
model.add(layers.Dense(2, activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train_gen, epochs=3)  # bug
""", """
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras import layers, models

datagen = ImageDataGenerator(rescale=1. / 255)
train_gen = datagen.flow_from_directory("train/", target_size=(128, 128), batch_size=16)
model = models.Sequential()
model.add(layers.Conv2D(16, 3, activation="relu", input_shape=(128, 128, 3)))
model.add(layers.MaxPooling2D())
model.add(layers.Flatten())
model.add(layers.Dense(2, activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train_gen, epochs=3)
""")

case("softmax_one_unit", """
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(12, input_dim=8, activation="relu"))
model.add(Dense(8, activation="relu"))
model.add(Dense(1, activation="softmax"))  # bug
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
""", """
from keras.models import Sequential
from keras.layers import Dense
model = Sequential()
model.add(Dense(12, input_dim=8, activation="relu"))
model.add(Dense(8, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
""")

case("onehot_with_sparse_loss", """
import numpy as np
from tensorflow import keras
from tensorflow.keras.utils import to_categorical

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
y_train = to_categorical(y_train, 10)
model = keras.Sequential([keras.layers.Dense(128, activation="relu", input_shape=(784,)),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)  # bug
""", """
import numpy as np
from tensorflow import keras
from tensorflow.keras.utils import to_categorical

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784) / 255.0
y_train = to_categorical(y_train, 10)
model = keras.Sequential([keras.layers.Dense(128, activation="relu", input_shape=(784,)),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5)
""")

case("predict_one_sample", """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Conv2D, Flatten
(x_train, y_train) = (np.zeros((500, 32, 32, 3)), np.zeros((500,)))
model = Sequential([Conv2D(8, 3, input_shape=(32, 32, 3)), Flatten(), Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x_train, y_train)
print(model.predict(x_train[0]))  # bug
""", """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Conv2D, Flatten
(x_train, y_train) = (np.zeros((500, 32, 32, 3)), np.zeros((500,)))
model = Sequential([Conv2D(8, 3, input_shape=(32, 32, 3)), Flatten(), Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x_train, y_train)
print(model.predict(x_train[:1]))
""")

case("timesteps_features_swapped", """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
data = np.random.rand(1000, 50)
X = data.reshape(1000, 50, 1)
y = np.random.rand(1000, 1)
model = Sequential()
model.add(LSTM(32, input_shape=(1, 50)))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, batch_size=32)  # bug
""", """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
data = np.random.rand(1000, 50)
X = data.reshape(1000, 50, 1)
y = np.random.rand(1000, 1)
model = Sequential()
model.add(LSTM(32, input_shape=(50, 1)))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, batch_size=32)
""")

case("timedistributed_last_step", """
from keras.models import Sequential
from keras.layers import LSTM, Dense, TimeDistributed
model = Sequential()
model.add(LSTM(100, input_shape=(20, 8)))
model.add(TimeDistributed(Dense(1)))  # bug
model.compile(loss="mse", optimizer="adam")
""", """
from keras.models import Sequential
from keras.layers import LSTM, Dense, TimeDistributed
model = Sequential()
model.add(LSTM(100, input_shape=(20, 8), return_sequences=True))
model.add(TimeDistributed(Dense(1)))
model.compile(loss="mse", optimizer="adam")
""")

case("flatten_then_lstm", """
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Embedding, Flatten, LSTM, Dense
model = Sequential()
model.add(Embedding(5000, 64, input_length=100))
model.add(Flatten())
model.add(LSTM(32))  # bug
model.add(Dense(1, activation="sigmoid"))
""", """
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Embedding, Flatten, LSTM, Dense
model = Sequential()
model.add(Embedding(5000, 64, input_length=100))
model.add(LSTM(32))
model.add(Dense(1, activation="sigmoid"))
""")

case("conv1d_after_dense", """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Dense(64, activation="relu", input_shape=(100,)),
    tf.keras.layers.Conv1D(32, 3, activation="relu"),  # bug
    tf.keras.layers.GlobalMaxPooling1D(),
    tf.keras.layers.Dense(1),
])
""", """
import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.layers.Reshape((100, 1), input_shape=(100,)),
    tf.keras.layers.Conv1D(32, 3, activation="relu"),
    tf.keras.layers.GlobalMaxPooling1D(),
    tf.keras.layers.Dense(1),
])
""")

case("stateful_no_batch", """
from keras.models import Sequential
from keras.layers import LSTM, Dense
model = Sequential()
model.add(LSTM(4, input_shape=(1, 3), stateful=True))  # bug
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
""", """
import keras
from keras.models import Sequential
from keras.layers import LSTM, Dense
model = Sequential()
model.add(keras.Input(batch_shape=(1, 1, 3)))
model.add(LSTM(4, stateful=True))
model.add(Dense(1))
model.compile(loss="mse", optimizer="adam")
""")

case("stateful_fit_batch", """
import numpy as np
import keras
from keras.layers import LSTM, Dense
X = np.zeros((100, 1, 3)); y = np.zeros((100, 1))
model = keras.Sequential([keras.Input(batch_shape=(1, 1, 3)), LSTM(4, stateful=True), Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=1, shuffle=False)  # bug
""", """
import numpy as np
import keras
from keras.layers import LSTM, Dense
X = np.zeros((100, 1, 3)); y = np.zeros((100, 1))
model = keras.Sequential([keras.Input(batch_shape=(1, 1, 3)), LSTM(4, stateful=True), Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=1, batch_size=1, shuffle=False)
""")

case("subclassed_stacked_lstm", """
import tensorflow as tf
from tensorflow.keras import layers

class Forecaster(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.lstm1 = layers.LSTM(64)
        self.lstm2 = layers.LSTM(32)
        self.out = layers.Dense(1)

    def call(self, x):
        x = self.lstm1(x)
        x = self.lstm2(x)  # bug
        return self.out(x)

model = Forecaster()
model(tf.keras.Input(shape=(24, 5)))
""", """
import tensorflow as tf
from tensorflow.keras import layers

class Forecaster(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.lstm1 = layers.LSTM(64, return_sequences=True)
        self.lstm2 = layers.LSTM(32)
        self.out = layers.Dense(1)

    def call(self, x):
        x = self.lstm1(x)
        x = self.lstm2(x)
        return self.out(x)

model = Forecaster()
model(tf.keras.Input(shape=(24, 5)))
""")

case("deferred_build_predict_sample", """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense
X = np.random.rand(300, 6)
y = np.random.rand(300, 1)
model = Sequential([Dense(16, activation="relu"), Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=10)
print(model.predict(X[5]))  # bug
""", """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense
X = np.random.rand(300, 6)
y = np.random.rand(300, 1)
model = Sequential([Dense(16, activation="relu"), Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(X, y, epochs=10)
print(model.predict(X[5:6]))
""")

case("concat_after_global_pool", """
from keras.layers import Input, Conv1D, GlobalMaxPooling1D, Concatenate, Dense
from keras.models import Model
inp = Input(shape=(80, 16))
a = Conv1D(32, 3, padding="same")(inp)
b = GlobalMaxPooling1D()(Conv1D(32, 5, padding="same")(inp))
merged = Concatenate()([a, b])  # bug
out = Dense(1)(merged)
model = Model(inp, out)
""", """
from keras.layers import Input, Conv1D, GlobalMaxPooling1D, Concatenate, Dense
from keras.models import Model
inp = Input(shape=(80, 16))
a = GlobalMaxPooling1D()(Conv1D(32, 3, padding="same")(inp))
b = GlobalMaxPooling1D()(Conv1D(32, 5, padding="same")(inp))
merged = Concatenate()([a, b])
out = Dense(1)(merged)
model = Model(inp, out)
""")

case("reshape_wrong_size", """
from keras.models import Sequential
from keras.layers import Dense, Reshape, LSTM
model = Sequential()
model.add(Dense(120, input_shape=(10,)))
model.add(Reshape((10, 10)))  # bug
model.add(LSTM(8))
""", """
from keras.models import Sequential
from keras.layers import Dense, Reshape, LSTM
model = Sequential()
model.add(Dense(120, input_shape=(10,)))
model.add(Reshape((10, 12)))
model.add(LSTM(8))
""")

case("torch_linear_after_conv", """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))  # bug
        return self.fc2(x)
""", """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        return self.fc2(x)
""")

case("torch_softmax_no_dim", """
import torch.nn as nn
model = nn.Sequential(
    nn.Linear(784, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
    nn.Softmax(),  # bug
)
""", """
import torch.nn as nn
model = nn.Sequential(
    nn.Linear(784, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
    nn.Softmax(dim=1),
)
""")

case("torch_conv_on_flat", """
import torch
import torch.nn as nn
model = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 26 * 26, 10))
x = torch.randn(64, 784)
out = model(x)  # bug
""", """
import torch
import torch.nn as nn
model = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 26 * 26, 10))
x = torch.randn(64, 784).view(64, 1, 28, 28)
out = model(x)
""")

case("tfdata_unbatched_after_shuffle", """
import numpy as np
import tensorflow as tf
features = np.random.rand(1000, 20).astype("float32")
labels = np.random.randint(0, 2, size=(1000,))
ds = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(1000)
model = tf.keras.Sequential([tf.keras.Input(shape=(20,)), tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(ds, epochs=3)  # bug
""", """
import numpy as np
import tensorflow as tf
features = np.random.rand(1000, 20).astype("float32")
labels = np.random.randint(0, 2, size=(1000,))
ds = tf.data.Dataset.from_tensor_slices((features, labels)).shuffle(1000).batch(32)
model = tf.keras.Sequential([tf.keras.Input(shape=(20,)), tf.keras.layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(ds, epochs=3)
""")

case("data_built_in_loop", """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
series = np.random.rand(500)
X, y = [], []
for i in range(len(series) - 10):
    X.append(series[i:i + 10])
    y.append(series[i + 10])
X = np.array(X)
y = np.array(y)
model = Sequential([LSTM(50, input_shape=(10, 2)), Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=20)  # bug
""", """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
series = np.random.rand(500)
X, y = [], []
for i in range(len(series) - 10):
    X.append(series[i:i + 10])
    y.append(series[i + 10])
X = np.array(X)
y = np.array(y)
X = X.reshape((X.shape[0], X.shape[1], 1))
model = Sequential([LSTM(50, input_shape=(10, 1)), Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(X, y, epochs=20)
""")

case("notebook_paste_magic", """
%matplotlib inline
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Conv2D, Flatten
model = Sequential()
model.add(Conv2D(32, (3, 3), input_shape=(64, 64, 3)))
model.add(Flatten())
model.add(Dense(1, activation="softmax"))  # bug
""", """
%matplotlib inline
import numpy as np
from keras.models import Sequential
from keras.layers import Dense, Conv2D, Flatten
model = Sequential()
model.add(Conv2D(32, (3, 3), input_shape=(64, 64, 3)))
model.add(Flatten())
model.add(Dense(1, activation="sigmoid"))
""")

case("cnn_head_without_flatten", """
import numpy as np
from keras.models import Sequential
from keras.layers import Conv2D, MaxPooling2D, Dense
x = np.zeros((600, 28, 28, 1)); y = np.zeros((600,))
model = Sequential()
model.add(Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(MaxPooling2D((2, 2)))
model.add(Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=2)  # bug
""", """
import numpy as np
from keras.models import Sequential
from keras.layers import Conv2D, MaxPooling2D, Dense, Flatten
x = np.zeros((600, 28, 28, 1)); y = np.zeros((600,))
model = Sequential()
model.add(Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
model.add(MaxPooling2D((2, 2)))
model.add(Flatten())
model.add(Dense(10, activation="softmax"))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, epochs=2)
""")

case("predict_classes_removed", """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(3, activation="softmax", input_shape=(4,))])
model.compile(loss="categorical_crossentropy", optimizer="adam")
classes = model.predict_classes(np.zeros((5, 4)))  # bug
""", """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense
model = Sequential([Dense(3, activation="softmax", input_shape=(4,))])
model.compile(loss="categorical_crossentropy", optimizer="adam")
classes = np.argmax(model.predict(np.zeros((5, 4))), axis=-1)
""")

case("optimizer_lr_keyword", """
from keras.models import Sequential
from keras.layers import Dense
from keras.optimizers import Adam
model = Sequential([Dense(1, input_shape=(4,))])
model.compile(loss="mse", optimizer=Adam(lr=0.001))  # bug
""", """
from keras.models import Sequential
from keras.layers import Dense
from keras.optimizers import Adam
model = Sequential([Dense(1, input_shape=(4,))])
model.compile(loss="mse", optimizer=Adam(learning_rate=0.001))
""")

case("leaky_relu_then_lstm", """
from keras.models import Sequential
from keras.layers import Dense, LeakyReLU, LSTM
model = Sequential()
model.add(Dense(64, input_shape=(10,)))
model.add(LeakyReLU(0.2))
model.add(LSTM(32))  # bug
""", """
from keras.models import Sequential
from keras.layers import Dense, LeakyReLU, LSTM, Reshape
model = Sequential()
model.add(Dense(64, input_shape=(10,)))
model.add(LeakyReLU(0.2))
model.add(Reshape((64, 1)))
model.add(LSTM(32))
""")

case("dot_axes", """
from keras.layers import Input, Dense, Dot
from keras.models import Model
user = Input(shape=(32,))
item = Input(shape=(16,))
score = Dot(axes=1)([user, item])  # bug
model = Model([user, item], score)
""", """
from keras.layers import Input, Dense, Dot
from keras.models import Model
user = Input(shape=(32,))
item = Dense(32)(Input(shape=(16,)))
score = Dot(axes=1)([user, item])
""")

case("window_read_as_features", """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
X = np.random.rand(800, 30)
y = np.random.rand(800, 1)
X = X[:, np.newaxis, :]
model = Sequential([LSTM(20, input_shape=(30, 1)), Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(X, y)  # bug
""", """
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
X = np.random.rand(800, 30)
y = np.random.rand(800, 1)
X = X[:, :, np.newaxis]
model = Sequential([LSTM(20, input_shape=(30, 1)), Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(X, y)
""")

case("dataset_from_directory_labels", """
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("flowers/", image_size=(180, 180), batch_size=32)
model = tf.keras.Sequential([
    tf.keras.layers.Rescaling(1. / 255, input_shape=(180, 180, 3)),
    tf.keras.layers.Conv2D(16, 3, activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train_ds, epochs=5)  # bug
""", """
import tensorflow as tf
train_ds = tf.keras.utils.image_dataset_from_directory("flowers/", image_size=(180, 180), batch_size=32)
model = tf.keras.Sequential([
    tf.keras.layers.Rescaling(1. / 255, input_shape=(180, 180, 3)),
    tf.keras.layers.Conv2D(16, 3, activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(5, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, epochs=5)
""")
