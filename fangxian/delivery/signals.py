"""A household's meals follow its home quarantine: when a quarantine ends (released, released
early, transferred) or its planned end moves (shortened, extended), the household's open meals
that are no longer wanted are cancelled at once (meals.meals_reconcile), in the same
transaction as the change. New meals come from the nightly run."""

from __future__ import annotations

from django.db.models.signals import post_save

from fangxian.returnees.models import Quarantine

from . import meals

DISPATCH_UID = "fangxian.delivery.quarantine_meals"
WATCHED = frozenset({"planned_end", "status"})


def quarantine_saved(sender, instance: Quarantine, created: bool = False, update_fields=None, raw: bool = False,
                     **kwargs) -> None:
    if raw or created:
        return
    # update_fields None is a whole save: anything may have changed.
    if instance.is_open and update_fields is not None and not WATCHED & set(update_fields):
        return
    meals.meals_reconcile(dwelling_ids=[instance.dwelling_id])


def connect() -> None:
    """Called from DeliveryConfig.ready; connecting twice is harmless (dispatch_uid)."""
    post_save.connect(quarantine_saved, sender=Quarantine, dispatch_uid=DISPATCH_UID)
