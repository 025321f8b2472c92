"""Daily report pages: the subdistrict's day, a community's report with its groups' sub-reports
side by side, a group leader's phone form, versions, corrections, exports, the history of a
figure and the deadlines."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangxian.access.selectors import checkpoint_with_community
from fangxian.core.forms import attach_errors
from fangxian.core.models import AuditEvent
from fangxian.core.paging import paginate
from fangxian.core.scope import Reach, scoped_view
from fangxian.core.services import audit_object, audit_record
from fangxian.registry.models import Community, ResidentialGroup

from . import days, exports, selectors, services
from .forms import CorrectionForm, DeadlineForm, ReportForm
from .models import TEXT_FIELDS, ZERO_FIELDS, DailyReport, ReportDeadline

STATE_LABELS = {
    "submitted": gettext_lazy("Submitted"),
    "draft": gettext_lazy("Draft, not yet submitted"),
    "not_yet": gettext_lazy("Not yet"),
    "missing": gettext_lazy("Not reported"),
}
HISTORY_DAYS = 30


def clock() -> dt.datetime:
    """The time the pages use; tests replace it to freeze the clock."""
    return timezone.now()


reports_view = scoped_view()  # each view checks which report the scope may open


def _day(request) -> dt.date:
    today = timezone.localdate(clock())
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or request.POST.get("day") or "")
    except ValueError:
        return today
    return min(day, today)


def _readable_communities(scope):
    return scope.communities(Community.objects.select_related("subdistrict").order_by("subdistrict__code", "code"))


def _layout_rows(columns_figures: list[dict]) -> list[tuple]:
    """For the templates: [(section, [(figure, [value per column])])]."""
    return [(section, [(f, [figs.get(section.key, {}).get(f.key) for figs in columns_figures]) for f in figures])
            for section, figures in exports.layout()]


# -- the subdistrict's day -----------------------------------------------------------------


def _day_view(request, scope):
    scope.require(selectors.reads_reports(scope))
    day = _day(request)
    communities = _readable_communities(scope)
    query = request.GET.get("q", "").strip()[:40]
    if query:
        communities = communities.filter(name__icontains=query)
    return days.day_view(communities, day, now=clock()), query


@reports_view
def day(request, scope):
    view, query = _day_view(request, scope)
    columns = [(s, f) for s, figures in exports.layout() for f in figures]
    rows = [(row, exports.flat(row.figures), [row.fill[n] for n, _label in ZERO_FIELDS]) for row in view.rows]
    totals = exports.flat(view.totals)
    changes = [view.change(s.key, f.key) for s, f in columns]
    fill_changes = [view.fill_change(n) for n, _label in ZERO_FIELDS]
    return render(request, "reports/day.html", {
        "view": view, "day": view.day, "query": query, "rows": rows, "layout": exports.layout(),
        "totals": list(zip(totals, changes, strict=True)),
        "fill_totals": list(zip([view.fill_totals[n] for n, _l in ZERO_FIELDS], fill_changes, strict=True)),
        "zero_fields": ZERO_FIELDS, "states": STATE_LABELS, "previous": view.day - dt.timedelta(days=1),
        "next": view.day + dt.timedelta(days=1) if view.day < timezone.localdate(clock()) else None,
        "figure_keys": [f"{s.key}.{f.key}" for s, f in columns], "unfiled": view.unfiled,
    })


def _download(content: bytes, content_type: str, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@reports_view
def day_xlsx(request, scope):
    view, _query = _day_view(request, scope)
    content = exports.subdistrict_xlsx(view, title=_("Daily report of %(day)s") % {"day": view.day},
                                       state_labels=STATE_LABELS)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="reports.DailyReport",
                 detail=f"subdistrict xlsx {view.day}")
    return _download(content, exports.XLSX, f"daily-report-{view.day}.xlsx")


@reports_view
def day_pdf(request, scope):
    view, _query = _day_view(request, scope)
    units = [{"name": row.community.name, "status": str(STATE_LABELS[row.state]), "figures": row.figures,
              "fill": row.fill, "missing": row.state == "missing"} for row in view.rows]
    units.append({"name": _("Total"), "status": "", "figures": view.totals, "fill": view.fill_totals})
    units.append({"name": _("Day-on-day change"), "status": "",
                  "figures": {s.key: {f.key: view.change(s.key, f.key) for f in figures}
                              for s, figures in exports.layout()},
                  "fill": {n: view.fill_change(n) for n, _label in ZERO_FIELDS}})
    notes = [_("Not in the totals (no submitted report): %(names)s") % {
        "names": "、".join(row.community.name for row in view.unfiled)}] if view.unfiled else []
    content = exports.units_pdf(units, title=_("Daily report of %(day)s") % {"day": view.day}, notes=notes)
    audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target_type="reports.DailyReport",
                 detail=f"subdistrict pdf {view.day}")
    return _download(content, "application/pdf", f"daily-report-{view.day}.pdf", inline=True)


# -- a community's report -------------------------------------------------------------------


def _community_context(community, day):
    now = clock()
    deadline = selectors.deadline_moment(day, selectors.deadlines([community.pk], day)[community.pk])
    versions = list(DailyReport.objects.filter(community=community, group__isnull=True, checkpoint__isnull=True,
                                               day=day).select_related("submitted_by").order_by("version"))
    latest = versions[-1] if versions else None
    submitted = next((v for v in reversed(versions) if v.is_submitted), None)
    if latest and latest.is_submitted:
        figures = latest.figures
    else:  # a past day reads its snapshot when there is one
        figures = days.community_figures([community.pk], day, {}, today=timezone.localdate(now))[community.pk]
    columns = selectors.unit_columns(community, day, now=now, deadline=deadline)
    reminded = selectors.last_reminders(community, day)
    pending = [{**unit, "reminded_at": reminded.get((unit["kind"], unit["id"]))} for unit in selectors.unfiled(columns)]
    return {
        "community": community, "day": day, "deadline": deadline, "versions": versions, "latest": latest,
        "submitted": submitted, "figures": figures, "columns": columns,
        "state": selectors.unit_state(latest, submitted, deadline, now), "states": STATE_LABELS,
        "compiled": selectors.compiled_fill(columns), "pending": pending, "deadline_passed": now >= deadline,
        "is_today": day == timezone.localdate(now),
    }


def _initial(latest: DailyReport | None, compiled: dict) -> dict:
    """The form's values: what was saved, and where a number or text is still blank, the groups'."""
    initial = {}
    for name, _label in ZERO_FIELDS + TEXT_FIELDS:
        value = getattr(latest, name) if latest is not None else None
        initial[name] = value if value not in (None, "") else compiled.get(name, value)
    return initial


@reports_view
def community(request, scope, pk):
    scope.require(selectors.reads_reports(scope))
    unit = get_object_or_404(_readable_communities(scope), pk=pk)
    day = _day(request)
    context = _community_context(unit, day)
    latest = context["latest"]
    can_write = services.can_write_unit(scope, unit.pk, None)
    editable = can_write and (latest is None or not latest.is_submitted)
    form = ReportForm(initial=_initial(latest, context["compiled"])) if editable else None
    if request.method == "POST":
        scope.require(editable)
        form = ReportForm(request.POST)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.report_save(scope=scope, user=request.user, community=unit, day=day,
                                     data=form.cleaned_data, submit=submit, now=clock(),
                                     confirm_missing=request.POST.get("confirm_missing") == "1")
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Report submitted.") if submit else _("Draft saved."))
                return redirect(reverse("reports:community", args=[unit.pk]) + f"?day={day}")
    columns = context["columns"]
    return render(request, "reports/community.html", {
        **context, "form": form, "can_write": can_write, "correction_form": CorrectionForm(),
        "can_remind": can_write and context["is_today"] and bool(context["pending"]),
        "missing_at_submission": context["submitted"].missing_units if context["submitted"] else [],
        # Beside the blank numbers: the groups whose sub-reports they would be summed from.
        "pending_groups": [u for u in context["pending"] if u["kind"] == "group"],
        "rows": _layout_rows([context["figures"]] + [c.figures for c in columns]),
        "zero_fields": ZERO_FIELDS, "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1) if day < timezone.localdate(clock()) else None,
        "fill_rows": [(label, getattr(latest, name, None), [getattr(c.submitted, name, None) for c in columns])
                      for name, label in ZERO_FIELDS],
        "texts": [(label, getattr(latest, name, "")) for name, label in TEXT_FIELDS],
    })


def _community_units(scope, unit, day):
    context = _community_context(unit, day)
    report = context["submitted"]
    # The submitted version, even while a correction is being drafted; the live draft before any.
    figures = report.figures if report else context["figures"]
    units = [{"name": unit.name, "status": str(STATE_LABELS[context["state"]]), "figures": figures,
              "fill": {n: getattr(report, n) if report else None for n, _label in ZERO_FIELDS},
              "missing": context["state"] == "missing"}]
    # What a reader of the paper must know: who had not filed when the report was submitted,
    # or, before it is, who has not filed yet.
    missing = report.missing_units if report is not None else context["pending"]
    for column in context["columns"]:
        units.append({"name": column.unit.name, "status": str(STATE_LABELS[column.state]), "figures": column.figures,
                      "fill": {n: getattr(column.submitted, n, None) for n, _label in ZERO_FIELDS},
                      "missing": column.state == "missing"})
    notes = []
    if missing:
        notes.append(exports.missing_note(missing, submitted=report is not None))
    if report is not None:
        for name, label in TEXT_FIELDS:
            if getattr(report, name):
                notes.append(f"{label}: {getattr(report, name)}")
    return units, notes


@reports_view
def community_xlsx(request, scope, pk):
    scope.require(selectors.reads_reports(scope))
    unit = get_object_or_404(_readable_communities(scope), pk=pk)
    day = _day(request)
    units, notes = _community_units(scope, unit, day)
    content = exports.units_xlsx(units, title=_("Daily report of %(unit)s, %(day)s") % {"unit": unit, "day": day},
                                 notes=notes)
    audit_object(actor=request.user, action=AuditEvent.Action.EXPORT, obj=unit, detail=f"daily report xlsx {day}")
    return _download(content, exports.XLSX, f"daily-report-{unit.code}-{day}.xlsx")


@reports_view
def community_pdf(request, scope, pk):
    scope.require(selectors.reads_reports(scope))
    unit = get_object_or_404(_readable_communities(scope), pk=pk)
    day = _day(request)
    units, notes = _community_units(scope, unit, day)
    content = exports.units_pdf(units, title=_("Daily report of %(unit)s, %(day)s") % {"unit": unit, "day": day},
                                notes=notes)
    audit_object(actor=request.user, action=AuditEvent.Action.EXPORT, obj=unit, detail=f"daily report pdf {day}")
    return _download(content, "application/pdf", f"daily-report-{unit.code}-{day}.pdf", inline=True)


@require_POST
@reports_view
def remind(request, scope, pk):
    """The admin reminds one unit ("group:3", "checkpoint:5") or, with all=1, every unit that
    has not submitted today's sub-report."""
    unit = get_object_or_404(scope.communities(Community.objects.all(), Reach.RUN), pk=pk)
    day = timezone.localdate(clock())
    if request.POST.get("all") == "1":
        chosen = selectors.pending_units(unit, day)
    else:
        kind, _colon, unit_id = request.POST.get("unit", "").partition(":")
        chosen = [{"kind": kind, "id": int(unit_id)}] if kind in ("group", "checkpoint") and unit_id.isdigit() else []
    try:
        reminded = services.reminder_send(scope=scope, user=request.user, community=unit, units=chosen, day=day,
                                          now=clock())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Reminded: %(names)s.") % {"names": "、".join(u["name"] for u in reminded)})
    return redirect(reverse("reports:community", args=[unit.pk]) + f"?day={day}")


