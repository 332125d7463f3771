"""``shapelint check --fix / --unsafe-fixes / --diff``, run as a user runs them (a real
``python -m shapelint`` process on temporary copies of the fixtures; the one test that needs a
broken fix runs ``main()`` in this process with the fix engine made to break the text)."""
import os
import stat
import subprocess
import sys
from pathlib import Path

from shapelint.frontends import fixes
from shapelint.frontends.cli import main

ROOT = Path(__file__).resolve().parent.parent
KERAS = ROOT / "fixtures" / "keras"
STATIC = ["--no-confirm", "--no-cache"]

THREE_LSTMS = """\
from keras.models import Sequential
from keras.layers import Dense, LSTM

model = Sequential()
model.add(LSTM(32, input_shape=(10, 8)))
model.add(LSTM(16))
model.add(LSTM(8))
model.add(Dense(1))
"""


def shapelint(*args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "shapelint", *args], cwd=cwd, input=stdin,
                          capture_output=True, timeout=300)


def copy(tmp_path, *names):
    for name in names:
        (tmp_path / name).write_bytes((KERAS / name).read_bytes())
    return [tmp_path / name for name in names]


def stamps(paths):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino) for p in paths}


def test_fix_applies_the_safe_fixes_and_reports_what_remains(tmp_path):
    files = copy(tmp_path, "keras1_arguments.py", "stacked_lstm_sequential_add.py",
                 "binary_classifier_softmax.py", "seed003_functional_api_ok.py")
    before = stamps(files)
    done = shapelint("check", "--fix", *STATIC, ".", cwd=tmp_path)
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 1, out + err
    fixed = (tmp_path / "keras1_arguments.py").read_text()
    assert 'model.add(Conv1D(filters=32, kernel_size=3, padding="same", input_shape=(100, 1)))' in fixed
    assert 'model.add(Dense(units=1, kernel_initializer="uniform"))' in fixed
    # input_length has no mechanical fix: it remains, and is the only finding left there.
    assert "keras1_arguments.py:7:33: SL301 input_length was removed in Keras 3" in out
    assert out.count("keras1_arguments.py:") == 1
    # The unsafe fixes (return_sequences=True, sigmoid) are not applied, only announced.
    assert "stacked_lstm_sequential_add.py:11:11: SL101" in out
    assert out.count("binary_classifier_softmax.py:") == 2
    assert "Found 8 errors (4 fixed, 4 remaining)." in out
    assert "3 hidden fixes can be enabled with the `--unsafe-fixes` option." in out
    # Files without an applied fix are not touched at all (same bytes, same mtime, same inode).
    after = stamps(files)
    for name in ("stacked_lstm_sequential_add.py", "binary_classifier_softmax.py", "seed003_functional_api_ok.py"):
        assert after[name] == before[name], name
    assert after["keras1_arguments.py"][0] != before["keras1_arguments.py"][0]
    # The fixed file lints as --fix said; no temporary file is left behind.
    again = shapelint("check", *STATIC, "keras1_arguments.py", cwd=tmp_path)
    assert again.stdout.decode().splitlines() == [line for line in out.splitlines() if line.startswith("keras1_arguments.py:")]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files)


def test_unsafe_fixes_need_the_option(tmp_path):
    [path] = copy(tmp_path, "stacked_lstm_sequential_add.py")
    original = path.read_bytes()
    safe_only = shapelint("--fix", *STATIC, path.name, cwd=tmp_path)
    out = safe_only.stdout.decode()
    assert safe_only.returncode == 1
    assert path.read_bytes() == original
    assert "Found 1 error (0 fixed, 1 remaining)." in out
    assert "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` option)." in out

    unsafe = shapelint("--fix", "--unsafe-fixes", *STATIC, path.name, cwd=tmp_path)
    assert unsafe.returncode == 0, unsafe.stdout.decode() + unsafe.stderr.decode()
    assert "model.add(LSTM(32, input_shape=(look_back, n_features), return_sequences=True))\n" in path.read_text()
    assert "Found 1 error (1 fixed, 0 remaining)." in unsafe.stdout.decode()
    assert "hidden" not in unsafe.stdout.decode()
    assert shapelint(*STATIC, path.name, cwd=tmp_path).returncode == 0


