"""shapelint: static checks for tensor-shape and model-configuration bugs in Keras code."""
__version__ = "0.1.0"

from shapelint.core.config import Config  # noqa: E402
from shapelint.engine import lint_source  # noqa: E402

__all__ = ["Config", "lint_source", "__version__"]
