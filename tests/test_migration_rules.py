"""Keras 2 -> 3 migration: SL302 (removed APIs), SL301's optimizer ``lr=``, SL101 for an RNN's
``input_dim=`` under Keras 3, SL111 for a Keras 2 stateful RNN without a batch size, and SL103
for input specs on later layers.  The facts the tables rest on are checked against the
installed Keras 3 (``tensorflow`` marker)."""
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from shapelint.confirm.run import CONFIRMED, confirm
from shapelint.core.config import Config
from shapelint.engine import lint_source
from shapelint.frameworks import names
from shapelint.frontends.fixes import fix_source
from shapelint.testing import codes, expected

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "keras"


def findings(source: str, **config):
    source = textwrap.dedent(source)
    return [(d.start.line, d.code) for d in lint_source(source, "<test>", Config(confirm=False, **config))]


# -- the table of removed APIs ----------------------------------------------------------------

@pytest.mark.parametrize("qualname, removed", [
    ("keras.layers.CuDNNLSTM", "layers.CuDNNLSTM"),
    ("tensorflow.keras.layers.CuDNNGRU", "layers.CuDNNGRU"),
    ("keras.utils.np_utils.to_categorical", "utils.np_utils"),
    ("keras.layers.merge.concatenate", "layers.merge"),
    ("keras.preprocessing.text.Tokenizer", "preprocessing.text"),
    ("keras.preprocessing.image.ImageDataGenerator", "preprocessing.image.ImageDataGenerator"),
    ("keras.wrappers.scikit_learn.KerasClassifier", "wrappers.scikit_learn"),
    ("tensorflow.keras.wrappers.scikit_learn.KerasRegressor", "wrappers.scikit_learn"),
    ("keras.layers.core.Dense", "layers.core"), ("keras.layers.recurrent", "layers.recurrent"),
    ("tensorflow.keras.layers.convolutional.Conv2D", "layers.convolutional"),
    ("keras.engine.topology.Layer", "engine"), ("keras.utils.generic_utils", "utils.generic_utils"),
    ("keras.layers.experimental.preprocessing.Rescaling", "layers.experimental"),
])
def test_removed_names(qualname, removed):
    assert names.keras3_removed(qualname).path == removed


@pytest.mark.parametrize("qualname", [
    "tensorflow.keras.preprocessing.image.ImageDataGenerator",  # tf.keras keeps it on TF 2.21
    "tensorflow.keras.preprocessing.text.Tokenizer",
    "tf_keras.layers.CuDNNLSTM",  # Keras 2
    "keras.src.legacy.preprocessing.image.ImageDataGenerator",
    "tensorflow.python.keras.layers.CuDNNLSTM",
    "keras.layers.Convolution2D", "keras.preprocessing.sequence.pad_sequences",
    "keras.utils.to_categorical", "keras.preprocessing.image.load_img", "keras.layers.LSTM",
    "keras.layers.merging.Concatenate", "mykeras.layers.CuDNNLSTM",
    "keras.layers.Conv2D", "keras.layers.Embedding", "keras.legacy", "tf_keras.layers.core.Dense",
    "keras.src.layers.core.dense.Dense", "tensorflow.python.keras.layers.core.Dense",
])
def test_names_still_present(qualname):
    assert names.keras3_removed(qualname) is None


@pytest.mark.tensorflow
def test_table_matches_installed_keras():
    """Every entry is gone from keras 3, and gone from tf.keras unless marked as kept."""
    importlib.import_module("keras")
    statements = {}
    for removed in names.KERAS3_REMOVED.values():
        for root in ("keras", "tensorflow.keras"):
            module, _, name = f"{root}.{removed.path}".rpartition(".")
            statements[(root, removed.path)] = (f"import {module}.{name}" if removed.module
                                                else f"from {module} import {name}")
    program = "\n".join(
        f"try:\n    {s}\nexcept ImportError:\n    print({k!r}, 'gone')\nelse:\n    print({k!r}, 'ok')"
        for k, s in statements.items())
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=600)
    lines = set(done.stdout.splitlines())
    for (root, path), _statement in statements.items():
        kept = root == "tensorflow.keras" and names.KERAS3_REMOVED[path].in_tf_keras
        assert f"{(root, path)!r} {'ok' if kept else 'gone'}" in lines, (root, path, done.stderr[-500:])