SHARED_LSTM = """\
from keras import Input
from keras.layers import LSTM, RepeatVector

inputs = Input(shape=(10, 8))
x = LSTM(32)(inputs)
a = LSTM(16)(x)
b = RepeatVector(3)(x)

y = LSTM(32)(inputs)
c = LSTM(16)(y)
"""


def test_fix_lints_the_fixed_text_again_and_fixes_what_it_reveals(tmp_path):
    # Only the second LSTM is reported at first; once the first returns sequences, the third
    # LSTM's input is known and wrong too, and its own fix removes it: both are applied.
    path = tmp_path / "three.py"
    path.write_text(THREE_LSTMS)
    first = shapelint(*STATIC, "three.py", cwd=tmp_path)
    assert [line.split(" ")[0] for line in first.stdout.decode().splitlines()] == ["three.py:6:11:"]
    done = shapelint("--fix", "--unsafe-fixes", *STATIC, "three.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert "Found 2 errors (2 fixed, 0 remaining)." in done.stdout.decode()
    text = path.read_text()
    assert "LSTM(32, input_shape=(10, 8), return_sequences=True)" in text
    assert "LSTM(16, return_sequences=True)" in text and "LSTM(8))" in text


def test_a_fix_that_breaks_another_layer_is_not_applied(tmp_path):
    # return_sequences=True on x would feed the LSTM after it, and break the RepeatVector that
    # reads the same tensor (it takes 2-D input): that fix is not certain and is left out,
    # even though fixing the independent pair below removes as many findings in all.
    path = tmp_path / "shared.py"
    path.write_text(SHARED_LSTM)
    done = shapelint("--fix", "--unsafe-fixes", *STATIC, "shared.py", cwd=tmp_path)
    out = done.stdout.decode()
    assert done.returncode == 1, out + done.stderr.decode()
    assert path.read_text() == SHARED_LSTM.replace("y = LSTM(32)(inputs)", "y = LSTM(32, return_sequences=True)(inputs)")
    assert "shared.py:6:5: SL101" in out and "Found 2 errors (1 fixed, 1 remaining)." in out


def test_diff_prints_the_change_and_writes_nothing(tmp_path):
    files = copy(tmp_path, "keras1_arguments.py", "stacked_lstm_sequential_add.py")
    before = stamps(files)
    done = shapelint("check", "--diff", *STATIC, ".", cwd=tmp_path)
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 1, out + err
    assert stamps(files) == before
    assert out.startswith("--- keras1_arguments.py\n+++ keras1_arguments.py\n@@ ")
    assert '-model.add(Dense(output_dim=1, init="uniform"))  # expect: SL301\n' in out
    assert '+model.add(Dense(units=1, kernel_initializer="uniform"))  # expect: SL301\n' in out
    assert "stacked_lstm" not in out and "SL101" not in out  # the findings are not listed
    assert "Would fix 4 errors." in err
    assert "1 hidden fix can be enabled with the `--unsafe-fixes` option." in err

    unsafe = shapelint("--diff", "--unsafe-fixes", *STATIC, "stacked_lstm_sequential_add.py", cwd=tmp_path)
    assert unsafe.returncode == 1
    assert "+model.add(LSTM(32, input_shape=(look_back, n_features), return_sequences=True))\n" in unsafe.stdout.decode()
    assert stamps(files) == before

    clean = copy(tmp_path, "seed003_functional_api_ok.py")[0]
    nothing = shapelint("--diff", "--unsafe-fixes", *STATIC, clean.name, cwd=tmp_path)
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (0, b"", b"")


def test_writes_keep_mode_line_endings_and_encoding(tmp_path):
    source = ("# -*- coding: latin-1 -*-\r\n"
              "# Modèle écrit pour Keras 1\r\n"
              "from keras.models import Sequential\r\n"
              "from keras.layers import Dense\r\n"
              "\r\n"
              "model = Sequential()\r\n"
              "model.add(Dense(output_dim=1, init='uniform', input_shape=(3,)))\r\n")
    path = tmp_path / "old_model.py"
    path.write_bytes(source.encode("latin-1"))
    os.chmod(path, 0o750)
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + source.replace("latin-1", "utf-8").encode("utf-8"))
    done = shapelint("--fix", *STATIC, path.name, bom.name, cwd=tmp_path)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    expected = source.replace("Dense(output_dim=1, init='uniform'", "Dense(units=1, kernel_initializer='uniform'")
    assert path.read_bytes() == expected.encode("latin-1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert bom.read_bytes() == b"\xef\xbb\xbf" + expected.replace("latin-1", "utf-8").encode("utf-8")


def test_a_symbolic_link_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "src"
    real.mkdir()
    [target] = copy(real, "keras1_arguments.py")
    work = tmp_path / "work"
    work.mkdir()
    (work / "model.py").symlink_to(target)
    done = shapelint("--fix", *STATIC, "model.py", cwd=work)
    assert done.returncode == 1 and "Found 5 errors (4 fixed, 1 remaining)." in done.stdout.decode()
    assert (work / "model.py").is_symlink()
    assert "nb_filter" not in target.read_text() and "filters=32" in target.read_text()
    assert sorted(p.name for p in real.iterdir()) == ["keras1_arguments.py"]


def test_standard_input_prints_the_fixed_text(tmp_path):
    source = (KERAS / "keras1_arguments.py").read_bytes()
    done = shapelint("--fix", *STATIC, "--stdin-filename", "model.py", "-", cwd=tmp_path, stdin=source)
    err = done.stderr.decode()
    assert done.returncode == 1, err
    assert done.stdout == source.replace(b"nb_filter=", b"filters=").replace(b"border_mode=", b"padding=") \
        .replace(b"output_dim=", b"units=").replace(b"init=", b"kernel_initializer=")
    assert "model.py:7:33: SL301" in err and "Found 5 errors (4 fixed, 1 remaining)." in err
    assert list(tmp_path.iterdir()) == []

    # Nothing to fix: the text comes back unchanged, the finding on stderr.
    lstm = (KERAS / "stacked_lstm_sequential_add.py").read_bytes()
    unchanged = shapelint("--fix", *STATIC, "-", cwd=tmp_path, stdin=lstm)
    assert unchanged.stdout == lstm and "-:11:11: SL101" in unchanged.stderr.decode()

    diff = shapelint("--diff", "--unsafe-fixes", *STATIC, "-", cwd=tmp_path, stdin=lstm)
    assert diff.returncode == 1 and diff.stdout.decode().startswith("--- -\n+++ -\n")


def test_json_output_stays_parseable_with_fix(tmp_path):
    import json

    copy(tmp_path, "keras1_arguments.py")
    done = shapelint("--fix", "--format", "json", *STATIC, ".", cwd=tmp_path)
    findings = json.loads(done.stdout)
    assert [f["code"] for f in findings] == ["SL301"]
    assert "Found 5 errors (4 fixed, 1 remaining)." in done.stderr.decode()


def test_a_fix_that_would_break_the_file_is_refused(tmp_path, monkeypatch, capsys):
    [path] = copy(tmp_path, "keras1_arguments.py")
    original = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    real_apply = fixes._apply

    def breaks_the_text(tree, plan):
        title, text = real_apply(tree, plan)
        return title, text.replace("model = Sequential()", "model = Sequential(")

    monkeypatch.setattr(fixes, "_apply", breaks_the_text)
    monkeypatch.chdir(tmp_path)
    status = main(["check", "--fix", *STATIC, path.name])
    out, err = capsys.readouterr()
    assert status == 1
    assert path.read_bytes() == original and path.stat().st_mtime_ns == mtime
    assert f"shapelint: {path.name}: the fixed text would not parse (" in err
    assert "no fix applied" in err
    assert "Found 5 errors (0 fixed, 5 remaining)." in out
