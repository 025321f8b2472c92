"""The roster pages as an admin uses them: create a plan, solve it in the background (the
immediate task backend here), watch the progress, read the result, publish, print."""

import datetime as dt
import io

import pytest
from django.test import override_settings
from django.urls import reverse

from fangxian.duty.models import Assignment, RosterPlan, RosterRules, ShiftTemplate
from tests.duty.matrix_rosters import published_plan, roster_community

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MONDAY = dt.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def english(settings):
    """The texts below are the English ones (Chinese is the default)."""
    settings.LANGUAGE_CODE = "en"



@pytest.fixture
def tiny(two_grids):
    roster_community(two_grids)
    RosterRules.objects.create(community=two_grids.community, effective_from=MONDAY, max_hours_per_week=100)
    return two_grids


@override_settings(TASKS=IMMEDIATE)
def test_it_solves_a_plan_from_the_pages(client, tiny, django_capture_on_commit_callbacks):
    client.force_login(tiny.users["carol"])
    response = client.post(reverse("duty:roster_plan_create"), {"first_day": "2026-02-02", "days": "3",
                                                                "seconds": "3"})
    plan = RosterPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("duty:roster_plan_detail", args=[plan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("duty:roster_plan_run", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == RosterPlan.Status.SOLVED, plan.error
    page = client.get(reverse("duty:roster_plan_detail", args=[plan.pk])).content.decode()
    assert "王青年" in page and tiny.checkpoint.name in page and "16–24" in page
    assert "Publish" in page or "发布" in page
    # The progress partial, as the page polls it: finished, so it asks htmx to reload the page.
    response = client.get(reverse("duty:roster_plan_progress", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    client.post(reverse("duty:roster_plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == RosterPlan.Status.PUBLISHED
    assert Assignment.objects.filter(plan=plan, published=True).count() == 9


def test_it_shows_live_progress_and_stops(client, tiny):
    plan = RosterPlan.objects.create(community=tiny.community, first_day=MONDAY, days=3, seconds=60,
                                     status=RosterPlan.Status.SOLVING, best_objective=42, best_assigned=7,
                                     best_missing=1)
    from django.utils import timezone

    RosterPlan.objects.filter(pk=plan.pk).update(started_at=timezone.now())
    client.force_login(tiny.users["carol"])
    html = client.get(reverse("duty:roster_plan_progress", args=[plan.pk])).content.decode()
    assert 'hx-trigger="every 1500ms"' in html and ">42<" in html and ">7<" in html
    assert "<progress" in html
    client.post(reverse("duty:roster_plan_stop", args=[plan.pk]), HTTP_HX_REQUEST="true")
    plan.refresh_from_db()
    assert plan.stop_requested
    # an officer reads it, but may not stop it
    client.force_login(tiny.users["dave"])
    assert client.get(reverse("duty:roster_plan_detail", args=[plan.pk])).status_code == 200
    assert client.post(reverse("duty:roster_plan_stop", args=[plan.pk])).status_code == 404


def test_it_refuses_to_solve_a_published_plan(client, tiny):
    plan = published_plan(tiny, first_day=MONDAY)
    client.force_login(tiny.users["carol"])
    response = client.post(reverse("duty:roster_plan_run", args=[plan.pk]), follow=True)
    assert "re-plan" in response.content.decode()
    assert RosterPlan.objects.get(pk=plan.pk).status == RosterPlan.Status.PUBLISHED


def test_it_prints_the_roster_as_pdf_by_checkpoint_and_by_person(client, tiny, tmp_path):
    import subprocess

    plan = published_plan(tiny, first_day=MONDAY)
    client.force_login(tiny.users["carol"])
    for by in ("checkpoint", "person"):
        response = client.get(reverse("duty:roster_plan_pdf", args=[plan.pk]) + f"?by={by}")
        assert response["Content-Type"] == "application/pdf"
        path = tmp_path / f"{by}.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "张带班" in text and "王青年" in text
        assert (tiny.checkpoint.name in text) if by == "checkpoint" else ("08–16" in text or "08-16" in text)
        assert "13900000" not in text  # no phones


def test_it_exports_the_roster_to_excel(client, tiny):
    from openpyxl import load_workbook

    plan = published_plan(tiny, first_day=MONDAY)
    client.force_login(tiny.users["dave"])
    response = client.get(reverse("duty:roster_plan_excel", args=[plan.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    by_checkpoint, by_person, lines = wb.worksheets
    assert by_checkpoint.title == tiny.checkpoint.name
    rows = list(by_checkpoint.iter_rows(values_only=True))
    assert rows[2][1].startswith("02-02")
    morning = next(r for r in rows if r[0] == "08–16")
    assert morning[1:4] == ("张带班★", "张带班★", "张带班★")  # staff lead
    person = next(r for r in by_person.iter_rows(values_only=True) if r[0] and r[0].startswith("王青年"))
    assert person[1] == f"{tiny.checkpoint.name} 00–08" and person[-2:] == (3, 3)
    assert lines.max_row == 1 + 9


def test_it_edits_shift_templates_and_refuses_bad_numbers(client, tiny):
    client.force_login(tiny.users["carol"])
    url = reverse("duty:shift_template_list")
    response = client.post(url, {"checkpoint": tiny.checkpoint.pk, "start": "06:00", "end": "14:00",
                                 "minimum": "3", "preferred": "2", "active": "on"})
    assert response.status_code == 200 and "preferred" in response.content.decode().lower()
    assert ShiftTemplate.objects.count() == 3
    client.post(url, {"checkpoint": "", "start": "08:00", "end": "20:00", "minimum": "1", "preferred": "1",
                      "active": "on"})
    lead = ShiftTemplate.objects.get(checkpoint=None)
    assert lead.community == tiny.community and lead.is_lead
    t = tiny.shift_templates[2]
    client.post(reverse("duty:shift_template_edit", args=[t.pk]), {
        "checkpoint": tiny.checkpoint.pk, "start": "00:00", "end": "08:00", "minimum": "2", "preferred": "3",
        "leader_required": "on"})
    t.refresh_from_db()
    assert (t.minimum, t.preferred, t.active) == (2, 3, False)
    # dave reads but cannot add
    client.force_login(tiny.users["dave"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"start": "06:00"}).status_code == 403


def test_it_keeps_rules_as_dated_versions(client, tiny):
    client.force_login(tiny.users["carol"])
    page = client.get(reverse("duty:roster_rules")).content.decode()
    assert 'value="100"' in page  # the form starts from the rules in force
    data = {f: v for f, v in [("effective_from", "2026-03-01"), ("max_shifts_per_week", "4"),
                              ("max_hours_per_week", "32"), ("max_consecutive", "4"), ("min_days_off_per_week", "2"),
                              ("min_rest_hours", "12"), ("elderly_age", "65"), ("young_from", "18"),
                              ("young_to", "35")]}
    data.update({k: "1" for k in ("weight_elderly_night", "weight_not_young_night", "weight_other_post",
                                  "weight_request", "weight_fair_shifts", "weight_fair_nights", "weight_pair",
                                  "weight_under_preferred", "weight_over_preferred", "weight_change")})
    client.post(reverse("duty:roster_rules"), data)
    from fangxian.duty.rosters.problem import rules_for

    assert rules_for(tiny.community, dt.date(2026, 2, 28)).max_hours_per_week == 100
    assert rules_for(tiny.community, dt.date(2026, 3, 1)).max_hours_per_week == 32
    data["young_to"] = "17"
    response = client.post(reverse("duty:roster_rules"), data)
    assert response.status_code == 200 and RosterRules.objects.count() == 2


def test_it_makes_a_demo_roster(two_grids, django_capture_on_commit_callbacks, caplog):
    from fangxian.duty.rosters.demo import demo_rosters
    from fangxian.duty.volunteers.demo import demo_volunteers
    from tests.access.conftest import make_checkpoint

    make_checkpoint(two_grids.estate, name="北门")
    make_checkpoint(two_grids.estate, name="南门")
    demo_volunteers(two_grids.community)
    with django_capture_on_commit_callbacks(execute=True):
        summary = demo_rosters(two_grids.community, days=7, seconds=10)
    assert not [r for r in caplog.records if r.getMessage().startswith("message ")]  # made-up phones: no messages
    assert summary["shift_templates"] == 2 * 3 + 1
    plan = RosterPlan.objects.get(pk=summary["roster"])
    assert plan.status == RosterPlan.Status.PUBLISHED and summary["shifts"] >= 7 * (2 * 3 + 1)
    assert demo_rosters(two_grids.community)["roster"] is None  # run twice: nothing more


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection, as in production
def test_it_runs_the_solver_in_the_database_queued_worker(client, tiny, django_capture_on_commit_callbacks):
    """As in production: the page queues the task in the database; `fangxian worker` runs it."""
    from django_tasks_db.management.commands.db_worker import Worker

    plan = RosterPlan.objects.create(community=tiny.community, first_day=MONDAY, days=2, seconds=2)
    client.force_login(tiny.users["carol"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("duty:roster_plan_run", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == RosterPlan.Status.QUEUED
    assert "Waiting for the background worker" in client.get(
        reverse("duty:roster_plan_progress", args=[plan.pk])).content.decode()
    Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=None,
           worker_id="test", excluded_queue_names=[]).run()
    plan.refresh_from_db()
    assert plan.status == RosterPlan.Status.SOLVED and plan.assignments.count() == 6


def test_the_stop_button_stays_when_the_progress_card_refreshes(client, tiny):
    """Issue 11, finding 2: the card the page polls every 1.5 s must keep the stop button."""
    from django.utils import timezone

    plan = RosterPlan.objects.create(community=tiny.community, first_day=MONDAY, days=3, seconds=60,
                                     status=RosterPlan.Status.SOLVING, started_at=timezone.now())
    client.force_login(tiny.users["carol"])
    stop = reverse("duty:roster_plan_stop", args=[plan.pk])
    assert stop in client.get(reverse("duty:roster_plan_detail", args=[plan.pk])).content.decode()
    polled = client.get(reverse("duty:roster_plan_progress", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert stop in polled.content.decode() and "Stop and keep the best so far" in polled.content.decode()
    # an officer who only reads sees the card without the button
    client.force_login(tiny.users["dave"])
    polled = client.get(reverse("duty:roster_plan_progress", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and stop not in polled.content.decode()


def test_the_heading_follows_the_solve_from_waiting_to_solving(client, tiny):
    """Issue 11: the page's heading said "Waiting to solve" during the whole solve, because only
    the progress card is refreshed. The polled card now updates the heading's status too."""
    from django.utils import timezone

    plan = RosterPlan.objects.create(community=tiny.community, first_day=MONDAY, days=3, seconds=60,
                                     status=RosterPlan.Status.QUEUED, started_at=timezone.now())
    client.force_login(tiny.users["carol"])
    page = client.get(reverse("duty:roster_plan_detail", args=[plan.pk])).content.decode()
    assert '<span id="plan-status">Waiting to solve</span>' in page
    RosterPlan.objects.filter(pk=plan.pk).update(status=RosterPlan.Status.SOLVING)  # the worker starts it
    polled = client.get(reverse("duty:roster_plan_progress", args=[plan.pk]), HTTP_HX_REQUEST="true")
    html = polled.content.decode()
    assert '<span id="plan-status" hx-swap-oob="true">Solving</span>' in html
    assert "Waiting to solve" not in html and "Solving…" in html


def test_it_adds_a_shift_at_a_checkpoint(client, tiny):
    """Issue 11, finding 3: 东门 06:00–14:00 always failed with "This checkpoint is not in the community"."""
    client.force_login(tiny.users["carol"])
    response = client.post(reverse("duty:shift_template_list"), {
        "checkpoint": tiny.checkpoint.pk, "start": "06:00", "end": "14:00", "minimum": "1", "preferred": "2",
        "leader_required": "on", "active": "on"})
    assert response.status_code == 302, response.content.decode()
    made = ShiftTemplate.objects.get(checkpoint=tiny.checkpoint, start=dt.time(6))
    assert made.community == tiny.community and made.hours == "06–14"
