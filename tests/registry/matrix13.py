"""Issue 13's additions to the scope matrix (tests/core/test_scope_matrix.py) for the registry pages:
PAGES, POST_DATA and API rows for the pages and operations added by that issue.

The register's export in full (for updating it in Excel): only those who run the community
(carol, and root) get it; olga runs another community and is refused, as is everyone else.
The form (GET) has the same guard; the POST, which gives the file, is the one walked here.
"""

from tests.roles import ADMIN_OF_CAROL

PAGES: dict = {
    "registry:person_export_full": ("post", lambda c: c.community.pk, ADMIN_OF_CAROL),
}
POST_DATA: dict = {
    "registry:person_export_full": {"reason": "矩阵测试"},
}
API: dict = {}


def equip(cast) -> None:
    """Nothing to add: the export is of the cast's own community."""
