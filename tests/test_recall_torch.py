"""Recall on real PyTorch code: inputs of known shape (Variable, torch.tensor of a nested list,
size=, from_numpy), tensors of certain rank into layers that reject that rank, and the
look-alikes that must stay silent."""
from shapelint.testing import codes

HEAD = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport numpy as np\n"
HEAD += "from torch.autograd import Variable\n"


def lint(body: str):
    return codes(HEAD + body, confirm=False)


# -- item 1: inputs of known shape ----------------------------------------------------------

def test_variable_is_its_tensor():
    assert lint("out = nn.Linear(100, 10)(Variable(torch.randn(4, 50)))") == ["SL201"]


def test_torch_autograd_variable_spelled_out():
    assert lint("out = nn.Linear(100, 10)(torch.autograd.Variable(torch.randn(4, 50), requires_grad=True))") == ["SL201"]


def test_nested_list_literal_gives_the_shape():
    assert lint("out = nn.Linear(3, 1)(torch.tensor([[0.0, 1.0], [1.0, 0.0]]))") == ["SL201"]


def test_nested_list_literal_that_fits():
    assert lint("out = nn.Linear(2, 1)(torch.tensor([[0.0, 1.0], [1.0, 0.0]]))") == []


def test_ragged_list_is_unknown():
    assert lint("out = nn.Linear(3, 1)(torch.tensor([[0.0, 1.0], [1.0]]))") == []


def test_size_keyword():
    assert lint("out = nn.Linear(20, 2)(torch.rand(size=(16, 10)))") == ["SL201"]


def test_size_as_a_list():
    assert lint("out = nn.Linear(20, 2)(torch.zeros([16, 10]))") == ["SL201"]


def test_legacy_float_tensor_sizes():
    assert lint("out = nn.Linear(20, 2)(torch.FloatTensor(16, 10))") == ["SL201"]


def test_from_numpy_of_known_array():
    assert lint("out = nn.Linear(8, 1)(torch.from_numpy(np.zeros((100, 7))).float())") == ["SL201"]


def test_from_numpy_of_unknown_array_is_silent():
    assert lint("out = nn.Linear(8, 1)(torch.from_numpy(np.load('x.npy')))") == []


def test_view_of_constructed_tensor():
    assert lint("out = nn.Linear(100, 10)(torch.randn(200).view(4, 50))") == ["SL201"]


def test_view_of_unknown_data_to_literal_sizes():
    assert lint("x = torch.from_numpy(np.load('x.npy'))\nout = nn.Linear(100, 10)(x.view(4, 50))") == ["SL201"]


# -- item 2: rank checks ---------------------------------------------------------------------

def test_conv2d_on_a_2d_tensor():
    assert lint("out = nn.Conv2d(1, 4, 3)(torch.randn(28, 28))") == ["SL201"]


def test_conv2d_takes_an_unbatched_3d_tensor():
    assert lint("out = nn.Conv2d(1, 4, 3)(torch.randn(1, 28, 28))") == []


def test_conv1d_takes_an_unbatched_2d_tensor():
    assert lint("out = nn.Conv1d(4, 8, 3)(torch.randn(4, 28))") == []


def test_conv2d_after_a_flattening_view():
    assert lint("class N(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                "        self.c = nn.Conv2d(1, 8, 3)\n    def forward(self, x):\n"
                "        return self.c(x.view(-1, 784))\n") == ["SL201"]


def test_batchnorm2d_on_an_unbatched_image():
    assert lint("out = nn.BatchNorm2d(3)(torch.randn(3, 32, 32))") == ["SL201"]


def test_max_pool2d_functional_on_a_2d_tensor():
    assert lint("out = F.max_pool2d(torch.randn(28, 28), 2)") == ["SL201"]


def test_lstm_on_images():
    assert lint("out = nn.LSTM(28, 64)(torch.randn(64, 1, 28, 28))") == ["SL201"]


def test_adaptive_avg_pool_accepts_other_ranks():
    # PyTorch's adaptive average pooling takes a 2-D or 6-D tensor without complaint.
    assert lint("out = nn.AdaptiveAvgPool2d(1)(torch.randn(4, 4))") == []


def test_unknown_rank_stays_silent():
    assert lint("def f(x):\n    return nn.Conv2d(1, 4, 3)(x)\n") == []


