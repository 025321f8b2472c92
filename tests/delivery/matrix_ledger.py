"""(filled by its part of issue 15)"""

from tests.delivery.cast import delivery_cast

PAGES: dict = {}
POST_DATA: dict = {}
API: dict = {}
LIST_CASES: dict = {}


def equip(cast) -> None:
    delivery_cast(cast)


def grow(cast, building, i: int) -> None:
    equip(cast)
