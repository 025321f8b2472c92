"""The office's delivery tasks, under /delivery/: the day's list (filters, counts, Excel), a
task's page (its steps, its money, its photo), and the office's steps on it: assign or
reassign to a courier, cancel with a reason, reopen a failed one.

Who: the list and the Excel, whoever sees the office's delivery pages (selectors.sees_delivery:
the community's readers all of it, a grid worker their grids'); a task's page, whoever sees
the task (selectors.visible_tasks: couriers their own, shown as a courier sees a household,
selectors.courier_view); its steps, whoever may edit its household (selectors.may_edit_household).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from fangxian.accounts.selectors import members_of
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.personal import mask_name, mask_phone
from fangxian.core.scope import Reach, Role, Scope, scoped_view
from fangxian.core.services import audit_record
from fangxian.registry.models import Community
from fangxian.registry.selectors import SEARCH_MAX_LENGTH, clean_search

from . import figures, selectors, services
from .models import Household, LedgerEntry, Task, TaskEvent
from .task_exports import XLSX, day_workbook
from .task_forms import AssignForm, CancelForm, DayForm, ReopenForm

office_view = scoped_view(selectors.sees_delivery)
task_view = scoped_view(selectors.sees_run_sheet)
UNASSIGNED = "none"
ITEMS_SHORT = 40


# -- the list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskFilters:
    day: dt.date
    day_asked: bool = False
    status: str = ""
    kind: str = ""
    courier: str = ""  # a user id, UNASSIGNED, or empty
    flag: bool = False
    q: str = ""
    q_cut: bool = False

    @classmethod
    def from_query(cls, query, today: dt.date) -> "TaskFilters":
        day, asked = DayForm.day_of(query, today)
        status, kind = str(query.get("status", "")), str(query.get("kind", ""))
        courier = str(query.get("courier", "")).strip()
        q = clean_search(str(query.get("q", "")))
        return cls(day=day, day_asked=asked, status=status if status in Task.Status.values else "",
                   kind=kind if kind in Task.Kind.values else "",
                   courier=courier if courier == UNASSIGNED or courier.isdigit() and len(courier) < 19 else "",
                   flag=query.get("flag") in ("1", "on", "true"), q=q[:SEARCH_MAX_LENGTH].strip(),
                   q_cut=len(q) > SEARCH_MAX_LENGTH)

    @property
    def every_day(self) -> bool:
        """"Needs attention" without a day asked for: every day's failed and late tasks (as the badge)."""
        return self.flag and not self.day_asked

    @property
    def active(self) -> bool:
        return bool(self.status or self.kind or self.courier or self.flag or self.q)


def day_tasks(scope: Scope, filters: TaskFilters) -> QuerySet[Task]:
    """The visible tasks of the filters' day (of every day for "needs attention" with no day),
    cut by everything but the status."""
    tasks = selectors.visible_tasks(scope)
    if filters.flag:
        tasks = selectors.flagged(tasks)
    if not filters.every_day:
        tasks = tasks.filter(day=filters.day)
    if filters.kind:
        tasks = tasks.filter(kind=filters.kind)
    if filters.courier == UNASSIGNED:
        tasks = tasks.filter(courier__isnull=True)
    elif filters.courier:
        tasks = tasks.filter(courier_id=int(filters.courier))
    for term in dict.fromkeys(filters.q.split()):
        tasks = tasks.filter(Q(dwelling__room__icontains=term) | Q(dwelling__building__name__icontains=term)
                             | Q(dwelling__building__estate__name__icontains=term))
    return tasks


@dataclass(frozen=True)
class TaskRow:
    task: Task
    name: str
    late: bool
    items_short: str


def task_rows(tasks, now: dt.datetime) -> list[TaskRow]:
    tasks = list(tasks)
    contacts = selectors.contacts_of(t.dwelling_id for t in tasks)
    rows = []
    for task in tasks:
        contact = contacts.get(task.dwelling_id)
        items = " ".join(task.items.split())
        rows.append(TaskRow(task=task, name=mask_name(contact.name) if contact else "",
                            late=selectors.is_late(task, now),
                            items_short=items if len(items) <= ITEMS_SHORT else items[:ITEMS_SHORT] + "…"))
    return rows


def _couriers_among(scope: Scope):
    """The couriers the filter offers: those of the communities the user belongs to or reads."""
    community_ids = scope.communities(Community.objects.all(), Reach.MEMBER).values_list("pk", flat=True)
    return members_of(list(community_ids), roles=[Role.DELIVERY_VOLUNTEER])


@office_view
def task_list(request, scope):
    today, now = timezone.localdate(), timezone.now()
    filters = TaskFilters.from_query(request.GET, today)
    tasks = day_tasks(scope, filters)
    counts = figures.status_counts(tasks)
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    listed = tasks.select_related("dwelling__building__estate", "courier").order_by(
        "day", "due_by", "dwelling__building__estate__name", "dwelling__building__name", "dwelling__room", "pk")
    page, querystring = paginate(request, listed)
    export_query = f"day={filters.day.isoformat()}"
    return render(request, "delivery/task_list.html", {
        "filters": filters, "page": page, "querystring": querystring, "rows": task_rows(page, now),
        "counts": [(value, label, counts[value]) for value, label in Task.Status.choices],
        "total": sum(counts.values()), "statuses": Task.Status.choices, "kinds": Task.Kind.choices,
        "couriers": _couriers_among(scope), "unassigned": UNASSIGNED, "today": today,
        "previous_day": filters.day - dt.timedelta(days=1), "next_day": filters.day + dt.timedelta(days=1),
        "export_query": export_query, "search_max": SEARCH_MAX_LENGTH,
    })


