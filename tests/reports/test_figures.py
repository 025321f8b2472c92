"""Each drafted figure equals a count made here by hand, from the rows themselves."""

import datetime as dt

import pytest
from django.utils import timezone

from fangxian.access import services as access
from fangxian.access.models import Checkpoint, FeverAlert, Pass, Scan
from fangxian.core.reporting import sections
from fangxian.core.scope import Scope
from fangxian.registry.models import Dwelling, Person
from fangxian.reports import selectors
from fangxian.returnees import services as returnees
from fangxian.returnees.models import CheckIn, Quarantine, Registration
from tests.access.conftest import equip_gate, make_checkpoint, scan_event
from tests.factories import BuildingFactory, DwellingFactory, EstateFactory, GroupFactory, PersonFactory
from tests.returnees.conftest import equip_returnees, register, root_scope

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")


@pytest.fixture
def busy(two_grids):
    """two_grids with a day of everything: people of every kind, dwellings of every status, a
    second residential group with its own estate and checkpoint, passages, refusals, fevers
    closed with outcomes, passes issued and revoked, registrations and home quarantines; and a
    little of the same in the other community, which must not leak into this one's figures."""
    cast = equip_returnees(equip_gate(two_grids))
    carol = cast.users["carol"]
    group2 = GroupFactory(community=cast.community)
    estate2 = EstateFactory(community=cast.community, group=group2)
    building2 = BuildingFactory(estate=estate2, grid=cast.grid_a)
    for kind in ("registered", "tenant", "tenant", "floating"):
        PersonFactory(dwelling=DwellingFactory(building=building2, status="not_returned"), kind=kind)
    DwellingFactory(building=building2, status="sealed")
    PersonFactory(community=cast.community, dwelling=None, kind="floating")  # no dwelling: no group
    gate2 = make_checkpoint(estate2, name="北门")
    pass2 = access.pass_issue(person=Person.objects.filter(dwelling__building=building2).first(), user=carol)
    access.pass_revoke(pass_=cast.pass_a, reason="lost", user=carol)
    now = timezone.now()
    events = [scan_event(gate2, access.pass_qr_text(pass2), at=now - dt.timedelta(minutes=m)) for m in (1, 2, 3)]
    events += [scan_event(gate2, None, kind="refusal", verdict="red", at=now - dt.timedelta(minutes=4)),
               scan_event(gate2, access.pass_qr_text(pass2), temperature=38.5, verdict="red",
                          at=now - dt.timedelta(minutes=6)),
               scan_event(gate2, access.pass_qr_text(pass2), temperature=37.9, verdict="red",
                          at=now - dt.timedelta(minutes=7))]
    access.scans_sync(device_id="gate2", events=events, user=carol, scope=Scope.for_user(carol))
    first, second = FeverAlert.objects.filter(checkpoint=gate2).order_by("pk")
    access.fever_alert_close(alert=first, outcome="fever_clinic", user=carol)
    # The other community: a person, a registration, a gate with a passage.
    other_estate = cast.outsider.dwelling.building.estate
    register(cast.other, DwellingFactory(building=cast.outsider.dwelling.building))
    other_gate = make_checkpoint(other_estate, name="西门")
    access.scans_sync(device_id="other", user=cast.users["root"], scope=Scope.everything(),
                      events=[scan_event(other_gate, None, kind="refusal", verdict="red")])
    # A quarantine in group 2 released today, with a morning check-in.
    registration = register(cast.community, DwellingFactory(building=building2),
                            arrival_date=timezone.localdate() - dt.timedelta(days=20))
    registration = returnees.registration_review(scope=root_scope(cast), user=carol, registration=registration,
                                                 decision="home_quarantine", reason="高风险", days=14)
    quarantine = registration.quarantines.get()
    Quarantine.objects.filter(pk=quarantine.pk).update(starts_on=timezone.localdate() - dt.timedelta(days=14),
                                                       planned_end=timezone.localdate())
    returnees.checkin_record(quarantine=quarantine, temperature="36.5", symptoms=False)
    returnees.quarantine_release(scope=root_scope(cast), user=carol, quarantine=Quarantine.objects.get(
        pk=quarantine.pk), reason="期满")
    cast.group2 = group2
    cast.community_checkpoints = lambda: Checkpoint.objects.filter(community=cast.community).order_by("pk")
    return cast


