"""The background worker for heavy documents (intake/renders/): django-tasks' database worker on the
`renders` queue, RENDER_CONCURRENCY renders at a time, each spreading its parts over a pool of
RENDER_PROCESSES processes (at most the machine's cores), started here and never in a web process.

    manage.py render_worker              # runs until Ctrl-C / SIGTERM (finishes the renders under way)
    manage.py render_worker --batch      # renders what is queued, then exits
"""

import logging
import os
import signal
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.utils import get_random_id
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from intake.renders import pool
from intake.renders.tasks import RENDER_QUEUE

logger = logging.getLogger("intake.renders")


def lower_own_session_group(nice, proc=Path("/proc/self/autogroup")):
    """Gives the worker's session group the worker's nice, when the worker leads its session.

    Linux (with autogroups, the default on desktops and many servers) first shares the CPU between
    sessions as equals and only then, inside each, by nice: a worker started in a session of its own
    (the benchmark, a second terminal, a service manager without CPU control) took up to half the
    cores from the web server's session at saturation, whatever its nice. Leading its session, its
    group holds only the worker and its pool, so lowering the group touches nothing else; a worker
    sharing a session (`make run`) is already below the web server there by its own nice. Returns
    whether the group was changed."""
    if os.getsid(0) != os.getpid() or not proc.exists():
        return False
    try:
        proc.write_text(str(nice))
    except OSError:  # no permission or the kernel's rate limit: the worker's own nice still holds
        return False
    return True


class Command(BaseCommand):
    help = "后台生成程序：生成全省附件2 PDF 等耗时文件（队列在数据库中）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="render what is queued, then exit")
        parser.add_argument("--concurrency", type=int, default=None,
                            help="renders at a time (default: RENDER_CONCURRENCY)")
        parser.add_argument("--processes", type=int, default=None,
                            help="pool processes for the parts (default: RENDER_PROCESSES; 0: render inline)")
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between looks at the queue")

    def handle(self, *, batch, concurrency, processes, interval, verbosity, **options):
        concurrency = settings.RENDER_CONCURRENCY if concurrency is None else concurrency
        processes = settings.RENDER_PROCESSES if processes is None else processes
        if concurrency < 1 or processes < 0:
            raise CommandError("--concurrency must be at least 1 and --processes at least 0")
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            raise CommandError("TASKS 未使用数据库后端（django_tasks_db.DatabaseBackend），无需后台生成程序。")
        logging.getLogger("django_tasks_db").setLevel(logging.INFO if verbosity > 1 else logging.WARNING)
        if settings.RENDER_NICE:
            os.nice(settings.RENDER_NICE)  # before the pool starts: its processes inherit it
            lower_own_session_group(settings.RENDER_NICE)
        started = pool.start(processes)
        self.stdout.write(f"render worker: {concurrency} render(s) at a time, pool of {started} process(es) "
                          f"(cores: {os.cpu_count()}), nice {os.nice(0)}, queue '{RENDER_QUEUE}'"
                          + (", batch" if batch else ""))
        self.workers = [self.make_worker(i, interval, batch) for i in range(concurrency)]
        previous = {sig: signal.signal(sig, self.stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if concurrency == 1:
                self.run_one(self.workers[0], in_thread=False)
            else:
                self.run_threads()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            pool.stop()

    def make_worker(self, index, interval, batch):
        return Worker(
            queue_names=[RENDER_QUEUE], interval=interval, batch=batch, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False, max_tasks=None, worker_id=f"render-{get_random_id()[:40]}-{index}",
            excluded_queue_names=[],
        )

    def stop(self, signum, frame):
        for worker in self.workers:
            if not worker.running:  # the second Ctrl-C: stop at once
                raise KeyboardInterrupt
            worker.running = False
        self.stdout.write("render worker: stopping after the renders under way (Ctrl-C again to stop now)")

    def run_one(self, worker, in_thread=True):
        """One render at a time, until stopped; a lost or busy database (a restart, a failover) is
        waited out rather than ending the worker."""
        try:
            while True:
                try:
                    worker.run()
                    return
                except DatabaseError:
                    if not worker.running:
                        return
                    logger.warning("render worker %s: database error, trying again", worker.worker_id, exc_info=True)
                    connections.close_all()
                    time.sleep(worker.interval or 0.5)
        finally:
            if in_thread:
                connections.close_all()

    def run_threads(self):
        threads = [threading.Thread(target=self.run_one, args=(w,), name=w.worker_id, daemon=True)
                   for w in self.workers]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):  # joined in slices, so that signals get through
            for thread in threads:
                thread.join(timeout=0.2)
