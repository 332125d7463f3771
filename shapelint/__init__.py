"""shapelint: static checks for tensor-shape and model-configuration bugs in Keras code."""
__version__ = "0.1.0"

from shapelint.core.config import Config  # noqa: E402


def __getattr__(name):
    """``shapelint.lint_source`` loads the engine (and LibCST) on first use only."""
    if name == "lint_source":
        from shapelint.engine import lint_source
        return lint_source
    raise AttributeError(f"module 'shapelint' has no attribute {name!r}")


__all__ = ["Config", "lint_source", "__version__"]
