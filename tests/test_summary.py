"""The static summary against Keras' own: every fully known model must have the same output
shapes and parameter counts as the real model built on TensorFlow."""
import json
import os
import textwrap

import pytest

from shapelint.core.shapes import format_shape
from shapelint.frontends.summary import format_summary, summarize

MODELS = {
    "dense chain": """
        model = keras.Sequential([keras.Input((1024,)), keras.layers.Dense(1000), keras.layers.Dense(512),
                                  keras.layers.Dense(256), keras.layers.Dense(4)])
    """,
    "big LSTM": """
        model = keras.Sequential([keras.Input((16, 4096)), keras.layers.LSTM(256)])
    """,
    "seed SimpleRNN": """
        model = keras.Sequential()
        model.add(keras.layers.SimpleRNN(10, input_shape=(3, 1)))
        model.add(keras.layers.Dense(1, activation="linear"))
    """,
    "GRU reset_after": """
        model = keras.Sequential([keras.Input((5, 8)), keras.layers.GRU(16)])
    """,
    "GRU classic": """
        model = keras.Sequential([keras.Input((5, 8)), keras.layers.GRU(16, reset_after=False, return_sequences=True),
                                  keras.layers.GRU(4)])
    """,
    "stacked LSTM": """
        model = keras.Sequential()
        model.add(keras.layers.LSTM(32, input_shape=(600, 8), return_sequences=True))
        model.add(keras.layers.LSTM(32))
        model.add(keras.layers.Dense(1))
    """,
    "bidirectional": """
        model = keras.Sequential([keras.Input((20, 6)), keras.layers.Bidirectional(keras.layers.LSTM(12, return_sequences=True)),
                                  keras.layers.Bidirectional(keras.layers.GRU(5), merge_mode="sum"), keras.layers.Dense(2)])
    """,
    "time distributed": """
        model = keras.Sequential([keras.Input((None, 1)), keras.layers.LSTM(150), keras.layers.RepeatVector(8),
                                  keras.layers.LSTM(150, return_sequences=True),
                                  keras.layers.TimeDistributed(keras.layers.Dense(1))])
    """,
    "embedding classifier": """
        model = keras.Sequential([keras.Input((200,)), keras.layers.Embedding(20000, 32),
                                  keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
    """,
    "conv1d stack": """
        model = keras.Sequential([keras.Input((128, 3)), keras.layers.Conv1D(16, 5, activation="relu"),
                                  keras.layers.MaxPooling1D(2), keras.layers.Conv1D(32, 3, padding="same", strides=2),
                                  keras.layers.AveragePooling1D(2), keras.layers.GlobalMaxPooling1D(), keras.layers.Dense(3)])
    """,
    "mnist cnn": """
        model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, (3, 3), activation="relu"),
                                  keras.layers.MaxPooling2D((2, 2)), keras.layers.Conv2D(64, 3, activation="relu"),
                                  keras.layers.MaxPooling2D(), keras.layers.Flatten(), keras.layers.Dropout(0.5),
                                  keras.layers.Dense(10, activation="softmax")])
    """,
    "cnn padding and upsampling": """
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.ZeroPadding2D(2),
                                  keras.layers.Conv2D(8, 3, strides=2, use_bias=False), keras.layers.BatchNormalization(),
                                  keras.layers.UpSampling2D(), keras.layers.GlobalAveragePooling2D()])
    """,
    "sequence autoencoder": """
        inputs = keras.Input((30, 4))
        encoded = keras.layers.LSTM(16)(inputs)
        repeated = keras.layers.RepeatVector(30)(encoded)
        decoded = keras.layers.LSTM(4, return_sequences=True)(repeated)
        model = keras.Model(inputs, decoded)
    """,
    "seed 003 api model": """
        inputs = keras.layers.Input(shape=(75,))
        x = keras.layers.Dense(1)(inputs)
        model = keras.Model(inputs, x)
    """,
    "two inputs concatenated": """
        text = keras.Input((100,))
        meta = keras.Input((12,))
        t = keras.layers.Embedding(5000, 16)(text)
        t = keras.layers.LSTM(8)(t)
        m = keras.layers.Dense(4)(meta)
        both = keras.layers.Concatenate()([t, m])
        out = keras.layers.Dense(1, activation="sigmoid")(both)
        model = keras.Model([text, meta], out)
    """,
    "residual add": """
        inputs = keras.Input((64,))
        h = keras.layers.Dense(64, activation="relu")(inputs)
        h = keras.layers.LayerNormalization()(h)
        out = keras.layers.Add()([inputs, h])
        model = keras.Model(inputs, keras.layers.Dense(2)(out))
    """,
    "reshape and permute": """
        model = keras.Sequential([keras.Input((48,)), keras.layers.Reshape((12, -1)), keras.layers.Permute((2, 1)),
                                  keras.layers.Conv1D(6, 2), keras.layers.Flatten(), keras.layers.Dense(3)])
    """,
    "stateful batch shape": """
        model = keras.Sequential([keras.Input(batch_shape=(1, 3, 1)), keras.layers.LSTM(4, stateful=True),
                                  keras.layers.Dense(1)])
    """,
    "masking and spatial dropout": """
        model = keras.Sequential([keras.Input((None, 10)), keras.layers.Masking(0.0), keras.layers.SpatialDropout1D(0.2),
                                  keras.layers.SimpleRNN(7, return_sequences=True), keras.layers.Softmax()])
    """,
    "conv1d causal dilation with upsampling": """
        model = keras.Sequential([keras.Input((50, 2)), keras.layers.ZeroPadding1D((1, 2)),
                                  keras.layers.Conv1D(4, 3, padding="causal", dilation_rate=2),
                                  keras.layers.UpSampling1D(3), keras.layers.LSTM(5, use_bias=False)])
    """,
    "multiply gate": """
        inputs = keras.Input((10, 8))
        gate = keras.layers.Dense(8, activation="sigmoid")(inputs)
        gated = keras.layers.Multiply()([inputs, gate])
        model = keras.Model(inputs, keras.layers.GRU(3)(gated))
    """,
    "advanced activations keep tracking": """
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.LeakyReLU(),
                                  keras.layers.PReLU(), keras.layers.ELU(), keras.layers.ReLU(6.0),
                                  keras.layers.GaussianNoise(0.1), keras.layers.Dense(2)])
    """,
    "image augmentation and normalization": """
        model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.RandomFlip("horizontal"), keras.layers.RandomRotation(0.1),
                                  keras.layers.Conv2D(8, 3), keras.layers.GroupNormalization(4),
                                  keras.layers.SpatialDropout2D(0.1), keras.layers.DepthwiseConv2D(3, depth_multiplier=2),
                                  keras.layers.SeparableConv2D(12, 3, padding="same"),
                                  keras.layers.GlobalMaxPooling2D(keepdims=True), keras.layers.UnitNormalization()])
    """,
    "decoder with transposed convolutions": """
        model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(7 * 7 * 8), keras.layers.Reshape((7, 7, 8)),
                                  keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same"),
                                  keras.layers.Conv2DTranspose(4, 3, strides=2),
                                  keras.layers.ZeroPadding2D(1), keras.layers.Cropping2D(2)])
    """,
    "volumes": """
        model = keras.Sequential([keras.Input((8, 16, 16, 1)), keras.layers.Conv3D(4, 3, padding="same"),
                                  keras.layers.MaxPooling3D(), keras.layers.ZeroPadding3D(1),
                                  keras.layers.Conv3DTranspose(2, 2, strides=2), keras.layers.Cropping3D(1),
                                  keras.layers.UpSampling3D((1, 2, 2)), keras.layers.AveragePooling3D(2),
                                  keras.layers.GlobalAveragePooling3D(), keras.layers.Dense(3)])
    """,
    "sequences with 1-D variants": """
        model = keras.Sequential([keras.Input((40, 6)), keras.layers.SeparableConv1D(8, 5, depth_multiplier=2),
                                  keras.layers.DepthwiseConv1D(3), keras.layers.Conv1DTranspose(4, 3, strides=2),
                                  keras.layers.SpatialDropout1D(0.1), keras.layers.LayerNormalization(),
                                  keras.layers.Bidirectional(keras.layers.GRU(5, return_sequences=True)),
                                  keras.layers.Bidirectional(keras.layers.GRU(3)), keras.layers.Dense(1)])
    """,
    "attention and dot": """
        query = keras.Input((5, 16))
        value = keras.Input((7, 16))
        context = keras.layers.Attention(use_scale=True)([query, value])
        additive = keras.layers.AdditiveAttention()([query, value])
        scores = keras.layers.Dot(axes=(2, 2))([context, additive])
        pooled = keras.layers.GlobalAveragePooling1D()(scores)
        model = keras.Model([query, value], keras.layers.Dense(2)(pooled))
    """,
    "transformer block": """
        tokens = keras.Input((20, 32))
        attended = keras.layers.MultiHeadAttention(num_heads=4, key_dim=8)(tokens, tokens)
        x = keras.layers.LayerNormalization()(keras.layers.Add()([tokens, attended]))
        cross = keras.layers.MultiHeadAttention(2, 16, value_dim=8, output_shape=12)(query=x, value=tokens)
        model = keras.Model(tokens, keras.layers.GlobalMaxPooling1D()(cross))
    """,
    "loop-built MLP": """
        model = keras.Sequential([keras.Input((20,))])
        for units in (128, 64, 32):
            model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dense(3, activation="softmax"))
    """,
}


