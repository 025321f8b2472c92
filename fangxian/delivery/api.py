"""(filled by its part of issue 15)"""

from ninja import Router

router = Router(tags=["delivery"])
