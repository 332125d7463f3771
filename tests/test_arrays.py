"""Data shapes the extraction can prove, seen through the value a name ends up bound to."""
import textwrap

import libcst as cst
import pytest

from shapelint.core.analysis import Analysis
from shapelint.core.shapes import UNKNOWN_DIM
from shapelint.frameworks.data.arrays import ArrayVal, DatasetVal
from shapelint.interp.interpreter import Frame, Interpreter, Scope

Q = UNKNOWN_DIM


def bound(source: str, name: str):
    module = cst.parse_module(textwrap.dedent(source))
    interpreter = Interpreter(module, 3, Analysis(target_keras=3))
    scope = Scope()
    interpreter.exec_block(module.body, Frame(scope))
    return scope.vars[name]


CASES = [
    ("a = np.zeros((4, 5, 1))", (4, 5, 1)),
    ("a = np.array([[1, 2, 3], [4, 5, 6]])", (2, 3)),
    ("a = np.random.rand(100, 20).reshape(-1, 20, 1)", (100, 20, 1)),
    ("a = np.reshape(unknown, (unknown.shape[0], 3, 1))", (Q, 3, 1)),
    ("a = np.expand_dims(np.zeros((5, 1)), 0)", (1, 5, 1)),
    ("a = np.zeros((10, 3)).T", (3, 10)),
    ("a = np.zeros((10, 3, 2))[:, 0]", (10, 2)),
    ("a = np.zeros((10, 3))[2:8]", (6, 3)),
    ("a = np.zeros((10, 3))[0]", (3,)),
    ("a = np.concatenate([np.zeros((10, 3)), np.zeros((5, 3))])", (15, 3)),
    ("a = np.stack([np.zeros(3), np.zeros(3)], axis=1)", (3, 2)),
    ("a = np.eye(500, 5)", (500, 5)),
    ("a = np.random.randint(0, 5, size=(64,))", (64,)),
    ("a = keras.utils.to_categorical(np.zeros((60, 1)), num_classes=10)", (60, 10)),
    ("(a, b), _ = keras.datasets.cifar10.load_data()", (50000, 32, 32, 3)),
    ("a = np.array([np.zeros(4) for _ in range(3)])", (3, 4)),
]


@pytest.mark.parametrize("code,shape", CASES, ids=[c[0] for c in CASES])
def test_array_shapes(code, shape):
    value = bound("import numpy as np\nimport keras\n" + code, "a")
    assert isinstance(value, ArrayVal) and value.shape == shape


@pytest.mark.parametrize("code", [
    "a = np.array(rows)",
    "a = np.zeros((4, 5)); a.resize((20,))",
    "a = np.zeros((4, 5))[mask]",
    "a = np.load('x.npy')",
])
def test_unknown_arrays(code):
    assert not isinstance(bound("import numpy as np\n" + code, "a"), ArrayVal)


def test_datasets_track_batching():
    source = """
        import numpy as np
        import tensorflow as tf
        X, y = np.zeros((100, 75)), np.zeros((100,))
        raw = tf.data.Dataset.from_tensor_slices((X, y)).shuffle(100).map(f)
        ds = tf.data.Dataset.from_tensor_slices((X, y)).shuffle(100).batch(32).prefetch(2)
    """
    raw, ds = bound(source, "raw"), bound(source, "ds")
    assert isinstance(raw, DatasetVal) and raw.batch is None
    assert isinstance(ds, DatasetVal) and ds.batch == 32 and ds.element == ((75,), ())
