"""The walk's API, under /api/v1/fieldwork/ (being written)."""

from ninja import Router

router = Router(tags=["fieldwork"])
