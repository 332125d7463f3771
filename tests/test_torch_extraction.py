"""PyTorch extraction: name resolution, nn.Sequential / nn.Module / ModuleList, sizes from
arguments, and silence wherever a value is not certain."""
import pytest

from shapelint.testing import codes

BAD_STACK = "{seq}({lin}(784, 128), {lin}(64, 10))\n"

SPELLINGS = [
    ("import torch.nn as nn", "nn.Sequential", "nn.Linear"),
    ("from torch import nn", "nn.Sequential", "nn.Linear"),
    ("import torch", "torch.nn.Sequential", "torch.nn.Linear"),
    ("from torch.nn import Sequential, Linear", "Sequential", "Linear"),
    ("from torch.nn import *", "Sequential", "Linear"),
    ("import torch.nn as tnn\nfrom torch.nn.modules.linear import Linear as L", "tnn.Sequential", "L"),
]


@pytest.mark.parametrize("imports,seq,lin", SPELLINGS, ids=[s[0].split("\n")[-1] for s in SPELLINGS])
def test_import_spellings(imports, seq, lin):
    assert codes(imports + "\n" + BAD_STACK.format(seq=seq, lin=lin)) == ["SL201"]


FOUND = {
    "OrderedDict": """
        from collections import OrderedDict
        import torch.nn as nn
        model = nn.Sequential(OrderedDict([
            ("fc1", nn.Linear(10, 20)),
            ("act", nn.ReLU()),
            ("fc2", nn.Linear(30, 1)),
        ]))
    """,
    "*layers built in a loop": """
        import torch.nn as nn
        layers = []
        for i in range(3):
            layers.append(nn.Linear(16, 16))
        layers.append(nn.Linear(32, 1))
        model = nn.Sequential(*layers)
    """,
    "ModuleList iterated in order": """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.blocks = nn.ModuleList([nn.Linear(8, 16), nn.Linear(8, 4)])
            def forward(self, x):
                for block in self.blocks:
                    x = block(x)
                return x
    """,
    "sizes from a literal call site": """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self, n_in, n_hidden):
                super().__init__()
                self.fc1 = nn.Linear(n_in, n_hidden)
                self.fc2 = nn.Linear(100, 1)
            def forward(self, x):
                return self.fc2(self.fc1(x))
        net = Net(20, 50)
    """,
    "nested user module in a Sequential": """
        import torch.nn as nn
        class Block(nn.Module):
            def __init__(self, c_in, c_out):
                super().__init__()
                self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
            def forward(self, x):
                return self.conv(x)
        model = nn.Sequential(Block(3, 16), Block(32, 64))
        model(None)
    """,
    "x.view(x.size(0), -1) after an adaptive pool": """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 64, 3)
                self.pool = nn.AdaptiveAvgPool2d((2, 2))
                self.fc = nn.Linear(64, 10)
            def forward(self, x):
                x = self.pool(self.conv(x))
                x = x.view(x.size(0), -1)
                return self.fc(x)
    """,
    "transfer learning: a head that does not fit": """
        import torch.nn as nn
        class Backbone(nn.Module):
            def __init__(self):
                super().__init__()
                self.features = nn.Sequential(nn.Linear(100, 512), nn.ReLU())
                self.fc = nn.Linear(512, 1000)
            def forward(self, x):
                return self.fc(self.features(x))
        model = Backbone()
        model.fc = nn.Linear(256, 2)
        out = model(None)
    """,
}


