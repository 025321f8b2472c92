"""Drafting a subdistrict's report runs a fixed number of queries: one community or three,
the same count (each section counts all communities at once)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangxian.access import services as access
from fangxian.access.models import Checkpoint
from fangxian.core.scope import Scope
from fangxian.incidents.models import Incident
from fangxian.registry.models import Community, ResidentialGroup
from fangxian.reports import selectors
from tests.access.conftest import equip_gate, make_checkpoint, scan_event
from tests.factories import BuildingFactory, CommunityFactory, DwellingFactory, EstateFactory, PersonFactory
from tests.returnees.conftest import equip_returnees, register

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")


def _a_lived_in_community(subdistrict, root) -> Community:
    """A third community with people, a checkpoint with a passage and a fever, a registration
    and an incident: something for every section to count."""
    community = CommunityFactory(subdistrict=subdistrict)
    estate = EstateFactory(community=community)
    building = BuildingFactory(estate=estate)
    person = PersonFactory(dwelling=DwellingFactory(building=building), kind="tenant")
    gate = make_checkpoint(estate, name="南门")
    pass_ = access.pass_issue(person=person, user=root)
    access.scans_sync(device_id="third", user=root, scope=Scope.everything(), events=[
        scan_event(gate, access.pass_qr_text(pass_), at=timezone.now() - dt.timedelta(minutes=9)),
        scan_event(gate, access.pass_qr_text(pass_), temperature=38.6, verdict="red",
                   at=timezone.now() - dt.timedelta(minutes=8))])
    register(community, DwellingFactory(building=building))
    Incident.objects.create(community=community, title="围栏破损", location="南门", reported_by=root)
    return community


@pytest.fixture
def three(two_grids):
    cast = equip_returnees(equip_gate(two_grids))
    register(cast.community, DwellingFactory(building=cast.building_a))
    register(cast.other, DwellingFactory(building=cast.outsider.dwelling.building))
    make_checkpoint(cast.outsider.dwelling.building.estate, name="西门")
    Incident.objects.create(community=cast.community, title="楼道堆放杂物", location="3栋",
                            reported_by=cast.users["carol"])
    cast.third = _a_lived_in_community(cast.community.subdistrict, cast.users["root"])
    return cast


def _ids(model, community_id: int) -> list[int]:
    return list(model.objects.filter(community_id=community_id).values_list("pk", flat=True))


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


@pytest.mark.parametrize("days_ago", [0, 1])  # yesterday: both check-in slots are due, more to count
def test_a_subdistricts_draft_runs_as_many_queries_for_three_communities_as_for_one(three, days_ago):
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    one = _queries(lambda: selectors.draft([three.community.pk], day))
    all_three = [three.community.pk, three.other.pk, three.third.pk]
    assert _queries(lambda: selectors.draft(all_three, day)) == one
    drafted = selectors.draft(all_three, day)
    assert all(drafted[pk]["population"]["people"] >= 1 for pk in all_three)  # each was really counted


def test_the_groups_and_checkpoints_drafts_do_not_grow_with_the_communities(three):
    today = timezone.localdate()
    all_three = [three.community.pk, three.other.pk, three.third.pk]
    groups_of = {pk: _ids(ResidentialGroup, pk) for pk in all_three}
    gates_of = {pk: _ids(Checkpoint, pk) for pk in all_three}
    for kind, units_of in (("group", groups_of), ("checkpoint", gates_of)):
        one = _queries(lambda: selectors.draft_units(kind, [three.community.pk], units_of[three.community.pk],
                                                     today))
        every_unit = [unit for pk in all_three for unit in units_of[pk]]
        assert all(units_of[pk] for pk in all_three), kind  # every community has units to draft
        assert _queries(lambda: selectors.draft_units(kind, all_three, every_unit, today)) == one, kind
