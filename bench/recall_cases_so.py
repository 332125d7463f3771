"""Hold-out recall cases transcribed from real public Q&A threads and issue reports (Stack
Overflow and its mirrors, Stack Exchange, GitHub issues, PyTorch forum), each with the thread's
address above it.  The poster's code is kept as posted (old Keras 1/2 argument names, missing
imports, undefined data, pandas / file loading, loops, helper functions); only syntax typos that
made the snippet unparsable were repaired, and each such repair is noted.

``# bug`` marks the line(s) the accepted answer / fix changes.  When the fix only *inserts* a
statement (a reshape, a to_categorical, an unsqueeze), the marker is on the statement that
consumes the un-fixed value (where the error is raised), as bench/recall_cases.py does.
The fixed version is the program after the answer's change, nothing else.

Run with ``python bench/recall.py --cases so``.
"""

CASES = {}


def case(name, bug, fixed):
    CASES[name] = (bug, fixed)


# ---------------------------------------------------------------- Keras: LSTM rank / stacking

# https://stackoverflow.com/questions/40331510/how-to-stack-multiple-lstm-in-keras
case("so40331510_stack_lstm", """
model = Sequential()
model.add(LSTM(100,input_shape =(time_steps,vector_size)))  # bug
model.add(LSTM(100))
""", """
model = Sequential()
model.add(LSTM(100,input_shape =(time_steps,vector_size), return_sequences=True))
model.add(LSTM(100))
""")

# https://github.com/keras-team/keras/issues/5447
case("keras5447_doc_lstm_second_layer", """
model = Sequential()
model.add(LSTM(32, input_dim=64, input_length=10))  # bug

# for subsequent layers, not need to specify the input size:
model.add(LSTM(16))
""", """
model = Sequential()
model.add(LSTM(32, input_dim=64, input_length=10, return_sequences=True))

# for subsequent layers, not need to specify the input size:
model.add(LSTM(16))
""")

# https://github.com/keras-team/keras/issues/3522
# (repaired typo: the post has `input_shape(10,13)` and a missing parenthesis)
case("keras3522_lstm_512_stack", """
model = Sequential()
model.add(LSTM(512, input_shape=(10,13)))  # bug
model.add(LSTM(512))
model.add(Dense(1201))
""", """
model = Sequential()
model.add(LSTM(512, return_sequences=True, input_shape=(10,13)))
model.add(LSTM(512))
model.add(Dense(1201))
""")

# https://github.com/bibtissam/LSTM-Attention-FraudDetection/pull/3
case("pr_lstm_attention_functional_stack", """
x1=LSTM(50,dropout=0.3,recurrent_dropout=0.2)(inputs)  # bug
x2=LSTM(50,dropout=0.3,recurrent_dropout=0.2)(x1)
""", """
x1=LSTM(50,dropout=0.3,recurrent_dropout=0.2,return_sequences=True)(inputs)
x2=LSTM(50,dropout=0.3,recurrent_dropout=0.2)(x1)
""")

# https://www.pythond.com/52081/como-procesar-la-forma-de-entrada-y-salida-para-keras-lstm.html
# (mirror of the Stack Overflow question "How to process input and output shape for keras LSTM")
case("so_lstm_make_regression_2d", """
from sklearn.datasets import make_regression
from keras.models import Sequential
from keras.layers import Dense,Activation,LSTM
#creating sample dataset
X,Y=make_regression(100,9,9,2)
X.shape
Y.shape
#creating LSTM model
model = Sequential()
model.add(LSTM(32, input_dim=9))  # bug
model.add(Dense(2))
model.compile(loss='mean_squared_error', optimizer='adam')
#model fitting
model.fit(X, Y, nb_epoch=1, batch_size=32)  # bug
""", """
from sklearn.datasets import make_regression
from keras.models import Sequential
from keras.layers import Dense,Activation,LSTM
#creating sample dataset
X, Y = make_regression(100, 9, 9, 2)
X = X.reshape(X.shape + (1,))
#creating LSTM model
model = Sequential()
model.add(LSTM(32, input_shape=(9, 1)))
model.add(Dense(2))
model.compile(loss='mean_squared_error', optimizer='adam')
model.fit(X, Y, nb_epoch=1, batch_size=32)
""")

# ---------------------------------------------------------------- Keras: softmax on one unit

