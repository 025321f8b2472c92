"""No API answer shows an ID number or a mobile in full, except the audited reveal itself."""

import re

from fangxian.api.api import api
from fangxian.fieldwork.models import Campaign
from fangxian.registry.models import (
    Building,
    Community,
    Dwelling,
    Estate,
    Grid,
    GridTeamMember,
    Person,
    ResidentialGroup,
)
from tests.api import Caller
from tests.factories import make_national_id
from tests.fieldwork.cast import fieldwork_cast

FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_MOBILE = re.compile(r"1\d{10}")
MODELS = {"people": Person, "dwellings": Dwelling, "buildings": Building, "grids": Grid, "estates": Estate,
          "groups": ResidentialGroup, "communities": Community, "campaigns": Campaign}
# An operation that also takes a record in its query: the walk of a campaign's building.
QUERY_OF = {"/fieldwork/campaigns/{id}/walk": ("building", Building)}


def get_paths():
    """Every GET operation of the API, with {id} filled in with every record of its kind."""
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        path = path.removeprefix("/api/v1")
        if "{id}" not in path:
            yield path
            continue
        model = MODELS[path.split("/")[2]]
        param, query_model = QUERY_OF.get(path, (None, None))
        for pk in model.objects.values_list("pk", flat=True):
            if param is None:
                yield path.replace("{id}", str(pk))
            else:
                for other in query_model.objects.values_list("pk", flat=True):
                    yield f"{path.replace('{id}', str(pk))}?{param}={other}"


def assert_masked(response, where):
    text = response.content.decode()
    assert not FULL_ID.search(text), (where, text)
    assert not FULL_MOBILE.search(text), (where, text)


def test_it_masks_every_answer_to_everyone(client, two_grids):
    GridTeamMember.objects.create(grid=two_grids.grid_a, role="building_head", name="陈楼长", phone="13800138000")
    fieldwork_cast(two_grids)  # a campaign whose walk lists the residents of each door
    paths = list(get_paths())
    assert len(paths) > 15
    for name, user in two_grids.users.items():
        caller = Caller(client, user)
        for path in paths:
            assert_masked(caller.get(path), (name, path))


def test_it_masks_the_answers_to_writes(client, two_grids):
    carol = Caller(client, two_grids.users["carol"])
    created = carol.post("/registry/people", {"name": "李小红", "national_id": make_national_id(sex="F"),
                                              "phone": "13712345678", "dwelling_id": two_grids.person_a.dwelling_id})
    assert created.status_code == 201
    assert_masked(created, "create")
    assert "national_id" not in created.json() and "phone" not in created.json()
    changed = carol.patch(f"/registry/people/{created.json()['id']}", {"phone": "13787654321"})
    assert_masked(changed, "update")
    duplicate = carol.post("/registry/people", {"name": "李小红", "national_id": two_grids.person_b.national_id,
                                                "dwelling_id": two_grids.person_a.dwelling_id})
    assert duplicate.status_code == 422
    assert_masked(duplicate, "duplicate")


def test_it_shows_the_full_value_only_in_the_reveal_answer(client, two_grids):
    carol = Caller(client, two_grids.users["carol"])
    revealed = carol.post(f"/registry/people/{two_grids.person_a.pk}/reveal", {"field": "phone", "reason": "call"})
    assert revealed.json()["value"] == two_grids.person_a.phone
    assert FULL_MOBILE.search(revealed.content.decode())


def test_it_declares_no_full_id_or_phone_in_any_answer_schema():
    schemas = api.get_openapi_schema()["components"]["schemas"]
    for name, schema in schemas.items():
        if name.endswith(("In", "Create", "Patch")) or name == "RevealOut":
            continue
        assert not {"national_id", "phone"} & set(schema.get("properties", {})), name