# -- sub-reports: a residential group's (its leader's phone form) and a checkpoint's --------------


def _sub_report(request, scope, unit, kind: str):
    """The page of a sub-report: the unit's figures, its fill-in form while it is a draft, its versions."""
    ids = {"group": (unit.pk, None), "checkpoint": (None, unit.pk)}[kind]
    if not services.can_read_unit(scope, unit.community_id, *ids):
        raise Http404
    day = _day(request)
    now = clock()
    versions = list(DailyReport.objects.filter(**{kind: unit}, day=day).select_related("submitted_by")
                    .order_by("version"))
    latest = versions[-1] if versions else None
    submitted = next((v for v in reversed(versions) if v.is_submitted), None)
    deadline = selectors.deadline_moment(day, selectors.deadlines([unit.community_id], day)[unit.community_id])
    can_write = services.can_write_unit(scope, unit.community_id, *ids)
    editable = can_write and (latest is None or not latest.is_submitted)
    form = ReportForm(initial=_initial(latest, {})) if editable else None
    if request.method == "POST":
        scope.require(editable)
        form = ReportForm(request.POST)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.report_save(scope=scope, user=request.user, community=unit.community, **{kind: unit},
                                     day=day, data=form.cleaned_data, submit=submit, now=now)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("Sub-report submitted.") if submit else _("Draft saved."))
                return redirect(reverse(f"reports:{kind}", args=[unit.pk]) + f"?day={day}")
    figures = latest.figures if latest and latest.is_submitted else \
        selectors.unit_draft(unit.community_id, *ids, day)
    return render(request, "reports/sub_report.html", {
        "unit": unit, "kind": kind, "day": day, "versions": versions, "latest": latest, "submitted": submitted,
        "state": selectors.unit_state(latest, submitted, deadline, now), "states": STATE_LABELS,
        "deadline": deadline, "form": form, "can_write": can_write, "correction_form": CorrectionForm(),
        "rows": _layout_rows([figures]), "unit_headers": [unit.name], "previous": day - dt.timedelta(days=1),
        "fill": [(label, getattr(latest, name, None)) for name, label in ZERO_FIELDS],
        "texts": [(label, getattr(latest, name, "")) for name, label in TEXT_FIELDS],
        "next": day + dt.timedelta(days=1) if day < timezone.localdate(now) else None,
    })


