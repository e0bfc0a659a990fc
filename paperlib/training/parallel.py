"""Independent runs in worker processes of one thread each: the chapters' experiments side by side.

:func:`start_calls` starts calls and returns their futures; :func:`run_calls` and :func:`run_many`
wait for the results. The pool of worker processes is kept for the life of the calling process.
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import torch

from paperlib.config import check_int

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _worker_init(parent: int) -> None:
    torch.set_num_threads(1)
    # an interrupt (Ctrl-C, or a notebook kernel shutting down) is the parent's to handle: workers
    # end when their parent's pipe closes, without a KeyboardInterrupt traceback each
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # a parent killed outright (kill -9 of papermill's kernel) closes no pipe: a worker would finish
    # its current run as an orphan. On Linux the kernel sends it SIGTERM instead; checkpoints are
    # atomic, so the run resumes from its last one when the chapter is launched again.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os._exit(1)


@functools.cache
def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool per worker count for the life of this process: its workers import torch and paperlib
    (several seconds) once, not at every :func:`run_many` call."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )


def run_many(function: Callable[..., Any], jobs: Sequence[dict[str, Any]], workers: int) -> list[Any]:
    """``[function(**job) for job in jobs]`` in worker processes: :func:`run_calls` with one function."""
    return run_calls([(function, job) for job in jobs], workers)


def start_calls(calls: Sequence[tuple[Callable[..., Any], dict[str, Any]]], workers: int) -> list[Future]:
    """Start ``function(**kwargs)`` for each of ``calls`` in ``workers`` processes of one thread each, and
    return their futures at once, in order: this process goes on while they run.

    Small networks use a CPU core poorly from two threads; two single-threaded processes do about
    1.7x the work on a 2-core machine. Calls start in the order given, so list the longest first.
    ``workers=1`` runs them in this process, one after the other, before returning (use it on a
    GPU). The functions must be importable (defined in a module, not in a notebook).
    """
    check_int("workers", workers, 1)
    if workers == 1:
        return [_finished(function(**kwargs)) for function, kwargs in calls]
    try:
        return [_pool(workers).submit(function, **kwargs) for function, kwargs in calls]
    except BrokenProcessPool:  # a worker died during an earlier call: start a fresh pool
        _pool.cache_clear()
        return [_pool(workers).submit(function, **kwargs) for function, kwargs in calls]


def _finished(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def run_calls(calls: Sequence[tuple[Callable[..., Any], dict[str, Any]]], workers: int) -> list[Any]:
    """``[function(**kwargs) for function, kwargs in calls]``: :func:`start_calls`, then wait for all."""
    return [future.result() for future in start_calls(calls, workers)]
