"""The demo's closed management: a checkpoint per entrance, a pass for everyone at home."""

from fangxian.access.demo import demo_access
from fangxian.access.models import Checkpoint, Pass
from tests.factories import DwellingFactory, PersonFactory


def test_it_sets_up_checkpoints_and_passes_once(two_grids):
    two_grids.estate.entrances.create(name="北门")
    two_grids.estate.entrances.create(name="南门")
    away = PersonFactory(dwelling=DwellingFactory(building=two_grids.building_a, status="not_returned"))

    first = demo_access(community=two_grids.community)
    again = demo_access(community=two_grids.community)

    assert first == {"checkpoints": 2, "passes": 2} and again == {"checkpoints": 0, "passes": 0}
    assert Checkpoint.objects.filter(community=two_grids.community).count() == 2
    holders = set(Pass.objects.values_list("person_id", flat=True))
    assert holders == {two_grids.person_a.pk, two_grids.person_b.pk} and away.pk not in holders