@reports_view
def group(request, scope, pk):
    return _sub_report(request, scope, get_object_or_404(ResidentialGroup.objects.select_related("community"),
                                                         pk=pk), "group")


@reports_view
def checkpoint(request, scope, pk):
    unit = checkpoint_with_community(pk)
    if unit is None:
        raise Http404
    return _sub_report(request, scope, unit, "checkpoint")


# -- versions and corrections ---------------------------------------------------------------


def _report_for(scope, pk) -> DailyReport:
    report = get_object_or_404(DailyReport.objects.select_related("community", "group", "checkpoint",
                                                                  "submitted_by", "created_by"), pk=pk)
    if not services.can_read_unit(scope, report.community_id, report.group_id, report.checkpoint_id):
        raise Http404
    return report


def _unit_url(report: DailyReport) -> str:
    if report.group_id:
        return reverse("reports:group", args=[report.group_id]) + f"?day={report.day}"
    if report.checkpoint_id:
        return reverse("reports:checkpoint", args=[report.checkpoint_id]) + f"?day={report.day}"
    return reverse("reports:community", args=[report.community_id]) + f"?day={report.day}"


@reports_view
def version(request, scope, pk):
    report = _report_for(scope, pk)
    others = DailyReport.objects.filter(community_id=report.community_id, group_id=report.group_id,
                                        checkpoint_id=report.checkpoint_id, day=report.day
                                        ).order_by("version").only("pk", "version", "status")
    return render(request, "reports/version.html", {
        "report": report, "others": others, "rows": _layout_rows([selectors.report_figures(report)]),
        "fill": [(label, getattr(report, name)) for name, label in ZERO_FIELDS],
        "texts": [(label, getattr(report, name)) for name, label in TEXT_FIELDS], "unit_url": _unit_url(report),
        "headers": [report.unit_name],
    })


