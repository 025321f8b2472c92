"""The Curtois & Qu shift-scheduling benchmark format, read into a `Problem`.

See ../shared/rostering/README.md. One post (""); cover lines become slots with a soft target
(minimum 0); shift-on/off requests become `Request`s; contract fields become `Staff` limits.
"""

from __future__ import annotations

from pathlib import Path

from .problem import Assignment, Problem, Request, ShiftType, Slot, Staff


def _sections(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = sections.setdefault(line, [])
            continue
        if current is not None:
            current.append([part.strip() for part in line.split(",")])
    return sections


def read(path: str | Path) -> Problem:
    path = Path(path)
    sections = _sections(path.read_text(encoding="utf-8-sig"))
    days = int(sections["SECTION_HORIZON"][0][0])
    shifts = []
    for row in sections["SECTION_SHIFTS"]:
        banned = frozenset(s for s in (row[2].split("|") if len(row) > 2 else []) if s)
        shifts.append(ShiftType(id=row[0], minutes=int(row[1]), forbidden_next=banned))
    off: dict[str, set[int]] = {}
    for row in sections.get("SECTION_DAYS_OFF", []):
        off.setdefault(row[0], set()).update(int(d) for d in row[1:] if d)
    staff = []
    for row in sections["SECTION_STAFF"]:
        limits = {}
        for part in row[1].split("|"):
            if part:
                name, value = part.split("=")
                limits[name] = int(value)
        staff.append(Staff(id=row[0], max_shifts=limits, max_minutes=int(row[2]), min_minutes=int(row[3]),
                           max_consecutive=int(row[4]), min_consecutive=int(row[5]),
                           min_consecutive_off=int(row[6]), max_weekends=int(row[7]),
                           unavailable_days=frozenset(off.get(row[0], ()))))
    requests = []
    for section, want in (("SECTION_SHIFT_ON_REQUESTS", True), ("SECTION_SHIFT_OFF_REQUESTS", False)):
        for row in sections.get(section, []):
            requests.append(Request(staff=row[0], day=int(row[1]), shift=row[2], weight=int(row[3]), want=want))
    cover = {(int(r[0]), r[1]): r for r in sections.get("SECTION_COVER", [])}
    slots = []
    for d in range(days):
        for s in shifts:
            row = cover.get((d, s.id))
            if row is None:  # no cover line: anyone may work it, at no cost
                slots.append(Slot(day=d, post="", shift=s.id))
            else:
                slots.append(Slot(day=d, post="", shift=s.id, target=int(row[2]), weight_under=int(row[3]),
                                  weight_over=int(row[4])))
    return Problem(days=days, shifts=shifts, staff=staff, slots=slots, requests=requests, first_weekday=0,
                   name=path.stem)


def roster_csv(assignments: list[Assignment]) -> str:
    """The roster as `employee,day,shift` lines."""
    rows = sorted(assignments, key=lambda a: (a.staff, a.day))
    return "".join(f"{a.staff},{a.day},{a.shift}\n" for a in rows)