@office_view
def task_export(request, scope):
    today = timezone.localdate()
    day, _asked = DayForm.day_of(request.GET, today)
    visible = selectors.visible_tasks(scope)
    content = day_workbook(visible.filter(day=day), day, visible=visible)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="delivery.Task",
                 detail=f"delivery tasks {day.isoformat()}")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="delivery-{day:%Y%m%d}.xlsx"'
    return response


# -- one task --------------------------------------------------------------------------------------


def _task(scope: Scope, pk: int) -> Task:
    return get_object_or_404(selectors.visible_tasks(scope).select_related(
        "dwelling__building__estate", "dwelling__building__grid", "courier", "requested_by"), pk=pk)


def _couriers_of(task: Task):
    return members_of(task.dwelling.building.community_id, roles=[Role.DELIVERY_VOLUNTEER])


def _detail(request, scope, task):
    now = timezone.now()
    # A courier who sees the task only because it is theirs sees it as a courier sees a household.
    as_courier = not scope.filter(Task.objects.filter(pk=task.pk)).exists()
    contact = selectors.contact_of(task.dwelling)
    editable = selectors.may_edit_household(scope, task.dwelling)
    context = {
        "task": task, "late": selectors.is_late(task, now), "as_courier": as_courier, "editable": editable,
        "name": mask_name(contact.name) if contact else "",
        "phone": mask_phone(contact.phone) if contact and not as_courier else "",
        "events": TaskEvent.objects.filter(task=task).select_related("by").order_by("at", "pk"),
        "entries": LedgerEntry.objects.filter(task=task).select_related("payer", "payee", "reverses")
        .order_by("at", "pk"),
    }
    if as_courier:
        profile = Household.objects.filter(dwelling_id=task.dwelling_id).first()
        context["view"] = selectors.courier_view(task, contact=contact, profile=profile, now=now)
    if editable:
        context.update(
            assign_form=AssignForm(couriers=_couriers_of(task), initial={"courier": task.courier_id}),
            cancel_form=CancelForm(), reopen_form=ReopenForm(),
            can_assign=task.status in (Task.Status.REQUESTED, Task.Status.ASSIGNED),
            can_cancel=task.status in (Task.Status.REQUESTED, Task.Status.ASSIGNED),
            can_reopen=task.status == Task.Status.FAILED,
            confirm_cancel=_("Cancel this task? The courier will no longer see it."))
    return render(request, "delivery/task_detail.html", context)


@task_view
def task_detail(request, scope, pk):
    return _detail(request, scope, _task(scope, pk))


@task_view
def task_photo(request, scope, pk):
    task = _task(scope, pk)
    if not task.photo:
        raise Http404
    try:
        handle = task.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = task.photo.name.rsplit(".", 1)[-1].lower()
    content_type = {"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
                    "webp": "image/webp"}.get(extension, "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _editable_task(scope: Scope, pk: int) -> Task:
    task = _task(scope, pk)
    if not selectors.may_edit_household(scope, task.dwelling):
        raise PermissionDenied
    return task


LABELS = {"courier": _lazy("Courier"), "reason": _lazy("Reason"), "note": _lazy("Reason"),
          "confirm": _lazy("Confirmation")}


def _error_text(error: ValidationError) -> str:
    """The message of a refused form or step, each part led by the field it is about."""
    if hasattr(error, "error_dict"):
        return " ".join(f"{LABELS[field]}: {' '.join(errors)}" if field in LABELS else " ".join(errors)
                        for field, errors in error.message_dict.items())
    return " ".join(error.messages)


def _step(request, scope, task, form, *, step: str, done: str, extra=None):
    """Take a step through the service and go back to the task's page, saying what happened:
    a bad form or a refused step changes nothing and says why, naming the field."""
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError({field: list(errors)
                                                             for field, errors in form.errors.items()})))
        return redirect("delivery:task_detail", pk=task.pk)
    data = form.cleaned_data
    try:
        services.task_step(task=task, step=step, user=request.user, scope=scope, event_id=data.get("event_id"),
                           note=data.get("reason") or data.get("note") or "", **(extra(data) if extra else {}))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return redirect("delivery:task_detail", pk=task.pk)


@require_POST
@task_view
def task_assign(request, scope, pk):
    task = _editable_task(scope, pk)
    form = AssignForm(request.POST, couriers=_couriers_of(task))
    return _step(request, scope, task, form, step=TaskEvent.Step.ASSIGNED, done=_("The task was assigned."),
                 extra=lambda data: {"courier": data["courier"]})


@require_POST
@task_view
def task_cancel(request, scope, pk):
    task = _editable_task(scope, pk)
    return _step(request, scope, task, CancelForm(request.POST), step=TaskEvent.Step.CANCELLED,
                 done=_("The task was cancelled."))


@require_POST
@task_view
def task_reopen(request, scope, pk):
    task = _editable_task(scope, pk)
    return _step(request, scope, task, ReopenForm(request.POST), step=TaskEvent.Step.REOPENED,
                 done=_("The task was reopened."))


urlpatterns = [
    path("", task_list, name="task_list"),
    path("tasks.xlsx", task_export, name="task_export"),
    path("tasks/<int:pk>/", task_detail, name="task_detail"),
    path("tasks/<int:pk>/photo/", task_photo, name="task_photo"),
    path("tasks/<int:pk>/assign/", task_assign, name="task_assign"),
    path("tasks/<int:pk>/cancel/", task_cancel, name="task_cancel"),
    path("tasks/<int:pk>/reopen/", task_reopen, name="task_reopen"),
]
