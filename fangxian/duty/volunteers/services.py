"""Writes about volunteers, staff and volunteer teams: the public sign-up, approval, edits by
the community admin, staff, teams, their members and activities. Each function checks its
input and raises a ValidationError naming the bad fields, changes nothing when it fails, and
writes the audit log for what an admin does."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangxian.access.models import Checkpoint
from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.core.validators import normalise_mobile, normalise_name
from fangxian.registry.models import Community, ResidentialGroup

from ..models import TeamActivity, TeamActivityPhoto, TimeBand, Volunteer, VolunteerTeam

# The privacy notice a volunteer consents to on the sign-up page; a new text gets a new version.
CONSENT_VERSION = "2026-1"
MIN_AGE = 18  # nobody under 18 stands at a checkpoint
MAX_AGE = 100  # an older year of birth is a typing mistake
APPLICATION_MAX = 2000
SKILLS = ("is_party_member", "is_shift_leader", "has_first_aid", "can_drive")

Status, Kind = Volunteer.Status, Volunteer.Kind


def _text(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _reason(value: object) -> str:
    text = _text(value, 200)
    if len(text) < 2:
        raise ValidationError({"reason": _("Give a reason: it is written to the audit log.")})
    return text


def clean_availability(raw: object) -> dict[str, list[str]]:
    """{"0": ["morning", ...], ...} from a dict of that shape or from ticked "weekday:band"
    strings; unknown days and bands are dropped, bands keep the grid's order."""
    ticked: set[tuple[int, str]] = set()
    if isinstance(raw, dict):
        pairs = ((day, band) for day, bands in raw.items() for band in (bands or []))
    else:
        pairs = (str(item).partition(":")[::2] for item in (raw or []))
    for day, band in pairs:
        if str(day).isdigit() and 0 <= int(day) <= 6 and band in TimeBand.values:
            ticked.add((int(day), band))
    return {str(day): [b for b in TimeBand.values if (day, b) in ticked]
            for day in range(7) if any((day, b) in ticked for b in TimeBand.values)}


def _clean_details(*, community: Community, data: dict, errors: dict, today: dt.date,
                   group_required: bool, keep_blank_phone: bool = False) -> dict:
    """The fields a volunteer and a staff member share, checked and normalised.
    `keep_blank_phone`: an edit leaves the phone as it is when the field is left blank (the
    edit page never shows the full number)."""
    out: dict = {}
    for field, normalise in (("name", normalise_name), ("phone", normalise_mobile)):
        value = str(data.get(field) or "").strip()
        if not value and field == "phone" and keep_blank_phone:
            continue
        if not value:
            errors.setdefault(field, []).append(_("This field is required."))
            continue
        try:
            out[field] = normalise(value)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
    year = data.get("birth_year")
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        errors.setdefault("birth_year", []).append(_("Enter your year of birth, for example 1975."))
    else:
        if year > today.year or year < today.year - MAX_AGE:
            errors.setdefault("birth_year", []).append(
                _("%(year)d is not a possible year of birth: check the year.") % {"year": year})
        elif today.year - year < MIN_AGE:
            errors.setdefault("birth_year", []).append(
                _("Volunteers must be %(age)d or older. Thank you for wanting to help: please ask your parents "
                  "or your residential group how you can help at home.") % {"age": MIN_AGE})
        else:
            out["birth_year"] = year
    group = data.get("group")
    if isinstance(group, ResidentialGroup) and group.community_id == community.pk:
        out["group"] = group
    elif group not in (None, ""):
        errors.setdefault("group", []).append(_("Choose a residential group of %(community)s.")
                                              % {"community": community.name})
    elif group_required:
        errors.setdefault("group", []).append(_("Choose your residential group."))
    else:
        out["group"] = None
    checkpoint = data.get("preferred_checkpoint")
    if isinstance(checkpoint, Checkpoint) and checkpoint.community_id == community.pk:
        out["preferred_checkpoint"] = checkpoint
    elif checkpoint not in (None, ""):
        errors.setdefault("preferred_checkpoint", []).append(
            _("Choose a checkpoint of %(community)s, or none.") % {"community": community.name})
    else:
        out["preferred_checkpoint"] = None
    out["availability"] = clean_availability(data.get("availability"))
    for skill in SKILLS:
        out[skill] = bool(data.get(skill))
    return out


