"""The cast's roles and the rows of the scope matrix, shared by every app's matrix module.

A row gives the expected outcome for each role. `gina`, the residential group leader, is a
community member without the registry: unless a row says otherwise she gets what frank (a
delivery volunteer, the plainest member) gets.
"""

ROLES = ("anon", "alice", "bob", "carol", "dave", "erin", "frank", "olga", "root", "gina")
OK, DENY, LOGIN = "ok", "deny", "login"  # 2xx/3xx-to-page; 403 or 404; redirect to the login page
INVALID = "invalid"  # API 422: the write reached validation and was refused as outside the user's area


def row(anon, alice, bob, carol, dave, erin, frank, olga, root, *, gina=None) -> dict[str, str]:
    values = (anon, alice, bob, carol, dave, erin, frank, olga, root, frank if gina is None else gina)
    return dict(zip(ROLES, values, strict=True))


REGISTRY_READ_B = row(LOGIN, DENY, OK, OK, OK, DENY, DENY, DENY, OK)
REGISTRY_LIST = row(LOGIN, OK, OK, OK, OK, DENY, DENY, OK, OK)
REGISTRY_WRITE_B = row(LOGIN, DENY, OK, OK, DENY, DENY, DENY, DENY, OK)
REGISTRY_CREATE = row(LOGIN, OK, OK, OK, DENY, DENY, DENY, OK, OK)
COMMUNITY_READ = row(LOGIN, OK, OK, OK, OK, DENY, DENY, DENY, OK)
ADMIN_ONLY = row(LOGIN, DENY, DENY, OK, DENY, DENY, DENY, OK, OK)
ADMIN_OF_CAROL = row(LOGIN, DENY, DENY, OK, DENY, DENY, DENY, DENY, OK)
ANY_USER = row(LOGIN, OK, OK, OK, OK, OK, OK, OK, OK)
PUBLIC = dict.fromkeys(ROLES, OK)
OWN_TOKEN_OF_BOB = row(LOGIN, DENY, OK, DENY, DENY, DENY, DENY, DENY, DENY)
SUPERUSER = row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, OK, gina=LOGIN)
# Closed management: admins and officers read the checkpoints, passages, refusals and fever
# alerts (grid workers only passes, volunteers only the console).
ACCESS_READ = row(LOGIN, DENY, DENY, OK, OK, DENY, DENY, OK, OK)
# The checkpoint console: the checkpoint's volunteers and its community's admins.
CONSOLE = row(LOGIN, DENY, DENY, OK, DENY, OK, DENY, DENY, OK)


def outcome(response) -> str:
    """What a role got from a page, in the matrix's words."""
    if response.status_code in (403, 404, 405):
        return DENY
    if response.status_code == 302 and "/login/" in response.headers.get("Location", ""):
        return LOGIN
    return OK if response.status_code < 400 else f"status {response.status_code}"


def walk_matrix(client, cast, role: str, matrix, check=None) -> list[str]:
    """Open every page of an app's matrix module (its PAGES and POST_DATA) as `role`: the rows
    it got wrong. `check(name, method, response)` looks at each answer as well."""
    from django.urls import reverse

    if role != "anon":
        client.force_login(cast.users[role])
    wrong = []
    for name, (method, pk_of, expected) in matrix.PAGES.items():
        url = reverse(name, args=[pk_of(cast)] if pk_of else [])
        response = getattr(client, method)(url, matrix.POST_DATA.get(name, {}))
        got = outcome(response)
        if got != expected[role]:
            wrong.append(f"{name}: expected {expected[role]}, got {got} ({response.status_code})")
        if check is not None:
            check(name, method, response)
    return wrong
