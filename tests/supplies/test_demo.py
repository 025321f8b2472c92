"""Supplies' part of the demo (supplies.demo): a month of donations, transfers, daily use and
requests on a small community with three checkpoints and the women's volunteer team, built as
the demo builds one (the checkpoints and teams first). The clock stands at 2026-03-02 10:00."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from fangxian.access.models import Checkpoint
from fangxian.core.scope import Role
from fangxian.duty.models import VolunteerTeam
from fangxian.supplies import selectors
from fangxian.supplies.demo import BROKEN, DONORS, NOTHING, demo_supplies
from fangxian.supplies.figures import section_figures
from fangxian.supplies.models import Donation, Item, Movement, Place, SupplyRequest
from tests.access.conftest import make_checkpoint
from tests.conftest import FROZEN_AT
from tests.factories import CommunityFactory, EstateFactory, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TODAY = FROZEN_AT.date()
FIRST = TODAY - dt.timedelta(days=29)
S = SupplyRequest.Status


@pytest.fixture
def community(frozen_clock):
    community = CommunityFactory(code="SUPPDEMO")
    estate = EstateFactory(community=community)
    for name in ("东门", "西门", "北门"):
        make_checkpoint(estate, name)
    make_user("demo-admin", Role.COMMUNITY_ADMIN, community)
    make_user("demo-gate", Role.CHECKPOINT_VOLUNTEER, community)
    VolunteerTeam.objects.create(community=community, name="巾帼志愿服务队", formed_on=FIRST)
    return community


def _signature(community):
    return (sorted(Movement.objects.filter(community=community)
                   .values_list("item__name", "place__name", "kind", "change", "day", "at", "event_id")),
            sorted(Donation.objects.filter(community=community).values_list("number", "donor_name", "received_on")),
            sorted(SupplyRequest.objects.filter(community=community)
                   .values_list("item__name", "quantity", "status", "asked_at")))


def test_it_builds_and_runs_once(community):
    # How long it takes is the demo's business (`fangxian demo` prints it), not a test's.
    built = demo_supplies(community=community, now=FROZEN_AT)
    assert built["items"] == 6 and built["places"] == 4 and built["donations"] == len(DONORS)
    assert built["movements"] == Movement.objects.filter(community=community).count() > 300
    first = _signature(community)
    assert demo_supplies(community=community, now=FROZEN_AT) == NOTHING  # left alone
    assert _signature(community) == first


def test_it_is_deterministic(community):
    demo_supplies(community=community, now=FROZEN_AT)
    first = _signature(community)
    Movement.objects.filter(community=community, kind=Movement.Kind.REVERSAL).delete()
    Movement.objects.filter(community=community).delete()
    SupplyRequest.objects.filter(community=community).delete()
    Donation.objects.filter(community=community).delete()
    Item.objects.filter(community=community).delete()
    demo_supplies(community=community, now=FROZEN_AT)
    assert _signature(community) == first


def test_no_stock_ever_falls_below_zero_and_nothing_happens_after_now(community):
    demo_supplies(community=community, now=FROZEN_AT)
    movements = list(Movement.objects.filter(community=community).order_by("at", "pk"))
    assert FIRST <= min(m.day for m in movements) and max(m.day for m in movements) == TODAY
    assert max(m.at for m in movements) <= FROZEN_AT
    running: dict[tuple[int, int], int] = defaultdict(int)
    for movement in movements:
        running[(movement.item_id, movement.place_id)] += movement.change
        assert running[(movement.item_id, movement.place_id)] >= 0, movement
        assert movement.day == movement.at.astimezone(FROZEN_AT.tzinfo).date(), movement
    donations = Donation.objects.filter(community=community)
    assert max(d.created_at for d in donations) <= FROZEN_AT
    assert max(r.asked_at for r in SupplyRequest.objects.filter(community=community)) <= FROZEN_AT


def test_the_places_are_the_store_and_the_checkpoints_and_each_gate_uses_its_masks(community):
    demo_supplies(community=community, now=FROZEN_AT)
    places = Place.objects.filter(community=community)
    gates = places.filter(kind=Place.Kind.CHECKPOINT)
    assert places.filter(kind=Place.Kind.STORE).count() == 1
    assert sorted(g.checkpoint.name for g in gates) == sorted(c.name for c in community_checkpoints(community))
    for gate in gates:
        used = Movement.objects.filter(place=gate, kind=Movement.Kind.USE, item__name="口罩")
        # Every past day: three shifts of two volunteers, and at most three more.
        for movement in used.exclude(day=TODAY):
            assert 6 <= movement.quantity <= 9
        assert used.values("day").distinct().count() >= 25
    # Use happens only at checkpoints; the store gives out (transfers, issues).
    assert not Movement.objects.filter(place__kind=Place.Kind.STORE, kind=Movement.Kind.USE).exists()


def community_checkpoints(community):
    return Checkpoint.objects.filter(community=community, active=True)


def test_donations_of_the_month_named_as_donors_agreed(community):
    demo_supplies(community=community, now=FROZEN_AT)
    donations = list(Donation.objects.filter(community=community))
    kinds = {d.donor_kind for d in donations}
    assert kinds == set(Donation.DonorKind.values)
    assert sum(d.donor_kind == Donation.DonorKind.ANONYMOUS for d in donations) == 1
    residents = [d for d in donations if d.donor_kind == Donation.DonorKind.RESIDENT]
    assert any(d.public_name for d in residents) and any(not d.public_name for d in residents)
    early = sum(d.received_on < FIRST + dt.timedelta(days=14) for d in donations)
    assert early > len(donations) - early
    assert any(d.received_on == TODAY for d in donations)


def test_the_requests_tell_each_step_and_a_long_unmet_shortage_of_thermometers(community):
    demo_supplies(community=community, now=FROZEN_AT)
    requests = SupplyRequest.objects.filter(community=community)
    assert {S.WAITING, S.APPROVED, S.ISSUED, S.RECEIVED, S.REFUSED} <= set(requests.values_list("status", flat=True))
    assert requests.filter(team__isnull=False, status=S.RECEIVED).exists()
    short = [s for s in selectors.shortages(requests, now=FROZEN_AT) if not s.can_issue]
    assert [(s.request.item.name, s.long_unmet) for s in short] == [("额温枪", True)]
    assert Movement.objects.filter(community=community, kind=Movement.Kind.LOSS, note=BROKEN).count() == 1
    # Each issued request left the store for its checkpoint.
    for request in requests.filter(status__in=[S.ISSUED, S.RECEIVED], place__isnull=False):
        assert selectors.issued_for(request) == request.quantity


def test_the_figures_agree_with_the_story(community):
    demo_supplies(community=community, now=FROZEN_AT)
    figures = section_figures([community.pk], TODAY)[community.pk]
    assert figures["received_today"] == sum(q for q in DONORS[-1][5].values())
    assert figures["issued_today"] > 0 and figures["open_shortages"] == 1
    assert figures["lowest_days_left"] is not None and figures["key_items_in_stock"] > 0
    # The women's team had its masks; the delivery team its share.
    assert Movement.objects.filter(community=community, recipient=Movement.Recipient.TEAM, team__isnull=False,
                                   item__name="口罩").exists()
    assert Movement.objects.filter(community=community, recipient=Movement.Recipient.DELIVERY).exists()


def test_a_community_without_checkpoints_or_team_gets_donations_and_issues_only(frozen_clock, db):
    community = CommunityFactory(code="SUPPBARE")
    make_user("bare-admin", Role.COMMUNITY_ADMIN, community)
    built = demo_supplies(community=community, now=FROZEN_AT)
    assert built["places"] == 1 and built["donations"] == len(DONORS) and built["requests"] == 0
    assert not Movement.objects.filter(community=community, kind=Movement.Kind.USE).exists()


def test_built_before_the_office_opens_nothing_is_dated_after_now(community):
    early = FROZEN_AT.replace(hour=3)
    demo_supplies(community=community, now=early)
    assert not Donation.objects.filter(community=community, received_on=TODAY).exists()
    assert max(Movement.objects.filter(community=community).values_list("at", flat=True)) <= early
    assert max(SupplyRequest.objects.filter(community=community).values_list("asked_at", flat=True)) <= early
