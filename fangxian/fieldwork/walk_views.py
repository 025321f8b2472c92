"""The walk on a phone: the buildings a user walks in a campaign, one building's doors, and the
service worker that keeps both for a walk without network.

The door page holds no doors itself: its script (static/fieldwork/walk.js) reads them from
`GET /api/v1/fieldwork/campaigns/<id>/walk?building=<id>`, keeps that copy in IndexedDB, writes
every tap to IndexedDB first and sends the queue to `POST /api/v1/fieldwork/sync` (api.py).
Every sentence the script shows is translated here and handed over in the page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fangxian.core.paging import paginate
from fangxian.core.scope import scoped_view
from fangxian.core.service_worker import service_worker_response

from . import selectors, walk
from .models import Knock
from .questionnaire import MAX_COUNT, TEMPERATURE_RANGE

fieldwork_view = scoped_view(selectors.sees_fieldwork)

# What the service worker keeps for a start without network, besides the pages themselves.
API_ROOT = "/api/v1/fieldwork"  # api.py's router, mounted by plugins.py
SHELL_ASSETS = ("fangxian/app.css", "vendor/htmx/htmx.min.js", "fangxian/forms.js", "fieldwork/walk.css",
                "fangxian/offline.js", "fieldwork/walk.js")


def _campaign_or_404(scope, campaign_pk: int):
    campaign = walk.open_campaign(scope, campaign_pk)
    if campaign is None:
        raise Http404
    return campaign


def _closed(request, campaign):
    return render(request, "fieldwork/walk_closed.html", {"campaign": campaign}, status=410)


@fieldwork_view
def walk_buildings(request, scope, campaign_pk: int):
    campaign = _campaign_or_404(scope, campaign_pk)
    if not campaign.is_open:
        return _closed(request, campaign)
    q = selectors.search_text(request.GET)
    page, querystring = paginate(request, walk.searched_buildings(scope, campaign, q))
    return render(request, "fieldwork/walk_buildings.html", {
        "campaign": campaign, "page": page, "querystring": querystring, "q": q,
        "rows": walk.building_rows(campaign, list(page)),
        "sw": {"url": reverse("fieldwork:walk_sw"), "scope": _sw_scope()}, "api_root": API_ROOT,
    })


@never_cache
@fieldwork_view
def walk_doors(request, scope, campaign_pk: int, building_pk: int):
    campaign = _campaign_or_404(scope, campaign_pk)
    if not campaign.is_open:
        return _closed(request, campaign)
    building = walk.walkable_building(scope, campaign, building_pk)
    if building is None:
        raise Http404
    config = {
        "campaign": campaign.pk,
        "building": building.pk,
        "apiUrl": f"{API_ROOT}/campaigns/{campaign.pk}/walk?building={building.pk}",
        "syncUrl": f"{API_ROOT}/sync",
        "pageUrl": reverse("fieldwork:walk", args=[campaign.pk, building.pk]),
        "swUrl": reverse("fieldwork:walk_sw"),
        "swScope": _sw_scope(),
        "csrfToken": get_token(request),
        "loginUrl": reverse(settings.LOGIN_URL),
        "user": request.user.get_username(),
    }
    return render(request, "fieldwork/walk_doors.html", {
        "campaign": campaign, "building": building, "config": config, "strings": walk_strings(),
        "outcomes": outcome_labels(),
    })


def outcome_labels() -> list[tuple[str, str]]:
    """The buttons of a door. Their own context: a door's "Refused" or "Sealed" is not a review's
    refusal or a seal's record, which other pages already say."""
    return [
        (Knock.Outcome.VISITED, pgettext("door knock", "Visited")),
        (Knock.Outcome.NOBODY_HOME, pgettext("door knock", "Nobody home")),
        (Knock.Outcome.REFUSED, pgettext("door knock", "Refused")),
        (Knock.Outcome.VACANT, pgettext("door knock", "Vacant")),
        (Knock.Outcome.SEALED, pgettext("door knock", "Sealed")),
    ]


def walk_strings() -> dict[str, str]:
    """Every sentence walk.js shows. Placeholders are %(name)s, filled by the script."""
    return {
        "online": _("Online"),
        "offline": _("Offline: door records stay on this phone"),
        "queued_sent": _("Queued %(n)s, last sent %(time)s"),
        "queued_never": _("Queued %(n)s, nothing sent yet"),
        "sending": _("Sending…"),
        "waiting": _("%(n)s door records waiting since %(time)s — connect to send them."),
        "send_failed": _("Sending failed: the door records stay on this phone and are sent later."),
        "login_needed": _("Log in again to send the door records."),
        "log_in": _("Log in"),
        "rejected": _("Refused by the server: %(n)s"),
        "no_copy": _("This building's doors are not on this phone yet: connect once to load them."),
        "old_copy": _("Offline: showing the copy kept on this phone at %(time)s."),
        "store_failed": _("This phone could not save the record: write it down and try again."),
        "unsent": _("Not yet sent"),
        "attempts": _("Knocks: %(n)s"),
        "nobody_registered": _("Nobody registered here."),
        "floor": _("Floor %(n)s"),
        "floor_unknown": _("Other doors"),
        "no_doors": _("This building has no doors in the register."),
        "state_covered": pgettext("door state", "Covered"),
        "state_revisit": pgettext("door state", "To revisit"),
        "state_refused": pgettext("door state", "Refused"),
        "state_not_yet": pgettext("door state", "Not knocked yet"),
        "yes": _("Yes"),
        "no": _("No"),
        "required": _("%(question)s: this answer is required."),
        "count_bad": _("%(question)s: a whole number from 0 to %(max)s.") % {"question": "%(question)s",
                                                                          "max": MAX_COUNT},
        "temperature_bad": _("%(question)s: a reading from %(low)s to %(high)s °C.") % {
            "question": "%(question)s", "low": TEMPERATURE_RANGE[0], "high": TEMPERATURE_RANGE[1]},
        "newcomer_name": _("New people: give each one's name (2 characters or more)."),
        "newcomer_phone": _("New people: %(name)s's mobile must be 11 digits starting with 1."),
        "saved": _("Saved on this phone: %(room)s %(outcome)s"),
    }


@require_GET
def walk_sw(request):
    """The service worker, served from /fieldwork/ so that its scope covers the walk pages
    (see core.service_worker)."""
    return service_worker_response(name="walk", pages=r"\d+/walk/(\d+/)?$", assets=SHELL_ASSETS, scope=_sw_scope())


def _sw_scope() -> str:
    return reverse("fieldwork:walk_sw").rsplit("/", 1)[0] + "/"


urlpatterns = [
    path("sw.js", walk_sw, name="walk_sw"),
    path("<int:campaign_pk>/walk/", walk_buildings, name="walk_buildings"),
    path("<int:campaign_pk>/walk/<int:building_pk>/", walk_doors, name="walk"),
]