@require_POST
@reports_view
def correct(request, scope, pk):
    report = _report_for(scope, pk)
    try:
        # The service judges the reason (blank, too long) with messages naming the field.
        services.report_correct(scope=scope, user=request.user, report=report, reason=request.POST.get("reason", ""))
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("A new version was opened for the correction: change it and submit it again."))
    return redirect(_unit_url(report))


# -- the history of a figure ------------------------------------------------------------------


@reports_view
def history(request, scope):
    scope.require(selectors.reads_reports(scope))
    choices = selectors.figure_choices()
    figure = request.GET.get("figure", "")
    if figure not in dict(choices):
        figure = choices[0][0]
    communities = list(_readable_communities(scope))
    chosen = next((c for c in communities if str(c.pk) == request.GET.get("community", "")), None)
    end = timezone.localdate(clock())
    start = end - dt.timedelta(days=HISTORY_DAYS - 1)
    rows = selectors.history([chosen] if chosen else communities, figure, start, end)
    # The chart draws a day's total only when every community filed it: a sum over some of
    # them would read as a fall. The table beside it says what is missing.
    chart = {"days": [f"{d:%m-%d}" for d, _t, _n in rows],
             "values": [t.value if t.complete else None for _d, t, _n in rows]}
    return render(request, "reports/history.html", {
        "choices": choices, "figure": figure, "label": dict(choices)[figure], "communities": communities,
        "chosen": chosen, "rows": list(reversed(rows)), "chart": chart, "count": len(communities),
    })


# -- deadlines ------------------------------------------------------------------------------


@reports_view
def deadlines(request, scope):
    scope.require(scope.is_admin)
    communities = scope.communities(Community.objects.all(), Reach.RUN)
    form = DeadlineForm(request.POST or None, communities=communities,
                        initial={"effective_from": timezone.localdate(clock()), "time": "17:00",
                                 "community": communities.first()})
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_set(scope=scope, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Deadline saved."))
            return redirect("reports:deadlines")
    rows = scope.filter(ReportDeadline.objects.select_related("community", "set_by"), for_write=True).order_by(
        "community__code", "-effective_from", "-pk")
    page, query = paginate(request, rows)
    return render(request, "reports/deadlines.html", {"form": form, "page": page, "querystring": query})
