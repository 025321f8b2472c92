"""This app's part of the scope matrix (tests/core/test_scope_matrix.py) and of the list-page
query counts (tests/core/test_list_queries.py)."""

from tests.roles import ADMIN_ONLY, OK, PUBLIC, row  # noqa: F401

PAGES: dict = {}  # url name → (method, pk_of(cast) or None, expectations row)
POST_DATA: dict = {}  # url name → POST data
API: dict = {}  # operationId (without the module prefix) → (pk_of, body_of, expectations)
LIST_CASES: dict = {}  # list url name → users among ("carol", "dave", "bob") who open it


def equip(cast) -> None:
    """Add this app's objects to the matrix cast (grid B's where a grid applies)."""


def grow(cast, building, i: int) -> None:
    """One more of each row this app's list pages show, around `building`."""