# https://techfeed.net/es/456718/  (mirror of the Stack Overflow question
# "Why does a binary Keras CNN always predict 1?")
case("so_binary_cnn_always_predicts_1", """
model = Sequential()
model.add(Convolution1D(input_shape = (10, 4),
                        nb_filter=16,
                        filter_length=4,
                        border_mode='same'))
model.add(BatchNormalization())
model.add(LeakyReLU())
model.add(Dropout(0.2))

model.add(Convolution1D(nb_filter=8,
                        filter_length=4,
                        border_mode='same'))
model.add(BatchNormalization())
model.add(LeakyReLU())
model.add(Dropout(0.2))

model.add(Flatten())

model.add(Dense(64))
model.add(BatchNormalization())
model.add(LeakyReLU())

model.add(Dense(1))
model.add(Activation('softmax'))  # bug

reduce_lr    = ReduceLROnPlateau(monitor='val_acc', factor=0.9, patience=30, min_lr=0.000001, verbose=0)

model.compile(optimizer='adam',
              loss='binary_crossentropy',
              metrics=['accuracy'])

history = model.fit(X_train, y_train,
          nb_epoch = 100,
          batch_size = 128,
          verbose=0,
          validation_data=(X_test, y_test),
          callbacks=[reduce_lr],
          shuffle=True)

y_pred = model.predict(X_test)
""", """
model = Sequential()
model.add(Convolution1D(input_shape = (10, 4),
                        nb_filter=16,
                        filter_length=4,
                        border_mode='same'))
model.add(BatchNormalization())
model.add(LeakyReLU())
model.add(Dropout(0.2))

model.add(Convolution1D(nb_filter=8,
                        filter_length=4,
                        border_mode='same'))
model.add(BatchNormalization())
model.add(LeakyReLU())
model.add(Dropout(0.2))

model.add(Flatten())

model.add(Dense(64))
model.add(BatchNormalization())
model.add(LeakyReLU())

model.add(Dense(1))
model.add(Activation('sigmoid'))

reduce_lr    = ReduceLROnPlateau(monitor='val_acc', factor=0.9, patience=30, min_lr=0.000001, verbose=0)

model.compile(optimizer='adam',
              loss='binary_crossentropy',
              metrics=['accuracy'])

history = model.fit(X_train, y_train,
          nb_epoch = 100,
          batch_size = 128,
          verbose=0,
          validation_data=(X_test, y_test),
          callbacks=[reduce_lr],
          shuffle=True)

y_pred = model.predict(X_test)
""")

# https://stats.stackexchange.com/revisions/2bda6552-783b-4fb7-ba2b-a03d2266e69b/view-source
# (the accepted edit: "in this model, softmax always predicts 1" -> sigmoid)
case("stats_softmax_one_unit_in_cv_loop", """
import numpy as np
X = np.array([[c == '1' for c in line] for line in [
    '1101111111011111111111111111111100011010111110010011111111111111011111110111111111111101111111111110',
    '0011111001000001011010001011000100010001110011011101111111110000111111001001001001110011011101111000',
    '0111101111010000000000111110001101000010110000101111010111100110010110000110011000001010000000000110']])
X = X.T
n_cases = X.shape[0]
y = np.sum(X, axis = 1) > 1
np.random.seed(123)
n_folds = 10
folds = np.repeat(range(n_folds), np.ceil(n_cases / n_folds))[
    range(n_cases)]
np.random.shuffle(folds)
y_pred = np.zeros_like(y)
for fold_i in range(n_folds):
    print("Fold", fold_i)
    import os; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    from tensorflow.keras.models import Sequential
    from tensorflow.keras.layers import Dense, Activation
    model = Sequential([
        Dense(10, activation = "relu"),
        Dense(1, activation = "softmax")])  # bug
    model.compile(
        optimizer = "rmsprop",
        loss = "binary_crossentropy")
    model.fit(
        X[folds != fold_i], y[folds != fold_i],
        verbose = False, epochs = 300,
        batch_size = np.sum(folds != fold_i) // 5 + 1)
    y_pred[folds == fold_i] = (model.predict(X[folds == fold_i])[:,0] > .5)
print(np.mean(y_pred == y))
""", """
import numpy as np
X = np.array([[c == '1' for c in line] for line in [
    '1101111111011111111111111111111100011010111110010011111111111111011111110111111111111101111111111110',
    '0011111001000001011010001011000100010001110011011101111111110000111111001001001001110011011101111000',
    '0111101111010000000000111110001101000010110000101111010111100110010110000110011000001010000000000110']])
X = X.T
n_cases = X.shape[0]
y = np.sum(X, axis = 1) > 1
np.random.seed(123)
n_folds = 10
folds = np.repeat(range(n_folds), np.ceil(n_cases / n_folds))[
    range(n_cases)]
np.random.shuffle(folds)
y_pred = np.zeros_like(y)
for fold_i in range(n_folds):
    print("Fold", fold_i)
    import os; os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    from tensorflow.keras.models import Sequential
    from tensorflow.keras.layers import Dense, Activation
    model = Sequential([
        Dense(10, activation = "relu"),
        Dense(1, activation = "sigmoid")])
    model.compile(
        optimizer = "rmsprop",
        loss = "binary_crossentropy")
    model.fit(
        X[folds != fold_i], y[folds != fold_i],
        verbose = False, epochs = 300,
        batch_size = np.sum(folds != fold_i) // 5 + 1)
    y_pred[folds == fold_i] = (model.predict(X[folds == fold_i])[:,0] > .5)
print(np.mean(y_pred == y))
""")

