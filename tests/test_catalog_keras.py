"""The layer catalog against real Keras 3 on TensorFlow: accepted ranks, output shapes and
parameter counts must equal what Keras itself computes."""
import os

import pytest

from shapelint.frameworks.keras import catalog
from shapelint.frameworks.keras.propagate import make_layer

CASES = [
    ("Dense", (7,), {}),
    ("Dense", (3,), {"use_bias": False, "activation": "relu"}),
    ("Activation", ("relu",), {}),
    ("Dropout", (0.5,), {}),
    ("SpatialDropout1D", (0.2,), {}),
    ("Masking", (), {}),
    ("Softmax", (), {}),
    ("LSTM", (5,), {}),
    ("LSTM", (5,), {"return_sequences": True}),
    ("LSTM", (5,), {"use_bias": False}),
    ("GRU", (4,), {}),
    ("GRU", (4,), {"reset_after": False, "return_sequences": True}),
    ("SimpleRNN", (10,), {}),
    ("RepeatVector", (3,), {}),
    ("Embedding", (50, 4), {}),
    ("Conv1D", (6, 3), {}),
    ("Conv1D", (6, 3), {"padding": "same", "strides": 2}),
    ("Conv1D", (6, 2), {"padding": "causal", "dilation_rate": 2}),
    ("Conv2D", (6, 3), {}),
    ("Conv2D", (6, (2, 3)), {"padding": "same", "strides": (2, 1)}),
    ("MaxPooling1D", (), {}),
    ("MaxPooling1D", (3,), {"strides": 1, "padding": "same"}),
    ("AveragePooling1D", (2,), {}),
    ("MaxPooling2D", ((2, 2),), {}),
    ("AveragePooling2D", (3,), {"padding": "same"}),
    ("GlobalMaxPooling1D", (), {}),
    ("GlobalAveragePooling1D", (), {"keepdims": True}),
    ("GlobalMaxPooling2D", (), {}),
    ("GlobalAveragePooling2D", (), {}),
    ("Flatten", (), {}),
    ("Reshape", ((-1,),), {}),
    ("Permute", ((2, 1),), {}),
    ("BatchNormalization", (), {}),
    ("LayerNormalization", (), {}),
    ("ZeroPadding1D", (2,), {}),
    ("ZeroPadding2D", (((1, 2), (3, 4)),), {}),
    ("UpSampling1D", (3,), {}),
    ("Cropping1D", (), {}),
    ("Cropping1D", ((2, 1),), {}),
    ("Cropping1D", (3,), {}),  # 6 steps cropped by 3 + 3: Keras refuses it (SL105)
    ("Cropping2D", (), {}),
    ("Cropping2D", (((1, 2), (0, 3)),), {}),
    ("Cropping2D", ((1, 2),), {}),
    ("Cropping2D", (3,), {}),  # 6 rows cropped by 3 + 3
    # Windows larger than the input (6 steps / rows): no output shape, Keras refuses too (SL105).
    ("Conv1D", (4, 7), {}),
    ("Conv2D", (4, (3, 9)), {}),
    ("Conv2D", (4, 3), {"dilation_rate": 3}),
    ("MaxPooling1D", (7,), {}),
    ("AveragePooling2D", ((2, 9),), {}),
    ("MaxPooling2D", (3,), {"strides": 1}),
    ("UpSampling2D", ((2, 3),), {}),
]
WRAPPED = [
    ("Bidirectional", "LSTM", (6,), {}),
    ("Bidirectional", "GRU", (3,), {"return_sequences": True}),
    ("TimeDistributed", "Dense", (4,), {}),
    ("TimeDistributed", "Conv1D", (4, 2), {}),
]
SHAPES = [(6,), (6, 8), (6, 8, 5), (6, 8, 5, 4)]


@pytest.fixture(scope="module")
def keras():
    # Imported here, not at collection: `-m "not tensorflow"` never loads TensorFlow.  CI
    # installs TensorFlow; the tests marked `tensorflow` must run there.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    return keras


def _keras_result(keras, layer_factory, shape):
    try:
        model = keras.Sequential([keras.Input(shape=shape), layer_factory()])
    except Exception:  # noqa: BLE001 - Keras refusing the input is the fact measured
        return None
    return tuple(model.output_shape), model.count_params()


def _ours(layer, shape):
    full = (None,) + shape
    if not catalog.accepts_rank(layer.spec, layer, len(full)):
        return None
    if catalog.shrunk_output(layer, [full]) is not None:
        return None  # a size of 0 or less: Keras refuses to build it (SL105)
    out = catalog.apply_output(layer, [full])
    params = layer.spec.params(layer, [full]) if layer.spec.params else None
    return out, params


@pytest.mark.tensorflow
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"rank{len(s) + 1}")
@pytest.mark.parametrize("name,args,kwargs", CASES, ids=[f"{c[0]}{c[2] or ''}" for c in CASES])
def test_layer_matches_keras(keras, name, args, kwargs, shape):
    spec = catalog.LAYERS[name]
    ours = _ours(make_layer(spec, None, list(args), dict(kwargs), False, 3), shape)
    theirs = _keras_result(keras, lambda: getattr(keras.layers, name)(*args, **kwargs), shape)
    assert (ours is None) == (theirs is None), f"catalog accepts={ours is not None}, keras={theirs is not None}"
    if ours is not None:
        assert ours[0] == theirs[0]
        assert ours[1] == theirs[1]


@pytest.mark.tensorflow
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"rank{len(s) + 1}")
@pytest.mark.parametrize("wrapper,name,args,kwargs", WRAPPED, ids=[f"{w[0]}-{w[1]}" for w in WRAPPED])
def test_wrapper_matches_keras(keras, wrapper, name, args, kwargs, shape):
    inner = make_layer(catalog.LAYERS[name], None, list(args), dict(kwargs), False, 3)
    outer = make_layer(catalog.LAYERS[wrapper], None, [inner], {}, False, 3)
    ours = _ours(outer, shape)
    layers = keras.layers
    theirs = _keras_result(keras, lambda: getattr(layers, wrapper)(getattr(layers, name)(*args, **kwargs)), shape)
    if ours is not None and ours[0] is None:
        ours = None  # the wrapper accepts the rank but the inner layer cannot: also a failure
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert ours == theirs


def test_ground_truth_parameter_counts():
    lstm = make_layer(catalog.LAYERS["LSTM"], None, [256], {}, False, 3)
    assert lstm.spec.params(lstm, [(None, 16, 4096)]) == 4_457_472
    rnn = make_layer(catalog.LAYERS["SimpleRNN"], None, [10], {}, False, 3)
    assert rnn.spec.params(rnn, [(None, 3, 1)]) == 120
    gru = make_layer(catalog.LAYERS["GRU"], None, [16], {}, False, 3)
    assert gru.spec.params(gru, [(None, 5, 8)]) == 1_248
