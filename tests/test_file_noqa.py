"""``# shapelint: noqa`` on a line of its own silences a whole file (ruff's ``# ruff: noqa``)."""
import pytest

from shapelint.testing import codes

MODEL = """\
{header}
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, batch_input_shape=(1, 10, 4)))
model.add(LSTM(16))
model.add(Dense(1, activation="softmax"))
"""


@pytest.mark.parametrize("header, expected", [
    ("", ["SL101", "SL121", "SL301"]),
    ("# shapelint: noqa", []),
    ("    #shapelint:NOQA", []),
    ("# shapelint: noqa: SL301", ["SL101", "SL121"]),
    ("# shapelint: noqa: SL301, SL121", ["SL101"]),
    ("x = 1  # shapelint: noqa", ["SL101", "SL121", "SL301"]),  # after code: not the file form
    ('"""# shapelint: noqa"""', ["SL101", "SL121", "SL301"]),
])
def test_file_level_noqa(header, expected):
    assert sorted(codes(MODEL.format(header=header))) == expected