# https://www.52sbl.cn/discussion/115307.html  (mirror of a Data Science Stack Exchange question:
# LSTM on IMDb reviews, accuracy stuck at 50 %; answer: sigmoid, not softmax, on one unit)
case("dse_imdb_lstm_softmax_one_unit", """
model = Sequential()
model.add(Embedding(
    input_dim=vocab_size,
    output_dim=word_embed_vector_size,
    input_length=sentence_len_max)
)
model.add(LSTM(units=1))
model.add(Dense(1, activation='softmax'))  # bug
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy', 'binary_accuracy'])
model.summary()
losses = model.fit(
    x = term_idx_train,
    y = y_train,
    epochs = epochs,
    batch_size = batch_size,
    validation_split = 0.01
)
""", """
model = Sequential()
model.add(Embedding(
    input_dim=vocab_size,
    output_dim=word_embed_vector_size,
    input_length=sentence_len_max)
)
model.add(LSTM(units=1))
model.add(Dense(1, activation='sigmoid'))
model.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy', 'binary_accuracy'])
model.summary()
losses = model.fit(
    x = term_idx_train,
    y = y_train,
    epochs = epochs,
    batch_size = batch_size,
    validation_split = 0.01
)
""")

# ---------------------------------------------------------------- Keras: conv input shapes

# https://stackoverflow.com/questions/38656566/input-dimensions-to-a-one-dimensional-convolutional-network-in-keras
case("so38656566_conv1d_input_shape_swapped", """
conv = Sequential()
conv.add(Convolution1D(64, 10, input_shape=(1,101)))  # bug
conv.add(Activation('relu'))
conv.add(MaxPooling1D(2))
conv.add(Flatten())
conv.add(Dense(10))
conv.add(Activation('tanh'))
conv.add(Dense(4))
conv.add(Activation('softmax'))
""", """
conv = Sequential()
conv.add(Convolution1D(64, 10, input_shape=(101,1)))
conv.add(Activation('relu'))
conv.add(MaxPooling1D(2))
conv.add(Flatten())
conv.add(Dense(10))
conv.add(Activation('tanh'))
conv.add(Dense(4))
conv.add(Activation('softmax'))
""")

# https://www.e-learn.cn/qa/answer/389272/1161311.html  (mirror of the Stack Overflow question
# "Negative dimension size caused by subtracting 3 from 1 for 'conv2d_2/convolution'")
case("so_conv2d_channels_first_negative_dim", """
model = Sequential()
model.add(Convolution2D(32, (3, 3), activation='relu', input_shape=(1,28,28)))  # bug
""", """
model = Sequential()
model.add(Convolution2D(32, (3, 3), activation='relu', input_shape=(1,28,28), data_format='channels_first'))
""")

# https://viralsfire.com/post/input-0-of-layer-conv1d-is-incompatible-with-the-layer
# (write-up of a Stack Overflow question; fix: Input(shape=(series_input_train.shape[1], 1)))
case("so_conv1d_functional_input_rank2", """
series_input = Input(shape = (series_input_train.shape[1], ), name = 'series_input')  # bug
x = Conv1D(filters=32, kernel_size=5, strides=1, padding="causal", activation="relu")(series_input)
""", """
series_input = Input(shape = (series_input_train.shape[1], 1), name = 'series_input')
x = Conv1D(filters=32, kernel_size=5, strides=1, padding="causal", activation="relu")(series_input)
""")

# https://github.com/keras-team/keras/issues/12951  (answer: padding='same'; all four
# convolutions are changed, since with only the first one the fourth still fails)
case("keras12951_conv_stack_negative_dim", """
model = models.Sequential()
model.add(layers.Conv2D(16, (3, 3), activation='relu', input_shape=(28,28, 1)))  # bug
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(32, (3, 3), activation='relu'))  # bug
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu'))  # bug
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(128, (3, 3), activation='relu'))  # bug
model.add(layers.MaxPooling2D((2, 2)))
""", """
model = models.Sequential()
model.add(layers.Conv2D(16, (3, 3), activation='relu', input_shape=(28,28, 1), padding='same'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(32, (3, 3), activation='relu', padding='same'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation='relu', padding='same'))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(128, (3, 3), activation='relu', padding='same'))
model.add(layers.MaxPooling2D((2, 2)))
""")

# https://github.com/akshaybahadur21/QuickDraw/issues/1  (model function as in the repository,
# see also https://github.com/keras-team/keras/issues/13344)
case("quickdraw1_conv2d_input_shape_no_channel", """
def keras_model(image_x, image_y):
    num_of_classes = 15
    model = Sequential()
    model.add(Conv2D(32, (5, 5), input_shape=(image_x,image_y), activation='relu'))  # bug
    model.add(MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding='same'))
    model.add(Conv2D(64, (5, 5), activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding='same'))

    model.add(Flatten())
    model.add(Dense(512, activation='relu'))
    model.add(Dropout(0.6))
    model.add(Dense(128, activation='relu'))
    model.add(Dropout(0.6))
    model.add(Dense(num_of_classes, activation='softmax'))

    model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
    filepath = "QuickDraw.h5"
    checkpoint = ModelCheckpoint(filepath, monitor='val_acc', verbose=1, save_best_only=True, mode='max')
    callbacks_list = [checkpoint]

    return model, callbacks_list

model, callbacks_list = keras_model(28, 28)
""", """
def keras_model(image_x, image_y):
    num_of_classes = 15
    model = Sequential()
    model.add(Conv2D(32, (5, 5), input_shape=(image_x, image_y, 1), activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding='same'))
    model.add(Conv2D(64, (5, 5), activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding='same'))

    model.add(Flatten())
    model.add(Dense(512, activation='relu'))
    model.add(Dropout(0.6))
    model.add(Dense(128, activation='relu'))
    model.add(Dropout(0.6))
    model.add(Dense(num_of_classes, activation='softmax'))

    model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
    filepath = "QuickDraw.h5"
    checkpoint = ModelCheckpoint(filepath, monitor='val_acc', verbose=1, save_best_only=True, mode='max')
    callbacks_list = [checkpoint]

    return model, callbacks_list

model, callbacks_list = keras_model(28, 28)
""")

