import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangxian.accounts.models import ApiToken
from fangxian.accounts.services import token_authenticate, token_create, token_revoke
from tests.api import API, Caller
from tests.factories import make_user


def test_it_accepts_a_bearer_token(client, db):
    alice = make_user("alice")
    _token, key = token_create(user=alice, name="tablet")
    response = client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


# Reads the date or the hour: .ci/run runs it again at 03:00 and at 23:59 Asia/Shanghai.
pytestmark = [pytest.mark.clock_sensitive, pytest.mark.usefixtures("frozen_clock_or_ci_clock")]

def test_it_refuses_an_unknown_token(client, db):
    response = client.get(f"{API}/me", HTTP_AUTHORIZATION="Bearer fx_not-a-real-key")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_it_refuses_a_revoked_token(client, db):
    alice = make_user("alice")
    token, key = token_create(user=alice, name="tablet")
    token_revoke(user=alice, token=token)
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_it_refuses_the_token_of_an_inactive_user(client, db):
    alice = make_user("alice")
    _token, key = token_create(user=alice, name="tablet")
    alice.is_active = False
    alice.save()
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_it_refuses_no_credentials(client, db):
    assert client.get(f"{API}/me").status_code == 401
    assert client.get(f"{API}/registry/people").status_code == 401
    response = client.post(f"{API}/registry/people", "{}", content_type="application/json")
    assert response.status_code == 401


def test_it_judges_a_bad_token_even_beside_a_session(client, db):
    client.force_login(make_user("alice"))
    assert client.get(f"{API}/me").status_code == 200
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION="Bearer fx_wrong").status_code == 401
    assert client.get(f"{API}/me", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_it_stores_tokens_hashed(db):
    alice = make_user("alice")
    token, key = token_create(user=alice, name="tablet")
    assert key.startswith("fx_") and len(key) > 40
    row = ApiToken.objects.values().get(pk=token.pk)
    assert all(key not in str(value) for value in row.values())
    assert row["key_hash"] == ApiToken.hash(key)
    assert row["hint"] == key[-4:]
    assert token_authenticate(key) == alice


def test_it_writes_last_used_at_most_once_a_minute(db):
    alice = make_user("alice")
    token, key = token_create(user=alice, name="tablet")
    assert token_authenticate(key) == alice
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        assert token_authenticate(key) == alice
    assert len(queries) == 1  # the lookup, no UPDATE
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(minutes=2))
    token_authenticate(key)
    token.refresh_from_db()
    assert token.last_used_at > first


def test_it_ignores_junk_keys(db):
    for junk in (None, "", "Bearer", "fx_", "x" * 10_000, "fx_" + "a" * 500, "fx_\x00"):
        assert token_authenticate(junk) is None


def test_it_accepts_the_session_and_enforces_csrf_on_writes(db, two_grids):
    carol = two_grids.users["carol"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(carol)
    assert browser.get(f"{API}/registry/people").status_code == 200
    body = '{"field": "phone", "reason": "calling about quarantine"}'
    url = f"{API}/registry/people/{two_grids.person_a.pk}/reveal"
    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"]  # carol may reveal: only the missing CSRF token refuses her
    browser.get("/accounts/tokens/")  # any page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 200


def test_it_needs_no_csrf_with_a_token(db, two_grids):
    device = Client(enforce_csrf_checks=True)
    caller = Caller(device, two_grids.users["carol"])
    response = caller.post(f"/registry/people/{two_grids.person_a.pk}/reveal",
                           {"field": "phone", "reason": "calling about quarantine"})
    assert response.status_code == 200


def test_it_tells_who_is_calling(client, two_grids):
    me = Caller(client, two_grids.users["dave"]).get("/me").json()
    assert me == {"username": "dave", "is_superuser": False, "roles": ["subdistrict_officer"],
                  "sees_registry": True, "edits_registry": False}
