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
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = pool.map(_shared_job, range(len(jobs)), chunksize=chunk) if forking else pool.map(fn, jobs, chunksize=chunk)
            if meanwhile is not None:
                meanwhile()
            return list(results)
    finally:
        _SHARED = None


_SHARED: tuple | None = None  # (fn, jobs) of the pool being forked


def _shared_job(index: int):
    fn, jobs = _SHARED  # type: ignore[misc] - set before the workers were forked
    return fn(jobs[index])
