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
    # Shape-preserving layers that must not stop tracking (issue 13), and their weights.
    ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.1,), {}),
    ("ELU", (), {}),
    ("ReLU", (), {}),
    ("ReLU", (6.0,), {}),
    ("GaussianNoise", (0.1,), {}),
    ("GaussianDropout", (0.2,), {}),
    ("AlphaDropout", (0.2,), {}),
    ("ActivityRegularization", (), {"l1": 0.01}),
    ("UnitNormalization", (), {}),
    ("Rescaling", (1 / 255,), {}),
    ("PReLU", (), {}),
    ("PReLU", (), {"shared_axes": [1]}),
    ("PReLU", (), {"shared_axes": [1, 2]}),
    ("SpatialDropout2D", (0.2,), {}),
    ("SpatialDropout3D", (0.2,), {}),
    ("GroupNormalization", (), {"groups": 1}),
    ("GroupNormalization", (1,), {"center": False}),
    ("Normalization", (), {}),
    ("Softmax", (), {"axis": 1}),
    ("LayerNormalization", (), {"scale": False}),
    ("RandomFlip", ("horizontal",), {}),
    ("RandomRotation", (0.1,), {}),
    ("RandomZoom", (0.1,), {}),
    ("RandomTranslation", (0.1, 0.2), {}),
    ("RandomContrast", (0.1,), {}),
    ("RandomBrightness", (0.1,), {}),
    # Convolutions, pooling and resampling beyond 1-D / 2-D.
    ("Conv3D", (4, 2), {}),
    ("Conv3D", (4, (1, 2, 3)), {"padding": "same", "strides": 2, "use_bias": False}),
    ("Conv1DTranspose", (4, 3), {}),
    ("Conv1DTranspose", (4, 3), {"strides": 2, "padding": "same"}),
    ("Conv1DTranspose", (4, 2), {"strides": 3}),
    ("Conv1DTranspose", (4, 3), {"strides": 2, "output_padding": 1}),
    ("Conv2DTranspose", (5, 3), {}),
    ("Conv2DTranspose", (5, (2, 3)), {"strides": (2, 1), "padding": "same", "use_bias": False}),
    ("Conv2DTranspose", (5, 3), {"strides": 2, "output_padding": 1, "padding": "same"}),
    ("Conv2DTranspose", (5, 3), {"dilation_rate": 2}),
    ("Conv3DTranspose", (2, 2), {"strides": 2}),
    ("DepthwiseConv1D", (3,), {}),
    ("DepthwiseConv1D", (3,), {"depth_multiplier": 2, "padding": "same"}),
    ("DepthwiseConv2D", (3,), {}),
    ("DepthwiseConv2D", ((2, 3),), {"depth_multiplier": 3, "strides": 2, "use_bias": False}),
    ("SeparableConv1D", (7, 3), {}),
    ("SeparableConv1D", (7, 3), {"depth_multiplier": 2, "padding": "same"}),
    ("SeparableConv2D", (7, 3), {}),
    ("SeparableConv2D", (7, (3, 2)), {"depth_multiplier": 2, "strides": 2, "use_bias": False}),
    ("MaxPooling3D", (), {}),
    ("AveragePooling3D", (2,), {"padding": "same"}),
    ("AveragePooling3D", ((1, 2, 3),), {}),
    ("GlobalMaxPooling3D", (), {}),
    ("GlobalAveragePooling3D", (), {"keepdims": True}),
    ("GlobalMaxPooling2D", (), {"keepdims": True}),
    ("UpSampling3D", (), {}),
    ("UpSampling3D", ((1, 2, 3),), {}),
    ("ZeroPadding3D", (), {}),
    ("ZeroPadding3D", (2,), {}),
    ("ZeroPadding3D", ((1, 2, 3),), {}),
    ("ZeroPadding3D", (((0, 1), (2, 3), (1, 0)),), {}),
    ("Cropping3D", (), {}),
    ("Cropping3D", (((0, 1), (2, 3), (1, 0)),), {}),
    ("Cropping3D", (3,), {}),  # 6 cropped by 3 + 3: Keras refuses it (SL105)
    ("Conv3D", (4, 7), {}),  # kernel larger than the input
]
WRAPPED = [
    ("Bidirectional", "LSTM", (6,), {}),
    ("Bidirectional", "GRU", (3,), {"return_sequences": True}),
    ("Bidirectional", "GRU", (3,), {}),
    ("Bidirectional", "GRU", (3,), {"reset_after": False}),
    ("Bidirectional", "SimpleRNN", (2,), {"return_sequences": True}),
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
    if out is None:
        return None  # arguments the catalog does not follow: unknown, and Keras must refuse them too
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


# Layers called on a list of tensors: (name, kwargs, input shapes without the batch axis).
LIST_CASES = [
    ("Dot", {"axes": 1}, [(10,), (10,)]),
    ("Dot", {"axes": 1}, [(10,), (12,)]),
    ("Dot", {"axes": -1}, [(5, 8), (7, 8)]),
    ("Dot", {"axes": -1, "normalize": True}, [(5, 8), (7, 6)]),
    ("Dot", {"axes": (1, 2)}, [(3, 5), (4, 3)]),
    ("Dot", {"axes": (1, 2)}, [(3, 5), (4, 2)]),
    ("Dot", {"axes": (2, 2)}, [(4, 6), (9, 6)]),
    ("Dot", {"axes": (-1, 1)}, [(4, 6), (6, 2)]),
    ("Dot", {"axes": [2, 1]}, [(4, 6), (6, 3)]),
    ("Dot", {"axes": 2}, [(4, 6), (4, 7)]),
    ("Dot", {"axes": 1}, [(4, 6), (4, 7)]),
    ("Dot", {"axes": -1}, [(6,), (6, 3)]),
    ("Attention", {}, [(5, 8), (7, 8)]),
    ("Attention", {"use_scale": True}, [(5, 8), (7, 8)]),
    ("Attention", {"score_mode": "concat"}, [(5, 8), (7, 8)]),
    ("Attention", {}, [(5, 8), (7, 3), (7, 8)]),
    ("AdditiveAttention", {}, [(5, 8), (7, 8)]),
    ("AdditiveAttention", {"use_scale": False}, [(5, 8), (7, 8)]),
    ("Concatenate", {}, [(5, 8), (5, 3)]),
    ("Add", {}, [(5, 8), (5, 8)]),
]


@pytest.mark.tensorflow
@pytest.mark.parametrize("name,kwargs,shapes", LIST_CASES, ids=[f"{c[0]}{c[1]}{c[2]}" for c in LIST_CASES])
def test_list_layer_matches_keras(keras, name, kwargs, shapes):
    """Our output and parameter count equal Keras's; where Keras refuses the inputs we know no
    output (and SL102 reports the Dot case, see its fixtures)."""
    layer = make_layer(catalog.LAYERS[name], None, [], dict(kwargs), False, 3)
    full = [(None,) + s for s in shapes]
    ours = catalog.apply_output(layer, full)
    try:
        inputs = [keras.Input(shape=s) for s in shapes]
        out = getattr(keras.layers, name)(**kwargs)
        model = keras.Model(inputs, out(inputs))
        theirs = (tuple(model.output_shape), model.count_params())
    except Exception:  # noqa: BLE001 - Keras refusing the inputs is the fact measured
        theirs = None
    if theirs is None:
        assert ours is None
    else:
        assert ours == theirs[0]
        assert layer.spec.params(layer, full) == theirs[1]


MHA_CASES = [
    ({"num_heads": 2, "key_dim": 4}, [(5, 8), (7, 6)]),
    ({"num_heads": 3, "key_dim": 4, "value_dim": 5}, [(5, 8), (7, 6), (7, 3)]),
    ({"num_heads": 2, "key_dim": 4, "output_shape": 10, "use_bias": False}, [(5, 8), (5, 8)]),
    ({"num_heads": 1, "key_dim": 16}, [(None, 16), (None, 16)]),
    ({"num_heads": 2, "key_dim": 4}, [(5, 8), (7, 6), (6, 3)]),  # 7 values, 6 keys: unknown
]


@pytest.mark.tensorflow
@pytest.mark.parametrize("kwargs,shapes", MHA_CASES, ids=[f"{c[0]}{c[1]}" for c in MHA_CASES])
def test_multi_head_attention_matches_keras(keras, kwargs, shapes):
    layer = make_layer(catalog.LAYERS["MultiHeadAttention"], None, [], dict(kwargs), False, 3)
    full = [(None,) + s for s in shapes]
    ours = catalog.apply_output(layer, full)
    try:
        inputs = [keras.Input(shape=s) for s in shapes]
        model = keras.Model(inputs, keras.layers.MultiHeadAttention(**kwargs)(*inputs))
        theirs = (tuple(model.output_shape), model.count_params())
    except Exception:  # noqa: BLE001 - Keras refusing the inputs is the fact measured
        theirs = None
    if ours is None:
        assert theirs is None
    else:
        assert (ours, layer.spec.params(layer, full)) == theirs
