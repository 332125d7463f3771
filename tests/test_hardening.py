"""Hardening: caches hold data and never code, every file is isolated, hostile inputs end in a
diagnostic (never a hang, a crash or a traceback).  Real reproductions: poisoned cache files,
a symlink, concurrent processes, a FIFO, deeply nested files through the CLI."""
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shapelint.batch.cache import FORMAT
from shapelint.batch.runner import lint_paths
from shapelint.confirm import run as confirm_module
from shapelint.confirm.probe import Probe, ProbeRef
from shapelint.confirm.run import CONFIRMED, UNCONFIRMED, Installed, VerdictCache, confirm
from shapelint.core.config import Config
from shapelint.core.diagnostics import Diagnostic, Position
from shapelint.engine import lint_source
from shapelint.frontends import cli
from shapelint.frontends.formats import display_path, render

BAD = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, input_shape=(600, 8)))
model.add(LSTM(32))
model.add(Dense(1, activation="softmax"))
"""
NO_CONFIRM = Config(confirm=False)


def run(*args, cwd, env=None, stdin=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "shapelint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, input=stdin,
                          env={**os.environ, **(env or {})})


def codes(diagnostics):
    return [(Path(d.path).name, d.code) for d in diagnostics]


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("SHAPELINT_CACHE_DIR", str(directory))
    return directory


def results_file(cache_dir):
    (path,) = (cache_dir / f"results-v{FORMAT}").glob("*.json")
    return path


# -- 1. the result cache holds no code --------------------------------------------------------

def payload(marker):
    return f"import pathlib\npathlib.Path({str(marker)!r}).write_text('pwned')\n"


@pytest.mark.tensorflow
def test_a_poisoned_result_cache_runs_nothing(cache_dir, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "model.py").write_text(BAD)
    env = {"SHAPELINT_CACHE_DIR": str(cache_dir)}
    first = run("model.py", cwd=project, env=env)
    assert first.returncode == 1 and "SL101" in first.stdout and "[confirmed by TensorFlow" in first.stdout
    path = results_file(cache_dir)
    text = path.read_text()
    assert "Sequential" not in text and "import" not in text  # no program is stored
    marker = tmp_path / "marker"
    # The attack of the issue: a probe carrying a program (the old format) ...
    data = json.loads(text)
    for entry in data["entries"].values():
        for diag in entry[1]:
            if isinstance(diag["probe"], dict):
                diag["probe"] = {**diag["probe"], "program": payload(marker), "check": "raises",
                                 "expect": ["x"]}
    path.write_text(json.dumps(data))
    second = run("model.py", cwd=project, env=env)
    # ... and a valid reference whose verdict is gone: the program is rebuilt from the source.
    data = json.loads(path.read_text())
    for entry in data["entries"].values():
        for diag in entry[1]:
            if isinstance(diag["probe"], dict):
                diag["probe"]["program"] = payload(marker)
    path.write_text(json.dumps(data))
    (cache_dir / "verdicts-v1.json").unlink()
    third = run("model.py", cwd=project, env=env)
    assert not marker.exists()
    for result in (second, third):
        assert result.returncode == 1, result.stderr
        assert result.stdout == first.stdout


def test_a_probe_reference_is_answered_from_the_verdict_cache_only(cache_dir, monkeypatch):
    monkeypatch.setattr(confirm_module, "run_worker", lambda *a, **k: pytest.fail("worker started"))
    installed = Installed()
    ref = ProbeRef("a" * 64, "keras", 3)
    diag = Diagnostic("SL101", "m", "p.py", Position(1, 1), Position(1, 1), probe=ref)
    if installed.missing(ref) is None:
        (out,) = confirm([diag])
        assert out.verdict == UNCONFIRMED and "no longer cached" in out.tf_message
        cache = VerdictCache(cache_dir)
        cache.put(ref, installed.version(ref), (CONFIRMED, "it raised"))
        cache.save()
        (out,) = confirm([diag])
        assert (out.verdict, out.tf_message) == (CONFIRMED, "it raised")
    # Something that merely looks like a probe is never sent to the worker either.
    fake = type("Fake", (), {"program": "import os", "framework": "keras", "keras": 3, "key": "b" * 64})()
    (out,) = confirm([Diagnostic("SL101", "m", "p.py", Position(1, 1), Position(1, 1), probe=fake)])
    assert out.verdict == UNCONFIRMED


def test_cached_findings_with_verdicts_are_answered_without_linting(cache_dir, tmp_path, monkeypatch):
    (tmp_path / "model.py").write_text(BAD)
    first = lint_paths([tmp_path / "model.py"], Config(), jobs=1)
    probes = [d.probe for d in first.diagnostics if isinstance(d.probe, Probe)]
    assert probes
    again = lint_paths([tmp_path / "model.py"], Config(), jobs=1)
    assert again.cached == 0  # no verdicts yet: the programs must be rebuilt
    installed = Installed()
    cache = VerdictCache(cache_dir)
    for probe in probes:
        cache.put(probe, installed.version(probe), (CONFIRMED, "raised"))
    cache.save()
    cached = lint_paths([tmp_path / "model.py"], Config(), jobs=1)
    assert cached.cached == 1 and all(not isinstance(d.probe, Probe) for d in cached.diagnostics)


# -- 2. the verdict cache: no fixed temporary name, atomic saves ------------------------------

def test_the_verdict_cache_never_writes_through_a_symlink(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (folder / "verdicts-v1.tmp").symlink_to(victim)
    cache = VerdictCache(folder)
    cache.put(ProbeRef("c" * 64), "keras 3+tensorflow 2", (CONFIRMED, "x"))
    cache.save()
    assert victim.read_text() == "precious\n"
    assert json.loads((folder / "verdicts-v1.json").read_text()) == \
        {f"keras 3+tensorflow 2:{'c' * 64}": [CONFIRMED, "x"]}


# Run by four processes at once, each saving 60 verdicts one by one ("a".."d" fill the keys).
SAVER = """
import sys
from pathlib import Path
from shapelint.confirm.probe import ProbeRef
from shapelint.confirm.run import VerdictCache
folder, name = Path(sys.argv[1]), sys.argv[2]
for i in range(60):
    cache = VerdictCache(folder)
    cache.put(ProbeRef(f"{i:04d}".ljust(64, name)), "keras 3+tensorflow 2", ("confirmed", "x" * 2000))
    cache.save()