def _local_day(moment):
    return timezone.localtime(moment).date() if moment else None


def hand_count(community_id: int, day: dt.date, *, group_id: int | None = None) -> dict:
    """The figures counted one row at a time in Python (a group: through the row's estate)."""
    def mine(community, group):
        return community == community_id and (group_id is None or group == group_id)

    people = [p for p in Person.objects.select_related("dwelling__building__estate")
              if mine(p.community_id, p.dwelling.building.estate.group_id if p.dwelling else None)]
    dwellings = [d for d in Dwelling.objects.select_related("building__estate")
                 if mine(d.building.community_id, d.building.estate.group_id)]
    registrations = [r for r in Registration.objects.select_related("dwelling__building__estate")
                     if mine(r.dwelling.building.community_id, r.dwelling.building.estate.group_id)]
    quarantines = [q for q in Quarantine.objects.select_related("dwelling__building__estate")
                   if mine(q.dwelling.building.community_id, q.dwelling.building.estate.group_id)]
    scans = [s for s in Scan.objects.select_related("checkpoint__entrance__estate")
             if mine(s.community_id, s.checkpoint.entrance.estate.group_id) and _local_day(s.occurred_at) == day]
    passes = [p for p in Pass.objects.select_related("estate") if mine(p.community_id, p.estate.group_id)]
    alerts = [a for a in FeverAlert.objects.select_related("checkpoint__entrance__estate")
              if mine(a.community_id, a.checkpoint.entrance.estate.group_id)]
    now = timezone.localtime()
    last_instant = timezone.make_aware(dt.datetime.combine(day, dt.time.max))  # 23:59:59.999999

    def in_on(q):
        return q.starts_on <= day and (q.ended_on is None and q.is_open or q.ended_on is not None and q.ended_on > day)

    overdue = 0
    for q in filter(in_on, quarantines):
        done = {c.slot for c in CheckIn.objects.filter(quarantine=q) if _local_day(c.at) == day}
        for slot, hour in (("morning", 12), ("evening", 21)):
            due = day < now.date() or now.hour >= hour
            overdue += due and slot not in done
    counted = {
        "population": {"people": len(people), **{f"kind_{k}": sum(p.kind == k for p in people)
                                                 for k in Person.Kind.values}},
        "dwellings": {"dwellings": len(dwellings), **{f"status_{s}": sum(d.status == s for d in dwellings)
                                                      for s in Dwelling.Status.values}},
        "returnees": {"registered_today": sum(_local_day(r.created_at) == day for r in registrations),
                      "registered_total": sum(_local_day(r.created_at) <= day for r in registrations)},
        "quarantine": {"in_quarantine": sum(map(in_on, quarantines)),
                       "started": sum(q.starts_on == day for q in quarantines),
                       "released": sum(q.ended_on == day and q.status == "released" for q in quarantines),
                       "overdue_checkins": overdue},
        "checkpoints": {"passages": sum(s.kind in ("scan", "manual") for s in scans),
                        "refusals": sum(s.kind == "refusal" for s in scans),
                        "passes_issued": sum(_local_day(p.issued_at) == day for p in passes),
                        "passes_revoked": sum(_local_day(p.revoked_at) == day for p in passes),
                        "passes_valid": sum(p.status_at(last_instant) == "valid" for p in passes)},
        "fever": {"alerts_raised": sum(_local_day(a.raised_at) == day for a in alerts),
                  "alerts_closed": sum(_local_day(a.closed_at) == day for a in alerts),
                  "alerts_open": sum(_local_day(a.raised_at) <= day and (a.closed_at is None or
                                                                          _local_day(a.closed_at) > day)
                                     for a in alerts),
                  **{f"outcome_{o}": sum(_local_day(a.closed_at) == day and a.outcome == o for a in alerts)
                     for o in FeverAlert.Outcome.values}},
    }
    return counted