@pytest.fixture(scope="module")
def keras():
    # Imported here, not at collection: `-m "not tensorflow"` never loads TensorFlow.  CI
    # installs TensorFlow; the tests marked `tensorflow` must run there.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    return keras


def _keras_model(keras, source):
    namespace = {"keras": keras}
    exec(source, namespace)  # our own test snippet, not user code
    return namespace["model"]


@pytest.mark.tensorflow
@pytest.mark.parametrize("source", MODELS.values(), ids=MODELS.keys())
def test_summary_matches_keras(keras, source):
    source = "import keras\n" + textwrap.dedent(source)
    summaries = summarize(source, "model.py")
    assert len(summaries) == 1
    ours = summaries[0]
    model = _keras_model(keras, source)
    theirs = [format_shape(tuple(layer.output.shape)) for layer in model.layers
              if not isinstance(layer, keras.layers.InputLayer)]
    assert [row.output for row in ours.rows if row.layer != "InputLayer"] == theirs
    assert ours.total == model.count_params()
    assert "?" not in format_summary(ours)


def test_unknown_parts_are_question_marks():
    source = textwrap.dedent("""
        import keras
        from mylib import Attention
        model = keras.Sequential([keras.Input((10, 4)), keras.layers.LSTM(8, return_sequences=True), Attention(),
                                  keras.layers.Dense(1)])
    """)
    text = format_summary(summarize(source, "m.py")[0])
    assert "LSTM (line 4)" in text and "(None, 10, 8)" in text and " 416" in text
    assert "Dense (line 5)" in text and "Total params: ?" in text