"""


def test_concurrent_saves_never_leave_a_broken_file(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    savers = [subprocess.Popen([sys.executable, "-c", SAVER, str(folder), name])
              for name in ("a", "b", "c", "d")]
    reads = 0
    while any(p.poll() is None for p in savers):
        path = folder / "verdicts-v1.json"
        if path.exists():
            json.loads(path.read_text())  # never half-written
            reads += 1
    assert all(p.wait() == 0 for p in savers)
    entries = json.loads((folder / "verdicts-v1.json").read_text())
    assert len(entries) == 4 * 60 and reads > 0  # merged under a lock: nothing lost
    assert not list(folder.glob("*.tmp"))


# -- 3. tampered entries, the cache folder, --no-cache, versions, timeouts -------------------

def test_tampered_verdicts_are_dropped(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    good = f"torch 2.9.0:{'d' * 64}"
    keys = [f"torch 2.{i}.0:{'d' * 64}" for i in range(7)]
    (folder / "verdicts-v1.json").write_text(json.dumps({
        keys[1]: 5, keys[2]: ["confirmed", 5], keys[3]: ["maybe", "x"], keys[4]: "confirmed",
        keys[5]: ["confirmed", "x", "y"], keys[6]: None, f"2.20.0:{'d' * 64}": ["confirmed", "old key"],
        good: ["refuted", "ran"]}))
    assert VerdictCache(folder).entries == {good: ("refuted", "ran")}
    (folder / "verdicts-v1.json").write_text("[" * 100_000)  # too deep for json: a miss
    assert VerdictCache(folder).entries == {}


def test_a_verdict_of_5_does_not_crash_confirm(cache_dir, monkeypatch):
    source = BAD
    diagnostics = lint_source(source, "m.py", Config())
    probes = [d.probe for d in diagnostics if isinstance(d.probe, Probe)]
    installed = Installed()
    cache_dir.mkdir(mode=0o700)
    (cache_dir / "verdicts-v1.json").write_text(json.dumps(
        {VerdictCache.key(p, installed.version(p)): 5 for p in probes}))
    monkeypatch.setattr(confirm_module, "run_worker", lambda jobs, timeout: (
        {job["id"]: {"id": job["id"], "ok": False, "error": "ValueError: Input 0 of layer"} for job in jobs}, None))
    out = confirm(diagnostics)
    assert {d.verdict for d in out if isinstance(d.probe, Probe)} <= {CONFIRMED, UNCONFIRMED}


@pytest.mark.parametrize("field,value", [
    ("code", 5), ("path", None), ("message", None), ("start", ["a", "b"]), ("end", [1]),
    ("related", [["p", [1, 1], [1, 2]]]), ("verdict", "maybe"),
    ("probe", {"key": "e" * 64, "framework": "zzz", "keras": 3}),
    ("probe", {"key": "not hex", "framework": "keras", "keras": 3}),
    ("probe", {"key": "e" * 64, "framework": "keras", "keras": True}),
])
def test_tampered_result_entries_are_misses(cache_dir, tmp_path, field, value):
    (tmp_path / "model.py").write_text(BAD)
    expected = codes(lint_paths([tmp_path / "model.py"], NO_CONFIRM, jobs=1).diagnostics)
    path = results_file(cache_dir)
    data = json.loads(path.read_text())
    for entry in data["entries"].values():
        entry[1][0][field] = value
    path.write_text(json.dumps(data))
    result = lint_paths([tmp_path / "model.py"], NO_CONFIRM, jobs=1)
    assert (result.cached, codes(result.diagnostics)) == (0, expected)
    rendered = render(result.diagnostics, "text")  # nothing damaged reaches the output
    assert "SL101" in rendered


def test_the_cache_folder_is_private(tmp_path):
    (tmp_path / "model.py").write_text(BAD)
    folder = tmp_path / "fresh" / "cache"
    result = run("--no-confirm", "model.py", cwd=tmp_path, env={"SHAPELINT_CACHE_DIR": str(folder)})
    assert (result.returncode, result.stderr) == (1, "")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / f"results-v{FORMAT}").stat().st_mode) == 0o700


def test_a_folder_others_can_write_is_refused(tmp_path):
    (tmp_path / "model.py").write_text(BAD)
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    result = run("--no-confirm", "model.py", cwd=tmp_path, env={"SHAPELINT_CACHE_DIR": str(folder)})
    assert result.returncode == 1 and "model.py:6:11: SL101" in result.stdout
    assert result.stderr.count("warning") == 1 and "other users can write" in result.stderr
    assert list(folder.iterdir()) == []


def test_a_folder_of_another_user_is_refused(tmp_path, monkeypatch, capsys):
    (tmp_path / "model.py").write_text(BAD)
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    # The folder belongs to someone else: seen from a process whose user id is another one.
    monkeypatch.setattr(os, "getuid", lambda: os.stat(folder).st_uid + 1)
    monkeypatch.setenv("SHAPELINT_CACHE_DIR", str(folder))
    run_result = lint_paths([tmp_path / "model.py"], Config(confirm=False), jobs=1)
    assert [d.code for d in run_result.diagnostics] == ["SL101", "SL121"]  # linted, uncached
    assert "not owned by the current user" in capsys.readouterr().err
    assert list(folder.iterdir()) == []


@pytest.mark.tensorflow
def test_no_cache_reads_and_writes_no_verdict(cache_dir, monkeypatch, tmp_path):
    diagnostics = lint_source(BAD, "m.py", Config())
    probes = [d.probe for d in diagnostics if isinstance(d.probe, Probe)]
    installed = Installed()
    assert probes and not any(installed.missing(p) for p in probes)  # CI installs TensorFlow
    cache_dir.mkdir(mode=0o700)
    planted = {VerdictCache.key(p, installed.version(p)): ["refuted", "planted"] for p in probes}
    (cache_dir / "verdicts-v1.json").write_text(json.dumps(planted))
    before = (cache_dir / "verdicts-v1.json").read_bytes()
    monkeypatch.setattr(confirm_module, "run_worker", lambda jobs, timeout: (
        {job["id"]: {"id": job["id"], "ok": False, "error": "ValueError: Input 0 of layer is incompatible"}
         for job in jobs}, None))
    out = confirm(diagnostics, use_cache=False)
    assert "planted" not in {d.tf_message for d in out}
    assert (cache_dir / "verdicts-v1.json").read_bytes() == before
    assert {d.tf_message for d in confirm(diagnostics)} >= {"planted"}  # the cache is used otherwise
    # The command line passes --no-cache on to confirmation.
    seen = {}
    from shapelint import linter as linter_module

    monkeypatch.setattr(linter_module, "confirm", lambda diags, **kwargs: seen.update(kwargs) or diags)
    (tmp_path / "model.py").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    cli.main(["--no-cache", "model.py"])
    assert seen["use_cache"] is False


def test_verdicts_are_keyed_by_framework_and_version():
    probe = Installed()
    keras3, keras2, torch = ProbeRef("f" * 64, "keras", 3), ProbeRef("f" * 64, "keras", 2), \
        ProbeRef("f" * 64, "torch", 0)
    if probe.tensorflow is not None:
        assert probe.version(keras3).startswith("keras ") and "+tensorflow " in probe.version(keras3)
        assert probe.version(keras2).startswith("tf_keras ")
        assert len({probe.version(keras3), probe.version(keras2)}) == 2
    if probe.torch is not None:
        assert probe.version(torch).startswith("torch ")
    # Versions are read without importing the frameworks.
    code = ("import sys; from shapelint.confirm.run import Installed; from shapelint.confirm.probe import ProbeRef; "
            "i = Installed(); [i.missing(r) or i.version(r) for r in (ProbeRef('f'*64, 'keras', 3), "
            "ProbeRef('f'*64, 'keras', 2), ProbeRef('f'*64, 'torch', 0))]; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'tf_keras', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr


@pytest.mark.tensorflow
def test_a_timeout_is_cached(cache_dir, monkeypatch):
    diagnostics = lint_source(BAD, "m.py", Config())
    probes = [d.probe for d in diagnostics if isinstance(d.probe, Probe)]
    assert probes and not any(Installed().missing(p) for p in probes)  # CI installs TensorFlow
    calls = []

    def hangs(jobs, timeout):
        calls.append(len(jobs))
        return {"import_seconds": 1.0}, f"the confirmation worker timed out after {timeout:.0f} s"

    monkeypatch.setattr(confirm_module, "run_worker", hangs)
    first = confirm(diagnostics, timeout=5)
    hung = [d for d in first if isinstance(d.probe, Probe) and "timed out" in (d.tf_message or "")]
    assert hung and all(d.verdict == UNCONFIRMED for d in hung)
    second = confirm(diagnostics, timeout=5)
    assert [d.tf_message for d in second if d.probe is probes[0]] == [hung[0].tf_message]
    assert len(calls) <= 2 and (len(calls) == 1 or calls[1] < calls[0])  # the hung one is not run again


# -- 4. every file isolated -------------------------------------------------------------------

def test_a_crash_in_one_file_is_one_sl003(tmp_path, monkeypatch):
    from shapelint import engine

    real = engine.analyse

    def analyse(module, config, source=None):
        if source and "BOOM" in source:
            raise MemoryError()
        if source and "DEEP" in source:
            raise RecursionError("maximum recursion depth exceeded")
        return real(module, config, source)

    monkeypatch.setattr(engine, "analyse", analyse)
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text("import keras  # BOOM\n")
    (tmp_path / "c.py").write_text("import keras  # DEEP\n")
    result = lint_paths([tmp_path], NO_CONFIRM, jobs=1, use_cache=False)
    assert codes(result.diagnostics) == [("a.py", "SL101"), ("a.py", "SL121"), ("b.py", "SL003"),
                                         ("c.py", "SL003")]
    assert "MemoryError" in result.diagnostics[2].message
    assert "RecursionError" in result.diagnostics[3].message and not result.errors


def test_a_file_that_kills_its_pool_worker_costs_only_itself(tmp_path, monkeypatch):
    from shapelint import engine

    real = engine.analyse

    def analyse(module, config, source=None):
        if source and "KILL" in source:
            os._exit(1)  # what a segfault or the OOM killer does to the worker
        return real(module, config, source)

    monkeypatch.setattr(engine, "analyse", analyse)  # forked workers inherit it
    for i in range(4):
        (tmp_path / f"m{i}.py").write_text(BAD)
    (tmp_path / "z.py").write_text("import keras  # KILL\n")
    result = lint_paths([tmp_path], NO_CONFIRM, jobs=2, use_cache=False)
    assert result.workers == 2 and not result.errors
    assert codes(result.diagnostics) == [(f"m{i}.py", code) for i in range(4) for code in ("SL101", "SL121")] \
        + [("z.py", "SL003")]
    assert "died (exit code 1)" in result.diagnostics[-1].message


def test_an_internal_error_exits_2(monkeypatch, capsys):
    monkeypatch.setattr(cli, "run_check", lambda argv: 1 / 0)
    assert cli.main(["x.py"]) == 2
    assert "internal error: ZeroDivisionError" in capsys.readouterr().err


# -- 5. nesting that would crash the parser ---------------------------------------------------

DEEP = {
    "and_chain.py": "import keras\nx = 1" + " and 1" * 8000 + "\n",
    "parens.py": "import keras\nx = " + "(" * 10000 + "1" + ")" * 10000 + "\n",
    "lists.py": "import keras\nx = " + "[" * 5000 + "1" + "]" * 5000 + "\n",
    "calls.py": "import keras\nx = " + "f(" * 1200 + "1" + ")" * 1200 + "\n",
    "subscripts.py": "import keras\nx = a" + "[0]" * 4000 + "\n",
}
WANT = {"and_chain.py": "SL003", "parens.py": "SL001", "lists.py": "SL001", "calls.py": "SL001",
        "subscripts.py": "SL003"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_deep_nesting_is_a_diagnostic_not_a_segfault(tmp_path, jobs):
    for name, text in DEEP.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "model.py").write_text(BAD)
    (tmp_path / "mixed.py").write_text("import keras\nx = 'a' b'b'\n")
    result = run("--no-confirm", "--no-cache", "-j", jobs, ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    for name, code in WANT.items():
        assert [line for line in lines if line.startswith(f"{name}:")][0].split()[1] == code, name
    assert "parens.py:2:205: SL001 cannot parse: too many nested parentheses" in result.stdout
    assert "mixed.py:2:13: SL001 cannot parse: cannot mix bytes and nonbytes literals" in result.stdout
    assert "model.py:6:11: SL101" in result.stdout and "model.py:7:" in result.stdout


def test_nesting_within_the_limits_is_linted():
    source = "import keras\nx = " + "(" * 150 + "1 + 2" + ")" * 150 + "\nmodel = keras.Sequential()\n"
    assert lint_source(source, "m.py") == []


# -- 6. inputs --------------------------------------------------------------------------------

def test_a_fifo_is_not_opened(tmp_path):
    (tmp_path / "d").mkdir()
    os.mkfifo(tmp_path / "d" / "x.py")
    (tmp_path / "d" / "model.py").write_text(BAD)
    for target in ("d", "d/x.py"):
        result = run("--no-confirm", "--no-cache", target, cwd=tmp_path, timeout=60)
        assert result.returncode == 1
        assert "x.py:1:1: SL002 file skipped: not a regular file" in result.stdout


@pytest.mark.parametrize("size", ["100000000000", "9223372036854775807"])
def test_max_file_size_is_bounded(tmp_path, size):
    (tmp_path / "pyproject.toml").write_text(f"[tool.shapelint]\nmax-file-size = {size}\n")
    (tmp_path / "model.py").write_text(BAD)
    result = run("--no-confirm", "--no-cache", "model.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "max-file-size must be at most 100,000,000 bytes" in result.stderr
    assert "Traceback" not in result.stderr


def test_max_file_size_applies_to_standard_input(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.shapelint]\nmax-file-size = 100\n")
    result = run("--no-confirm", "--no-cache", "-", cwd=tmp_path, stdin=BAD)
    assert result.returncode == 1
    assert result.stdout.startswith("-:1:1: SL002 file skipped: standard input is over max-file-size")
    small = run("--no-confirm", "--no-cache", "-", cwd=tmp_path, stdin="import keras\n")
    assert (small.returncode, small.stdout) == (0, "")


def test_file_names_that_are_not_utf8_or_hold_a_newline(tmp_path):
    os.makedirs(tmp_path, exist_ok=True)
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.py"), "w") as handle:
        handle.write(BAD)
    (tmp_path / "two\nlines.py").write_text(BAD)
    sarif = run("--no-confirm", "--no-cache", "--format", "sarif", ".", cwd=tmp_path)
    assert sarif.returncode == 1, sarif.stderr
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(sarif.stdout)["runs"][0]["results"]}
    assert uris == {"bad%FF.py", "two%0Alines.py"}
    text = run("--no-confirm", "--no-cache", ".", cwd=tmp_path)
    assert text.returncode == 1, text.stderr
    assert all(line.startswith(("bad\\xff.py:", "two\\nlines.py:")) for line in text.stdout.splitlines())
    assert len(text.stdout.splitlines()) == 4
    assert display_path("plain/é.py") == "plain/é.py"


HUGE_MODEL = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(Dense(8000, input_shape=(8000,)))
model.add(Dense(8000))
model.add(LSTM(4))  # the finding: 2-D input; building the Dense layers first needs 512 MB
"""