FOUND_AFTER = {
    "out[:, -1, :]": ("nn.LSTM(8, 16, batch_first=True, bidirectional=True)", "out, _ = m(x)\n    y = out[:, -1, :]",
                      "nn.Linear(16, 2)"),
    "x[..., 0]": ("nn.Linear(8, 4)", "y = m(x)[..., None]", "nn.Linear(4, 2)"),
    "transpose(1, 2)": ("nn.Embedding(100, 32)", "y = m(x).transpose(1, 2)", "nn.Conv1d(16, 8, 3)"),
    "permute(0, 2, 1)": ("nn.Conv1d(4, 32, 3)", "y = m(x).permute(0, 2, 1)", "nn.LSTM(16, 8)"),
    "unsqueeze(1)": ("nn.Linear(8, 4)", "y = m(x).unsqueeze(1)", "nn.Conv1d(8, 8, 1)"),
}
SILENT_AFTER = {
    "out[:, -1, :]": ("nn.LSTM(8, 16, batch_first=True, bidirectional=True)", "out, _ = m(x)\n    y = out[:, -1, :]",
                      "nn.Linear(32, 2)"),
    "x[..., 0]": ("nn.Linear(8, 4)", "y = m(x)[..., 0]", "nn.Linear(7, 2)"),
    "x[:, idx]": ("nn.Linear(8, 4)", "y = m(x)[:, idx]", "nn.Linear(3, 2)"),
    "transpose(1, 2)": ("nn.Embedding(100, 32)", "y = m(x).transpose(1, 2)", "nn.Conv1d(32, 8, 3)"),
    "unsqueeze(1): a 1-D input makes (4, 1)": ("nn.Linear(8, 4)", "y = m(x).unsqueeze(1)", "nn.Conv1d(4, 8, 1)"),
    "squeeze(1) of an unknown size": ("nn.Conv1d(4, 32, 3)", "y = m(x).squeeze(2)", "nn.Linear(7, 2)"),
}
AFTER = """
import torch.nn as nn
def run(x):
    m = {first}
    {op}
    return {second}(y)
"""


@pytest.mark.parametrize("name", FOUND_AFTER)
def test_found_after_reordering_or_indexing(name):
    first, op, second = FOUND_AFTER[name]
    assert codes(AFTER.format(first=first, op=op, second=second)) == ["SL201"]


@pytest.mark.parametrize("name", SILENT_AFTER)
def test_silent_after_reordering_or_indexing(name):
    first, op, second = SILENT_AFTER[name]
    assert codes(AFTER.format(first=first, op=op, second=second)) == []


@pytest.mark.parametrize("name", FOUND)
def test_found(name):
    assert codes(FOUND[name]) == ["SL201"]


SILENT = {
    "a custom module between the layers": """
        import torch.nn as nn
        from mylib import Adapter
        model = nn.Sequential(nn.Linear(10, 20), Adapter(), nn.Linear(30, 1))
    """,
    "flatten size depends on the image size": """
        import torch.nn as nn
        model = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Flatten(), nn.Linear(16 * 30 * 30, 10))
    """,
    "sizes from unknown arguments": """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self, n_in, n_hidden):
                super().__init__()
                self.fc1 = nn.Linear(n_in, n_hidden)
                self.fc2 = nn.Linear(n_hidden, 1)
            def forward(self, x):
                return self.fc2(self.fc1(x))
        net = Net(args.n_in, args.hidden)
    """,
    "an attribute set differently in branches is unknown": """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self, wide):
                super().__init__()
                if wide:
                    self.fc1 = nn.Linear(10, 64)
                else:
                    self.fc1 = nn.Linear(10, 32)
                self.fc2 = nn.Linear(64, 1)
            def forward(self, x):
                return self.fc2(self.fc1(x))
    """,
    "Linear acts on the last axis of a 3-D tensor": """
        import torch.nn as nn
        model = nn.Sequential(nn.Conv1d(8, 16, 3), nn.Linear(30, 5), nn.BatchNorm1d(16))
    """,
    "layers applied in an order other than their construction": """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc2 = nn.Linear(64, 10)
                self.fc1 = nn.Linear(784, 64)
            def forward(self, x):
                return self.fc2(self.fc1(x))
    """,
    "InstanceNorm without affine only warns": """
        import torch.nn as nn
        model = nn.Sequential(nn.Conv2d(3, 16, 3), nn.InstanceNorm2d(32))
    """,
    "setattr rebinding a submodule": """
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(10, 20)
                self.fc2 = nn.Linear(30, 1)
                setattr(self, "fc1", nn.Linear(10, 30))
            def forward(self, x):
                return self.fc2(self.fc1(x))
    """,
    "a subclass of a user module": """
        import torch.nn as nn
        class Base(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 20)
        class Net(Base):
            def forward(self, x):
                return self.fc(x)
    """,
    "softmax with dim": """
        import torch.nn as nn
        import torch.nn.functional as F
        model = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))
        def predict(x):
            return F.softmax(model(x), dim=-1)
    """,
    "dim=0 on data that may be one unbatched sample": """
        import torch.nn as nn
        model = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=0))
    """,
    "softmax over dim given in **kwargs": """
        import torch.nn.functional as F
        def f(x, **kw):
            return F.softmax(x, **kw)
    """,
}