def test_unmodelled_layers_are_named_on_their_own_line():
    source = textwrap.dedent("""
        import keras
        from mylib import Attention, Custom
        model = keras.Sequential([
            keras.Input((10, 4)),
            keras.layers.LSTM(8, return_sequences=True),
            Attention(),
            keras.layers.Dense(1),
        ])
        other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
        other.add(Custom(2))
    """)
    summaries = summarize(source, "m.py")
    rows = [(r.layer, r.line) for r in summaries[0].rows]
    assert rows == [("LSTM", 6), ("Attention (not modelled)", 7), ("Dense", 8)]
    assert [(r.layer, r.line) for r in summaries[1].rows] == [("Dense", 10), ("Custom (not modelled)", 11)]


def test_shape_preserving_layers_keep_the_shapes_after_them():
    source = textwrap.dedent("""
        from keras import Sequential
        from keras.layers import Dense, LeakyReLU, PReLU, ELU, ReLU, GaussianNoise
        model = Sequential([Dense(8, input_shape=(4,)), LeakyReLU(), PReLU(), ELU(), ReLU(), GaussianNoise(0.1),
                            Dense(3)])
    """)
    rows = summarize(source, "m.py")[0].rows
    assert [r.output for r in rows] == ["(None, 8)"] * 6 + ["(None, 3)"]
    assert [r.params for r in rows] == [40, 0, 8, 0, 0, 0, 27]


