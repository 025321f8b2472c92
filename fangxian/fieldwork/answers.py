"""Answers that act: what a visited door's answers set going, once per knock.

`act_on_knocks` runs inside the sync's transaction for the knocks that request stored. Each
knock acts once even if it is handed over again: every knock that acted leaves an audit
event (`fieldwork.Knock`, field "answers"), read first; the pending people and the fever
alerts also carry the knock's event id as `source_ref`.

1. People found who are not in the register → registry pending people (registry.pending).
2. Someone back from outside → a returnee registration to review, for each registered
   resident of that door the walker named (`back_people`). The returnees' Registration needs
   an ID number, a mobile, a place and a day; for a named resident the register has the
   first two, the answer "back from where" gives the place, and the day of the knock is the
   latest the arrival can be. It is marked recorded at the door (`recorded_at_door`): the
   returnee did not fill the form or agree to its notice, a walker recorded it, and the
   reviewer sees so.
   When nobody is named there is no ID number to register with, so the door becomes an
   incident "someone back from outside must register" for the grid worker to follow up; no
   half-filled registration is made.
3. Symptoms, or a temperature at or above the community's fever threshold → a fever alert at
   the door, told to the duty officers like the gate's.
4. A need of food or medicine → a delivery request for the door (shopping, medicine; the
   household's note as what to bring), made in the system's name and stored once per knock
   and need; other help → a low-urgency incident reported by the walker.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext

from fangxian.access.alerts import fever_alerts_raise
from fangxian.access.models import FeverAlert
from fangxian.access.rules import fever_threshold
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.delivery import services as delivery_services
from fangxian.delivery.models import Task
from fangxian.incidents import selectors as incident_selectors
from fangxian.incidents.models import Incident
from fangxian.incidents.services import incident_report
from fangxian.registry.models import Person
from fangxian.registry.pending import pending_people_add
from fangxian.returnees.models import RECORDED_AT_DOOR, Registration
from fangxian.returnees.services import measure_for

from .models import Knock

ACTED = "answers"  # the audit event's field that marks a knock whose answers acted


def act_on_knocks(knocks, *, user) -> None:
    """Called once for the knocks a sync request stored, inside its transaction."""
    knocks = [k for k in knocks if k.outcome == Knock.Outcome.VISITED]
    done = set(AuditEvent.objects.filter(target_type=Knock._meta.label, field=ACTED,
                                         target_id__in=[str(k.pk) for k in knocks]).values_list("target_id", flat=True))
    knocks = [k for k in knocks if str(k.pk) not in done]
    if not knocks:
        return
    residents = _residents(knocks)
    made = {k.pk: [] for k in knocks}
    _newcomers(knocks, user, made)
    _returnees(knocks, user, residents, made)
    _fevers(knocks, residents, made)
    _needs(knocks, user, made)
    for knock in knocks:
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=knock, field=ACTED,
                     detail=" ".join(made[knock.pk]) or "-")


def _source(knock: Knock) -> str:
    return _("Canvassing: %(campaign)s") % {"campaign": knock.campaign.name}


def _where(knock: Knock) -> str:
    return f"{knock.dwelling.building} {knock.dwelling.room}"


def _residents(knocks: list[Knock]) -> dict[int, Person]:
    """The registered residents named at their own doors (`back_people`), by pk; one query."""
    wanted = {pk for k in knocks for pk in k.answers.get("back_people", [])}
    if not wanted:
        return {}
    return {p.pk: p for p in Person.objects.filter(pk__in=wanted).select_related("community")}


def _named(knock: Knock, residents: dict[int, Person]) -> list[Person]:
    people = [residents.get(pk) for pk in knock.answers.get("back_people", [])]
    return [p for p in people if p is not None and p.dwelling_id == knock.dwelling_id]


# -- 1. people not in the register ----------------------------------------------------------


def _newcomers(knocks: list[Knock], user, made: dict) -> None:
    people = [dict(community=k.campaign.community, dwelling=k.dwelling, name=n["name"], phone=n.get("phone", ""),
                   note=n.get("note", ""), source=_source(k), source_ref=f"knock:{k.event_id}:{i}",
                   found_at=k.occurred_at, knock=k)
              for k in knocks for i, n in enumerate(k.answers.get("newcomers", []))]
    if not people:
        return
    by_ref = {p["source_ref"]: p.pop("knock") for p in people}
    for row in pending_people_add(people=people, user=user):
        made[by_ref[row.source_ref].pk].append(f"pending:{row.pk}")


# -- 2. back from outside --------------------------------------------------------------------


def _place(text: str) -> tuple[str, str]:
    """ "湖北 武汉", "湖北省武汉市", "湖北,武汉" → (province, city) as well as free text allows."""
    parts = [p for p in re.split(r"[\s,，、/]+", text or "") if p]
    if len(parts) == 1:
        match = re.match(r"^(.+?(?:省|自治区|市))(.+?市)$", parts[0])
        if match:
            parts = list(match.groups())
    return (parts[0][:30] if parts else ""), (parts[1][:30] if len(parts) > 1 else "")


def _returnees(knocks: list[Knock], user, residents: dict[int, Person], made: dict) -> None:
    back = [k for k in knocks if k.answers.get("back_from_outside")]
    if not back:
        return
    waiting = set(Registration.objects.filter(
        status=Registration.Status.PENDING,
        national_id__in=[p.national_id for p in residents.values()]).values_list("community_id", "national_id"))
    for knock in back:
        people = _named(knock, residents)
        if not people:
            incident = _report(knock, user, title=_("Canvassing: someone back from outside at %(where)s must "
                                                    "register") % {"where": _where(knock)},
                               urgency=Incident.Urgency.HIGH)
            made[knock.pk].append(f"incident:{incident.pk}")
            continue
        for person in people:
            key = (knock.campaign.community_id, person.national_id)
            if key in waiting:  # already waits for review: one registration at a time
                continue
            waiting.add(key)
            registration = _registration(knock, person)
            made[knock.pk].append(f"registration:{registration.pk}")


def _registration(knock: Knock, person: Person) -> Registration:
    province, city = _place(knock.answers.get("back_from", ""))
    arrival = timezone.localdate(knock.occurred_at)
    suggestion = measure_for(province, city, "", arrival, subdistrict_id=knock.campaign.community.subdistrict_id)
    temperature = knock.answers.get("temperature")
    registration = Registration.objects.create(
        community=knock.campaign.community, dwelling=knock.dwelling, person=person, name=person.name,
        national_id=person.national_id, phone=person.phone, from_province=province, from_city=city,
        arrival_date=arrival, symptoms=bool(knock.answers.get("symptoms")),
        temperature=Decimal(temperature) if temperature else None, consent_version=RECORDED_AT_DOOR,
        consent_at=knock.occurred_at, suggested_measure=suggestion.measure,
        suggestion_reason=suggestion.reason[:200])
    audit_object(actor=knock.recorded_by, action=AuditEvent.Action.CREATE, obj=registration,
                 detail=f"knock:{knock.event_id}")
    return registration


# -- 3. fever or symptoms --------------------------------------------------------------------


def _fevers(knocks: list[Knock], residents: dict[int, Person], made: dict) -> None:
    thresholds: dict[int, Decimal] = {}  # community → threshold in force now (one rule read each)
    alerts = []
    for knock in knocks:
        reading = knock.answers.get("temperature")
        community = knock.campaign.community
        if community.pk not in thresholds:
            thresholds[community.pk] = fever_threshold(community, knock.occurred_at)
        hot = reading is not None and Decimal(reading) >= thresholds[community.pk]
        if not (knock.answers.get("symptoms") or hot):
            continue
        named = _named(knock, residents)
        alerts.append(FeverAlert(community=community, place=_where(knock)[:120], person=named[0] if named else None,
                                 temperature=Decimal(reading) if reading else None, raised_at=knock.occurred_at,
                                 source_ref=f"knock:{knock.event_id}"))
    if not alerts:
        return
    stored = set(FeverAlert.objects.filter(source_ref__in=[a.source_ref for a in alerts])
                 .values_list("source_ref", flat=True))
    alerts = FeverAlert.objects.bulk_create([a for a in alerts if a.source_ref not in stored])
    by_ref = {f"knock:{k.event_id}": k for k in knocks}
    for alert in alerts:
        made[by_ref[alert.source_ref].pk].append(f"fever_alert:{alert.pk}")
    fever_alerts_raise(alerts)


# -- 4. needs ---------------------------------------------------------------------------------

# The requests a need at the door becomes: (answer, kind of request, what to bring when the
# household left no note).
NEED_REQUESTS = (("need_food", Task.Kind.SHOPPING, _lazy("Food or daily goods (asked at the door)")),
                 ("need_medicine", Task.Kind.MEDICINE, _lazy("Medicine (asked at the door)")))


def _needs(knocks: list[Knock], user, made: dict) -> None:
    system = Scope.everything(getattr(user, "pk", None))
    for knock in knocks:
        note = str(knock.answers.get("note") or "")
        for key, kind, fallback in NEED_REQUESTS:
            if not knock.answers.get(key):
                continue
            # Derived from the knock and the need: however often the knock is acted on, one request.
            task = delivery_services.request_make(
                dwelling=knock.dwelling, kind=kind, items=note or str(fallback), user=user, scope=system,
                source=Task.Source.CANVASSING, event_id=uuid.uuid5(uuid.UUID(str(knock.event_id)), key))
            made[knock.pk].append(f"delivery:{task.pk}")
        if knock.answers.get("need_help"):
            title = _("Canvassing found needs: %(needs)s") % {"needs": pgettext("canvassing need", "other help")}
            incident = _report(knock, user, title=title, urgency=Incident.Urgency.LOW)
            made[knock.pk].append(f"incident:{incident.pk}")


def _report(knock: Knock, user, *, title: str, urgency: str) -> Incident:
    """An incident at the door, reported by the walker; in the system's name when the walker's
    own scope cannot report in that community (it always can: a team member belongs to it)."""
    community = knock.campaign.community
    scope = Scope.for_user(user)
    if not incident_selectors.reporting_communities(scope).filter(pk=community.pk).exists():
        scope = Scope.everything()
    note = knock.answers.get("note", "")
    description = _("%(source)s, %(when)s.") % {
        "source": _source(knock), "when": timezone.localtime(knock.occurred_at).strftime("%Y-%m-%d %H:%M")}
    if knock.answers.get("back_from"):
        description += " " + _("Back from: %(place)s.") % {"place": knock.answers["back_from"]}
    if note:
        description += " " + _("Note: %(note)s") % {"note": note}
    return incident_report(scope=scope, user=user, community=community, title=title, location=_where(knock),
                           urgency=urgency, description=description, building=knock.dwelling.building)

