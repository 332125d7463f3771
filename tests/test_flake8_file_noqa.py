"""``# flake8: noqa`` as flake8 reads it, checked with real flake8: flake8 skips the whole file
before any plugin runs, so the shapelint plugin reports nothing there, exactly as flake8's own
checks; shapelint's own command line does not read flake8's directive (``# shapelint: noqa``
is its file-level form)."""
import subprocess
import sys

MODEL = """\
import os
from keras.models import Sequential
from keras.layers import Dense, LSTM

model = Sequential()
model.add(LSTM(32, input_shape=(600, 8)))
model.add(LSTM(32))
model.add(Dense(1))
"""


def run(*args, cwd):
    result = subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def flake8(*args, cwd):
    return run("flake8", "--isolated", "--select", "SL,F", *args, cwd=cwd)


def test_flake8_noqa_skips_the_file_for_the_plugin_as_for_flake8(tmp_path):
    headers = {
        "plain.py": "",
        "skipped.py": "# flake8: noqa\n",
        "upper.py": "# FLAKE8= NOQA\n",
        # flake8 reads any line that starts with the directive, codes or not: the file is skipped.
        "with_codes.py": "# flake8: noqa: SL101\n",
        # After code it is not the file directive (flake8 logs a warning and checks the file).
        "after_code.py": "import os  # flake8: noqa\n",
    }
    for name, header in headers.items():
        (tmp_path / name).write_text(header + MODEL)
    out = flake8(*headers, cwd=tmp_path)
    reported = sorted({line.split(":")[0] for line in out.splitlines()})
    assert reported == ["after_code.py", "plain.py"], out
    # flake8's own check (F401: os imported but unused) and the plugin alike.
    assert "plain.py:1:1: F401" in out and "plain.py:7:11: SL101" in out
    assert "after_code.py:8:11: SL101" in out

    # --disable-noqa: flake8 checks the file, and the plugin reports in it.
    assert "skipped.py:8:11: SL101" in flake8("--disable-noqa", "skipped.py", cwd=tmp_path)


def test_the_command_line_reads_its_own_directive_not_flake8s(tmp_path):
    (tmp_path / "flake8_only.py").write_text("# flake8: noqa\n" + MODEL)
    (tmp_path / "shapelint_noqa.py").write_text("# shapelint: noqa\n" + MODEL)
    out = run("shapelint", "--no-confirm", "--no-cache", ".", cwd=tmp_path)
    assert [line.split(": ")[0] for line in out.splitlines()] == ["flake8_only.py:8:11"]