def _ours(drafted: dict) -> dict:
    """Only the sections this test knows how to count (later apps add their own)."""
    return {key: drafted[key] for key in ("population", "dwellings", "returnees", "quarantine", "checkpoints",
                                          "fever")}


def test_it_drafts_every_figure_as_counted_by_hand(busy):
    today = timezone.localdate()
    drafted = selectors.draft([busy.community.pk, busy.other.pk], today)
    for community in (busy.community, busy.other):
        assert _ours(drafted[community.pk]) == hand_count(community.pk, today), community
    # The data really has something in every figure that could be zero by accident.
    mine = drafted[busy.community.pk]
    assert mine["checkpoints"]["passages"] >= 3 and mine["checkpoints"]["passes_revoked"] >= 1
    assert mine["fever"]["outcome_fever_clinic"] == 1 and mine["quarantine"]["released"] == 1
    assert mine["checkpoints"]["passes_valid"] >= 1 and mine["fever"]["alerts_closed"] == 1


def test_it_drafts_each_residential_groups_figures(busy):
    today = timezone.localdate()
    group_ids = [busy.estate.group_id, busy.group2.pk]
    drafted = selectors.draft_groups([busy.community.pk], group_ids, today)
    for group_id in group_ids:
        assert _ours(drafted[group_id]) == hand_count(busy.community.pk, today, group_id=group_id), group_id
    assert drafted[busy.group2.pk]["population"]["kind_tenant"] == 2


def test_it_drafts_yesterday_from_yesterdays_flows(busy):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    drafted = selectors.draft([busy.community.pk], yesterday)[busy.community.pk]
    assert _ours(drafted) == hand_count(busy.community.pk, yesterday)
    assert drafted["checkpoints"]["passages"] == 0 and drafted["returnees"]["registered_today"] == 0


def test_it_runs_each_section_once_whatever_the_number_of_communities(busy, django_assert_max_num_queries):
    today = timezone.localdate()
    # A handful of queries per section (delivery's takes five), never one per community: the
    # second draft, of two communities, must take no more than the first.
    with django_assert_max_num_queries(3 * len(sections())) as captured:
        selectors.draft([busy.community.pk], today)
    few = len(captured)
    with django_assert_max_num_queries(few):
        selectors.draft([busy.community.pk, busy.other.pk], today)


def test_it_drafts_each_checkpoints_passages_and_fevers(busy):
    today = timezone.localdate()
    gates = list(busy.community_checkpoints())
    drafted = selectors.draft_units("checkpoint", [busy.community.pk], [g.pk for g in gates], today)
    for gate in gates:
        scans = [s for s in Scan.objects.filter(checkpoint=gate) if _local_day(s.occurred_at) == today]
        alerts = list(FeverAlert.objects.filter(checkpoint=gate))
        assert drafted[gate.pk]["checkpoints"] == {
            "passages": sum(s.kind != "refusal" for s in scans), "refusals": sum(s.kind == "refusal" for s in scans),
            "passes_issued": 0, "passes_revoked": 0, "passes_valid": 0}  # a pass is for an estate, not a gate
        assert drafted[gate.pk]["fever"]["alerts_raised"] == sum(_local_day(a.raised_at) == today for a in alerts)
        assert drafted[gate.pk]["fever"]["alerts_open"] == sum(a.closed_at is None for a in alerts)
    assert sum(d["checkpoints"]["passages"] for d in drafted.values()) == \
        selectors.draft([busy.community.pk], today)[busy.community.pk]["checkpoints"]["passages"]
