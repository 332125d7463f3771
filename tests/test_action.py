"""The composite GitHub Action (action.yml): its shell steps, run as the runner would run
them (inputs substituted into the environment), install nothing new here but lint for real."""
import os
import re
import subprocess
from pathlib import Path

import yaml

ACTION = Path(__file__).resolve().parent.parent / "action.yml"
BAD = (Path(__file__).resolve().parent.parent / "fixtures" / "keras" / "stacked_lstm_sequential_add.py").read_text()


def _action():
    return yaml.safe_load(ACTION.read_text())


def _run_step(step, inputs, cwd):
    """A ``run:`` step with ``${{ inputs.x }}`` in its env replaced as GitHub does."""
    env = dict(os.environ)
    for key, value in step.get("env", {}).items():
        env[key] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], str(value))
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def _inputs(**given):
    defaults = {name: spec.get("default", "") for name, spec in _action()["inputs"].items()}
    return {**defaults, **given}


def test_every_input_used_is_declared():
    text = ACTION.read_text()
    used = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used <= set(_action()["inputs"]), used - set(_action()["inputs"])
    assert _action()["runs"]["using"] == "composite"


def test_the_run_step_annotates_findings_and_fails(tmp_path):
    (tmp_path / "model.py").write_text(BAD)
    (tmp_path / "clean.py").write_text("import keras\n")
    [step] = [s for s in _action()["runs"]["steps"] if s.get("name") == "Run shapelint"]
    done = _run_step(step, _inputs(confirm="false", sarif="true"), tmp_path)
    assert done.returncode == 1, done.stderr
    assert re.search(r"^::error file=model\.py,line=\d+,.*SL101", done.stdout, re.M), done.stdout
    sarif = (tmp_path / "shapelint.sarif").read_text()
    assert '"ruleId": "SL101"' in sarif


def test_the_run_step_passes_on_clean_code(tmp_path):
    (tmp_path / "clean.py").write_text("import keras\nmodel = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])\n")
    [step] = [s for s in _action()["runs"]["steps"] if s.get("name") == "Run shapelint"]
    done = _run_step(step, _inputs(confirm="false", paths="clean.py"), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (tmp_path / "shapelint.sarif").exists()
