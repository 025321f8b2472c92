"""Writes of the registry. The web forms, the API and the register import call these.

`person_create` and `person_update` take plain data (a dict, as a form's cleaned_data or an
API body gives it), normalise and check it, and either save and audit the person or raise
one django ValidationError keyed by field, having changed nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object
from fangxian.core.validators import id_birth_date, id_sex, normalise_mobile, normalise_name, normalise_national_id

from . import person_rules
from .models import PERSON_TAGS, Building, Community, Dwelling, Estate, Grid, Person

# The keys person_create and person_update accept.
PERSON_BOOLEAN_FIELDS = ("no_smartphone", *(field for field, _label in PERSON_TAGS))
MAX_PK = 2**63 - 1  # larger numbers overflow the database's integers: they name nothing
PERSON_INPUT_FIELDS = frozenset(
    {"name", "national_id", "phone", "sex", "birth_date", "kind", "dwelling", "community", *PERSON_BOOLEAN_FIELDS}
)


def person_create(*, scope: Scope, user, data: dict[str, Any]) -> Person:
    """Register a person in a dwelling (or, for a community admin, in a community only).

    Needs name and national_id, and dwelling or community; sex and birth_date come from the
    ID number when not given, and a given birth date must be the one inside it.
    """
    if not scope.edits_registry:
        raise PermissionDenied
    person = Person()
    changed = _apply(scope=scope, person=person, data=data, creating=True)
    return _save(person=person, user=user, action=AuditEvent.Action.CREATE, changed=changed)


def person_update(*, scope: Scope, user, person: Person, data: dict[str, Any]) -> Person:
    """Change the given fields of a person the user may write; other fields stay as they are."""
    if not scope.edits_registry or person.pk is None or not scope.can_write(person):
        raise PermissionDenied
    changed = _apply(scope=scope, person=person, data=data, creating=False)
    if not changed:
        return person
    return _save(person=person, user=user, action=AuditEvent.Action.UPDATE, changed=changed)


# -- the parts ---------------------------------------------------------------------------


def _apply(*, scope: Scope, person: Person, data: dict[str, Any], creating: bool) -> list[str]:
    """Check `data` and set it on `person` (unsaved); return the names of changed fields."""
    unknown = set(data) - PERSON_INPUT_FIELDS
    if unknown:
        raise TypeError(f"unknown person fields: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}

    def fail(field: str, error: ValidationError | str) -> None:
        errors.setdefault(field, []).extend(error.messages if isinstance(error, ValidationError) else [error])

    if creating:
        for required in ("name", "national_id"):
            if _blank(data.get(required)):
                fail(required, _("This field is required."))
        if data.get("dwelling") in (None, "") and data.get("community") in (None, ""):
            fail("dwelling", _("Choose the dwelling the person lives in."))

    # Text fields, normalised.
    for field, normalise in (("name", normalise_name), ("national_id", normalise_national_id)):
        if field in data and not _blank(data[field]):
            try:
                values[field] = normalise(data[field])
            except ValidationError as exc:
                fail(field, exc)
        elif field in data and not creating:
            fail(field, _("This field is required."))
    if "phone" in data:
        if _blank(data["phone"]):
            values["phone"] = ""
        else:
            try:
                values["phone"] = normalise_mobile(data["phone"])
            except ValidationError as exc:
                fail("phone", exc)

    # Choices and flags.
    if "sex" in data and not _blank(data["sex"]):
        if data["sex"] not in Person.Sex.values:
            fail("sex", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Person.Sex.values)})
        else:
            values["sex"] = data["sex"]
    if "kind" in data:
        if data["kind"] not in Person.Kind.values:
            fail("kind", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Person.Kind.values)})
        else:
            values["kind"] = data["kind"]
    for field in PERSON_BOOLEAN_FIELDS:
        if field in data and data[field] is not None:
            values[field] = bool(data[field])

    # Where the person lives: a dwelling (and so a community) the writer may change.
    if "dwelling" in data and data["dwelling"] not in (None, ""):
        dwelling = _dwelling_in_scope(scope, data["dwelling"])
        if dwelling is None:
            fail("dwelling", _("Choose a dwelling in your area."))
        else:
            values["dwelling"] = dwelling
            values["community"] = dwelling.building.community
            given = data.get("community")
            if given not in (None, "") and _pk(given) != dwelling.building.community_id:
                fail("community", _("The dwelling is in another community."))
    elif "dwelling" in data and not creating:
        # Taking a person out of their dwelling keeps them in their community: only a
        # community admin may hold people without a dwelling.
        if not scope.filter(Community.objects.filter(pk=person.community_id), for_write=True).exists():
            fail("dwelling", _("Choose the dwelling the person lives in."))
        else:
            values["dwelling"] = None
    if "dwelling" not in values and data.get("community") not in (None, ""):
        community = _community_in_scope(scope, data["community"])
        if community is None:
            fail("community", _("Choose a community you run."))
        elif not creating and person.dwelling_id and "dwelling" not in data:
            if community.pk != person.community_id:
                fail("community", _("Move the person to a dwelling of the other community instead."))
        else:
            values["community"] = community

    # Birth date and sex: from the ID number unless given; a given birth date must match it.
    national_id = values.get("national_id", person.national_id if not creating else None)
    id_changed = "national_id" in values and values["national_id"] != person.national_id
    if national_id and "national_id" not in errors:
        born = id_birth_date(national_id)
        given = data.get("birth_date")
        if not _blank(given):
            given = _as_date(given)
            if given is None:
                fail("birth_date", _("Enter a date as YYYY-MM-DD."))
            elif (fault := person_rules.birth_date_fault(national_id, given)) is not None:
                fail("birth_date", fault)
            else:
                values["birth_date"] = born  # the ID's own date (a given 1st of its month agrees too)
        elif creating or id_changed:
            values["birth_date"] = born
        if "sex" not in values and (creating or (id_changed and _blank(data.get("sex")))):
            values["sex"] = id_sex(national_id)
    elif "birth_date" in data and not _blank(data["birth_date"]) and "national_id" not in errors:
        fail("birth_date", _("Enter the ID number first."))

    # The same person is never registered twice in a subdistrict.
    community = values.get("community") or (person.community if person.community_id else None)
    if national_id and community is not None and "national_id" not in errors:
        duplicates = Person.objects.filter(subdistrict_id=community.subdistrict_id, national_id=national_id)
        if person.pk:
            duplicates = duplicates.exclude(pk=person.pk)
        if id_changed or creating or "community" in values:
            existing = duplicates.values_list("community_id", flat=True).first()
            if existing is not None:
                fail("national_id", person_rules.already_registered(same_community=existing == community.pk))

    if errors:
        raise ValidationError(errors)

    changed = []
    for field, value in values.items():
        current = (getattr(person, field, None) if (field not in {"dwelling", "community"})
                   else getattr(person, f"{field}_id"))
        new = value.pk if field in {"dwelling", "community"} and value is not None else value
        if creating or current != new:
            setattr(person, field, value)
            changed.append(field)
    if "community" in values:
        person.subdistrict_id = values["community"].subdistrict_id
    return changed


def _save(*, person: Person, user, action: str, changed: list[str]) -> Person:
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
            audit_object(actor=user, action=action, obj=person,
                         detail="" if action == AuditEvent.Action.CREATE else ",".join(sorted(changed)))
    except IntegrityError:
        # Another writer registered the same ID number a moment ago.
        raise ValidationError({"national_id": [person_rules.already_registered(same_community=None)]}) from None
    return person


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _pk(value: Any) -> int | None:
    if hasattr(value, "pk"):
        return value.pk
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 1 <= pk <= MAX_PK else None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _dwelling_in_scope(scope: Scope, value: Any) -> Dwelling | None:
    pk = _pk(value)
    if pk is None:
        return None
    queryset = Dwelling.objects.select_related("building__community").filter(pk=pk)
    return scope.filter(queryset, for_write=True).first()


def _community_in_scope(scope: Scope, value: Any) -> Community | None:
    pk = _pk(value)
    if pk is None:
        return None
    return scope.filter(Community.objects.filter(pk=pk), for_write=True).first()


# -- buildings and dwellings -------------------------------------------------------------


def building_create(*, scope: Scope, user, estate: Estate, name: str, floors: int, grid: Grid | None,
                    rooms_per_floor: int = 0) -> Building:
    """Register a building of an estate the user runs, and optionally its rooms: with
    `rooms_per_floor` = 4 on 6 floors, dwellings 101–104 … 601–604 are made with it."""
    if not scope.filter(Estate.objects.filter(pk=estate.pk), for_write=True).exists():
        raise PermissionDenied
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif Building.objects.filter(estate=estate, name=name).exists():
        errors["name"] = [_("%(estate)s already has a building %(name)s.") % {"estate": estate.name, "name": name}]
    if grid is not None and grid.community_id != estate.community_id:
        errors["grid"] = [_("Choose a grid of the estate's community.")]
    if not 1 <= floors <= 200:
        errors["floors"] = [_("A building has 1 to 200 floors.")]
    if not 0 <= rooms_per_floor <= 50:
        errors["rooms_per_floor"] = [_("Between 0 and 50 rooms per floor.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        building = Building(estate=estate, community_id=estate.community_id, grid=grid, name=name, floors=floors)
        building.full_clean()
        building.save()
        rooms = [f"{floor}{number:02d}" for floor in range(1, floors + 1) for number in range(1, rooms_per_floor + 1)]
        Dwelling.objects.bulk_create(Dwelling(building=building, room=room) for room in rooms)
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=building, detail=f"rooms={len(rooms)}")
    return building


def dwelling_create(*, scope: Scope, user, building: Building, room: str) -> Dwelling:
    """Add one room to a building the user runs."""
    if not scope.filter(Building.objects.filter(pk=building.pk), for_write=True).exists():
        raise PermissionDenied
    room = (room or "").strip()
    fault = person_rules.room_fault(room)
    if fault:
        raise ValidationError({"room": [fault]})
    if Dwelling.objects.filter(building=building, room=room).exists():
        raise ValidationError({"room": [_("Room %(room)s is already registered in this building.") % {"room": room}]})
    dwelling = Dwelling(building=building, room=room)
    dwelling.full_clean()
    with transaction.atomic():
        dwelling.save()
        audit_object(actor=user, action=AuditEvent.Action.CREATE, obj=dwelling)
    return dwelling