def test_json_and_input_shape_on_the_command_line(tmp_path, capsys):
    from shapelint.frontends.cli import main

    path = tmp_path / "model.py"
    path.write_text(textwrap.dedent("""
        import keras
        model = keras.Sequential([keras.layers.LSTM(8), keras.layers.Dense(2)])
    """))
    assert main(["summary", "--format", "json", "--input-shape", "10,3", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(m["framework"], m["model"], m["line"]) for m in data] == [("keras", "Sequential", 3)]
    assert [(r["layer"], r["output"], r["params"]) for r in data[0]["layers"]] == [
        ("LSTM", "(None, 8)", 384), ("Dense", "(None, 2)", 18)]
    assert data[0]["total_params"] == 402
    assert main(["summary", "--input-shape", "10,x", str(path)]) == 2


def test_a_notebook_is_summarized_with_cells(capsys):
    """The code cells as one program; each row names its cell and the line in it."""
    from shapelint.frontends.cli import main

    notebook = os.path.join(os.path.dirname(__file__), "..", "fixtures", "notebooks", "lstm_stack_ok.ipynb")
    assert main(["summary", notebook]) == 0
    text = capsys.readouterr().out
    assert "lstm_stack_ok.ipynb:cell 6:1" in text and "LSTM (cell 6, line 2)" in text
    assert main(["summary", "--format", "json", notebook]) == 0
    [model] = json.loads(capsys.readouterr().out)
    assert (model["cell"], model["line"]) == (6, 1)
    assert [(r["layer"], r["cell"], r["line"], r["params"]) for r in model["layers"]] == [
        ("LSTM", 6, 2, 10400), ("LSTM", 6, 3, 20200), ("Dense", 6, 4, 51)]


TORCH_MODELS = {
    "cnn sequential": """
        model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(16, 8, 3), nn.Flatten(), nn.Linear(8 * 14 * 14, 10))
        x = torch.randn(2, 3, 32, 32)
        out = model(x)
    """,
    "mlp sequential": """
        model = nn.Sequential(nn.Linear(20, 64), nn.LeakyReLU(0.1), nn.Dropout(0.2), nn.Linear(64, 3),
                              nn.LogSoftmax(dim=1))
        out = model(torch.randn(5, 20))
    """,
    "module": """
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv1d(4, 6, 5)
                self.pool = nn.AdaptiveAvgPool1d(1)
                self.head = nn.Linear(6, 2)
                self.spare = nn.LSTM(6, 12, batch_first=True)

            def forward(self, x):
                x = self.pool(torch.relu(self.conv(x)))
                return self.head(x.flatten(1))

        model = Net()
        out = model(torch.randn(3, 4, 50))
    """,
}


@pytest.mark.torch
@pytest.mark.parametrize("source", TORCH_MODELS.values(), ids=TORCH_MODELS.keys())
def test_torch_summary_matches_pytorch(source):
    source = "import torch\nimport torch.nn as nn\n" + textwrap.dedent(source)
    summaries = summarize(source, "model.py")
    assert len(summaries) == 1
    ours = summaries[0]
    namespace = {}
    exec(source, namespace)  # our own test snippet, not user code
    model = namespace["model"]
    assert ours.total == sum(p.numel() for p in model.parameters())
    shapes = []
    hooks = [m.register_forward_hook(lambda mod, inp, out: shapes.append(format_shape(tuple(out.shape))))
             for m in model.modules() if not list(m.children())]
    model(_torch_input(source, namespace))
    for hook in hooks:
        hook.remove()
    assert [row.output for row in ours.rows] == shapes


def _torch_input(source, namespace):
    call = source.rsplit("model(", 1)[1].rsplit(")", 1)[0]
    return eval(call, namespace)  # the literal input of our own snippet


@pytest.mark.torch
def test_torch_sequential_with_input_shape():
    import torch

    source = textwrap.dedent("""
        import torch.nn as nn
        model = nn.Sequential(nn.Conv2d(1, 4, 5), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 24 * 24, 10))
    """)
    ours = summarize(source, "m.py", input_shape=(7, 1, 28, 28))[0]
    model = eval("torch.nn.Sequential(torch.nn.Conv2d(1, 4, 5), torch.nn.ReLU(), torch.nn.Flatten(), "
                            "torch.nn.Linear(4 * 24 * 24, 10))")
    x = torch.zeros(7, 1, 28, 28)
    expected = []
    for layer in model:
        x = layer(x)
        expected.append(format_shape(tuple(x.shape)))
    assert [row.output for row in ours.rows] == expected
    assert ours.total == sum(p.numel() for p in model.parameters())


def test_attention_scores_are_not_guessed():
    source = textwrap.dedent("""
        import keras
        q = keras.Input((5, 8))
        out, scores = keras.layers.MultiHeadAttention(2, 4)(q, q, return_attention_scores=True)
        both = keras.layers.Attention()([q, q], return_attention_scores=True)
        model = keras.Model(q, keras.layers.Dense(3)(out))
    """)
    rows = summarize(source, "m.py")[0].rows
    assert [(r.layer, r.output) for r in rows] == [("Dense", "?")]  # a pair returned: not a tensor
