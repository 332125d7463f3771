"""The prefilter: a file that mentions no framework is not parsed at all (text search only,
no LibCST: a run the result cache answers imports nothing heavier than this)."""
from __future__ import annotations

import re

# A file that mentions none of these is not parsed at all: it cannot build a model.
FRAMEWORK_MARKERS = ("keras", "tensorflow", "torch")

# Pasted code may name no framework at all (``model = Sequential()``, ``Dense(1)(x)``): a layer
# or model construction lets it through too (snippet mode takes those names as Keras's).
_PASTED_MARKERS = re.compile(r"\b(?:Sequential|Dense|LSTM|GRU|SimpleRNN|Conv[123]D|Embedding|TimeDistributed|"
                             r"Bidirectional|Flatten|Input|Model|nn\.[A-Z]\w*)\s*\(")


def mentions_framework(source: str) -> bool:
    return any(marker in source for marker in FRAMEWORK_MARKERS) or _PASTED_MARKERS.search(source) is not None
