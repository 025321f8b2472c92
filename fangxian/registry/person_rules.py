"""The rules a person's record keeps, written once: the form and the API (registry.services)
and the Excel import (registry.residents_import) ask these, so that the same fault gets the
same words wherever it is made (the import adds the row it is on)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from fangxian.core.validators import id_birth_date, id_sex


def birth_date_fault(national_id: str, given: dt.date, *, month_given: tuple[int, int] | None = None) -> str | None:
    """A given birth date must be the one in the ID number. `month_given`: only a year and a
    month were written (出生年月); then they must agree. Excel turns a typed 1980-05 into
    1 May 1980, so the first of the ID's month agrees too."""
    born = id_birth_date(national_id)
    if month_given is not None:
        agrees = (born.year, born.month) == month_given
    else:
        agrees = given == born or (given.day == 1 and (given.year, given.month) == (born.year, born.month))
    if agrees:
        return None
    return _("The birth date does not match the ID number, which says %(date)s.") % {"date": born.isoformat()}


def sex_fault(national_id: str, sex: str, *, male: str, female: str) -> str | None:
    """A given sex must be the one in the ID number (`male`, `female`: how to name them)."""
    from_id = id_sex(national_id)
    if sex == from_id:
        return None
    return _("The sex does not match the ID number, which says %(sex)s.") % {"sex": male if from_id == "M" else female}


def already_registered(*, same_community: bool | None) -> str:
    """An ID number is registered once in a subdistrict. None: where is not known (a write
    that lost a race with another)."""
    if same_community:
        return _("This person is already in the registry of this community.")
    if same_community is None:
        return _("A person with this ID number is already registered in this subdistrict.")
    return _("This person is already in the registry of another community of the subdistrict.")


ROOM_MAX_LENGTH = 20  # Dwelling.room
ROOM_SIGNS = "-/#.·()（）"  # besides letters, digits and spaces: 3-201, 12#301, B座(东)1201
ROOM_RE = re.compile(r"[\w \u3000" + re.escape(ROOM_SIGNS) + r"]+")


def room_fault(room: str) -> str | None:
    """What is wrong with a room number as typed (after trimming), or None: the room form, the
    person form and the Excel import name the same reason (blank, too long, a sign no room has)."""
    room = (room or "").strip()
    if not room:
        return _("Enter a room number.")
    if len(room) > ROOM_MAX_LENGTH:
        return _("A room number has at most %(limit)d characters; this one has %(count)d.") % {
            "limit": ROOM_MAX_LENGTH, "count": len(room)}
    bad = "".join(dict.fromkeys(ch for ch in room if not ROOM_RE.fullmatch(ch) or ch == "_"))
    if bad:
        return _("A room number may hold only letters, digits, spaces and the signs %(signs)s; "
                 "“%(bad)s” cannot be used.") % {"signs": " ".join(ROOM_SIGNS), "bad": bad}
    return None
