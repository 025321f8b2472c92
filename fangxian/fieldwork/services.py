"""Writes of fieldwork's admin side: campaigns, teams and sections. Each checks that the user
runs the community (selectors.runs_fieldwork), validates everything before it changes
anything, and leaves its trace in the audit log (by reference only: no names)."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.registry.models import Building, Community

from . import selectors
from .models import Campaign, Section, SectionBuilding, Team
from .questionnaire import BY_KEY, OPTIONAL, REQUIRED

MAX_ATTEMPTS = (1, 10)
CAMPAIGN_FIELDS = ("name", "purpose", "starts_on", "ends_on", "back_since", "max_attempts", "questionnaire")


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _require_run(scope: Scope, community_id: int | None) -> None:
    if not selectors.runs_fieldwork(scope, community_id):
        raise PermissionDenied


# -- campaigns ---------------------------------------------------------------------------------


def _campaign_errors(campaign: Campaign) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not campaign.name:
        errors["name"] = [_("Give the campaign a name.")]
    starts, ends, since = campaign.starts_on, campaign.ends_on, campaign.back_since
    if not isinstance(starts, dt.date):
        errors["starts_on"] = [_("Give the day the campaign starts.")]
    if not isinstance(ends, dt.date):
        errors["ends_on"] = [_("Give the day the campaign ends.")]
    elif isinstance(starts, dt.date) and ends < starts:
        errors["ends_on"] = [_("The campaign cannot end before it starts.")]
    if since is not None and isinstance(starts, dt.date) and since > starts:
        errors["back_since"] = [_("“Back from outside since” cannot be after the day the campaign starts.")]
    low, high = MAX_ATTEMPTS
    if not isinstance(campaign.max_attempts, int) or not low <= campaign.max_attempts <= high:
        errors["max_attempts"] = [_("Attempts before a door is listed: between %(low)d and %(high)d.")
                                  % {"low": low, "high": high}]
    questionnaire = campaign.questionnaire
    if not isinstance(questionnaire, dict) or any(
            key not in BY_KEY or value not in (REQUIRED, OPTIONAL) for key, value in questionnaire.items()):
        errors["questionnaire"] = [_("The questionnaire holds an unknown question or choice.")]
    elif not questionnaire:
        errors["questionnaire"] = [_("Ask at least one question: mark one optional or required.")]
    return errors


def _check_campaign(campaign: Campaign) -> None:
    errors = _campaign_errors(campaign)
    if errors:
        raise ValidationError(errors)
    campaign.full_clean(exclude=["created_by", "closed_by", "community"])


def campaign_create(*, scope: Scope, user, community: Community, name: str, starts_on: dt.date, ends_on: dt.date,
                    questionnaire: dict, purpose: str = "", back_since: dt.date | None = None,
                    max_attempts: int = 3) -> Campaign:
    """A new open campaign of the community."""
    if community is None:
        raise PermissionDenied
    _require_run(scope, community.pk)
    campaign = Campaign(community=community, name=_text(name, 80), purpose=_text(purpose, 300),
                        starts_on=starts_on, ends_on=ends_on, back_since=back_since, max_attempts=max_attempts,
                        questionnaire=dict(questionnaire or {}), created_by=user)
    _check_campaign(campaign)
    with transaction.atomic():
        campaign.save()
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=campaign)
    return campaign


def campaign_update(*, scope: Scope, user, campaign: Campaign, name: str, starts_on: dt.date, ends_on: dt.date,
                    questionnaire: dict, purpose: str = "", back_since: dt.date | None = None,
                    max_attempts: int = 3) -> Campaign:
    """Change an open campaign. Its questionnaire may change after knocks: the answers already
    stored stay as they were given."""
    _require_run(scope, campaign.community_id)
    with transaction.atomic():
        stored = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not stored.is_open:
            raise ValidationError(_("This campaign is closed: it can no longer be changed."))
        before = {field: getattr(stored, field) for field in CAMPAIGN_FIELDS}
        stored.name, stored.purpose = _text(name, 80), _text(purpose, 300)
        stored.starts_on, stored.ends_on, stored.back_since = starts_on, ends_on, back_since
        stored.max_attempts, stored.questionnaire = max_attempts, dict(questionnaire or {})
        _check_campaign(stored)
        changed = [field for field in CAMPAIGN_FIELDS if getattr(stored, field) != before[field]]
        if changed:
            stored.save(update_fields=changed)
            audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=stored, detail=" ".join(changed))
    return stored


# -- teams -------------------------------------------------------------------------------------


def _team_members(community: Community, members: Iterable) -> list:
    members = list(members)
    allowed = set(selectors.team_candidates(community.pk).filter(pk__in=[m.pk for m in members])
                  .values_list("pk", flat=True))
    if any(member.pk not in allowed for member in members):
        raise ValidationError({"members": [_("Only the community's grid workers, volunteers, group leaders "
                                             "and admins can be in its teams.")]})
    return members


def _name_taken(model, community: Community, name: str, exclude_pk: int | None) -> bool:
    return model.objects.filter(community=community, name=name).exclude(pk=exclude_pk).exists()


def _team_save(*, user, team: Team, name: str, members: Iterable, action: str) -> Team:
    team.name = _text(name, 60)
    if not team.name:
        raise ValidationError({"name": [_("Give the team a name.")]})
    taken = ValidationError({"name": [_("%(community)s already has a canvassing team called %(name)s.")
                                      % {"community": team.community.name, "name": team.name}]})
    if _name_taken(Team, team.community, team.name, team.pk):
        raise taken
    members = _team_members(team.community, members)
    try:
        with transaction.atomic():
            team.save()
            team.members.set(members)
            audit_object(actor=user, action=action, obj=team, field="members", detail=f"{len(members)}")
    except IntegrityError:  # the same name, saved a moment ago by someone else
        raise taken from None
    return team


def team_create(*, scope: Scope, user, community: Community, name: str, members: Iterable = ()) -> Team:
    _require_run(scope, community.pk)
    return _team_save(user=user, team=Team(community=community), name=name, members=members,
                      action=AuditEvent.Action.CREATE)


def team_update(*, scope: Scope, user, team: Team, name: str, members: Iterable = ()) -> Team:
    _require_run(scope, team.community_id)
    return _team_save(user=user, team=team, name=name, members=members, action=AuditEvent.Action.UPDATE)


def team_delete(*, scope: Scope, user, team: Team) -> None:
    """Delete a team; its sections stay, with no team."""
    _require_run(scope, team.community_id)
    with transaction.atomic():
        audit_object(actor=user, action=AuditEvent.Action.DELETE, obj=team)
        team.delete()


# -- sections ----------------------------------------------------------------------------------


def _section_save(*, user, section: Section, name: str, team: Team | None, buildings: Iterable[Building],
                  moves_confirmed: Iterable[int], action: str) -> Section:
    community = section.community
    errors: dict[str, list[str]] = {}
    section.name, section.team = _text(name, 60), team
    if not section.name:
        errors["name"] = [_("Give the section a name.")]
    elif _name_taken(Section, community, section.name, section.pk):
        errors["name"] = [_("%(community)s already has a section called %(name)s.")
                          % {"community": community.name, "name": section.name}]
    if team is not None and team.community_id != community.pk:
        errors["team"] = [_("This team is not of the section's community.")]
    buildings = list(buildings)
    if any(building.community_id != community.pk for building in buildings):
        errors["buildings"] = [_("Only the community's own buildings can be in its sections.")]
    if errors:
        raise ValidationError(errors)
    wanted = {building.pk for building in buildings}
    confirmed = set(moves_confirmed)
    with transaction.atomic():
        # Read the moves again under a lock: a building moved by someone else since the
        # confirmation was asked for must be confirmed again.
        held = list(SectionBuilding.objects.select_for_update().filter(building_id__in=wanted)
                    .select_related("building__estate", "section"))
        unconfirmed = [sb for sb in held if sb.section_id != section.pk and sb.building_id not in confirmed]
        if unconfirmed:
            raise ValidationError({"buildings": [
                _("%(building)s is in section %(section)s: confirm that it moves.")
                % {"building": sb.building, "section": sb.section.name} for sb in unconfirmed]})
        try:
            with transaction.atomic():
                section.save()
        except IntegrityError:  # the same name, saved a moment ago by someone else
            raise ValidationError({"name": [_("%(community)s already has a section called %(name)s.")
                                            % {"community": community.name, "name": section.name}]}) from None
        moved = [sb for sb in held if sb.section_id != section.pk]
        SectionBuilding.objects.filter(section=section).exclude(building_id__in=wanted).delete()
        SectionBuilding.objects.filter(pk__in=[sb.pk for sb in moved]).update(section=section)
        have = set(SectionBuilding.objects.filter(section=section).values_list("building_id", flat=True))
        SectionBuilding.objects.bulk_create(SectionBuilding(section=section, building_id=pk)
                                            for pk in sorted(wanted - have))
        detail = f"{len(wanted)} buildings" + (f", moved {' '.join(str(sb.building_id) for sb in moved)}"
                                                if moved else "")
        audit_object(actor=user, action=action, obj=section, field="buildings", detail=detail)
    return section


def section_create(*, scope: Scope, user, community: Community, name: str, team: Team | None = None,
                   buildings: Iterable[Building] = (), moves_confirmed: Iterable[int] = ()) -> Section:
    """A new section. A building another section holds moves into it only if its id is among
    `moves_confirmed` (the user saw and confirmed the move); otherwise nothing is saved."""
    _require_run(scope, community.pk)
    return _section_save(user=user, section=Section(community=community), name=name, team=team,
                         buildings=buildings, moves_confirmed=moves_confirmed, action=AuditEvent.Action.CREATE)


def section_update(*, scope: Scope, user, section: Section, name: str, team: Team | None = None,
                   buildings: Iterable[Building] = (), moves_confirmed: Iterable[int] = ()) -> Section:
    _require_run(scope, section.community_id)
    return _section_save(user=user, section=section, name=name, team=team, buildings=buildings,
                         moves_confirmed=moves_confirmed, action=AuditEvent.Action.UPDATE)


def section_delete(*, scope: Scope, user, section: Section) -> None:
    """Delete a section; its buildings are left in no section."""
    _require_run(scope, section.community_id)
    with transaction.atomic():
        audit_object(actor=user, action=AuditEvent.Action.DELETE, obj=section)
        section.delete()
