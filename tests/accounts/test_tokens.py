"""The API token page: each user makes, sees and revokes their own tokens only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fangxian.accounts.models import ApiToken
from fangxian.accounts.services import token_authenticate, token_create, token_revoke
from tests.factories import make_user


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


def test_it_lists_only_the_users_own_tokens(client, alice, bob):
    token_create(user=alice, name="门岗平板")
    token_create(user=bob, name="bob's laptop")
    client.force_login(alice)
    page = client.get(reverse("accounts:token_list")).content.decode()
    assert "门岗平板" in page and "bob&#x27;s laptop" not in page and "bob's laptop" not in page


def test_it_shows_a_new_key_once(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:token_list"), {"name": "gate 2 tablet"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice)
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert ApiToken.hash(key) == token.key_hash and f"…{token.hint}" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert key not in client.get(reverse("accounts:token_list")).content.decode()
    assert token_authenticate(key) == alice


def test_it_refuses_a_token_without_a_name(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:token_list"), {"name": "   "})
    assert response.status_code == 422
    assert response.context["errors"]
    assert not ApiToken.objects.exists()


def test_it_revokes_by_post_only_with_a_confirmation(client, alice):
    token, key = token_create(user=alice, name="tablet")
    client.force_login(alice)
    url = reverse("accounts:token_revoke", args=[token.pk])
    page = client.get(reverse("accounts:token_list")).content.decode()
    assert url in page and "data-confirm=" in page
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:token_list")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_authenticate(key) is None


def test_it_answers_404_for_someone_elses_token(client, alice, bob):
    token, key = token_create(user=bob, name="bob's tablet")
    client.force_login(alice)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and token_authenticate(key) == bob


def test_it_asks_strangers_to_log_in(client, db):
    for response in (client.get(reverse("accounts:token_list")),
                     client.post(reverse("accounts:token_revoke", args=[1]))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_it_keeps_revoking_idempotent_and_personal(alice, bob):
    token, _key = token_create(user=alice, name="tablet")
    first = token_revoke(user=alice, token=token).revoked_at
    assert token_revoke(user=alice, token=token).revoked_at == first
    with pytest.raises(PermissionDenied):
        token_revoke(user=bob, token=token)
