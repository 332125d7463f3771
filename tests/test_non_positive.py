"""SL105 / SL202: a convolution, pooling or cropping window larger than what reaches it.

Reported once, on the layer that cannot compute its output; nothing after it is judged; and
only when the sizes are known (a PyTorch input's sizes usually are not)."""
from pathlib import Path

import pytest

from shapelint.confirm.run import CONFIRMED, confirm
from shapelint.engine import lint_source
from shapelint.testing import codes, expected

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def keras_model(body: str) -> str:
    return "import keras\nfrom keras import layers\n" + body


@pytest.mark.parametrize("body", [
    "x = keras.Input((3, 32, 32))\ny = layers.Conv2D(16, 5)(x)\n",
    "x = keras.Input((3, 3, 1))\ny = layers.Conv2D(4, 4)(x)\n",  # output exactly 0
    "x = keras.Input((3, 1))\ny = layers.Conv1D(4, 5)(x)\n",
    "x = keras.Input((5, 5, 1))\ny = layers.Conv2D(4, 3, dilation_rate=3)(x)\n",
    "x = keras.Input((2, 8, 1))\ny = layers.Conv2D(4, 3, strides=2)(x)\n",
    "x = keras.Input((1, 1, 8))\ny = layers.MaxPooling2D()(x)\n",
    "x = keras.Input((1, 5, 8))\ny = layers.AveragePooling2D(2)(x)\n",
    "x = keras.Input((3, 8))\ny = layers.MaxPooling1D(4)(x)\n",
    "x = keras.Input((4, 5, 1))\ny = layers.Cropping2D(((2, 2), (0, 0)))(x)\n",
    "x = keras.Input((4, 1))\ny = layers.Cropping1D(2)(x)\n",
    "m = keras.Sequential([keras.Input((2, 4, 4, 1)), layers.TimeDistributed(layers.Conv2D(4, 5))])\n",
    "m = keras.Sequential([layers.Conv2D(8, 7, input_shape=(6, 6, 1))])\n",
])
def test_window_larger_than_input(body):
    assert codes(keras_model(body)) == ["SL105"]


@pytest.mark.parametrize("body", [
    "x = keras.Input((3, 32, 32))\ny = layers.Conv2D(16, 5, data_format='channels_first')(x)\n",
    "x = keras.Input((3, 3, 1))\ny = layers.Conv2D(4, 5, padding='same')(x)\n",
    "x = keras.Input((3, 3, 1))\ny = layers.Conv2D(4, 3)(x)\n",  # output exactly 1
    "x = keras.Input((1, 1, 8))\ny = layers.MaxPooling2D(padding='same')(x)\n",
    "x = keras.Input((None, None, 3))\ny = layers.Conv2D(4, 5)(x)\n",
    "x = keras.Input((3, 1))\ny = layers.Conv1D(4, 5, padding='causal')(x)\n",
    "x = keras.Input((5, 1))\ny = layers.Cropping1D(2)(x)\n",
    "def build(k):\n    x = keras.Input((3, 3, 1))\n    return layers.Conv2D(4, k)(x)\n",
])
def test_silent_when_it_fits_or_is_unknown(body):
    assert codes(keras_model(body)) == []


def test_reported_once_and_nothing_after_it_is_judged():
    source = keras_model(
        "x = keras.Input((1, 1, 8))\n"
        "y = layers.MaxPooling2D()(x)\n"
        "y = layers.Conv2D(4, 3)(y)\n"
        "y = layers.LSTM(3)(y)\n"
        "z = layers.Concatenate()([y, keras.Input((7,))])\n"
    )
    found = lint_source(source, "<test>")
    assert [(d.code, d.start.line) for d in found] == [("SL105", 4)]


def test_message_says_shapes_source_and_fix():
    (diag,) = lint_source(keras_model("x = keras.Input((3, 32, 32))\ny = layers.Conv2D(16, 5)(x)\n"), "<test>")
    text = str(diag.message)
    assert "(None, 3, 32, 32)" in text and "Input at line 3" in text
    assert "data_format='channels_first'" in text and "(32, 32, 3)" in text
    (diag,) = lint_source(keras_model("x = keras.Input((3, 3, 1))\ny = layers.Conv2D(4, 5)(x)\n"), "<test>")
    assert "padding='same'" in str(diag.message) and "needs at least 5 rows" in str(diag.message)