# https://github.com/keras-team/keras/issues/3385  (answer: Reshape((1,57,47), input_shape=(2679,)))
case("keras3385_reshape_missing_channel_axis", """
model = Sequential()
model.add(Reshape((57, 47), input_shape=(2679,)))  # bug
model.add(Convolution2D(10,5,5,border_mode='same'))
model.add(MaxPooling2D(pool_size=(2, 2), strides=None, border_mode='valid', dim_ordering='th'))
model.add(Dropout(0.5))
model.add(Convolution2D(15,5, 5, border_mode='same'))
model.add(MaxPooling2D(pool_size=(2, 2), strides=None, border_mode='valid', dim_ordering='th'))
model.add(Dropout(0.5))
model.add(Flatten())
model.add(Dense(output_dim = 2000))
model.add(Activation('tanh'))
model.add(Dense(40, init='uniform'))
model.add(Activation('softmax'))
model.compile(optimizer = 'rmsprop', loss = 'categorical_crossentropy', metrics=['accuracy'], sample_weight_mode=None)
""", """
model = Sequential()
model.add(Reshape((1,57, 47), input_shape=(2679,)))
model.add(Convolution2D(10,5,5,border_mode='same'))
model.add(MaxPooling2D(pool_size=(2, 2), strides=None, border_mode='valid', dim_ordering='th'))
model.add(Dropout(0.5))
model.add(Convolution2D(15,5, 5, border_mode='same'))
model.add(MaxPooling2D(pool_size=(2, 2), strides=None, border_mode='valid', dim_ordering='th'))
model.add(Dropout(0.5))
model.add(Flatten())
model.add(Dense(output_dim = 2000))
model.add(Activation('tanh'))
model.add(Dense(40, init='uniform'))
model.add(Activation('softmax'))
model.compile(optimizer = 'rmsprop', loss = 'categorical_crossentropy', metrics=['accuracy'], sample_weight_mode=None)
""")

# ---------------------------------------------------------------- Keras: data vs. model

# https://github.com/keras-team/keras/issues/9282  (answer: input_dim=3)
case("keras9282_pandas_input_dim", """
data = pd.read_csv("mk.csv")
dataset = data.values



x = dataset[:,0:3]
y = dataset[:,3]
model = Sequential()

model = Sequential()
model.add(Dense(8, input_dim=4, activation='relu'))  # bug
model.add(Dense(3, activation='softmax'))

model.compile(optimizer=Adam(lr=0.1),loss=binary_crossentropy,metrics=['accuracy'])
model.fit(x,y,epochs=505)
""", """
data = pd.read_csv("mk.csv")
dataset = data.values



x = dataset[:,0:3]
y = dataset[:,3]
model = Sequential()

model = Sequential()
model.add(Dense(8, input_dim=3, activation='relu'))
model.add(Dense(3, activation='softmax'))

model.compile(optimizer=Adam(lr=0.1),loss=binary_crossentropy,metrics=['accuracy'])
model.fit(x,y,epochs=505)
""")

# https://github.com/keras-team/keras/issues/3109  (answer: y_train = to_categorical(y_train, 10);
# the model lines follow the original post)
case("keras3109_integer_labels_categorical", """
X_train = np.array([[1,2], [6,5], [8,2]])
y_train = np.array([2,3,7])
input_dim = X_train.shape[1]
model = Sequential()
model.add(Dense(output_dim=64, input_dim=input_dim))
model.add(Activation("relu"))
model.add(Dense(output_dim=10))
model.add(Activation("softmax"))
model.compile(loss='categorical_crossentropy', optimizer='sgd', metrics=['accuracy'])
model.fit(X_train, y_train, nb_epoch=5, batch_size=32)  # bug
""", """
from keras.utils import to_categorical
X_train = np.array([[1,2], [6,5], [8,2]])
y_train = np.array([2,3,7])
input_dim = X_train.shape[1]
y_train = to_categorical(y_train,10)
model = Sequential()
model.add(Dense(output_dim=64, input_dim=input_dim))
model.add(Activation("relu"))
model.add(Dense(output_dim=10))
model.add(Activation("softmax"))
model.compile(loss='categorical_crossentropy', optimizer='sgd', metrics=['accuracy'])
model.fit(X_train, y_train, nb_epoch=5, batch_size=32)
""")

