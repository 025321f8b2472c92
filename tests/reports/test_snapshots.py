"""Daily snapshots: yesterday's figures read as they were after today's registry changes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from fangxian.core.scope import Scope
from fangxian.registry.models import Person
from fangxian.reports import services, snapshots
from fangxian.reports.models import FigureSnapshot
from tests.factories import CommunityFactory, PersonFactory, make_user

from .conftest import TODAY, at

pytestmark = [pytest.mark.django_db, pytest.mark.clock_sensitive]
YESTERDAY = TODAY - dt.timedelta(days=1)


def _people(community_id, day):
    return snapshots.stored_figures([community_id], day)[community_id]["population"]["people"]


def test_the_close_snapshot_reproduces_yesterday_after_today_s_registry_changes():
    person = PersonFactory()
    community = person.community
    PersonFactory.create_batch(2, dwelling=person.dwelling)
    with time_machine.travel(at(23, 55, YESTERDAY), tick=False):
        snapshots.snapshots_at_close()
    # Today two people move out and five move in: the registry now holds 6.
    Person.objects.filter(pk__in=[person.pk]).delete()
    PersonFactory.create_batch(4, dwelling=person.dwelling)
    assert Person.objects.filter(community=community).count() == 6
    assert _people(community.pk, YESTERDAY) == 3
    with time_machine.travel(at(2, 0), tick=False):  # the worker's next runs leave yesterday alone
        snapshots.snapshots_at_close()
    assert _people(community.pk, YESTERDAY) == 3


def test_no_snapshot_of_today_before_the_close():
    community = PersonFactory().community
    with time_machine.travel(at(22, 0), tick=False):
        snapshots.snapshots_at_close()
    assert not FigureSnapshot.objects.filter(community=community, day=TODAY).exists()
    with time_machine.travel(at(23, 51), tick=False):
        snapshots.snapshots_at_close()
    assert _people(community.pk, TODAY) == 1


def test_a_day_the_worker_missed_is_caught_up_once_and_a_timely_one_is_kept():
    first, second = CommunityFactory(), CommunityFactory()
    PersonFactory(dwelling__building__estate__community=first)
    snapshots.snapshot_take([first.pk], YESTERDAY, now=at(23, 55, YESTERDAY))
    PersonFactory(dwelling__building__estate__community=first)
    with time_machine.travel(at(8, 0), tick=False):
        assert snapshots.snapshots_at_close() == 1  # only the community with no snapshot
    assert _people(first.pk, YESTERDAY) == 1
    assert _people(second.pk, YESTERDAY) == 0
    caught_up = FigureSnapshot.objects.get(community=second, day=YESTERDAY)
    assert timezone.localtime(caught_up.taken_at).date() == TODAY


def test_a_past_day_submitted_late_keeps_that_day_s_levels():
    person = PersonFactory()
    community = person.community
    snapshots.snapshot_take([community.pk], YESTERDAY, now=at(23, 55, YESTERDAY))
    PersonFactory.create_batch(3, dwelling=person.dwelling)  # moved in today
    with time_machine.travel(at(9, 0), tick=False):
        report = services.report_save(
            scope=Scope.everything(None), user=make_user("clerk"), community=community, day=YESTERDAY, submit=True,
            confirm_missing=True, data={"confirmed": 0, "suspected": 0, "close_contacts": 0})
    assert report.figures["population"]["people"] == 1
    assert _people(community.pk, YESTERDAY) == 1  # the close snapshot was not overwritten
