"""Data sources people use in real posts: pandas DataFrames (``.values`` is 2-D), torchvision
datasets through a DataLoader, torchsummary / torchinfo summaries, and a stateful model's fixed
batch against a literal ``batch_size``.  Every positive has a silent look-alike."""
import textwrap

import libcst as cst

from shapelint.core.analysis import Analysis
from shapelint.core.shapes import UNKNOWN_DIM
from shapelint.frameworks.data.arrays import ArrayVal, SomeArrayVal
from shapelint.interp.interpreter import Frame, Interpreter, Scope
from shapelint.testing import codes

Q = UNKNOWN_DIM


def bound(source: str, name: str):
    module = cst.parse_module(textwrap.dedent(source))
    interpreter = Interpreter(module, 3, Analysis(target_keras=3))
    scope = Scope()
    interpreter.exec_block(module.body, Frame(scope))
    return scope.vars[name]


def shape_of(source: str):
    value = bound("import numpy as np\nimport pandas as pd\n" + source, "a")
    if isinstance(value, ArrayVal):
        return value.shape
    return "some" if isinstance(value, SomeArrayVal) else None


def test_frame_values_rank():
    cases = [
        ('a = pd.read_csv("x.csv").values', (Q, Q)),
        ('a = pd.read_csv("x.csv").to_numpy()', (Q, Q)),
        ('a = pd.read_csv("x.csv").values[:, 0:3]', (Q, Q)),
        ('a = pd.read_csv("x.csv").values[:, 3]', (Q,)),
        ('a = pd.read_csv("x.csv").values[:, [0, 2]]', (Q, 2)),
        ('a = pd.read_csv("x.csv").iloc[:, 1:].values', (Q, Q)),
        ('a = pd.read_csv("x.csv").iloc[:, 0].values', (Q,)),
        ('a = pd.read_csv("x.csv").iloc[:, [1, 2]].values', (Q, Q)),
        ('a = pd.read_csv("x.csv").drop(columns=["y"]).dropna().values', (Q, Q)),
        ('a = pd.read_csv("x.csv").drop(columns=["y"], inplace=False).values', (Q, Q)),
        ('a = pd.read_csv("x.csv")[["a", "b"]].values', (Q, Q)),
        ('a = pd.DataFrame(rows).values', (Q, Q)),
        ('a = pd.read_excel("x.xlsx").values', (Q, Q)),
        ('a = np.array(pd.read_csv("x.csv").values)', (Q, Q)),
    ]
    for source, shape in cases:
        assert shape_of(source) == shape, source


def test_frame_values_not_certain():
    for source in ('a = pd.read_csv("x.csv")["y"].values',  # a Series, or a frame with multi-level columns
                   'a = pd.read_csv("x.csv", squeeze=True).values',
                   'a = pd.read_csv("x.csv", chunksize=10).values',
                   'a = pd.read_excel("x.xlsx", sheet_name=None).values',
                   'a = pd.read_pickle("x.pkl").values',
                   'a = pd.read_csv("x.csv").loc[:, "a"].values',
                   'a = pd.read_csv("x.csv").iloc[0].values',
                   'a = pd.read_csv("x.csv").iloc[:, k].values',
                   'a = pd.read_csv("x.csv")[mask].values'):
        assert shape_of(source) == "some", source
    assert shape_of('a = pd.read_csv("x.csv").values[:, [0, 2]][[1], 0]') is None
    assert shape_of('a = pd.read_csv("x.csv").values[mask]') is None


LSTM_FIT = """
import pandas as pd
from keras.models import Sequential
from keras.layers import LSTM, Dense
df = pd.read_csv("x.csv")
X = {x}
model = Sequential([LSTM(8, input_shape={shape}), Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(X, df["y"].values, epochs=1)
"""


def test_frame_into_lstm():
    for x in ("df.values", "df.iloc[:, 1:].values", "df.to_numpy()[:, 0:3]", "df.drop(columns=['y']).values"):
        assert codes(LSTM_FIT.format(x=x, shape="(10, 3)")) == ["SL131"], x
        # Keras 3 adds a missing last axis of size 1: (n, steps) is (n, steps, 1)
        assert codes(LSTM_FIT.format(x=x, shape="(10, 1)")) == [], x
        assert codes(LSTM_FIT.format(x=x + ".reshape(-1, 10, 3)", shape="(10, 3)")) == [], x
    assert codes(LSTM_FIT.format(x="df['a'].values", shape="(10, 3)")) == []  # rank not certain


VISION = """
import torch
from torch import nn
from torchvision import datasets, transforms
from torch.utils.data import DataLoader
data = datasets.{dataset}("data", train=True, download=True, transform={transform})
loader = DataLoader(data, batch_size=64, shuffle=True)
model = {model}
{use}
"""
MLP = "nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))"
CNN1 = "nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 26 * 26, 10))"
LOOP = "for images, labels in loader:\n    out = model({x})"
NEXT = "images, labels = next(iter(loader))\nout = model({x})"


def vision(dataset="MNIST", transform="transforms.ToTensor()", model=MLP, use=LOOP, x="images"):
    return codes(VISION.format(dataset=dataset, transform=transform, model=model, use=use.format(x=x)))


