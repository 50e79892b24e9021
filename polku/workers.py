"""Spread independent jobs over the machine's cores, or run them here.

Reading path files, rendering a path's pages and printing its PDF are each
independent of every other path, so a build hands them out to one process
per core. Small sites stay in this process: starting workers costs more
than a few paths take. The results come back in the order of the jobs, so
the output does not depend on which worker was faster.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many jobs the work is done in this process.
MIN_PARALLEL = 24


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def run(fn: Callable[[T], R], jobs: Iterable[T], workers: int | None = None, min_parallel: int | None = None,
        meanwhile: Callable[[], None] | None = None) -> list[R]:
    """[fn(job) for job in jobs], on `workers` processes (default: every core).
    meanwhile() runs here while the workers work."""
    jobs = list(jobs)
    workers = min(workers or cores(), len(jobs))
    if workers <= 1 or len(jobs) < (MIN_PARALLEL if min_parallel is None else min_parallel):
        if meanwhile is not None:
            meanwhile()
        return [fn(job) for job in jobs]
    # fork shares the imported modules and the jobs themselves with the workers:
    # they start at once, and only each job's number goes down the pipe.
    # Elsewhere (macOS, Windows) the platform's default is used, and jobs are sent.
    global _SHARED
    forking = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if forking else None)
    chunk = max(1, len(jobs) // (workers * 8))
    _SHARED = (fn, jobs) if forking else None
    # Ctrl+C while the workers are being forked would land in a callback that
    # runs around fork(), where Python only prints it and goes on: hold it back
    # until they are all started (map submits every chunk at once).
    hold = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_leave_interrupts_to_parent) as pool:
            try:
                if hold:
                    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
                try:
                    results = pool.map(_shared_job, range(len(jobs)), chunksize=chunk) if forking else pool.map(fn, jobs, chunksize=chunk)
                finally:
                    if hold:
                        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                if meanwhile is not None:
                    meanwhile()
                return list(results)
            except BaseException:  # Ctrl+C, say: stop at once rather than finish the queue
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _SHARED = None


def _leave_interrupts_to_parent() -> None:
    """Ctrl+C reaches every process of the terminal's group: the workers leave it to
    the parent, which stops them, instead of each printing a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_SHARED: tuple | None = None  # (fn, jobs) of the pool being forked


def _shared_job(index: int):
    fn, jobs = _SHARED  # type: ignore[misc] - set before the workers were forked
    return fn(jobs[index])
