"""No page, export or API answer shows an ID number or a mobile in full: only the reveal
action does, and it is written to the audit log."""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from fangxian.registry.models import GridTeamMember
from tests.core.test_scope_matrix import PAGES, _url, api_operations
from tests.fieldwork.cast import fieldwork_cast

FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
REVEALS = {"registry:person_reveal"}
# Documents that hold no record (the register template's made-up example row, the OpenAPI
# schema's integer limits) may contain long digit runs, but no number of a real person.
STATIC_DOCUMENTS = {"registry:residents_import_template", "api:*"}


def readable_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:5] == b"%PDF-":  # what a reader of the PDF sees (its font data holds any digits)
        import subprocess

        return subprocess.run(["pdftotext", "-q", "-", "-"], input=body, capture_output=True, check=True,
                              timeout=60).stdout.decode("utf-8", "ignore")
    if body[:3] == b"\xff\xd8\xff" or body[:8] == b"\x89PNG\r\n\x1a\n":
        return ""  # a photo (re-encoded, no EXIF): its compressed pixels are no text, whatever digits they hold
    if body[:2] == b"PK":  # an .xlsx: look inside every XML part
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "ignore") for name in archive.namelist())
    return body.decode("utf-8", "ignore")


def assert_masked(text: str, where: str) -> None:
    assert not FULL_ID.search(text), f"{where} shows a full ID number"
    assert not FULL_MOBILE.search(text), f"{where} shows a full mobile number"


def assert_no_real_person(text: str, where: str) -> None:
    """The register template's example row is a made-up person: its numbers are in nobody's record."""
    from django.db.models import Q

    from fangxian.registry.models import Person

    numbers = FULL_ID.findall(text) + FULL_MOBILE.findall(text)
    assert not Person.objects.filter(Q(national_id__in=numbers) | Q(phone__in=numbers)).exists(), where


@pytest.fixture
def cast(two_grids):
    from tests.core.test_scope_matrix import cast as matrix_cast

    GridTeamMember.objects.create(grid=two_grids.grid_a, role="grid_worker", name="网格员甲", phone="13912345678")
    return matrix_cast.__wrapped__(two_grids)


@pytest.mark.parametrize("role", ["alice", "carol", "dave", "root"])
def test_it_masks_every_page(client, cast, role):
    client.force_login(cast.users[role])
    for name, (method, pk_of, _expected) in PAGES.items():
        if method != "get" or name in REVEALS or name == "admin:*":
            continue
        response = client.get(_url(name, cast, pk_of))
        if response.status_code == 200:
            check = assert_no_real_person if name in STATIC_DOCUMENTS else assert_masked
            check(readable_text(response), f"{name} for {role}")


@pytest.mark.parametrize("role", ["alice", "carol", "dave"])
def test_it_masks_every_api_answer(client, cast, role):
    client.force_login(cast.users[role])
    ids = {"people": cast.person_a.pk, "dwellings": cast.person_a.dwelling_id, "buildings": cast.building_a.pk,
           "grids": cast.grid_a.pk, "estates": cast.estate.pk, "groups": cast.estate.group_id,
           "communities": cast.community.pk, "campaigns": fieldwork_cast(cast).campaign.pk}
    params = {"/api/v1/access/bundle": {"checkpoint": cast.checkpoint.pk},
              "/api/v1/access/lookup": {"checkpoint": cast.checkpoint.pk, "name": "居民"},
              f"/api/v1/fieldwork/campaigns/{cast.campaign.pk}/walk": {"building": cast.building_a.pk}}
    for method, path, _operation in api_operations():
        if method != "GET":
            continue
        if "{id}" in path:
            collection = path.split("/{id}")[0].rsplit("/", 1)[-1]
            path = path.replace("{id}", str(ids[collection]))
        response = client.get(path, params.get(path, {}))
        if path.startswith(("/api/v1/access/", "/api/v1/reports/")) and response.status_code == 403:
            continue  # the console's operations are for its volunteers and admins, the dashboard for admins
        assert response.status_code == 200, (path, response.status_code)
        assert_masked(readable_text(response), f"GET {path} for {role}")


def test_it_shows_the_full_value_only_on_reveal_with_a_reason(client, cast):
    client.force_login(cast.users["carol"])
    url = reverse("registry:person_reveal", args=[cast.person_a.pk])
    refused = client.post(url, {"field": "national_id", "reason": ""})
    assert cast.person_a.national_id not in readable_text(refused)
    shown = client.post(url, {"field": "national_id", "reason": "核实身份"})
    assert cast.person_a.national_id in readable_text(shown)