def test_view_to_an_unknown_shape_is_not_one_size():
    assert lint("def f(x, shape):\n    return nn.Conv2d(1, 4, 3)(x.view(shape))\n") == []


def test_view_with_a_starred_shape_is_unknown():
    assert lint("def f(x, shape):\n    return nn.Conv2d(1, 4, 3)(x.view(*shape))\n") == []


# -- item 3: batches of a TensorDataset through a DataLoader -----------------------------------

LOADER = ("from torch.utils.data import DataLoader, TensorDataset\n"
          "loader = DataLoader(TensorDataset(torch.randn(100, 20), torch.zeros(100)), {args})\n"
          "model = nn.Sequential(nn.Linear({n}, 2))\n")


def test_loader_batch_into_the_model():
    assert lint(LOADER.format(args="batch_size=8", n=30) + "for xb, yb in loader:\n    out = model(xb)\n") == ["SL201"]


def test_loader_batch_through_enumerate():
    assert lint(LOADER.format(args="8, True", n=30) + "for i, (xb, yb) in enumerate(loader):\n    model(xb)\n") == ["SL201"]


def test_loader_batch_that_fits():
    assert lint(LOADER.format(args="batch_size=8", n=20) + "for xb, yb in loader:\n    out = model(xb)\n") == []


def test_loader_with_collate_fn_is_not_followed():
    assert lint(LOADER.format(args="batch_size=8, collate_fn=f", n=30) + "for xb, yb in loader:\n    model(xb)\n") == []


def test_loader_without_batching_is_not_followed():
    assert lint(LOADER.format(args="batch_size=None", n=30) + "for xb, yb in loader:\n    model(xb)\n") == []


# -- item 4: elementwise and comparison operators keep the shape -------------------------------

def test_scaling_keeps_the_shape():
    assert lint("out = nn.Linear(100, 10)(torch.randn(4, 50) / 255)") == ["SL201"]


def test_threshold_mask_keeps_the_shape():
    assert lint("out = nn.Linear(100, 10)((torch.randn(4, 50) > 0.5).float())") == ["SL201"]


def test_scalar_on_the_left_and_unary_minus():
    assert lint("out = nn.Linear(100, 10)(-(2 * torch.randn(4, 50)))") == ["SL201"]


def test_torch_functions_keep_the_shape():
    assert lint("out = nn.Linear(100, 10)(torch.clamp(torch.exp(torch.relu(torch.randn(4, 50))), 0, 1))") == ["SL201"]


def test_augmented_assignment_keeps_the_shape():
    assert lint("x = torch.randn(4, 50)\nx *= 2\nout = nn.Linear(100, 10)(x)") == ["SL201"]


def test_randint_size():
    assert lint("out = nn.Linear(100, 10)(torch.randint(0, 256, (4, 50)).float())") == ["SL201"]


def test_sum_of_equal_shapes():
    assert lint("out = nn.Linear(100, 10)(torch.randn(4, 50) + torch.randn(4, 50))") == ["SL201"]


def test_broadcasting_sum_is_unknown():
    assert lint("out = nn.Linear(100, 10)(torch.randn(4, 1) + torch.randn(100))") == []


def test_matrix_product_is_not_elementwise():
    assert lint("out = nn.Linear(100, 10)(torch.randn(4, 50) @ torch.randn(50, 100))") == []


def test_python_comparisons_still_work():
    assert lint("n = 3 if 2 > 1 else 5\nout = nn.Sequential(nn.Linear(4, n), nn.Linear(3, 1))") == []


# -- item 5: log_softmax over the batch, sizes from a config dict or a dataclass ----------------

def test_log_softmax_dim0_on_loader_batches():
    assert lint(LOADER.format(args="batch_size=8", n=20)
                + "for xb, yb in loader:\n    out = F.log_softmax(model(xb), dim=0)\n") == ["SL122"]


def test_log_softmax_dim1_on_loader_batches():
    assert lint(LOADER.format(args="batch_size=8", n=20)
                + "for xb, yb in loader:\n    out = F.log_softmax(model(xb), dim=1)\n") == []