@pytest.mark.tensorflow
def test_confirmation_has_a_memory_ceiling(monkeypatch):
    """A model too large for the worker's memory budget fails fast inside the worker (its
    address space is capped) and the finding stays, unconfirmed, with the reason; the
    verdict is not a crash of the run."""
    monkeypatch.setenv("SHAPELINT_CONFIRM_MEMORY_MB", "200")
    [diag] = [d for d in lint_source(HUGE_MODEL, "huge.py") if d.code == "SL101"]
    [checked] = confirm([diag], use_cache=False)
    assert checked.verdict == UNCONFIRMED
    assert "too large to build" in checked.tf_message


def test_the_worker_caps_its_address_space():
    """The cap is what the process already uses plus the budget, and it is really set."""
    code = ("import os, resource; os.environ['SHAPELINT_CONFIRM_MEMORY_MB'] = '100'\n"
            "from shapelint.confirm.worker import limit_memory\n"
            "cap = limit_memory()\n"
            "print(cap, resource.getrlimit(resource.RLIMIT_AS)[0])\n"
            "try:\n    b = bytearray(300 * 2**20)\n    print('allocated')\n"
            "except MemoryError:\n    print('MemoryError')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout.split()
    cap, soft, outcome = int(out[0]), int(out[1]), out[2]
    assert cap > 100 * 2**20 and soft == cap
    assert outcome == "MemoryError"
