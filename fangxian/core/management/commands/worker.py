"""`fangxian worker`: runs queued background tasks and the periodic jobs of every app."""

import time

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker

from fangxian.core.periodic import JOBS, run_due_jobs


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs until stopped (Ctrl-C)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls")
        parser.add_argument("--once", action="store_true", help="run every job and the queued tasks once, then stop")

    def handle(self, *args, interval: float, once: bool, **options):
        self.stdout.write(f"worker: {len(JOBS)} periodic jobs: {', '.join(sorted(JOBS))}")
        while True:
            run_due_jobs(every=once)
            Worker(
                queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                max_tasks=None, worker_id="fangxian-worker", excluded_queue_names=[],
            ).run()
            if once:
                return
            time.sleep(interval)