CFG = 'cfg = {"hidden": 128, "classes": 10}\n'
STACK = 'model = nn.Sequential(nn.Linear(20, cfg["hidden"]), nn.ReLU(), nn.Linear(64, cfg["classes"]))\n'


def test_sizes_from_a_config_dict():
    assert lint(CFG + STACK) == ["SL201"]


def test_config_dict_get_with_default():
    assert lint(CFG + 'model = nn.Sequential(nn.Linear(20, cfg.get("hidden", 64)), nn.Linear(64, 2))') == ["SL201"]


def test_config_dict_item_set_is_unknown():
    assert lint(CFG + 'cfg["hidden"] = 64\n' + STACK) == []


def test_config_dict_updated_is_unknown():
    assert lint(CFG + "cfg.update(other)\n" + STACK) == []


def test_config_dict_set_in_a_branch_is_unknown():
    assert lint(CFG + 'if flag:\n    cfg["hidden"] = 64\n' + STACK) == []


def test_config_dict_deleted_item_is_unknown():
    assert lint(CFG + 'del cfg["hidden"]\n' + STACK) == []


def test_config_dict_escaping_is_unknown():
    assert lint(CFG + "load_overrides(cfg)\n" + STACK) == []


def test_config_dict_with_unpacking_is_unknown():
    assert lint('cfg = {**base, "classes": 10}\n' + STACK) == []


DATACLASS = "from dataclasses import dataclass\n@dataclass\nclass Config:\n    hidden: int = 128\n    classes: int = 10\n"
DC_STACK = "model = nn.Sequential(nn.Linear(20, cfg.hidden), nn.ReLU(), nn.Linear(64, cfg.classes))\n"


def test_sizes_from_a_dataclass():
    assert lint(DATACLASS + "cfg = Config()\n" + DC_STACK) == ["SL201"]


def test_dataclass_with_arguments():
    assert lint(DATACLASS + "cfg = Config(64)\n" + DC_STACK) == []


def test_dataclass_field_assigned_is_unknown():
    assert lint(DATACLASS + "cfg = Config()\ncfg.hidden = 64\n" + DC_STACK) == []


def test_dataclass_setattr_is_unknown():
    assert lint(DATACLASS + "cfg = Config()\nsetattr(cfg, 'hidden', 64)\n" + DC_STACK) == []


def test_dataclass_dict_update_is_unknown():
    assert lint(DATACLASS + "cfg = Config()\nvars(cfg).update(hidden=64)\n" + DC_STACK) == []


def test_dataclass_with_post_init_is_not_modelled():
    assert lint(DATACLASS + "    def __post_init__(self):\n        self.hidden = 64\ncfg = Config()\n" + DC_STACK) == []


def test_dataclass_with_a_field_call_is_not_modelled():
    assert lint(DATACLASS.replace("hidden: int = 128", "hidden: int = field(default=64)")
                + "cfg = Config()\n" + DC_STACK) == []


# -- in-place changes of shape ------------------------------------------------------------------

def test_in_place_resize_forgets_the_shape():
    assert lint("x = torch.randn(4, 50)\nx.resize_(4, 100)\nout = nn.Linear(100, 10)(x)") == []


def test_in_place_unsqueeze_forgets_the_rank():
    assert lint("x = torch.randn(28, 28)\nx.unsqueeze_(0)\nout = nn.Conv2d(1, 4, 3)(x)") == []


def test_data_assignment_forgets_the_shape():
    assert lint("x = torch.randn(4, 50)\nx.data = torch.randn(4, 100)\nout = nn.Linear(100, 10)(x)") == []


def test_in_place_arithmetic_keeps_the_shape():
    assert lint("x = torch.randn(4, 50)\nx.add_(1)\nx.requires_grad_()\nout = nn.Linear(100, 10)(x)") == ["SL201"]


def test_functional_reshape():
    assert lint("out = nn.Conv2d(1, 4, 3)(torch.reshape(torch.randn(784), (28, 28)))") == ["SL201"]


def test_functional_unsqueeze_fixes_the_rank():
    assert lint("out = nn.BatchNorm2d(3)(torch.unsqueeze(torch.randn(3, 32, 32), 0))") == []


def test_functional_reshape_to_an_unknown_shape():
    assert lint("def f(x, s):\n    return nn.Conv2d(1, 4, 3)(torch.reshape(x, s))\n") == []
