"""Independent calls in worker processes (paperlib.training.parallel): order, processes, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from paperlib import run_calls, run_many, start_calls

# not re-run on PyTorch's portable kernels by .ci/run: floats compared only by exact equality of the
# same operations in the same order, never with a tolerance or a threshold (pyproject.toml's marker)
pytestmark = pytest.mark.kernel_independent


def test_run_many_keeps_job_order_in_one_process_and_in_several() -> None:
    jobs = [{"a": k} for k in range(5)]
    assert run_many(dict, jobs, workers=1) == jobs
    assert run_many(dict, jobs, workers=2) == jobs


def test_run_many_uses_other_processes_when_asked() -> None:
    pids = run_many(os.getpid, [{}, {}, {}], workers=2)
    assert os.getpid() not in pids
    assert run_many(os.getpid, [{}], workers=1) == [os.getpid()]


def test_start_calls_returns_futures_in_order_and_errors_at_their_result() -> None:
    here = start_calls([(dict, {"a": 1}), (os.getpid, {})], workers=1)
    assert all(f.done() for f in here) and [f.result() for f in here] == [{"a": 1}, os.getpid()]
    there = start_calls([(dict, {"b": 2}), (os.getpid, {}), (json.loads, {"s": "not json"})], workers=2)
    assert there[0].result() == {"b": 2} and there[1].result() != os.getpid()
    with pytest.raises(json.JSONDecodeError):
        there[2].result()


def test_run_calls_runs_different_functions_in_order() -> None:
    calls = [(dict, {"a": 1}), (os.getpid, {}), (dict, {"b": 2})]
    first, pid, last = run_calls(calls, workers=2)
    assert first == {"a": 1} and last == {"b": 2} and pid != os.getpid()
    assert run_calls(calls, workers=1)[1] == os.getpid()


_ORPHAN_PARENT = """
import os, sys, time
from paperlib import start_calls
start_calls([(os.system, {"command": "echo $PPID > " + sys.argv[1] + "; sleep 60"})], workers=2)
time.sleep(120)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_busy_worker_ends_when_its_parent_is_killed(tmp_path) -> None:
    # the parent is killed with SIGKILL, as a notebook kernel can be: without the parent-death signal
    # its worker would finish the call it is in (here a shell's 60 s sleep) as an orphan
    pid_file = tmp_path / "worker.pid"
    parent = subprocess.Popen([sys.executable, "-c", _ORPHAN_PARENT, str(pid_file)])
    worker = _wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), 60)
    worker = int(worker)
    assert _alive(worker)
    parent.kill()
    parent.wait()
    assert _wait_for(lambda: not _alive(worker), 10)


def _wait_for(condition, seconds: float):
    end = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < end:
        time.sleep(0.1)
    return value


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False