@pytest.mark.tensorflow
def test_names_never_flagged_exist():
    import keras

    assert keras.layers.Convolution2D and keras.layers.MaxPool2D
    assert keras.preprocessing.sequence.pad_sequences and keras.utils.to_categorical
    assert keras.preprocessing.image.load_img and keras.preprocessing.image.img_to_array
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    for method in ("predict_classes", "predict_proba", "fit_generator", "evaluate_generator",
                   "predict_generator"):
        assert not hasattr(model, method)


# -- SL302 --------------------------------------------------------------------------------------

def test_imports_of_still_present_names_are_silent():
    assert findings("""
        from keras.layers import Convolution2D, MaxPool2D
        from keras.preprocessing.sequence import pad_sequences
        from keras.preprocessing.image import load_img, img_to_array
        from keras.utils import to_categorical
        from tensorflow.keras.preprocessing.image import ImageDataGenerator
        from tensorflow.keras.preprocessing.text import Tokenizer
        import tensorflow as tf
        gen = tf.keras.preprocessing.image.ImageDataGenerator(rescale=1 / 255)
    """) == []


def test_legacy_module_paths_name_the_import_to_write():
    """A Keras 1/2 module path (old tutorials): the model is still followed, the import is
    SL302, and the message gives the same import from keras.layers, aliases and spelling kept."""
    source = textwrap.dedent("""
        from keras.models import Sequential
        from keras.layers.core import Dense, Dropout as Drop
        from tensorflow.keras.layers.recurrent import LSTM
        import keras.layers.convolutional
        model = Sequential([LSTM(8, input_shape=(10, 3)), LSTM(4), Drop(0.1), Dense(1)])
    """)
    found = {(d.start.line, d.code): d.message for d in lint_source(source, "<test>", Config(confirm=False))}
    assert sorted(found) == [(3, "SL302"), (4, "SL302"), (5, "SL302"), (6, "SL101")]
    assert found[(3, "SL302")].endswith("use from keras.layers import Dense, Dropout as Drop")
    assert found[(4, "SL302")].endswith("use from tensorflow.keras.layers import LSTM")
    assert "from keras.layers import Conv1D, Conv2D, MaxPooling2D" in found[(5, "SL302")]
    assert findings(source, target_keras=2) == [(6, "SL101")]
    called = lint_source("import keras\nlayer = keras.layers.core.Dense(3)\nold = keras.layers.recurrent.CuDNNLSTM(3)\n",
                         "<test>", Config(confirm=False))
    assert [d.message.rsplit(": use ", 1)[-1] for d in called][0] == "keras.layers.Dense"
    assert "keras.layers.CuDNNLSTM" not in called[1].message  # Keras 3 has none: the table's words


def test_legacy_module_imports_are_fixed_to_keras_layers():
    """A safe fix takes the same names from keras.layers (tf.keras spelling, aliases, comments
    and parentheses kept), only when Keras 3 has every name there."""
    source = textwrap.dedent("""\
        from keras.models import Sequential
        from keras.layers.core import Dense, Dropout as Drop  # a comment
        from tensorflow.keras.layers.recurrent import LSTM
        from keras.layers.core import Highway
        from keras.layers.convolutional import (
            Conv2D,
            MaxPooling2D,
        )
        model = Sequential([LSTM(8, input_shape=(10, 3)), Drop(0.1), Dense(1)])
    """)
    fixed = fix_source(source, "<test>", Config(confirm=False))
    assert fixed.text == source.replace("keras.layers.core import Dense", "keras.layers import Dense") \
        .replace("keras.layers.recurrent", "keras.layers").replace("keras.layers.convolutional", "keras.layers")
    assert [(d.start.line, d.code) for d in fixed.remaining] == [(4, "SL302")]  # Keras 3 has no Highway
    assert "the keras.layers.core module is gone" in fixed.remaining[0].message


@pytest.mark.tensorflow
def test_names_the_import_fix_moves_exist_in_keras_layers():
    import keras
    import tensorflow as tf

    from shapelint.frameworks.keras.removed import KERAS3_LAYER_NAMES

    missing = [name for name in KERAS3_LAYER_NAMES
               if not hasattr(keras.layers, name) or not hasattr(tf.keras.layers, name)]
    assert missing == []


