"""``masthead worker``: runs queued tasks and enqueues periodic jobs when they are due."""

import logging
import os
import signal
import socket
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from masthead.core import forking, scheduler
from masthead.core.signals import worker_started
from masthead.project.heartbeat import heartbeat_loop

logger = logging.getLogger("masthead.worker")


class Command(BaseCommand):
    help = "Run background tasks (database queue) and the periodic job schedule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=0.5, help="Seconds between queue polls (0.5)."
        )
        parser.add_argument(
            "--schedule-interval", type=float, default=15.0, help="Seconds between schedule checks."
        )
        parser.add_argument(
            "--queue", default="*", help="Comma-separated queues to run, or * for all."
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="Run tasks only; enqueue no periodic jobs."
        )
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(
        self, *args, interval, schedule_interval, queue, no_schedule, batch, verbosity, **options
    ):
        logging.basicConfig(level=logging.INFO if verbosity else logging.WARNING)
        stop = threading.Event()
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        if not batch:
            threading.Thread(
                target=heartbeat_loop,
                args=(stop,),
                kwargs={"worker_id": worker_id},
                daemon=True,
                name="heartbeat",
            ).start()
        if not no_schedule:
            if batch:
                scheduler.enqueue_due_jobs()
            else:
                threading.Thread(
                    target=self._schedule_loop,
                    args=(stop, schedule_interval),
                    daemon=True,
                    name="schedule",
                ).start()
        if not isinstance(task_backends["default"], DatabaseBackend):
            # Another backend (RQ) runs the tasks in its own workers: this process only keeps
            # the schedule and the heartbeat.
            logger.info("Tasks run by %s; keeping the schedule only", settings.TASKS["default"])
            if not batch:
                self._wait_for_signal(stop)
            return
        worker = Worker(
            queue_names=queue.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker_started.send(sender=self.__class__)
        try:
            worker.run()
        finally:
            stop.set()

    @staticmethod
    def _wait_for_signal(stop: threading.Event) -> None:
        def shutdown(signum, frame):
            stop.set()

        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, shutdown)
        while not stop.wait(1.0):
            pass

    @staticmethod
    def _schedule_loop(stop: threading.Event, every_seconds: float) -> None:
        names = ", ".join(job.name for job in scheduler.registered_jobs())
        logger.info("Periodic jobs: %s", names or "none")
        while not stop.is_set():
            # Held off while the task loop forks render processes (core.forking).
            with forking.held():
                try:
                    close_old_connections()
                    scheduler.enqueue_due_jobs()
                except Exception:
                    logger.exception("Could not enqueue periodic jobs; will try again")
                finally:
                    connection.close()
            stop.wait(every_seconds)
