"""The result cache and the process pool: same answers, fewer parses, never a crash."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shapelint.batch import cache as cache_module
from shapelint.batch.cache import FORMAT, RACY_NS, diagnostic_from_data, diagnostic_to_data
from shapelint.batch.runner import POOL_MIN_FILES, Job, choose_workers, lint_paths
from shapelint.confirm import run as confirm_module
from shapelint.confirm.probe import Probe, ProbeRef
from shapelint.confirm.run import confirm
from shapelint.core.config import Config

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

BAD = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, input_shape=(600, 8)))
model.add(LSTM(32))
model.add(Dense(1, activation="softmax"))
"""


def run(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "shapelint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def as_rows(diagnostics):
    return [(d.path, d.start, d.end, d.code, d.message, d.related) for d in diagnostics]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("SHAPELINT_CACHE_DIR", str(directory))
    return directory


def test_second_run_answers_from_the_cache_with_probes(cache_dir, monkeypatch):
    # The cache keeps probe references (key and framework, never the program); a file is
    # answered from it when every reference can be answered without its program: here, no
    # framework is installed (tests/test_hardening.py: with frameworks, by the verdict cache).
    monkeypatch.setattr(confirm_module, "tensorflow_version", lambda: None)
    monkeypatch.setattr(confirm_module, "torch_version", lambda: None)
    config = Config()
    first = lint_paths([FIXTURES], config, jobs=1)
    assert first.cached == 0 and first.parsed > 20
    second = lint_paths([FIXTURES], config, jobs=1)
    assert second.parsed == 0 and second.cached == first.parsed
    assert as_rows(second.diagnostics) == as_rows(first.diagnostics)
    probes = [d.probe.key if isinstance(d.probe, (Probe, ProbeRef)) else d.probe for d in first.diagnostics]
    assert probes == [d.probe.key if isinstance(d.probe, (Probe, ProbeRef)) else d.probe
                      for d in second.diagnostics]
    assert sum(isinstance(d.probe, ProbeRef) for d in second.diagnostics) > 10


@pytest.mark.tensorflow
def test_cached_findings_are_confirmed_like_fresh_ones(cache_dir, tmp_path):
    (tmp_path / "model.py").write_text(BAD)
    fresh = confirm(lint_paths([tmp_path / "model.py"], Config(), jobs=1).diagnostics)
    cached_run = lint_paths([tmp_path / "model.py"], Config(), jobs=1)
    assert cached_run.cached == 1
    again = confirm(cached_run.diagnostics)
    assert [(d.code, d.verdict, d.tf_message) for d in again] == \
        [(d.code, d.verdict, d.tf_message) for d in fresh]
    assert again[0].verdict == "confirmed"


def test_probe_round_trip_keeps_tuples():
    from shapelint.core.diagnostics import Diagnostic, Position, Related

    for probe in (Probe("x = 1", "differs", ((None, 3, 4),), 2),
                  Probe("y = 2", "raises", ("mat1 and mat2",), 0, framework="torch")):
        diag = Diagnostic("SL103", "m", "p.py", Position(1, 2), Position(1, 5),
                          (Related("p.py", Position(1, 1), Position(1, 2), "r"),), probe=probe)
        back = diagnostic_from_data(json.loads(json.dumps(diagnostic_to_data(diag))))
        # Only a reference is stored: the program never is (caches hold data, never code).
        assert back == diag and back.probe == ProbeRef.of(probe) and back.probe.key == probe.key


def test_a_changed_file_is_linted_again(cache_dir, tmp_path):
    model = tmp_path / "model.py"
    model.write_text(BAD)
    assert [d.code for d in lint_paths([model], Config(confirm=False), jobs=1).diagnostics] == ["SL101", "SL121"]
    model.write_text(BAD.replace("model.add(LSTM(32))\n", "model.add(LSTM(32))  # noqa\n"))
    result = lint_paths([model], Config(confirm=False), jobs=1)
    assert (result.cached, [d.code for d in result.diagnostics]) == (0, ["SL121"])


@pytest.mark.parametrize("changed", [
    Config(confirm=False, ignore=("SL121",)),
    Config(confirm=False, target_keras=2),
    Config(confirm=True),
    Config(confirm=False, per_file_ignores={"a/*": ("SL101",)}),
], ids=["ignore", "target-keras", "confirm", "per-file-ignores"])
def test_other_settings_are_a_miss(cache_dir, tmp_path, changed):
    model = tmp_path / "model.py"
    model.write_text(BAD)
    same = Config(confirm=False)
    lint_paths([model], same, jobs=1)
    assert lint_paths([model], changed, jobs=1).cached == 0
    assert lint_paths([model], same, jobs=1).cached == 1  # the first settings' results stay


def _shapelint_file(which):
    import shapelint.engine
    import shapelint.rules

    if which == "rule":
        return next(Path(shapelint.rules.__path__[0]).resolve().glob("sl101_*.py"))
    return Path(shapelint.engine.__file__).resolve()


@pytest.mark.parametrize("which", ["rule", "package"])
def test_edited_shapelint_code_is_a_miss(cache_dir, tmp_path, monkeypatch, which):
    """An editable install whose code changed never serves old results: a rule module or a
    package module with a new modification time (as the cache sees it; nothing is written)
    is a miss."""
    model = tmp_path / "model.py"
    model.write_text(BAD)
    config = Config(confirm=False)
    lint_paths([model], config, jobs=1)
    edited_file, real_stat = str(_shapelint_file(which)), os.stat

    def edited_stat(path, *args, **kwargs):
        info = real_stat(path, *args, **kwargs)
        if str(path) != edited_file:
            return info
        fields = list(info)
        fields[8] += 1  # st_mtime, one second later
        return os.stat_result(fields)

    with monkeypatch.context() as patch:
        patch.setattr(os, "stat", edited_stat)
        cache_module.code_fingerprint.cache_clear()
        try:
            assert lint_paths([model], config, jobs=1).cached == 0
        finally:
            cache_module.code_fingerprint.cache_clear()
    assert lint_paths([model], config, jobs=1).cached == 1  # back to the original code


def _age(path: Path, seconds: float = 60) -> None:
    """Move a file's modification time into the past (past the racy window)."""
    past = os.stat(path).st_mtime_ns - int(seconds * 1e9)
    os.utime(path, ns=(past, past))


def test_an_unchanged_file_is_answered_without_reading_it(cache_dir, tmp_path, monkeypatch):
    from shapelint.batch import runner

    model = tmp_path / "model.py"
    model.write_text(BAD)
    _age(model)
    config = Config(confirm=False)
    first = lint_paths([model], config, jobs=1)
    reads = []
    real = runner.read_source
    monkeypatch.setattr(runner, "read_source", lambda *args: reads.append(args) or real(*args))
    second = lint_paths([model], config, jobs=1)
    assert (second.cached, as_rows(second.diagnostics), reads) == (1, as_rows(first.diagnostics), [])
    # A new modification time (an edit) is read and linted again, even at the same size.
    model.write_text(BAD.replace("LSTM(32, input", "LSTM(64, input"))
    _age(model, 30)
    third = lint_paths([model], config, jobs=1)
    assert third.cached == 0 and len(reads) == 1
    assert [d.message for d in third.diagnostics] != [d.message for d in first.diagnostics]


def test_a_file_modified_just_now_is_always_read(cache_dir, tmp_path):
    """Within the racy window an edit of the same size in the same clock tick would keep the
    signature: such a file is hashed every time, so the edit is seen."""
    model = tmp_path / "model.py"
    model.write_text(BAD)
    config = Config(confirm=False)
    lint_paths([model], config, jobs=1)
    stamp = os.stat(model).st_mtime_ns
    assert cache_module.signature(os.stat(model)) is None and RACY_NS >= 1_000_000_000
    model.write_text(BAD.replace("LSTM(32, input", "LSTM(64, input"))  # the same size
    os.utime(model, ns=(stamp, stamp))  # and the same time
    result = lint_paths([model], config, jobs=1)
    assert result.cached == 0 and "(None, 64)" in " ".join(d.message for d in result.diagnostics)


def test_ignore_through_the_cache(cache_dir, tmp_path):
    (tmp_path / "model.py").write_text(BAD)
    lint_paths([tmp_path / "model.py"], Config(confirm=False), jobs=1)
    result = lint_paths([tmp_path / "model.py"], Config(confirm=False, ignore=("SL101",)), jobs=1)
    assert (result.cached, [d.code for d in result.diagnostics]) == (0, ["SL121"])


def test_corrupted_cache_is_a_miss(cache_dir, tmp_path):
    (tmp_path / "model.py").write_text(BAD)
    config = Config(confirm=False)
    expected = as_rows(lint_paths([tmp_path / "model.py"], config, jobs=1).diagnostics)
    (path,) = (cache_dir / f"results-v{FORMAT}").glob("*.json")
    data = json.loads(path.read_text())
    for entry in data["entries"].values():
        entry[1] = [{"code": "SL101"}]  # valid JSON, damaged entry
    path.write_text(json.dumps(data))
    result = lint_paths([tmp_path / "model.py"], config, jobs=1)
    assert (result.cached, as_rows(result.diagnostics)) == (0, expected)
    for entry in data["entries"]:
        data["entries"][entry] = []  # an entry of no fields
    path.write_text(json.dumps(data))
    result = lint_paths([tmp_path / "model.py"], config, jobs=1)
    assert (result.cached, as_rows(result.diagnostics)) == (0, expected)
    for damage in (b"{not json", b"\x00\xff" * 10, b"[]", b""):
        path.write_bytes(damage)
        result = lint_paths([tmp_path / "model.py"], config, jobs=1)
        assert (result.cached, as_rows(result.diagnostics)) == (0, expected), damage
    assert lint_paths([tmp_path / "model.py"], config, jobs=1).cached == 1  # rewritten


def test_unwritable_cache_never_crashes(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SHAPELINT_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    (tmp_path / "model.py").write_text(BAD)
    result = lint_paths([tmp_path / "model.py"], Config(confirm=False), jobs=1)
    assert [d.code for d in result.diagnostics] == ["SL101", "SL121"]
    cli = run("--no-confirm", "model.py", cwd=tmp_path, env={**os.environ})
    assert (cli.returncode, cli.stderr) == (1, "")
    assert "model.py:6:11: SL101" in cli.stdout


def test_cli_cache_and_no_cache(cache_dir, tmp_path):
    (tmp_path / "model.py").write_text(BAD)
    env = {**os.environ}
    no_cache = run("--no-confirm", "--no-cache", "model.py", cwd=tmp_path, env=env)
    assert not cache_dir.exists()
    first = run("--no-confirm", "model.py", cwd=tmp_path, env=env)
    assert len(list((cache_dir / f"results-v{FORMAT}").glob("*.json"))) == 1
    second = run("--no-confirm", "model.py", cwd=tmp_path, env=env)
    assert no_cache.stdout == first.stdout == second.stdout and "SL101" in first.stdout
    assert second.returncode == 1


def test_pool_gives_the_same_findings_in_the_same_order(cache_dir):
    config = Config(confirm=False)
    one = lint_paths([FIXTURES], config, jobs=1, use_cache=False)
    pool = lint_paths([FIXTURES], config, jobs=2, use_cache=False)
    assert (one.workers, pool.workers) == (1, 2)
    assert as_rows(pool.diagnostics) == as_rows(one.diagnostics)
    assert not pool.errors


@pytest.mark.slow  # three full runs over the fixtures, two of them starting process pools
def test_cli_jobs(tmp_path):
    one = run("--no-confirm", "--no-cache", "-j", "1", FIXTURES, cwd=tmp_path)
    two = run("--no-confirm", "--no-cache", "-j", "2", FIXTURES, cwd=tmp_path)
    auto = run("--no-confirm", "--no-cache", "--jobs", "auto", FIXTURES, cwd=tmp_path)
    assert one.stdout == two.stdout == auto.stdout and one.stdout.count("SL1") > 20
    assert run("-j", "0", FIXTURES, cwd=tmp_path).returncode == 2
    assert run("-j", "many", FIXTURES, cwd=tmp_path).returncode == 2


def test_small_runs_stay_in_process(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    small = [Job(f"f{i}.py", text="import keras\n" * 10) for i in range(3)]
    assert choose_workers(small, None) == 1
    assert choose_workers(small, 2) == 2  # asked for explicitly
    big = [Job(f"f{i}.py", text="import keras\n" * 2000) for i in range(max(POOL_MIN_FILES, 8))]
    assert choose_workers(big, None) == 4  # one worker per CPU
    assert choose_workers(big, 1) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert choose_workers(big, None) == choose_workers(big, 64) == len(big)  # never more than files
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # unknown: in process
    assert choose_workers(big, None) == 1


def test_cached_findings_keep_their_fix_and_arguments():
    """A cached finding is the same finding: its fix (for --fix and the editor) and its
    message's arguments survive the round trip through JSON; a damaged fix is a miss."""
    import json as _json

    from shapelint.batch.cache import Damaged, diagnostic_from_data, diagnostic_to_data
    from shapelint.engine import lint_source as _lint

    source = (ROOT / "fixtures" / "keras" / "stacked_lstm_sequential_add.py").read_text()
    (diag,) = [d for d in _lint(source, "m.py", Config()) if d.code == "SL101"]
    data = _json.loads(_json.dumps(diagnostic_to_data(diag)))
    back = diagnostic_from_data(data)
    assert back.fix == diag.fix and back.fix is not None and dict(back.args)["layer"] == "LSTM"
    data["fix"]["edit"]["type"] = "os.system"
    with pytest.raises(Damaged):
        diagnostic_from_data(data)
    legacy = (ROOT / "fixtures" / "keras" / "legacy_module_paths.py").read_text()
    moved = [d for d in _lint(legacy, "m.py", Config(confirm=False)) if d.code == "SL302"]
    assert moved and all(type(d.fix.edit).__name__ == "ReplaceImportModule" for d in moved)
    assert [diagnostic_from_data(_json.loads(_json.dumps(diagnostic_to_data(d)))) for d in moved] == moved


def test_libcst_version_is_read_without_importing_metadata():
    import importlib.metadata

    assert cache_module._libcst_version() == importlib.metadata.version("libcst")
