"""An independent checker for Curtois & Qu benchmark rosters.

Parses the instance file itself and recomputes the objective of a roster given as CSV lines
`employee,day,shift`, and lists every hard-rule violation. Deliberately shares no code with
fangxian.duty.solver, so that a bug in the solver's reading of the format shows up here.

    python tests/duty/curtois_check.py INSTANCE.txt ROSTER.csv
"""

from __future__ import annotations

import sys
from pathlib import Path


def parse(path: str | Path) -> dict:
    sections: dict[str, list[list[str]]] = {}
    name = None
    for line in Path(path).read_text().replace("\r", "").split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            name = line
            sections[name] = []
        else:
            sections[name].append([f.strip() for f in line.split(",")])
    inst = {"days": int(sections["SECTION_HORIZON"][0][0]), "shifts": {}, "staff": {}, "off": {},
            "on": [], "offreq": [], "cover": {}}
    for row in sections["SECTION_SHIFTS"]:
        inst["shifts"][row[0]] = (int(row[1]), set(filter(None, row[2].split("|"))) if len(row) > 2 else set())
    for row in sections["SECTION_STAFF"]:
        maxes = dict((k, int(v)) for k, v in (p.split("=") for p in row[1].split("|") if p))
        inst["staff"][row[0]] = {"max": maxes, "maxmin": int(row[2]), "minmin": int(row[3]),
                                 "maxcons": int(row[4]), "mincons": int(row[5]), "minoff": int(row[6]),
                                 "maxwe": int(row[7])}
    for row in sections.get("SECTION_DAYS_OFF", []):
        inst["off"][row[0]] = {int(d) for d in row[1:] if d}
    for row in sections.get("SECTION_SHIFT_ON_REQUESTS", []):
        inst["on"].append((row[0], int(row[1]), row[2], int(row[3])))
    for row in sections.get("SECTION_SHIFT_OFF_REQUESTS", []):
        inst["offreq"].append((row[0], int(row[1]), row[2], int(row[3])))
    for row in sections.get("SECTION_COVER", []):
        inst["cover"][(int(row[0]), row[1])] = (int(row[2]), int(row[3]), int(row[4]))
    return inst


def check(instance_path: str | Path, roster_text: str) -> tuple[int, list[str]]:
    """(objective, violations) of the roster."""
    inst = parse(instance_path)
    days = inst["days"]
    violations: list[str] = []
    grid: dict[str, list[str | None]] = {e: [None] * days for e in inst["staff"]}
    for n, line in enumerate(roster_text.splitlines(), 1):
        if not line.strip():
            continue
        e, d, s = (f.strip() for f in line.split(","))
        d = int(d)
        if e not in grid or not 0 <= d < days or s not in inst["shifts"]:
            violations.append(f"line {n}: unknown employee, day or shift: {line}")
            continue
        if grid[e][d] is not None:
            violations.append(f"{e} day {d}: two shifts")
        grid[e][d] = s

    for e, c in inst["staff"].items():
        row = grid[e]
        for d in inst["off"].get(e, ()):
            if row[d] is not None:
                violations.append(f"{e} works on day off {d}")
        for d in range(days - 1):
            if row[d] and row[d + 1] and row[d + 1] in inst["shifts"][row[d]][1]:
                violations.append(f"{e}: {row[d]} on day {d} then {row[d + 1]}")
        for s in inst["shifts"]:
            count = sum(1 for x in row if x == s)
            if count > c["max"].get(s, days):
                violations.append(f"{e}: {count} shifts {s} > {c['max'][s]}")
        minutes = sum(inst["shifts"][x][0] for x in row if x)
        if minutes > c["maxmin"] or minutes < c["minmin"]:
            violations.append(f"{e}: {minutes} minutes outside [{c['minmin']}, {c['maxmin']}]")
        # Runs of work and of rest, with off days before and after the horizon.
        padded = [False] + [x is not None for x in row] + [False]
        runs = []  # (working, length, touches the padding)
        start = 1
        for d in range(2, days + 2):
            if padded[d] != padded[d - 1] or d == days + 1:
                runs.append((padded[d - 1], d - start, start == 1 or d == days + 1))
                start = d
        for working, length, at_edge in runs:
            if working and length > c["maxcons"]:
                violations.append(f"{e}: {length} consecutive shifts > {c['maxcons']}")
            if working and length < c["mincons"]:
                violations.append(f"{e}: {length} consecutive shifts < {c['mincons']}")
            if not working and not at_edge and length < c["minoff"]:
                violations.append(f"{e}: {length} consecutive days off < {c['minoff']}")
        weekends = sum(1 for w in range(days // 7 + 1)
                       if any(0 <= d < days and row[d] for d in (7 * w + 5, 7 * w + 6)))
        if weekends > c["maxwe"]:
            violations.append(f"{e}: {weekends} weekends > {c['maxwe']}")

    objective = 0
    for e, d, s, w in inst["on"]:
        if grid[e][d] != s:
            objective += w
    for e, d, s, w in inst["offreq"]:
        if grid[e][d] == s:
            objective += w
    for (d, s), (req, under, over) in inst["cover"].items():
        n = sum(1 for e in grid if grid[e][d] == s)
        objective += under * max(0, req - n) + over * max(0, n - req)
    return objective, violations


if __name__ == "__main__":
    objective, problems = check(sys.argv[1], Path(sys.argv[2]).read_text())
    print(objective)
    for p in problems:
        print(p)
