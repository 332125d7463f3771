"""Framework knowledge: Keras (``keras/``), PyTorch (``torch/``) and data pipelines (``data/``):
layer catalogs, shape propagation, the programs that confirm findings, and the plug-ins that
teach the interpreter core (``shapelint.interp``) each framework's API.  A new framework is a
new folder with a ``plugin.py`` whose ``PLUGIN`` is listed here."""
from shapelint.interp.plugins import set_default_plugins

_PLUGINS = None


def default_plugins():
    """The plug-ins every analysis uses, in the order their handlers are consulted."""
    global _PLUGINS
    if _PLUGINS is None:
        from shapelint.frameworks.data.plugin import PLUGIN as DATA
        from shapelint.frameworks.keras.plugin import PLUGIN as KERAS
        from shapelint.frameworks.keras.removed import PLUGIN as KERAS_API
        from shapelint.frameworks.torch.plugin import PLUGIN as TORCH
        _PLUGINS = (KERAS_API, KERAS, TORCH, DATA)
    return _PLUGINS


set_default_plugins(default_plugins)