# https://e-com-net.com/article/1282004287597068288.htm  (Fashion-MNIST into the course's
# subclassed Baseline model; fix: reshape x_train / x_test to (n, 28, 28, 1))
case("blog_fashion_mnist_subclassed_conv", """
import tensorflow as tf
from tensorflow.keras.layers import Conv2D, BatchNormalization, Activation, MaxPool2D, Dropout, Flatten, Dense
from tensorflow.keras import Model

fashion = tf.keras.datasets.fashion_mnist
(x_train, y_train), (x_test, y_test) = fashion.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0


class Baseline(Model):
    def __init__(self):
        super(Baseline, self).__init__()
        self.c1 = Conv2D(filters=6, kernel_size=(5, 5), padding='same')
        self.b1 = BatchNormalization()
        self.a1 = Activation('relu')
        self.p1 = MaxPool2D(pool_size=(2, 2), strides=2, padding='same')
        self.d1 = Dropout(0.2)

        self.flatten = Flatten()
        self.f1 = Dense(128, activation='relu')
        self.d2 = Dropout(0.2)
        self.f2 = Dense(10, activation='softmax')

    def call(self, x):
        x = self.c1(x)
        x = self.b1(x)
        x = self.a1(x)
        x = self.p1(x)
        x = self.d1(x)

        x = self.flatten(x)
        x = self.f1(x)
        x = self.d2(x)
        y = self.f2(x)
        return y


model = Baseline()

model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False),
              metrics=['sparse_categorical_accuracy'])

history = model.fit(x_train, y_train, batch_size=32, epochs=5, validation_data=(x_test, y_test),  # bug
                    validation_freq=1)
model.summary()
""", """
import tensorflow as tf
from tensorflow.keras.layers import Conv2D, BatchNormalization, Activation, MaxPool2D, Dropout, Flatten, Dense
from tensorflow.keras import Model

fashion = tf.keras.datasets.fashion_mnist
(x_train, y_train), (x_test, y_test) = fashion.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
x_train = x_train.reshape(x_train.shape[0], 28, 28, 1)
x_test = x_test.reshape(x_test.shape[0], 28, 28, 1)


class Baseline(Model):
    def __init__(self):
        super(Baseline, self).__init__()
        self.c1 = Conv2D(filters=6, kernel_size=(5, 5), padding='same')
        self.b1 = BatchNormalization()
        self.a1 = Activation('relu')
        self.p1 = MaxPool2D(pool_size=(2, 2), strides=2, padding='same')
        self.d1 = Dropout(0.2)

        self.flatten = Flatten()
        self.f1 = Dense(128, activation='relu')
        self.d2 = Dropout(0.2)
        self.f2 = Dense(10, activation='softmax')

    def call(self, x):
        x = self.c1(x)
        x = self.b1(x)
        x = self.a1(x)
        x = self.p1(x)
        x = self.d1(x)

        x = self.flatten(x)
        x = self.f1(x)
        x = self.d2(x)
        y = self.f2(x)
        return y


model = Baseline()

model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False),
              metrics=['sparse_categorical_accuracy'])

history = model.fit(x_train, y_train, batch_size=32, epochs=5, validation_data=(x_test, y_test),
                    validation_freq=1)
model.summary()
""")

# ---------------------------------------------------------------- Keras: stateful RNNs

# https://github.com/keras-team/keras/issues/20327  (fit needs batch_size=1 to match batch_shape)
case("keras20327_stateful_fit_default_batch", """
import keras
import numpy as np

model = keras.Sequential([
    keras.layers.Input(batch_shape=[1, 10, 3]),
    keras.layers.LSTM(10, return_sequences=True, stateful=True),
    keras.layers.LSTM(10, return_sequences=True, stateful=True),
    keras.layers.Dense(5)
])

model.compile(loss="mse", optimizer="sgd")

X_train = np.random.rand(100, 10, 3)
y_train = np.random.rand(100, 10, 5)
model.fit(X_train, y_train, epochs=1)  # bug
""", """
import keras
import numpy as np

model = keras.Sequential([
    keras.layers.Input(batch_shape=[1, 10, 3]),
    keras.layers.LSTM(10, return_sequences=True, stateful=True),
    keras.layers.LSTM(10, return_sequences=True, stateful=True),
    keras.layers.Dense(5)
])

model.compile(loss="mse", optimizer="sgd")

X_train = np.random.rand(100, 10, 3)
y_train = np.random.rand(100, 10, 5)
model.fit(X_train, y_train, epochs=1, batch_size=1)
""")

# https://github.com/keras-team/keras/issues/4010  (batch_input_shape's batch must be the
# batch_size given to fit)
case("keras4010_stateful_batch_input_shape", """
#X_train.shape= (55, 2000, 425), y_train.shape= (55, 2000, 199)

####model####
n_input=425
n_output=199
size=2000
batch=5
no_epochs=2

model = Sequential()
model.add(LSTM(64, return_sequences=True, batch_input_shape=(size, size, n_input), activation="linear", stateful=True))  # bug
model.add(SimpleRNN(n_output,return_sequences=True, activation='tanh', stateful=True))

sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
model.compile(optimizer=sgd, loss='mean_squared_error' ,metrics=['accuracy'])

model.fit(X_train, y_train, batch_size=batch, nb_epoch=no_epochs)
""", """
#X_train.shape= (55, 2000, 425), y_train.shape= (55, 2000, 199)

####model####
n_input=425
n_output=199
size=2000
batch=5
no_epochs=2

model = Sequential()
model.add(LSTM(64, return_sequences=True, batch_input_shape=(batch, size, n_input), activation="linear", stateful=True))
model.add(SimpleRNN(n_output,return_sequences=True, activation='tanh', stateful=True))

sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
model.compile(optimizer=sgd, loss='mean_squared_error' ,metrics=['accuracy'])

model.fit(X_train, y_train, batch_size=batch, nb_epoch=no_epochs)
""")

