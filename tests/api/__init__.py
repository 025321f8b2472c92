"""Helpers of the API tests: every call is made with a bearer token, as a device would."""

from __future__ import annotations

import json

from fangxian.accounts.services import token_create

API = "/api/v1"


def bearer(user) -> dict:
    """Request headers carrying a fresh API token of `user`."""
    _token, key = token_create(user=user, name="test device")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


class Caller:
    """A client that calls the API as one user: caller.get("/registry/people")."""

    def __init__(self, client, user):
        self.client = client
        self.headers = bearer(user) if user is not None else {}

    def get(self, path: str, **params):
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, body=None):
        return self.client.post(API + path, json.dumps(body or {}), content_type="application/json", **self.headers)

    def patch(self, path: str, body=None):
        return self.client.patch(API + path, json.dumps(body or {}), content_type="application/json", **self.headers)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def fields(response) -> set[str | None]:
    """The fields a 422 answer names."""
    assert response.status_code == 422, response.content
    return {error["field"] for error in response.json()["detail"]}
