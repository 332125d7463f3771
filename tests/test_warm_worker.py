"""The warm confirmation worker (the language server's): one process keeps TensorFlow /
PyTorch imported between confirmations, survives crashes and timeouts of a batch by starting
again, and leaves nothing behind when stopped."""
import os
import time

import pytest

from shapelint.confirm import run as confirm_module
from shapelint.confirm.run import CONFIRMED, TIMED_OUT, confirm, run_worker, use_warm_worker
from shapelint.engine import lint_source

STACKED = """\
from keras.models import Sequential
from keras.layers import LSTM, Dense

model = Sequential()
model.add(LSTM(32, input_shape=(10, 3)))
model.add(LSTM(16))
"""


@pytest.fixture
def warm():
    worker = use_warm_worker(True)
    yield worker
    use_warm_worker(False)


def _job(program, id=1):
    return {"id": id, "program": program, "framework": "torch", "keras": 3}


@pytest.mark.tensorflow
def test_verdicts_come_from_one_process_that_stays_warm(warm):
    found = [d for d in lint_source(STACKED, "stacked.py") if d.code == "SL101"]
    started = time.perf_counter()
    first = confirm(found, use_cache=False)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    second = confirm(found, use_cache=False)
    again = time.perf_counter() - started
    assert [d.verdict for d in first] == [d.verdict for d in second] == [CONFIRMED]
    assert first[0].tf_message == second[0].tf_message
    assert warm.starts == 1  # the second confirmation reused the process
    assert again < cold  # no TensorFlow import the second time


@pytest.mark.torch
def test_a_crash_costs_one_batch_and_the_next_starts_again(warm):
    results, failure = run_worker([_job("import os\nos._exit(3)")], timeout=60)
    assert failure is not None and "failed" in failure and 1 not in results
    results, failure = run_worker([_job("__result__ = 2 + 2")], timeout=60)
    assert failure is None and results[1]["value"] == 4
    assert warm.starts == 2


@pytest.mark.torch
def test_a_timeout_kills_the_batch_and_the_next_starts_again(warm):
    results, failure = run_worker([_job("__result__ = 1", 1), _job("import time\ntime.sleep(60)", 2)], timeout=15)
    assert failure.startswith(TIMED_OUT)
    assert results[1]["value"] == 1 and 2 not in results
    results, failure = run_worker([_job("__result__ = 'again'", 3)], timeout=60)
    assert failure is None and results[3]["value"] == "again"


@pytest.mark.torch
def test_stop_kills_the_process_and_removes_its_folder(warm):
    run_worker([_job("import os\n__result__ = os.getcwd()")], timeout=60)
    proc, folder = warm._proc, warm._workdir
    assert proc.poll() is None and os.path.isdir(folder)
    confirm_module.stop_workers()
    assert proc.poll() is not None and not os.path.exists(folder)


@pytest.mark.torch
def test_the_process_is_recycled_after_max_probes(warm):
    warm.max_probes = 2
    run_worker([_job("import os\n__result__ = os.getpid()", 1)], timeout=60)
    first = warm._proc.pid
    run_worker([_job("import os\n__result__ = os.getpid()", 2)], timeout=60)  # the second probe: recycled
    assert warm._proc is None
    results, _ = run_worker([_job("import os\n__result__ = os.getpid()", 3)], timeout=60)
    assert results[3]["value"] != first and warm.starts == 2


@pytest.mark.torch
def test_prewarm_imports_before_the_first_probe(warm):
    warm.prewarm(("torch",))
    assert warm.starts == 1 and warm._proc.poll() is None
    started = time.perf_counter()
    results, failure = run_worker([_job("import torch\n__result__ = int(torch.zeros(3).numel())")], timeout=60)
    assert failure is None and results[1]["value"] == 3
    assert results["import_seconds"] < 0.5 and time.perf_counter() - started < 5


@pytest.mark.torch
def test_a_program_that_hits_the_memory_ceiling_recycles_the_process(warm):
    results, failure = run_worker([_job("raise MemoryError('the cap')")], timeout=60)
    assert failure is None and results[1].get("out_of_memory")
    assert warm._proc is None  # killed after the batch; the next one starts afresh
    results, _ = run_worker([_job("__result__ = 1", 2)], timeout=60)
    assert results[2]["value"] == 1 and warm.starts == 2
