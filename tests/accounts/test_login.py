"""Logging in, and the lockout after repeated failures."""

from django.urls import reverse


def test_it_logs_in_and_lands_on_the_home_page(client, two_grids):
    response = client.post(reverse("accounts:login"), {"username": "carol", "password": "pw-carol"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert two_grids.community.name in response.content.decode()


def test_it_locks_out_a_user_after_five_wrong_passwords(client, two_grids):
    for _ in range(5):
        response = client.post(reverse("accounts:login"), {"username": "carol", "password": "wrong"},
                               REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    # Even the right password is refused from that address now.
    response = client.post(reverse("accounts:login"), {"username": "carol", "password": "pw-carol"},
                           REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another user from the same address is not locked.
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": "pw-bob"},
                           REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, db):
    response = client.get(reverse("registry:person_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
