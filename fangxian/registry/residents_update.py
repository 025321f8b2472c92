"""Keeping the register up from Excel (花名册更新): a row whose ID number is already in the
community's register is that person, and the row says what changed.

`register_state(community)` reads the community's people once (one query); `row_changes`
compares one checked row with the person it names, field by field, for the columns the file
has; `plan_of` summarises a check for the preview: the people added, changed (column, old →
new), unchanged, and those of the register the file leaves out (listed only: a move-out is
decided person by person, never by a missing row).

What the preview and the audit log show is masked (ID numbers, mobiles; names in the audit
log): the preview is stored with the upload, and the audit log never holds a personal value.
The digest of the register lets the commit see that nobody changed it since the preview.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from fangxian.core.personal import mask_name, mask_national_id, mask_phone

from .models import Community, Person
from .residents_columns import COLUMNS_BY_KEY, FEMALE, KIND_WORDS, MALE, NO, TAG_FIELDS, YES

FLAG_FIELDS = (*TAG_FIELDS, "no_smartphone")
# The values compared, in the order of the register's columns (the place is the dwelling).
STATE_FIELDS = ("pk", "national_id", "name", "sex", "birth_date", "phone", "kind", "dwelling_id", *FLAG_FIELDS)
PLACE_KEYS = ("estate", "building", "room")
PLAN_KEPT = 2000  # rows of each group stored with an upload for the preview (the counts are exact)
EMPTY = "—"


@dataclass(frozen=True)
class Known:
    """A person of the register as it stands (the values a row is compared with)."""

    pk: int
    national_id: str
    name: str
    sex: str
    birth_date: dt.date
    phone: str
    kind: str
    dwelling_id: int | None
    flags: dict[str, bool]


@dataclass
class RegisterState:
    people: dict[str, Known]  # national ID → the person
    digest: str


def _read(community: Community, *, lock: bool = False) -> list[tuple]:
    people = Person.objects.filter(community=community).order_by("pk")
    if lock:
        people = people.select_for_update()
    return list(people.values_list(*STATE_FIELDS))


def _digest(rows: list[tuple]) -> str:
    """A fingerprint of every compared value of every person: any edit, addition or removal changes it."""
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def register_state(community: Community) -> RegisterState:
    rows = _read(community)
    flags_at = len(STATE_FIELDS) - len(FLAG_FIELDS)
    people = {
        row[1]: Known(*row[:flags_at], flags=dict(zip(FLAG_FIELDS, row[flags_at:], strict=True)))
        for row in rows
    }
    return RegisterState(people=people, digest=_digest(rows))


def register_digest(community: Community, *, lock: bool = False) -> str:
    """The digest as it is now; `lock` (inside the commit's transaction) holds the rows until it ends."""
    return _digest(_read(community, lock=lock))


# -- one row against one person ------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    key: str  # the column key (estate, building, room for the dwelling)
    old: str  # as the preview shows it, masked
    new: str
    audit: str  # "old → new" for the audit log, with no personal value in full

    @property
    def label(self) -> str:
        return COLUMNS_BY_KEY[self.key].header


@dataclass
class RowUpdate:
    """A row that changes a person: what the preview lists and what person_update is given."""

    row: int
    pk: int
    name: str
    national_id: str
    place: str
    changes: list[Change] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # for registry.services.person_update

    def audit_lines(self) -> list[tuple[str, str]]:
        """(Person field, "old → new") per changed field: the three place columns are one dwelling."""
        lines: dict[str, str] = {}
        for change in self.changes:
            lines.setdefault("dwelling" if change.key in PLACE_KEYS else change.key, change.audit)
        return list(lines.items())


def _sex_word(sex: str) -> str:
    return MALE if sex == "M" else FEMALE if sex == "F" else EMPTY


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _place_parts(places: dict[int, tuple[str, str, str]], dwelling_id: int | None) -> tuple[str, str, str]:
    return places.get(dwelling_id, (EMPTY, EMPTY, EMPTY)) if dwelling_id else (EMPTY, EMPTY, EMPTY)


def place_text(places: dict[int, tuple[str, str, str]], dwelling_id: int | None) -> str:
    parts = _place_parts(places, dwelling_id)
    return EMPTY if parts[0] == EMPTY else " ".join(parts)


def row_changes(known: Known, new: dict[str, Any], *, present: set[str],
                places: dict[int, tuple[str, str, str]], row: int) -> RowUpdate:
    """What the checked row `new` changes in `known`: only the columns the file has (`present`);
    a blank sex or birth date keeps what the ID number gave (they are read from it)."""
    update = RowUpdate(row=row, pk=known.pk, name=new["name"], national_id=known.national_id,
                       place=place_text(places, new["dwelling_id"]))

    def change(key: str, data_key: str, value: Any, old: str, shown: str, audit_old: str = "",
               audit_new: str = "") -> None:
        update.changes.append(Change(key, old, shown, f"{audit_old or old} → {audit_new or shown}"))
        update.data[data_key] = value

    if new["name"] != known.name:
        change("name", "name", new["name"], known.name, new["name"], mask_name(known.name), mask_name(new["name"]))
    if new.get("sex") and new["sex"] != known.sex:
        change("sex", "sex", new["sex"], _sex_word(known.sex), _sex_word(new["sex"]))
    if new.get("birth_date") and new["birth_date"] != known.birth_date:
        # Both dates come from ID numbers' digits: the log says only that it changed.
        change("birth_date", "birth_date", new["birth_date"], known.birth_date.isoformat(),
               new["birth_date"].isoformat(), "*", "*")
    if "phone" in present and new["phone"] != known.phone:
        old, shown = mask_phone(known.phone) or EMPTY, mask_phone(new["phone"]) or EMPTY
        change("phone", "phone", new["phone"], old, shown)
    if new["kind"] != known.kind:
        update.changes.append(Change("kind", KIND_WORDS.get(known.kind, known.kind), KIND_WORDS[new["kind"]],
                                     f"{known.kind} → {new['kind']}"))
        update.data["kind"] = new["kind"]
    if new["dwelling_id"] != known.dwelling_id:
        before, after = _place_parts(places, known.dwelling_id), _place_parts(places, new["dwelling_id"])
        audit = f"{place_text(places, known.dwelling_id)} → {update.place}"
        differing = [i for i in range(3) if before[i] != after[i]] or [2]
        for i in differing:
            update.changes.append(Change(PLACE_KEYS[i], before[i], after[i], audit))
        update.data["dwelling"] = new["dwelling_id"]
    for key in FLAG_FIELDS:
        if key in present and new[key] != known.flags[key]:
            change(key, key, new[key], _yes_no(known.flags[key]), _yes_no(new[key]))
    return update


# -- the preview ----------------------------------------------------------------------------


def _line(row: int | None, name: str, national_id: str, place: str, pk: int | None = None) -> dict:
    return {"row": row, "name": name, "id": mask_national_id(national_id), "place": place, "pk": pk}


def plan_of(check, places: dict[int, tuple[str, str, str]]) -> dict:
    """The preview of a check without errors, as stored with the upload (JSON, masked)."""
    added = [_line(check.row_of_id.get(p.national_id), p.name, p.national_id, place_text(places, p.dwelling_id))
             for p in check.people[:PLAN_KEPT]]
    changed = [{**_line(u.row, u.name, u.national_id, u.place, u.pk),
                "changes": [{"label": c.label, "old": c.old, "new": c.new} for c in u.changes]}
               for u in check.updates[:PLAN_KEPT]]
    unchanged = [_line(row, k.name, k.national_id, place_text(places, k.dwelling_id), k.pk)
                 for row, k in check.unchanged[:PLAN_KEPT]]
    removed = [_line(None, k.name, k.national_id, place_text(places, k.dwelling_id), k.pk)
               for k in check.removed[:PLAN_KEPT]]
    return {
        "counts": {"added": len(check.people), "changed": len(check.updates),
                   "unchanged": len(check.unchanged), "removed": len(check.removed)},
        "added": added, "changed": changed, "unchanged": unchanged, "removed": removed,
    }


def plan_counts_only(plan: dict) -> dict:
    """What stays of a preview once the upload is handled: the counts, no names."""
    return {"counts": dict(plan.get("counts", {}))}
