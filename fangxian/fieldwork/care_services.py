"""Writes of care visits: record a visit, add or delete a dated rule, assign visitors. Each
checks who may do it again (the pages check first) and refuses bad input with a message on
the field, changing nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fangxian.accounts.selectors import members_of
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.delivery import services as delivery_services
from fangxian.delivery.models import Task
from fangxian.incidents import services as incident_services
from fangxian.incidents.models import Incident
from fangxian.registry.models import Community, Person

from . import care, selectors
from .models import CareAssignment, CareCategory, CareRule, CareVisit

MAX_EVERY_DAYS = 90


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def care_visit_record(*, scope: Scope, user, person: Person, visited_on: dt.date | None, situation: str,
                      needs: str = "", help_given: str = "", next_step: str = CareVisit.NextStep.NONE,
                      next_visit_on: dt.date | None = None) -> CareVisit:
    """A visit to a person under care. Next step "incident" reports an incident at the person's
    building (its title is the needs); "deliver" asks the delivery team to bring the needs to
    the person's door (in the system's name: the visitor may be a volunteer who enters no
    requests); "sooner" needs the day of the next visit."""
    if not care.may_record_visit(scope, person):
        raise PermissionDenied
    today = timezone.localdate()
    situation, needs, help_given = _text(situation, 500), _text(needs, 300), _text(help_given, 300)
    errors: dict[str, list[str]] = {}
    if visited_on is None:
        errors["visited_on"] = [_("Give the day of the visit.")]
    elif visited_on > today:
        errors["visited_on"] = [_("The day of the visit cannot be in the future.")]
    if len(situation) < 2:
        errors["situation"] = [_("Describe the person's situation.")]
    if next_step not in CareVisit.NextStep.values:
        errors["next_step"] = [_("Choose the next step.")]
    if next_step == CareVisit.NextStep.SOONER:
        if next_visit_on is None:
            errors["next_visit_on"] = [_("Give the day of the next visit.")]
        elif visited_on is not None and next_visit_on <= visited_on:
            errors["next_visit_on"] = [_("The next visit must be after the day of this visit.")]
    else:
        next_visit_on = None
    if next_step == CareVisit.NextStep.INCIDENT and len(needs) < 2:
        errors["needs"] = [_("Say what is needed: it becomes the incident's title.")]
    if next_step == CareVisit.NextStep.DELIVER and len(needs) < 2:
        errors["needs"] = [_("Say what is needed: the delivery team brings it.")]
    if next_step == CareVisit.NextStep.DELIVER and not person.dwelling_id:
        errors["next_step"] = [_("This person has no dwelling to deliver to.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        visit = CareVisit(person=person, visitor=user, visited_on=visited_on, situation=situation, needs=needs,
                          help_given=help_given, next_step=next_step, next_visit_on=next_visit_on)
        if next_step == CareVisit.NextStep.INCIDENT:
            incident = incident_services.incident_report(
                scope=scope, user=user, community=person.community, title=needs, location="",
                urgency=Incident.Urgency.HIGH, description=situation,
                building=person.dwelling.building if person.dwelling_id else None)
            visit.incident_id = incident.pk
        if next_step == CareVisit.NextStep.DELIVER:
            task = delivery_services.request_make(
                dwelling=person.dwelling, kind=Task.Kind.OTHER, items=needs, user=user,
                scope=Scope.everything(getattr(user, "pk", None)), source=Task.Source.CARE_VISIT)
            visit.delivery_task_id = task.pk
        visit.save()
    return visit


def care_rule_add(*, scope: Scope, user, community: Community, category: str, every_days: int | None,
                  effective_from: dt.date | None, effective_to: dt.date | None = None,
                  confirm: bool = False) -> CareRule:
    """A new dated rule. A rule of the category in force on its first day (or later) is ended
    the day before, once the user confirms; a rule that has not started yet is never cut (it
    is deleted first). Rules start today or later: the plan of past days is kept."""
    if not selectors.runs_fieldwork(scope, community.pk):
        raise PermissionDenied
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if category not in CareCategory.values:
        errors["category"] = [_("Choose the category.")]
    if every_days is None or not 1 <= every_days <= MAX_EVERY_DAYS:
        errors["every_days"] = [_("Visit every 1 to %(max)d days.") % {"max": MAX_EVERY_DAYS}]
    if effective_from is None:
        errors["effective_from"] = [_("Give the first day of the rule.")]
    elif effective_from < today:
        errors["effective_from"] = [_("A rule starts today or later: the plan of past days is kept.")]
    elif effective_to is not None and effective_to < effective_from:
        errors["effective_to"] = [_("The last day cannot be before the first day.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        overlaps = care.overlapping_rules(community.pk, category, effective_from, effective_to)
        later = [r for r in overlaps if r.effective_from >= effective_from]
        if later:
            raise ValidationError({"effective_from": [_(
                "A rule of this category from %(day)s has not started yet and overlaps this one: "
                "delete it first.") % {"day": date_format(later[0].effective_from, "Y-m-d")}]})
        if overlaps and not confirm:
            raise ValidationError({"confirm": [ending_message(overlaps[0], effective_from)]}, code="confirm")
        end = effective_from - dt.timedelta(days=1)
        for old in overlaps:
            old.effective_to = end
            old.save(update_fields=["effective_to"])
            audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=old, field="effective_to",
                         detail=end.isoformat())
        rule = CareRule.objects.create(community=community, category=category, every_days=every_days,
                                       effective_from=effective_from, effective_to=effective_to, set_by=user)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=rule,
                     detail=f"{category} {every_days}d {effective_from}")
    return rule


def ending_message(old: CareRule, effective_from: dt.date) -> str:
    return _("The rule of visits every %(n)d days, in force since %(since)s, will end on %(end)s. "
             "Tick the box to confirm.") % {
        "n": old.every_days, "since": date_format(old.effective_from, "Y-m-d"),
        "end": date_format(effective_from - dt.timedelta(days=1), "Y-m-d")}


def care_rule_delete(*, scope: Scope, user, rule: CareRule) -> None:
    """Only a rule that has not started: a rule once in force stays in the history."""
    if not selectors.runs_fieldwork(scope, rule.community_id):
        raise PermissionDenied
    if rule.effective_from <= timezone.localdate():
        raise ValidationError(_("This rule is already in force: add a new rule instead of deleting it."))
    audit_object(actor=user, action=AuditEvent.Action.DELETE, obj=rule, detail=f"{rule.category} {rule.every_days}d")
    rule.delete()


def care_assign(*, scope: Scope, user, community: Community, people: list[Person], visitor) -> int:
    """Gives the people (under care, of the community) to a visitor (a member of the community);
    visitor None takes their visitor away. Returns how many people changed."""
    if not selectors.runs_fieldwork(scope, community.pk):
        raise PermissionDenied
    if not people:
        raise ValidationError({"people": [_("Tick the people to assign.")]})
    allowed = set(care.under_care(Person.objects.filter(community=community, pk__in=[p.pk for p in people]))
                  .values_list("pk", flat=True))
    if allowed != {p.pk for p in people}:
        raise ValidationError({"people": [_("Some of the ticked people are not under care in this community.")]})
    if visitor is not None and not members_of(community.pk).filter(pk=visitor.pk).exists():
        raise ValidationError({"visitor": [_("The visitor must be a member of the community.")]})
    with transaction.atomic():
        if visitor is None:
            changed, _kinds = CareAssignment.objects.filter(person_id__in=allowed).delete()
        else:
            for person_id in sorted(allowed):
                CareAssignment.objects.update_or_create(person_id=person_id,
                                                        defaults={"visitor": visitor, "assigned_by": user})
            changed = len(allowed)
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=community, field="care_visitor",
                     detail=f"{getattr(visitor, 'pk', '-')}: {len(allowed)}")
    return changed
