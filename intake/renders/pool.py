"""The worker's process pool: a render spreads its parts over the machine's cores.

Only `manage.py render_worker` starts it (`start`); a web process never does, so a render that runs
anywhere else (tests, TASKS_IMMEDIATE) renders its parts one after the other in the caller. The
processes come from a fork server that has WeasyPrint imported, and each is warmed (fonts loaded)
when it starts; at most one per core. Memory stays bounded: a process renders one part at a time
(a city's sheet or the 汇总, both bounded by the quotas) and is replaced after `MAX_TASKS_PER_CHILD`
parts, so nothing a long-running worker accumulates stays.
"""

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from intake.renders import pdfwork

MAX_TASKS_PER_CHILD = 200
_lock = threading.Lock()
_executor = None
_size = 0


def start(processes):
    """Starts the pool with `processes` processes (capped at the number of cores); 0 renders inline."""
    global _executor, _size
    processes = max(0, min(int(processes), os.cpu_count() or 1))
    with _lock:
        if _executor is not None or processes == 0:
            return _size
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["intake.renders.pdfwork", "weasyprint"])
        _executor = ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=pdfwork.warm,
            max_tasks_per_child=MAX_TASKS_PER_CHILD,
        )
        _size = processes
    # Start every process now (each warms up in its initializer), not at the first render.
    for future in [_executor.submit(os.getpid) for _ in range(processes * 2)]:
        future.result()
    return processes


def stop():
    global _executor, _size
    with _lock:
        executor, _executor, _size = _executor, None, 0
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


def size():
    return _size


def run(jobs):
    """[function(argument)] for `jobs` = [(function, argument)], in order; over the pool when the
    worker started one, else here, one after the other. Functions must be module-level (pickled by
    name) and arguments picklable (HTML text)."""
    executor = _executor
    if executor is None:
        return [function(argument) for function, argument in jobs]
    futures = [executor.submit(function, argument) for function, argument in jobs]
    return [future.result() for future in futures]