@pytest.mark.parametrize("name", SILENT)
def test_silent(name):
    assert codes(SILENT[name]) == []


def test_implicit_softmax_dim_in_every_spelling():
    source = """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        a = nn.Softmax()
        b = nn.LogSoftmax(dim=None)
        def f(x):
            return F.log_softmax(x) + torch.nn.functional.softmax(x)
    """
    assert codes(source) == ["SL122"] * 4


@pytest.mark.parametrize("norm,found", [
    ("nn.BatchNorm2d(10)", ["SL122"]),  # (N, C, H, W): axis 0 is the batch
    ("nn.BatchNorm1d(10)", []),  # its rows may be the nodes of one graph
])
def test_batch_softmax_needs_a_batch_axis(norm, found):
    source = f"""
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.bn = {norm}
                self.out = nn.Linear(10, 3)
                self.softmax = nn.Softmax(dim=0)
            def forward(self, x):
                return self.softmax(self.out(self.bn(x).transpose(1, -1)))
    """
    assert codes(source) == found


@pytest.mark.parametrize("after,found", [
    ("x", ["SL122"]),
    ("torch.flatten(x, 0)", []),
    ("self.head(x.view(-1))", []),
    ("x.view(-1, 10).t()", []),
    ("x.view(-1, 10)", []),
])
def test_batch_axis_lost(after, found):
    source = f"""
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.bn = nn.BatchNorm2d(10)
                self.head = nn.Linear(20, 3)
            def forward(self, x):
                x = self.bn(x)
                return F.softmax({after}, dim=0)
    """
    assert codes(source) == found


def test_hover_facts_for_pytorch_layers():
    from pathlib import Path

    from shapelint.frontends.facts import layer_facts

    path = Path(__file__).resolve().parent.parent / "fixtures" / "torch" / "lenet_cifar_ok.py"
    facts = {(f.start.line, f.layer): f for f in layer_facts(path.read_text(), str(path))}
    fc1 = facts[(21, "Linear(400, 120)")]  # `F.relu(self.fc1(x))` in forward
    assert fc1.inputs == ("(?, 400)",) and fc1.output == "(?, 120)" and fc1.params == 48120
    conv2 = facts[(12, "Conv2d(6, 16, 5)")]  # where it is built
    assert conv2.output == "(16, ?, ?) or (?, 16, ?, ?)" and conv2.params == 2416


@pytest.mark.parametrize("change,found", [
    ("model.fc2 = nn.Linear(30, 1)", ["SL201"]),
    ('model.add_module("fc2", nn.Linear(30, 1))', ["SL201"]),
    ("model.fc1 = nn.Linear(10, 20)", []),
])
def test_changed_after_construction(change, found):
    source = f"""
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(10, 20)
                self.fc2 = nn.Linear(20, 1)
            def forward(self, x):
                return self.fc2(self.fc1(x))
        model = Net()
        {change}
        out = model(None)
    """
    assert codes(source) == found
