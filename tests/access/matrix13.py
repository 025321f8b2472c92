"""Issue 13's additions to the scope matrix (tests/core/test_scope_matrix.py) for the access pages:
PAGES, POST_DATA and API rows for the pages and operations added by that issue."""

PAGES: dict = {}
POST_DATA: dict = {}
API: dict = {}


def equip(cast) -> None:
    """Nothing to add to the cast yet."""
