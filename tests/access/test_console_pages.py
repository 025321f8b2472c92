"""The checkpoint console page, its service worker and its web manifest (console_views)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from fangxian.access.console_views import SHELL_ASSETS, console_strings

pytestmark = pytest.mark.django_db


def _config(response) -> dict:
    match = re.search(r'<script id="fx-config" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "the page carries its configuration for console.js"
    return json.loads(match.group(1))


def test_it_serves_the_console_to_the_checkpoint_volunteer(client, gate):
    client.force_login(gate.users["erin"])
    url = reverse("access:console", args=[gate.checkpoint.pk])
    response = client.get(url)
    assert response.status_code == 200
    config = _config(response)
    assert config["checkpoint"] == gate.checkpoint.pk
    assert config["estates"] == {str(gate.estate.pk): gate.estate.name}
    assert config["bundleUrl"] == f"/api/v1/access/bundle?checkpoint={gate.checkpoint.pk}"
    assert config["syncUrl"] == "/api/v1/access/sync"
    assert config["pageUrl"] == url
    assert url.startswith(config["swScope"]), "the service worker's scope must cover the console"
    assert config["csrfToken"]
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    page = response.content.decode()
    assert reverse("access:console_manifest", args=[gate.checkpoint.pk]) in page
    # No resident's data on the page: it is cached on the phone.
    for person in (gate.person_a, gate.person_b):
        assert person.name not in page and person.national_id not in page and person.phone not in page


def test_it_serves_the_console_to_the_community_admin_and_the_superuser(client, gate):
    url = reverse("access:console", args=[gate.checkpoint.pk])
    for name in ("carol", "root"):
        client.force_login(gate.users[name])
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("name, status", [("alice", 403), ("dave", 403), ("frank", 403), ("olga", 404)])
def test_it_refuses_the_console_to_everyone_else(client, gate, name, status):
    client.force_login(gate.users[name])
    assert client.get(reverse("access:console", args=[gate.checkpoint.pk])).status_code == status


def test_it_sends_a_stranger_to_the_login_page(client, gate):
    response = client.get(reverse("access:console", args=[gate.checkpoint.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_answers_404_for_a_checkpoint_that_does_not_exist(client, gate):
    client.force_login(gate.users["erin"])
    assert client.get(reverse("access:console", args=[999999])).status_code == 404


def test_it_puts_every_sentence_of_the_script_in_the_page(client, gate):
    """console.js shows only strings of #fx-strings: they are translated by Django."""
    client.force_login(gate.users["erin"])
    page = client.get(reverse("access:console", args=[gate.checkpoint.pk])).content.decode()
    match = re.search(r'<script id="fx-strings" type="application/json">(.*?)</script>', page, re.S)
    strings = json.loads(match.group(1))
    assert set(strings) == set(console_strings())
    script = open(finders.find("access/console.js"), encoding="utf-8").read()
    used = set(re.findall(r"\bT\.(\w+)", script))
    assert used <= set(strings), f"console.js uses strings the page does not give: {used - set(strings)}"
    for prefix in ("verdict_", "reason_", "kind_", "pass_kind_"):
        assert any(key.startswith(prefix) for key in strings)


def test_it_serves_the_service_worker_over_the_console(client):
    response = client.get(reverse("access:console_sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/access/console/"
    body = response.content.decode()
    header = json.loads(body.split("\n", 1)[0].removeprefix("self.FX_SW = ").removesuffix(";"))
    assert re.fullmatch(r"[0-9a-f]{12}", header["version"])
    assert header["assets"] == [f"/static/{name}" for name in SHELL_ASSETS]
    for name in SHELL_ASSETS:
        assert finders.find(name), f"{name} is missing"
    assert "addEventListener(\"fetch\"" in body


def test_it_gives_a_manifest_that_opens_the_checkpoint(client, gate):
    """Browsers fetch the manifest without cookies: it must not need a login."""
    response = client.get(reverse("access:console_manifest", args=[gate.checkpoint.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == reverse("access:console", args=[gate.checkpoint.pk])
    assert manifest["scope"] == "/access/console/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))
    assert gate.checkpoint.name not in response.content.decode()


def test_it_vendors_jsqr_with_its_licence():
    assert finders.find("vendor/jsqr/jsQR.js")
    licence = open(finders.find("vendor/jsqr/LICENSE"), encoding="utf-8").read()
    assert "Apache License" in licence