# ---------------------------------------------------------------- PyTorch

# https://discuss.pytorch.org/t/how-to-apply-1d-convolution-on-data-having-batch-size-1/190653
case("torchforum190653_conv1d_channels_last", """
import torch
import torch.nn as nn

# Define our input data (128 samples, each with a sequence of 64 features)

input_data = torch.randn(128, 64)
input_data1 = input_data.unsqueeze(0)
print(input_data.shape)

# Define the 1D CNN model

conv1d = nn.Conv1d(in_channels=64, out_channels=32, kernel_size=3)

output = conv1d(input_data1)  # bug
print(output.shape)
print(output.unsqueeze(0).shape)
""", """
import torch
import torch.nn as nn

# Define our input data (128 samples, each with a sequence of 64 features)

input_data = torch.randn(128, 64)
input_data1 = input_data.unsqueeze(0)
print(input_data.shape)

# Define the 1D CNN model

conv1d = nn.Conv1d(in_channels=64, out_channels=32, kernel_size=3)

output = conv1d(input_data1.permute(0, 2, 1).contiguous())
print(output.shape)
print(output.unsqueeze(0).shape)
""")

# https://androidkt.com/fix-runtimeerror-mat1-and-mat2-shapes-cannot-be-multiplied/
# (tutorial built around the error: Linear(1050, 10) must be Linear(32 * 7 * 7, 10))
case("androidkt_linear_in_features_1050", """
import torch
import torch.nn as nn
from torchsummary import summary

class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(in_channels=1,out_channels=16,kernel_size=5,stride=1,padding=2),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2))
        self.conv2 = nn.Sequential(
            nn.Conv2d(16, 32, 5, 1, 2),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        # fully connected layer, output 10 classes
        self.out = nn.Linear(1050, 10)  # bug

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        # flatten the output of conv2 to (batch_size, 32 * 7 * 7)
        x = x.view(x.size(0), -1)
        output = self.out(x)
        return output, x    # return x for visualization

cnn = CNN()
summary(cnn, (1, 28, 28))
""", """
import torch
import torch.nn as nn
from torchsummary import summary

class CNN(nn.Module):
    def __init__(self):
        super(CNN, self).__init__()
        self.conv1 = nn.Sequential(
            nn.Conv2d(in_channels=1,out_channels=16,kernel_size=5,stride=1,padding=2),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2))
        self.conv2 = nn.Sequential(
            nn.Conv2d(16, 32, 5, 1, 2),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        # fully connected layer, output 10 classes
        self.out = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = self.conv2(x)
        # flatten the output of conv2 to (batch_size, 32 * 7 * 7)
        x = x.view(x.size(0), -1)
        output = self.out(x)
        return output, x    # return x for visualization

cnn = CNN()
summary(cnn, (1, 28, 28))
""")

# https://github.com/mrdbourke/pytorch-deep-learning/issues/763  (TinyVGG of the course's
# notebook 03; answer: in_features=hidden_units*7*7; the last two lines are a harness calling
# the model on a batch of Fashion-MNIST-sized images, output_shape=10 for len(class_names))
case("mrdbourke763_tinyvgg_in_features", """
import torch
from torch import nn

class FashionMNISTModelV2(nn.Module):
    def __init__(self, input_shape: int, hidden_units: int, output_shape: int):
        super().__init__()
        self.block_1 = nn.Sequential(
            nn.Conv2d(in_channels=input_shape,
                      out_channels=hidden_units,
                      kernel_size=3,
                      stride=1,
                      padding=1),
            nn.ReLU(),
            nn.Conv2d(in_channels=hidden_units,
                      out_channels=hidden_units,
                      kernel_size=3,
                      stride=1,
                      padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2,
                         stride=2)
        )
        self.block_2 = nn.Sequential(
            nn.Conv2d(hidden_units, hidden_units, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden_units, hidden_units, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features=hidden_units,  # bug
                      out_features=output_shape)
        )

    def forward(self, x: torch.Tensor):
        x = self.block_1(x)
        x = self.block_2(x)
        x = self.classifier(x)
        return x

torch.manual_seed(42)
model_2 = FashionMNISTModelV2(input_shape=1,
    hidden_units=10,
    output_shape=10)
images = torch.randn(size=(32, 1, 28, 28))
model_2(images)
""", """
import torch
from torch import nn

class FashionMNISTModelV2(nn.Module):
    def __init__(self, input_shape: int, hidden_units: int, output_shape: int):
        super().__init__()
        self.block_1 = nn.Sequential(
            nn.Conv2d(in_channels=input_shape,
                      out_channels=hidden_units,
                      kernel_size=3,
                      stride=1,
                      padding=1),
            nn.ReLU(),
            nn.Conv2d(in_channels=hidden_units,
                      out_channels=hidden_units,
                      kernel_size=3,
                      stride=1,
                      padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2,
                         stride=2)
        )
        self.block_2 = nn.Sequential(
            nn.Conv2d(hidden_units, hidden_units, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden_units, hidden_units, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features=hidden_units*7*7,
                      out_features=output_shape)
        )

    def forward(self, x: torch.Tensor):
        x = self.block_1(x)
        x = self.block_2(x)
        x = self.classifier(x)
        return x

torch.manual_seed(42)
model_2 = FashionMNISTModelV2(input_shape=1,
    hidden_units=10,
    output_shape=10)
images = torch.randn(size=(32, 1, 28, 28))
model_2(images)
""")