def _phone_taken(community: Community, phone: str, exclude_pk: int | None = None) -> bool:
    """Another volunteer or staff member of the community, still on the list, has this mobile."""
    taken = Volunteer.objects.filter(community=community, phone=phone,
                                     status__in=[Status.PENDING, Status.APPROVED])
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def volunteer_sign_up(*, community: Community, data: dict, consent: bool,
                      now: dt.datetime | None = None) -> tuple[Volunteer, bool]:
    """A resident signs up to volunteer (no login). The same mobile again while the first
    sign-up waits for approval updates it. Returns (volunteer, created)."""
    now = now or timezone.now()
    errors: dict[str, list] = {}
    if not consent:
        errors["consent"] = [_("Read the privacy notice and agree to it: without consent we cannot sign you up.")]
    values = _clean_details(community=community, data=data, errors=errors, today=timezone.localdate(now),
                            group_required=True)
    if not values.get("availability") and "availability" not in errors:
        errors["availability"] = [_("Tick at least one time when you can help.")]
    values["application"] = str(data.get("application") or "").strip()[:APPLICATION_MAX]
    with transaction.atomic():
        existing = None
        if values.get("phone"):
            same = Volunteer.objects.select_for_update().filter(community=community, phone=values["phone"])
            existing = same.filter(status=Status.PENDING).order_by("-pk").first()
            if existing is None and same.filter(status=Status.APPROVED).exists():
                errors.setdefault("phone", []).append(
                    _("This mobile is already on the volunteer list: to change your details, ask the community "
                      "office."))
        if errors:
            raise ValidationError(errors)
        volunteer = existing or Volunteer(community=community, kind=Kind.VOLUNTEER, status=Status.PENDING)
        # A resident may say they can lead a shift; the admin confirms it on approval.
        for field, value in values.items():
            setattr(volunteer, field, value)
        volunteer.consent_version, volunteer.consent_at = CONSENT_VERSION, now
        volunteer.full_clean(exclude=["user", "decided_by"])
        volunteer.save()
    return volunteer, existing is None


def _require_write(scope: Scope, obj) -> None:
    if obj.pk is None or not scope.can_write(obj):
        raise PermissionDenied


def volunteer_decide(*, scope: Scope, user, volunteer: Volunteer, approve: bool, reason: str = "",
                     now: dt.datetime | None = None) -> Volunteer:
    """The community admin approves a pending sign-up, or rejects it with a reason."""
    _require_write(scope, volunteer)
    reason = _text(reason, 200) if approve else _reason(reason)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if volunteer.status != Status.PENDING:
            raise ValidationError(_("This sign-up was already decided: %(status)s.")
                                  % {"status": volunteer.get_status_display()})
        volunteer.status = Status.APPROVED if approve else Status.REJECTED
        volunteer.decided_by = user if getattr(user, "is_authenticated", False) else None
        volunteer.decided_at = now or timezone.now()
        volunteer.decision_reason = reason
        volunteer.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=volunteer, field="status",
                     reason=reason, detail=volunteer.status)
    return volunteer


def volunteer_update(*, scope: Scope, user, volunteer: Volunteer, data: dict) -> Volunteer:
    """The community admin corrects a volunteer's or staff member's details, skills and
    availability, or marks that they left (or came back)."""
    _require_write(scope, volunteer)
    errors: dict[str, list] = {}
    values = _clean_details(community=volunteer.community, data=data, errors=errors,
                            today=timezone.localdate(), group_required=False, keep_blank_phone=True)
    if "application" in data:
        values["application"] = str(data.get("application") or "").strip()[:APPLICATION_MAX]
    status = data.get("status") or volunteer.status
    allowed = {volunteer.status, Status.LEFT} | ({Status.APPROVED} if volunteer.status == Status.LEFT else set())
    if status not in allowed:
        errors.setdefault("status", []).append(_("Approve or reject a sign-up with the buttons on its page."))
    if values.get("phone") and _phone_taken(volunteer.community, values["phone"], exclude_pk=volunteer.pk):
        errors.setdefault("phone", []).append(_("Another volunteer of this community has this mobile."))
    if errors:
        raise ValidationError(errors)
    changed = sorted(field for field, value in values.items() if getattr(volunteer, field) != value)
    if status != volunteer.status:
        changed.append("status")
    for field, value in values.items():
        setattr(volunteer, field, value)
    volunteer.status = status
    with transaction.atomic():
        volunteer.full_clean(exclude=["user", "decided_by"])
        volunteer.save()
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=volunteer, detail=" ".join(changed))
    return volunteer


def staff_add(*, scope: Scope, user, community: Community, data: dict) -> Volunteer:
    """A staff member 工作人员 on the roster: entered by the admin, approved at once; those
    marked as shift leaders may lead a shift 带班."""
    if not scope.runs(community.pk):
        raise PermissionDenied
    errors: dict[str, list] = {}
    values = _clean_details(community=community, data=data, errors=errors, today=timezone.localdate(),
                            group_required=False)
    if values.get("phone") and _phone_taken(community, values["phone"]):
        errors.setdefault("phone", []).append(_("A volunteer of this community already has this mobile."))
    if errors:
        raise ValidationError(errors)
    staff = Volunteer(community=community, kind=Kind.STAFF, status=Status.APPROVED,
                      decided_by=user if getattr(user, "is_authenticated", False) else None,
                      decided_at=timezone.now(), **values)
    with transaction.atomic():
        staff.full_clean(exclude=["user", "decided_by"])
        staff.save()
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=staff, detail="staff")
    return staff


