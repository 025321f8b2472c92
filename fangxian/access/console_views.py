"""The checkpoint console: the volunteer's phone page at a gate, its service worker and web
manifest.

The console verifies passes itself (static/access/codec.js, console.js) with the signed
checkpoint bundle of `GET /api/v1/access/bundle`, keeps every event in IndexedDB and sends
them to `POST /api/v1/access/sync`; the one other read it makes, online, is the manual
lookup `GET /api/v1/access/lookup` (access/api.py). This module only serves the page.

Who may open it: the checkpoint volunteers and the admins of the checkpoint's community
(and superusers). Anyone else of the community gets 403; anyone outside it 404, so that the
console does not tell which checkpoints exist elsewhere.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fangxian.core.scope import scope_of
from fangxian.core.service_worker import service_worker_response
from fangxian.registry.models import Estate

from . import selectors
from .models import Checkpoint

# What the service worker keeps for an offline start, besides the console page itself.
SHELL_ASSETS = (
    "access/console.css",
    "access/codec.js",
    "fangxian/offline.js",
    "access/console.js",
    "vendor/jsqr/jsQR.js",
    "access/icons/icon-192.png",
)


# -- who may open it ---------------------------------------------------------------------


def console_checkpoint(request, checkpoint_id: int) -> Checkpoint:
    """The checkpoint, if this user may run its console (selectors.console_checkpoint:
    its volunteers and admins): 404 outside their communities, 403 inside them without
    one of those roles."""
    return selectors.console_checkpoint(scope_of(request), checkpoint_id)


# -- the page ----------------------------------------------------------------------------


def console_strings() -> dict[str, str]:
    """Every sentence the console's JavaScript shows, translated here (the script holds none).

    All the console's strings carry the context "checkpoint console": a gate's "Revoked" or
    "Next" is not the pass list's or the pager's."""
    return {
        "verdict_green": pgettext("checkpoint console", "Admit"),
        "verdict_red": pgettext("checkpoint console", "Do not admit"),
        "verdict_amber": pgettext("checkpoint console", "Check manually"),
        "reason_ok": pgettext("checkpoint console", "Valid pass"),
        "reason_revoked": pgettext("checkpoint console", "Revoked"),
        "reason_quarantine": pgettext("checkpoint console", "In home quarantine until {date}"),
        "reason_quarantine_open": pgettext("checkpoint console", "In home quarantine"),
        "verdict_move_in": pgettext("checkpoint console", "Allowed to move in"),
        "reason_move_in": pgettext("checkpoint console", "Move-in slip"),
        "slip_until": pgettext("checkpoint console", "Slip valid until {date}"),
        "reason_expired": pgettext("checkpoint console", "Expired"),
        "reason_not_yet_valid": pgettext("checkpoint console", "Not yet valid"),
        "reason_signature": pgettext("checkpoint console", "Invalid signature"),
        "reason_estate": pgettext("checkpoint console", "Not a pass for this estate"),
        "reason_unreadable": pgettext("checkpoint console", "Unreadable code"),
        "reason_fever": pgettext("checkpoint console", "Fever: do not admit"),
        "reason_stale": pgettext(
            "checkpoint console", "The checkpoint data is out of date: check the person by hand"),
        "reason_no_bundle": pgettext(
            "checkpoint console", "No checkpoint data on this phone yet: check the person by hand"),
        "reason_unknown_key": pgettext(
            "checkpoint console", "Signed with a key this phone does not know yet: check by hand"),
        "reason_store_failed": pgettext(
            "checkpoint console", "This phone could not save the record: write it down by hand"),
        "reason_refused": pgettext("checkpoint console", "Turned away"),
        "reason_manual": pgettext("checkpoint console", "Admitted by hand"),
        "kind_scan": pgettext("checkpoint console", "Pass scanned"),
        "kind_manual": pgettext("checkpoint console", "Manual admission"),
        "kind_refusal": pgettext("checkpoint console", "Refusal"),
        "online": pgettext("checkpoint console", "Online"),
        "offline": pgettext("checkpoint console", "Offline"),
        "unsent": pgettext("checkpoint console", "Not yet sent: {n}"),
        "all_sent": pgettext("checkpoint console", "All records sent"),
        "sending": pgettext("checkpoint console", "Sending…"),
        "rejected": pgettext("checkpoint console", "Refused by the server: {n}"),
        "login_needed": pgettext("checkpoint console", "Log in again to send the records"),
        "log_in": pgettext("checkpoint console", "Log in"),
        "send_failed": pgettext(
            "checkpoint console", "Sending failed; the records stay on this phone and are sent later"),
        "bundle_version": pgettext("checkpoint console", "Data version {version}, {age}"),
        "bundle_none": pgettext("checkpoint console", "No checkpoint data yet"),
        "bundle_stale": pgettext("checkpoint console", "Checkpoint data out of date since {age}"),
        "bundle_refused": pgettext(
            "checkpoint console", "A checkpoint data update was refused: it is not signed by a trusted key"),
        "bundle_older": pgettext(
            "checkpoint console", "A checkpoint data update was refused: it is older than the one on this phone"),
        "retrust_confirm": pgettext(
            "checkpoint console",
            "Do this only when your community's admin has replaced its keys. Trust the keys the server sends now?"),
        "age_now": pgettext("checkpoint console", "just now"),
        "age_minutes": pgettext("checkpoint console", "{n} min ago"),
        "age_hours": pgettext("checkpoint console", "{n} h ago"),
        "age_days": pgettext("checkpoint console", "{n} days ago"),
        "temperature_bad": pgettext("checkpoint console", "Enter a temperature between 34.0 and 43.0 °C"),
        "temperature_none": pgettext("checkpoint console", "not taken"),
        "camera_unavailable": pgettext("checkpoint console", "No camera here: use the scanner or type the code"),
        "camera_denied": pgettext(
            "checkpoint console", "The camera is not allowed: use the scanner or type the code"),
        "camera_starting": pgettext("checkpoint console", "Point the camera at the QR code"),
        "lookup_offline": pgettext("checkpoint console", "The lookup needs the network"),
        "lookup_empty": pgettext("checkpoint console", "Nobody found"),
        "lookup_short": pgettext(
            "checkpoint console", "Enter building and room, or at least two characters of the name"),
        "lookup_failed": pgettext("checkpoint console", "The lookup failed; try again"),
        "has_pass": pgettext("checkpoint console", "Holds a valid pass"),
        "no_pass": pgettext("checkpoint console", "No valid pass"),
        "reason_needed": pgettext("checkpoint console", "Give a reason"),
        "phone_bad": pgettext("checkpoint console", "Enter an 11-digit mobile number, or leave it empty"),
        "saved": pgettext("checkpoint console", "Saved"),
        "direction_in": pgettext("checkpoint console", "In"),
        "direction_out": pgettext("checkpoint console", "Out"),
        "estate_other": pgettext("checkpoint console", "An estate of another community"),
        "pass_kind_resident": pgettext("checkpoint console", "Resident"),
        "pass_kind_tenant": pgettext("checkpoint console", "Tenant"),
        "pass_kind_worker": pgettext("checkpoint console", "Works in the estate"),
        "pass_kind_visitor": pgettext("checkpoint console", "Visitor"),
    }


@login_required
@never_cache
def console(request, checkpoint_id: int):
    checkpoint = console_checkpoint(request, checkpoint_id)
    config = {
        "checkpoint": checkpoint.pk,
        "checkpointName": checkpoint.name,
        # Every estate of the community by name (the bundle brings them up to date), so that
        # a pass for another of its estates is refused by name; a number is never shown.
        "estates": {str(e.pk): e.name for e in _community_estates(checkpoint)},
        "timeZone": settings.TIME_ZONE,
        "bundleUrl": f"/api/v1/access/bundle?checkpoint={checkpoint.pk}",
        "syncUrl": "/api/v1/access/sync",
        "lookupUrl": "/api/v1/access/lookup",
        "pageUrl": reverse("access:console", args=[checkpoint.pk]),
        "swUrl": reverse("access:console_sw"),
        "swScope": reverse("access:console_sw").rsplit("/", 1)[0] + "/",
        "isAdmin": scope_of(request).runs(checkpoint.community_id),
        "user": request.user.get_username(),
        "csrfToken": get_token(request),
        "loginUrl": reverse(settings.LOGIN_URL),
        "jsqrUrl": static("vendor/jsqr/jsQR.js"),
    }
    return render(request, "access/console.html", {
        "checkpoint": checkpoint,
        "config": config,
        "strings": console_strings(),
        "refusal_reasons": [
            pgettext("checkpoint console", "Not a resident of this estate"),
            pgettext("checkpoint console", "No pass"),
            pgettext("checkpoint console", "Fever"),
            pgettext("checkpoint console", "Refused to have the temperature taken"),
        ],
    })


def _community_estates(checkpoint: Checkpoint):
    return Estate.objects.filter(community_id=checkpoint.community_id).order_by("name")


@require_GET
def console_manifest(request, checkpoint_id: int):
    """The web manifest, one per checkpoint so the installed app opens that checkpoint.
    Browsers fetch a manifest without cookies: it holds nothing but the address."""
    page = reverse("access:console", args=[checkpoint_id])
    scope = reverse("access:console_sw").rsplit("/", 1)[0] + "/"
    manifest = {
        "name": pgettext("checkpoint console", "Fangxian checkpoint"),
        "short_name": pgettext("checkpoint console", "Checkpoint"),
        "id": page,
        "start_url": page,
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#000000",
        "theme_color": "#b3261e",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("access/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("access/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("access/icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    return HttpResponse(json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json")


@require_GET
def console_sw(request):
    """The service worker, served from /access/console/ so that its scope covers every
    console page (see core.service_worker)."""
    return service_worker_response(name="console", pages=r"\d+/$", assets=SHELL_ASSETS,
                                   scope=reverse("access:console_sw").rsplit("/", 1)[0] + "/")