def test_removed_import_reported_once_per_statement_module():
    assert findings("from keras.layers.merge import concatenate, add, multiply\n") == [(1, "SL302")]
    assert findings("import keras.utils.np_utils as nu\ny = nu.to_categorical([1, 0], 2)\n") == [(1, "SL302")]


def test_from_import_then_call_reports_the_import_only():
    assert findings("""
        from keras.layers import CuDNNLSTM
        layer = CuDNNLSTM(32)
    """) == [(2, "SL302")]


def test_attribute_calls_reported():
    assert findings("""
        import keras
        from keras import layers
        a = keras.layers.CuDNNGRU(32)
        b = layers.CuDNNLSTM(32)
        c = keras.preprocessing.text.Tokenizer(num_words=100)
        d = keras.utils.np_utils.to_categorical([0, 1], 2)
        e = keras.preprocessing.image.ImageDataGenerator(rescale=1 / 255)
    """) == [(4, "SL302"), (5, "SL302"), (6, "SL302"), (7, "SL302"), (8, "SL302")]


def test_standalone_image_generator_keeps_its_batch_shapes():
    """SL302 on the removed class, and the generator still checked like data (the port keeps
    its shapes): the plug-in that models it still gets the call."""
    source = """
        import keras
        from keras.models import Sequential
        from keras.layers import Dense, Flatten
        gen = keras.preprocessing.image.ImageDataGenerator(rescale=1 / 255)
        batches = gen.flow_from_directory("data/train", target_size=(64, 64), class_mode="binary", batch_size=8)
        model = Sequential([Flatten(input_shape=(32, 32, 3)), Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        model.fit(batches, epochs=1)
    """
    found = findings(source)
    assert (5, "SL302") in found
    assert any(code == "SL131" and line == 9 for line, code in found), found


@pytest.mark.parametrize("source", [
    "try:\n    from keras.layers import CuDNNLSTM\nexcept ImportError:\n    from keras.layers import LSTM as CuDNNLSTM\n",
    "import keras\nif keras.__version__.startswith('2'):\n    from keras.utils import np_utils\n",
    "import keras\nif hasattr(keras.layers, 'CuDNNGRU'):\n    rnn = keras.layers.CuDNNGRU(8)\n",
    "import keras\ntry:\n    rnn = keras.layers.CuDNNGRU(8)\nexcept AttributeError:\n    rnn = keras.layers.GRU(8)\n",
    "import pytest\nwith pytest.raises(ImportError):\n    from keras.utils import np_utils\n",
    "from tf_keras.layers import CuDNNLSTM\n",
    "import tf_keras\nm = tf_keras.Sequential([tf_keras.layers.Dense(1, input_shape=(2,))])\nm.predict_classes([[1, 2]])\n",
    "from mylib.keras.layers import CuDNNLSTM\n",
    "from .keras.utils import np_utils\n",
])
def test_guarded_or_foreign_code_is_silent(source):
    assert findings(source) == []


def test_keras2_target_is_silent():
    path = FIXTURES / "keras3_removed_imports.py"
    assert "SL302" not in codes(path.read_text(), target_keras=2, confirm=False)
    path = FIXTURES / "keras3_removed_api.py"
    assert "SL302" not in codes(path.read_text(), target_keras=2, confirm=False)


def test_predict_classes_advice_follows_the_output():
    source = """
        from keras.models import Sequential
        from keras.layers import Dense
        binary = Sequential([Dense(1, activation="sigmoid", input_shape=(4,))])
        labels = binary.predict_classes(x)
        multi = Sequential([Dense(5, activation="softmax", input_shape=(4,))])
        labels = multi.predict_classes(x)
    """
    messages = [d.message for d in lint_source(textwrap.dedent(source), "<t>", Config(confirm=False))]
    assert "> 0.5" in messages[0] and "argmax" not in messages[0]
    assert "argmax" in messages[1] and "> 0.5" not in messages[1]


def test_unknown_model_is_silent():
    assert findings("from keras.models import load_model\nm = load_model('m.h5')\nm.predict_classes(x)\n") == []


def test_fit_generator_worker_arguments_named():
    source = """
        from keras.models import Sequential
        from keras.layers import Dense
        m = Sequential([Dense(1, input_shape=(4,))])
        m.fit_generator(gen, steps_per_epoch=10, workers=4, use_multiprocessing=True)
    """
    [diag] = lint_source(textwrap.dedent(source), "<t>", Config(confirm=False))
    assert diag.code == "SL302" and "workers=, use_multiprocessing=" in diag.message


