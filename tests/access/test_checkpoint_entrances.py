"""Setting up a checkpoint when no entrance is on record: the form says so and lets the admin
name the entrance, which is added to the estate with its checkpoint."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from fangxian.access.models import Checkpoint
from fangxian.accounts.models import Role
from fangxian.core.models import AuditEvent
from fangxian.registry.models import Entrance
from tests.access.conftest import make_checkpoint
from tests.factories import CommunityFactory, EstateFactory, make_user

FORM = {"all_day": "on", "name": ""}


def _errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_it_says_how_to_add_an_entrance_when_none_is_free(client, two_grids):
    make_checkpoint(two_grids.estate)  # the estate's one entrance has its checkpoint already
    client.force_login(two_grids.users["carol"])
    with translation.override("en"):
        page = client.get(reverse("access:checkpoint_create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No entrance without a checkpoint is on record." in page
    assert 'name="entrance_name"' in page and f'<option value="{two_grids.estate.pk}">' in page


def test_it_sets_up_a_checkpoint_at_a_new_entrance(client, two_grids):
    client.force_login(two_grids.users["carol"])
    response = client.post(reverse("access:checkpoint_create"),
                           {**FORM, "estate": two_grids.estate.pk, "entrance_name": " 北门 "})
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.select_related("entrance").get()
    assert (checkpoint.entrance.estate, checkpoint.entrance.name) == (two_grids.estate, "北门")
    assert checkpoint.name == f"{two_grids.estate.name} 北门"
    assert AuditEvent.objects.filter(target_type="registry.Entrance", action="create").count() == 1


def test_it_names_the_field_and_changes_nothing_on_bad_input(client, two_grids):
    Entrance.objects.create(estate=two_grids.estate, name="北门")
    client.force_login(two_grids.users["carol"])
    url = reverse("access:checkpoint_create")
    with translation.override("en"):
        nothing = client.post(url, FORM, HTTP_ACCEPT_LANGUAGE="en")
        twice = client.post(url, {**FORM, "estate": two_grids.estate.pk, "entrance_name": "北门"},
                            HTTP_ACCEPT_LANGUAGE="en")
        too_long = client.post(url, {**FORM, "estate": two_grids.estate.pk, "entrance_name": "门" * 61},
                               HTTP_ACCEPT_LANGUAGE="en")
    assert _errors(nothing) == {"entrance": ["Choose an entrance, or name a new one and choose its estate."]}
    assert list(_errors(twice)) == ["entrance_name"] and "choose it in the list" in _errors(twice)["entrance_name"][0]
    assert _errors(too_long) == {"entrance_name": ["New entrance has at most 60 characters."]}
    assert Checkpoint.objects.count() == 0 and Entrance.objects.filter(name__startswith="门").count() == 0


def test_it_says_whom_to_ask_when_the_community_has_no_estate(client, db):
    admin = make_user("hank", Role.COMMUNITY_ADMIN, CommunityFactory())
    EstateFactory()  # another community's
    client.force_login(admin)
    with translation.override("en"):
        page = client.get(reverse("access:checkpoint_create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ask the system administrator to set up its estates" in page