# https://github.com/DeepReinforcementLearning/DeepReinforcementLearningInAction/issues/32
# (Softmax(dim=0) over a batch of states; fix: dim=1 and unsqueeze the single state; l1/l2/l3 as
# in the book; harness: state_batch stands for the batch built from the replay transitions)
case("drlia32_softmax_dim0_on_batch", """
import numpy as np
import torch

l1 = 4
l2 = 150
l3 = 2

model = torch.nn.Sequential(
    torch.nn.Linear(l1, l2),
    torch.nn.LeakyReLU(),
    torch.nn.Linear(l2, l3),
    torch.nn.Softmax(dim=0)  # bug
)

state_batch = torch.randn(64, 4)
pred_batch = model(state_batch)
""", """
import numpy as np
import torch

l1 = 4
l2 = 150
l3 = 2

model = torch.nn.Sequential(
    torch.nn.Linear(l1, l2),
    torch.nn.LeakyReLU(),
    torch.nn.Linear(l2, l3),
    torch.nn.Softmax(dim=1)
)

state_batch = torch.randn(64, 4)
pred_batch = model(state_batch)
""")

# https://github.com/michuanhaohao/reid-strong-baseline/issues/6  (answer: data.unsqueeze(0))
case("reid6_single_image_no_batch", """
transform = T.Compose([
        T.Resize(cfg.INPUT.SIZE_TEST),
        T.ToTensor(),
        T.Normalize(mean=cfg.INPUT.PIXEL_MEAN, std=cfg.INPUT.PIXEL_STD)
    ])

device = cfg.MODEL.DEVICE
num_classes = 751
model = build_model(cfg, num_classes)
model.load_param(cfg.TEST.WEIGHT)
model.to(device)
model.eval()
img_path="~/dataset/market1501/query/1061_c2s2_138552_00.jpg"
img = Image.open(img_path).convert('RGB')
data = transform(img)
with torch.no_grad():
     data = data.cuda()
     feat = model(data)  # bug
""", """
transform = T.Compose([
        T.Resize(cfg.INPUT.SIZE_TEST),
        T.ToTensor(),
        T.Normalize(mean=cfg.INPUT.PIXEL_MEAN, std=cfg.INPUT.PIXEL_STD)
    ])

device = cfg.MODEL.DEVICE
num_classes = 751
model = build_model(cfg, num_classes)
model.load_param(cfg.TEST.WEIGHT)
model.to(device)
model.eval()
img_path="~/dataset/market1501/query/1061_c2s2_138552_00.jpg"
img = Image.open(img_path).convert('RGB')
data = transform(img)
data = data.unsqueeze(0)
with torch.no_grad():
     data = data.cuda()
     feat = model(data)
""")

# https://github.com/tinkerhub/ComputerVision-with-PyTorch-Learning-Program/issues/81
# (the result of x.view(...) is thrown away, so fc1 gets the 4-d map: "m1: [96 x 6], m2: [576 x 120]";
# fix: x = x.view(...).  Harness: the last line calls the net on the tutorial's 1x1x32x32 input,
# which is what the error's 96 = 16*6 rows implies)
case("tinkerhub81_view_result_discarded", """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):

  def __init__(self):
    super(Net, self). __init__()
    self.conv1 = nn.Conv2d(1, 6, 3)
    self.conv2 = nn.Conv2d(6, 16, 3)
    self.fc1 = nn.Linear(16*6*6, 120)
    self.fc2 = nn.Linear(120, 84)
    self.fc3 = nn.Linear(84, 10)

  def forward(self, x):
    x = F.max_pool2d(torch.sigmoid(self.conv1(x)), (2, 2))
    x = F.max_pool2d(torch.sigmoid(self.conv2(x)), 2)
    x.view(-1, self.nflat_feat(x))  # bug
    x = torch.sigmoid(self.fc1(x))
    x = torch.sigmoid(self.fc2(x))
    x = self.fc3(x)

  def nflat_feat(self, x):
    size = x.size()[1:]
    num_feat = 1
    for s in size:
      num_feat *= s
    return num_feat

net = Net()
print(net)
out = net(torch.randn(1, 1, 32, 32))
""", """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):

  def __init__(self):
    super(Net, self). __init__()
    self.conv1 = nn.Conv2d(1, 6, 3)
    self.conv2 = nn.Conv2d(6, 16, 3)
    self.fc1 = nn.Linear(16*6*6, 120)
    self.fc2 = nn.Linear(120, 84)
    self.fc3 = nn.Linear(84, 10)

  def forward(self, x):
    x = F.max_pool2d(torch.sigmoid(self.conv1(x)), (2, 2))
    x = F.max_pool2d(torch.sigmoid(self.conv2(x)), 2)
    x = x.view(-1, self.nflat_feat(x))
    x = torch.sigmoid(self.fc1(x))
    x = torch.sigmoid(self.fc2(x))
    x = self.fc3(x)

  def nflat_feat(self, x):
    size = x.size()[1:]
    num_feat = 1
    for s in size:
      num_feat *= s
    return num_feat

net = Net()
print(net)
out = net(torch.randn(1, 1, 32, 32))
""")