@pytest.mark.tensorflow
def test_keras_fixture_findings_are_confirmed():
    path = FIXTURES / "keras" / "non_positive_conv.py"
    diagnostics = lint_source(path.read_text(), str(path))
    assert {(d.start.line, d.code) for d in diagnostics} == expected(path.read_text())
    verdicts = confirm(diagnostics, use_cache=False)
    assert [d.verdict for d in verdicts] == [CONFIRMED] * len(expected(path.read_text()))


def torch_model(body: str) -> str:
    return "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n" + body


@pytest.mark.parametrize("body", [
    "y = nn.Conv2d(1, 2, 5)(torch.zeros(1, 1, 3, 3))\n",
    "y = nn.Conv2d(1, 2, 5)(torch.zeros(1, 3, 3))\n",  # unbatched
    "y = nn.Conv1d(1, 2, 9, padding=1)(torch.zeros(2, 1, 6))\n",
    "y = F.max_pool2d(torch.zeros(1, 4, 1, 1), 2)\n",
    "y = nn.AvgPool1d(4)(torch.zeros(1, 1, 3))\n",
    "y = nn.ConvTranspose2d(1, 2, 1, padding=2)(torch.zeros(1, 1, 2, 2))\n",  # padding eats the output
    "m = nn.Sequential(nn.Conv2d(3, 8, 3), nn.MaxPool2d(2), nn.Conv2d(8, 8, 3))\ny = m(torch.zeros(1, 3, 6, 6))\n",
    "x = torch.zeros(64, 784)\ny = nn.Conv2d(1, 4, 3)(x.view(-1, 1, 28, 28)[:, :, :2])\n",
])
def test_torch_window_larger_than_input(body):
    assert codes(torch_model(body)) == ["SL202"]


@pytest.mark.parametrize("body", [
    "y = nn.Conv2d(1, 2, 5)(torch.zeros(1, 1, 5, 5))\n",  # output exactly 1
    "y = nn.Conv2d(1, 2, 5, padding=1)(torch.zeros(1, 1, 3, 3))\n",
    "y = nn.Conv2d(1, 2, 5, padding='same')(torch.zeros(1, 1, 3, 3))\n",
    "y = nn.MaxPool2d(2, ceil_mode=True)(torch.zeros(1, 4, 1, 1))\n",
    "y = nn.AdaptiveAvgPool2d(4)(torch.zeros(1, 4, 1, 1))\n",
    "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.conv = nn.Conv2d(3, 8, 7)\n    def forward(self, x):\n        return self.conv(x)\n",
])
def test_torch_silent_when_it_fits_or_sizes_are_unknown(body):
    assert codes(torch_model(body)) == []


def test_torch_channels_are_sl201_not_sl202():
    # Wrong channels AND too small: PyTorch checks the channels first.
    assert codes(torch_model("y = nn.Conv2d(3, 2, 5)(torch.zeros(1, 1, 3, 3))\n")) == ["SL201"]


def test_torch_reported_once_and_nothing_after_it_is_judged():
    source = torch_model(
        "m = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(4, 8, 3), nn.Flatten(), nn.Linear(7, 2))\n"
        "y = m(torch.zeros(1, 4, 1, 1))\n")
    found = lint_source(source, "<test>")
    assert [(d.code, d.start.line) for d in found] == [("SL202", 4)]
    text = str(found[0].message)
    assert "(1, 4, 1, 1)" in text and "torch.zeros(1, 4, 1, 1) at line 5" in text


@pytest.mark.torch
def test_torch_fixture_findings_are_confirmed():
    path = FIXTURES / "torch" / "kernel_too_large.py"
    diagnostics = lint_source(path.read_text(), str(path))
    assert {(d.start.line, d.code) for d in diagnostics} == expected(path.read_text())
    verdicts = confirm(diagnostics, use_cache=False)
    assert [d.verdict for d in verdicts] == [CONFIRMED] * len(expected(path.read_text()))
    assert any("Kernel size can't be greater than actual input size" in d.tf_message for d in verdicts)
    assert any("Output size is too small" in d.tf_message for d in verdicts)


@pytest.mark.parametrize("setting", [
    "keras.backend.set_image_data_format('channels_first')\n",
    "if keras.backend.image_data_format() == 'channels_first':\n    pass\n",
    "from keras import backend as K\nK.set_image_dim_ordering('th')\n",
])
def test_silent_when_the_file_may_switch_keras_to_channels_first(setting):
    body = setting + "x = keras.Input((3, 32, 32))\ny = layers.Conv2D(16, 5)(x)\n"
    assert codes(keras_model(body)) == []