def test_torchvision_batches():
    normalized = "transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])"
    for transform in ("transforms.ToTensor()", normalized):
        for use in (LOOP, NEXT):
            assert vision(transform=transform, use=use) == ["SL201"], (transform, use)
            for x in ("images.view(images.shape[0], -1)", "images.view(-1, 784)", "images.flatten(1)",
                      "torch.flatten(images, 1)", "images.reshape(images.size(0), -1)"):
                assert vision(transform=transform, use=use, x=x) == [], (transform, x)
    assert vision(dataset="FashionMNIST", model=CNN1) == []
    assert vision(dataset="CIFAR10", model=CNN1) == ["SL201"]  # 3 channels into Conv2d(1, ...)
    assert vision(dataset="CIFAR100", model=CNN1.replace("Conv2d(1", "Conv2d(3").replace("26 * 26", "30 * 30")) == []
    resized = "transforms.Compose([transforms.Resize((32, 32)), transforms.ToTensor()])"
    assert vision(transform=resized, model=CNN1) == ["SL201"]  # 8 * 30 * 30 features, not 8 * 26 * 26
    assert vision(transform=resized, model=CNN1.replace("26 * 26", "30 * 30")) == []


def test_torchvision_unknown_transforms_silent():
    for transform in ("transforms.Compose([transforms.Grayscale(3), transforms.ToTensor()])",
                      "transforms.Compose([transforms.RandomCrop(20), transforms.ToTensor()])",
                      "transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda x: x.view(-1))])",
                      "my_transform", "None"):
        assert vision(transform=transform) == [], transform
    assert vision(model=MLP, use="for images, labels in DataLoader(data, batch_size=None):\n    model(images)") == []
    assert vision(model=MLP, use="for images, labels in DataLoader(data, collate_fn=f):\n    model(images)") == []


SUMMARY = """
import torch.nn as nn
{imports}
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
{call}
"""


def test_summaries_trace_the_model():
    def run(imports, call):
        return codes(SUMMARY.format(imports=imports, call=call))

    assert run("from torchsummary import summary", "summary(model, (3, 28, 28))") == ["SL201"]
    assert run("from torchsummary import summary", "summary(model, (1, 28, 28))") == []
    assert run("from torchsummary import summary", "summary(model, input_size=(3, 28, 28), device='cpu')") == ["SL201"]
    assert run("import torchinfo", "torchinfo.summary(model, input_size=(16, 3, 28, 28))") == ["SL201"]
    assert run("import torchinfo", "torchinfo.summary(model, input_size=(16, 1, 28, 28))") == []
    assert run("from torchinfo import summary", "summary(model, (16, 3, 28, 28))") == ["SL201"]
    # torchinfo: (1, 28, 28) is a batch of one 28x28 input, flattened to 784
    assert run("from torchinfo import summary", "summary(model, (1, 28, 28))") == []
    # not those packages, several inputs, unknown sizes: not followed
    assert run("from torchsummaryX import summary", "summary(model, (3, 28, 28))") == []
    assert run("def summary(m, s):\n    pass", "summary(model, (3, 28, 28))") == []
    assert run("from torchsummary import summary", "summary(model, [(3, 28, 28), (3, 28, 28)])") == []
    assert run("from torchsummary import summary", "summary(model, (3, size, size))") == []


STATEFUL = """
import numpy as np
import pandas as pd
import keras
model = keras.Sequential([keras.Input(batch_shape=(8, 3, 1)), keras.layers.LSTM(4, stateful=True),
                          keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
{call}
"""


def test_stateful_batch_size_without_data():
    def run(call):
        return codes(STATEFUL.format(call=call))

    for call in ("model.fit(X, Y, batch_size=4)", "model.fit(X, Y, batch_size=1, epochs=3, shuffle=False)",
                 "model.evaluate(X, Y, batch_size=2)", "model.fit(x=X, y=Y, batch_size=4)",
                 "model.predict(np.array(rows), batch_size=4)", "model.predict(pd.read_csv('x.csv').values, batch_size=4)"):
        assert run(call) == ["SL112"], call
    for call in ("model.fit(X, Y, batch_size=8)", "model.fit(X, Y, batch_size=16)",  # n may be 8
                 "model.fit(X, batch_size=4)", "model.predict(X, batch_size=4)",  # X may be a tf.data pipeline
                 "model.fit(X, Y)", "model.fit(X, Y, batch_size=b)", "model.fit(X, None, batch_size=4)"):
        assert run(call) == [], call


def test_torchvision_changed_after_construction_silent():
    for change in ("data.transform = transforms.Compose([transforms.ToTensor(), flatten])",
                   "data.transform.transforms.append(flatten)",
                   "preprocess(data)"):
        assert vision(use=change + "\n" + LOOP.format(x="images")) == [], change
    source = """
import torch
from torch import nn
from torchvision import datasets, transforms
t = transforms.Compose([transforms.ToTensor()])
data = datasets.MNIST("data", transform=t)
{change}
for images, labels in torch.utils.data.DataLoader(data, batch_size=8):
    nn.Linear(784, 10)(images)
"""
    assert codes(source.format(change="")) == ["SL201"]
    assert codes(source.format(change="t.transforms.append(transforms.Lambda(torch.flatten))")) == []