# -- teams -------------------------------------------------------------------------------


def team_create(*, scope: Scope, user, community: Community, data: dict) -> VolunteerTeam:
    if not scope.runs(community.pk):
        raise PermissionDenied
    team = VolunteerTeam(community=community, name=_text(data.get("name"), 60),
                         formed_on=data.get("formed_on"), purpose=str(data.get("purpose") or "").strip()[:1000])
    errors: dict[str, list] = {}
    if not team.name:
        errors["name"] = [_("This field is required.")]
    elif VolunteerTeam.objects.filter(community=community, name=team.name).exists():
        errors["name"] = [_("%(community)s already has a team called %(name)s.")
                          % {"community": community.name, "name": team.name}]
    if not isinstance(team.formed_on, dt.date):
        errors["formed_on"] = [_("Give the date the team was formed.")]
    elif team.formed_on > timezone.localdate():
        errors["formed_on"] = [_("The team cannot be formed in the future.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            team.full_clean()
            team.save()
            audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=team)
    except IntegrityError:  # the same name, saved a moment ago by someone else
        raise ValidationError({"name": _("%(community)s already has a team called %(name)s.")
                               % {"community": community.name, "name": team.name}}) from None
    return team


def team_member_add(*, scope: Scope, user, team: VolunteerTeam, volunteer: Volunteer) -> None:
    _require_write(scope, team)
    if volunteer.community_id != team.community_id or volunteer.status != Status.APPROVED:
        raise ValidationError({"volunteer": _("Only approved volunteers and staff of the team's community can "
                                              "join it.")})
    with transaction.atomic():
        if team.members.filter(pk=volunteer.pk).exists():
            raise ValidationError({"volunteer": _("%(name)s is already a member.") % {"name": volunteer.name}})
        team.members.add(volunteer)
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=team, field="members",
                     detail=f"+{volunteer.pk}")


def team_member_remove(*, scope: Scope, user, team: VolunteerTeam, volunteer: Volunteer) -> None:
    _require_write(scope, team)
    with transaction.atomic():
        if not team.members.filter(pk=volunteer.pk).exists():
            raise ValidationError({"volunteer": _("%(name)s is not a member.") % {"name": volunteer.name}})
        team.members.remove(volunteer)
        audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=team, field="members",
                     detail=f"-{volunteer.pk}")


MAX_ACTIVITY_PHOTOS = 6


def team_activity_add(*, scope: Scope, user, team: VolunteerTeam, data: dict) -> TeamActivity:
    """Record what the team did: its kind, date, title, note, the members who took part
    (`data["members"]`: volunteers, each a member of the team) and photos (`data["photos"]`:
    files already re-encoded as JPEG by the form). With members ticked and no number given, the
    participants are the members ticked."""
    _require_write(scope, team)
    kind = str(data.get("kind") or TeamActivity.Kind.OTHER)
    activity = TeamActivity(team=team, kind=kind, held_on=data.get("held_on"), title=_text(data.get("title"), 120),
                            note=str(data.get("note") or "").strip()[:2000])
    errors: dict[str, list] = {}
    if kind not in TeamActivity.Kind.values:
        errors["kind"] = [_("Choose the kind of activity.")]
    if not activity.title:
        errors["title"] = [_("This field is required.")]
    if not isinstance(activity.held_on, dt.date):
        errors["held_on"] = [_("Give the date of the activity.")]
    elif activity.held_on < team.formed_on:
        errors["held_on"] = [_("The activity is before the team was formed (%(date)s).")
                             % {"date": team.formed_on.isoformat()}]
    members = list(data.get("members") or [])
    member_ids = set(team.members.values_list("pk", flat=True))
    if any(m.pk not in member_ids for m in members):
        errors["members"] = [_("Only members of the team can be ticked as taking part.")]
    photos = [p for p in (data.get("photos") or []) if p]
    if len(photos) > MAX_ACTIVITY_PHOTOS:
        errors["photos"] = [_("At most %(count)d photos per activity.") % {"count": MAX_ACTIVITY_PHOTOS}]
    participants = data.get("participants")
    try:
        activity.participants = int(participants or 0) if participants not in (None, "") else len(members)
        if not 0 <= activity.participants <= 10000:
            raise ValueError
        if activity.participants < len(members):
            errors["participants"] = [_("Fewer participants than the members ticked as taking part (%(count)d).")
                                      % {"count": len(members)}]
    except (TypeError, ValueError):
        errors["participants"] = [_("Give the number of participants, from 0 to 10,000.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity.full_clean()
        activity.save()
        if members:
            activity.members.set(members)
        now = timezone.now()
        for photo in photos:
            TeamActivityPhoto.objects.create(activity=activity, image=photo, uploaded_at=now)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=activity)
    return activity
