"""The roster solver as a background task (django-tasks, database backend; `fangxian worker`
runs it). The page queues it and polls the plan row for progress."""

from __future__ import annotations

from django_tasks import task


@task()
def roster_solve(plan_id: int) -> str:
    from .roster_services import plan_solve

    return plan_solve(plan_id).status