# https://github.com/udacity/deep-learning-v2-pytorch/issues/86  (typo `imagees`: the flattened
# batch is never used, "m1: [1792 x 28], m2: [784 x 256]"; fix: images = images.view(images.shape[0], -1);
# trainloader as in the course notebook)
case("udacity86_flatten_typo_in_loop", """
import torch
from torch import nn, optim
from torchvision import datasets, transforms

transform = transforms.Compose([transforms.ToTensor(),
                                transforms.Normalize((0.5,), (0.5,))])
trainset = datasets.FashionMNIST('~/.pytorch/F_MNIST_data/', download=True, train=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)

model = nn.Sequential(nn.Linear(784, 256),
                      nn.ReLU(),
                      nn.Linear(256, 128),
                      nn.ReLU(),
                      nn.Linear(128, 64),
                      nn.ReLU(),
                      nn.Linear(64, 10),
                      nn.LogSoftmax(dim=1))

criterion = nn.NLLLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)

# TODO: Train the network here
epochs = 5

for e in range(epochs):
    running_loss = 0
    for images, labels in trainloader:
        # Flatten MNIST images into a 784 long vector
        imagees = images.view(1,-1)  # bug

        log_ps = model(images)
        loss = criterion(log_ps, labels)

        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        running_loss += loss.item()
    else:
        print("Training loss:",running_loss/len(trainloader))
""", """
import torch
from torch import nn, optim
from torchvision import datasets, transforms

transform = transforms.Compose([transforms.ToTensor(),
                                transforms.Normalize((0.5,), (0.5,))])
trainset = datasets.FashionMNIST('~/.pytorch/F_MNIST_data/', download=True, train=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)

model = nn.Sequential(nn.Linear(784, 256),
                      nn.ReLU(),
                      nn.Linear(256, 128),
                      nn.ReLU(),
                      nn.Linear(128, 64),
                      nn.ReLU(),
                      nn.Linear(64, 10),
                      nn.LogSoftmax(dim=1))

criterion = nn.NLLLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)

# TODO: Train the network here
epochs = 5

for e in range(epochs):
    running_loss = 0
    for images, labels in trainloader:
        # Flatten MNIST images into a 784 long vector
        images = images.view(images.shape[0], -1)

        log_ps = model(images)
        loss = criterion(log_ps, labels)

        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

        running_loss += loss.item()
    else:
        print("Training loss:",running_loss/len(trainloader))
""")

# https://github.com/tensorflow/tensorflow/issues/31600  (answer: Dense needs a batch axis; predict
# on np.array([[...]]))
case("tf31600_predict_1d_sample", """
import numpy as np
import tensorflow as tf

trainarray = np.array([0,0,0,0,0,0,0])
model = tf.keras.models.Sequential([
  tf.keras.layers.Dense(7, input_shape= trainarray.shape),
  tf.keras.layers.Dense(12),
  tf.keras.layers.Dense(1)
])
model.predict(np.array([0,0,0,0,0,0,0]))  # bug
""", """
import numpy as np
import tensorflow as tf

trainarray = np.array([0,0,0,0,0,0,0])
model = tf.keras.models.Sequential([
  tf.keras.layers.Dense(7, input_shape= trainarray.shape),
  tf.keras.layers.Dense(12),
  tf.keras.layers.Dense(1)
])
model.predict(np.array([[0,0,0,0,0,0,0]]))
""")

# https://codewithsundeep.com/discussion/solution/53784998  (mirror of Stack Overflow 53784998
# "How are the pytorch dimensions for linear layers calculated?"; the post prints the Net
# repr, the layers below are that repr with the blitz tutorial's forward, which reproduces the
# posted "m1: [1 x 936144]" exactly: 16 * 297 * 197 = 936144; answer: fc1 in_features = 936144)
case("so53784998_linear_400_on_1200x800", """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 8, 5)
        self.conv2 = nn.Conv2d(8, 16, 5)
        self.fc1 = nn.Linear(400, 3)  # bug

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = self.fc1(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]
        num_features = 1
        for s in size:
            num_features *= s
        return num_features

net = Net()
out = net(torch.randn(1, 3, 1200, 800))
""", """
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 8, 5)
        self.conv2 = nn.Conv2d(8, 16, 5)
        self.fc1 = nn.Linear(16 * 297 * 197, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = self.fc1(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]
        num_features = 1
        for s in size:
            num_features *= s
        return num_features

net = Net()
out = net(torch.randn(1, 3, 1200, 800))
""")