# -- SL301: an optimizer's lr= ------------------------------------------------------------------

def test_optimizer_lr():
    assert findings("""
        import keras
        from keras.optimizers import Adam
        from torch.optim import SGD
        a = Adam(lr=0.1)
        b = keras.optimizers.Nadam(lr=0.1)
        c = SGD(params, lr=0.1)
        d = Adam(learning_rate=0.1)
        e = keras.optimizers.legacy.Adam(lr=0.1)
    """) == [(5, "SL301"), (6, "SL301")]
    assert findings("from keras.optimizers import Adam\na = Adam(lr=0.1)\n", target_keras=2) == []


def test_optimizer_lr_fix():
    path = FIXTURES / "keras2_optimizer_lr.py"
    source = path.read_text()
    fixed = fix_source(source, str(path), Config(confirm=False))
    assert fixed.text == source.replace("(lr=", "(learning_rate=")
    assert len(fixed.applied) == 3 and fixed.remaining == []


# -- SL101: input_dim on a first RNN under Keras 3 --------------------------------------------

def test_rnn_input_dim_is_a_rank_finding():
    source = "from keras.models import Sequential\nfrom keras.layers import LSTM\nm = Sequential([LSTM(8, input_dim=3)])\n"
    assert sorted(findings(source)) == [(3, "SL101"), (3, "SL301")]
    assert findings(source, target_keras=2) == []


@pytest.mark.parametrize("layer", [
    "LSTM(8, input_dim=3, input_shape=(5, 3))",  # SL103's conflict
    "LSTM(8, input_shape=(5, 3))",
    "Dense(8, input_dim=3)",
])
def test_rnn_input_dim_other_forms_not_sl101(layer):
    source = f"from keras.models import Sequential\nfrom keras.layers import LSTM, Dense\nm = Sequential([{layer}])\n"
    assert "SL101" not in [code for _, code in findings(source)]


def test_rnn_input_dim_on_a_later_layer_is_the_rank_of_its_input():
    source = ("from keras.models import Sequential\nfrom keras.layers import LSTM, Dense\n"
              "m = Sequential([Dense(4, input_shape=(3, 2)), LSTM(8, input_dim=4)])\n")
    assert findings(source) == []


# -- SL111: one finding per model input --------------------------------------------------------

def test_stateful_reported_once_per_input():
    path = FIXTURES / "stateful_input_dim_k2.py"
    assert sorted(findings(path.read_text(), target_keras=2)) == sorted(expected(path.read_text()))


# -- SL103: only where the layer can take what it receives ---------------------------------------

def test_ignored_spec_of_the_wrong_rank_is_left_to_sl101():
    source = ("from keras.models import Sequential\nfrom keras.layers import LSTM, Dense\n"
              "m = Sequential([Dense(8, input_shape=(4,)), LSTM(8, input_dim=5)])\n")
    assert findings(source, target_keras=2) == [(3, "SL101")]


@pytest.mark.tensorflow
@pytest.mark.parametrize("name", ["keras3_removed_api.py", "keras3_removed_imports.py",
                                  "keras2_optimizer_lr.py", "keras3_rnn_input_dim.py",
                                  "input_spec_later_layer.py", "legacy_module_paths.py"])
def test_fixture_findings_confirmed(name):
    path = FIXTURES / name
    diagnostics = lint_source(path.read_text(), str(path))
    assert {(d.start.line, d.code) for d in diagnostics} == expected(path.read_text())
    verdicts = confirm(diagnostics, use_cache=False)
    assert [d.verdict for d in verdicts] == [CONFIRMED] * len(diagnostics), [d.tf_message for d in verdicts]


@pytest.mark.tensorflow
@pytest.mark.parametrize("name", ["stateful_input_dim_k2.py", "input_spec_later_layer_k2.py"])
def test_keras2_fixture_findings_confirmed_by_tf_keras(name):
    path = FIXTURES / name
    diagnostics = lint_source(path.read_text(), str(path), Config(target_keras=2))
    assert {(d.start.line, d.code) for d in diagnostics} == expected(path.read_text())
    verdicts = confirm(diagnostics, use_cache=False)
    assert [d.verdict for d in verdicts] == [CONFIRMED] * len(diagnostics), [d.tf_message for d in verdicts]
