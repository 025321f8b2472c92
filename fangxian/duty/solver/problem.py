"""What the roster solver is asked and what it answers: plain data, no Django.

One model serves a community's duty roster (checkpoints as posts, volunteers and staff,
shift templates, demand, leaders, ages) and the Curtois & Qu staff-rostering benchmark
(one post, hard contract rules, soft cover and requests). The CP-SAT model is built from a
`Problem` in `cpsat.py`; `curtois.py` reads the benchmark's format into a `Problem`.

Days are numbered 0..days-1 from the first day of the period; `first_weekday` says which
weekday day 0 is (0 = Monday), for weekends and weekday availability.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class ShiftType:
    id: str
    minutes: int
    forbidden_next: frozenset[str] = frozenset()  # shift types that may not follow on the next day
    night: bool = False  # counted for night fairness and "young people on night shifts"


@dataclass(frozen=True)
class Slot:
    """One post's shift on one day: what must be covered, and what is wished for."""

    day: int
    post: str  # a checkpoint's id as text; "" where there is one post (the benchmark)
    shift: str
    minimum: int = 0  # hard (elastic when the problem cannot be covered: see Shortfall)
    target: int = 0  # soft: the preferred number of people
    weight_under: int = 0  # paid per person below target
    weight_over: int = 0  # paid per person above target
    leader_required: bool = False  # hard: at least one staff member with `leader` works it
    label: str = ""  # how people name it, for explanations: "北门 00–08"


@dataclass(frozen=True)
class Staff:
    id: str
    label: str = ""
    max_shifts: dict[str, int] = field(default_factory=dict)  # per shift type; absent = no limit
    max_total_shifts: int | None = None
    max_minutes: int | None = None
    min_minutes: int = 0
    max_consecutive: int | None = None  # shifts on consecutive days
    min_consecutive: int = 1
    min_consecutive_off: int = 1
    max_weekends: int | None = None  # a weekend is worked if Saturday or Sunday is worked
    min_days_off: int = 0  # over the whole period
    leader: bool = False
    age: int | None = None  # None: unknown, treated as an adult of neither band
    unavailable_days: frozenset[int] = frozenset()  # hard
    available: frozenset[tuple[int, str]] | None = None  # (day, shift) allowed; None = any
    posts: frozenset[str] | None = None  # posts this person may work; None = any
    preferred_post: str | None = None


@dataclass(frozen=True)
class Request:
    staff: str
    day: int
    shift: str
    weight: int
    want: bool  # True: paid if not given that shift; False: paid if given it
    post: str | None = None  # None: any post


@dataclass(frozen=True)
class Weights:
    """Soft rules of the community roster; every weight is paid per occurrence."""

    elderly_age: int = 60
    young_ages: tuple[int, int] = (18, 35)
    elderly_on_night: int = 0  # per night shift worked by someone elderly
    not_young_on_night: int = 0  # per night shift worked by someone outside the young band
    other_post: int = 0  # per shift worked away from one's preferred post
    fairness_shifts: int = 0  # per unit of (most − fewest) shifts among the staff who may work them
    fairness_nights: int = 0  # per unit of (most − fewest) night shifts
    pair_apart: int = 0  # per shift one of a pair works without the other beside them
    change: int = 0  # re-planning: per published assignment changed or removed


@dataclass
class Problem:
    days: int
    shifts: list[ShiftType]
    staff: list[Staff]
    slots: list[Slot]
    requests: list[Request] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # keep together
    weights: Weights = field(default_factory=Weights)
    first_weekday: int = 0
    min_age: int = 18  # hard: nobody younger works
    # Re-planning: the published roster, (staff, day) → (post, shift). With weights.change > 0
    # the solver first keeps cover and leaders, then changes as few (staff, day) pairs as it can
    # (reported at `weights.change` each in penalties["change"], counted in Result.changes), then
    # the other soft rules.
    previous: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    # Hard: (staff, day) → (post, shift) the person works that day, or None: the person is off.
    # Re-planning fixes every day before the dropout and every shift already started.
    fixed: dict[tuple[str, int], tuple[str, str] | None] = field(default_factory=dict)
    # Fixed context from the roster before this one: (staff, day < 0) → shift type worked
    # (day -1 is the day before day 0). Rest and consecutive-day rules hold across the boundary.
    history: dict[tuple[str, int], str] = field(default_factory=dict)
    name: str = ""


@dataclass(frozen=True)
class Assignment:
    staff: str
    day: int
    post: str
    shift: str


ShortfallKind = Literal["minimum", "leader"]
# Why a slot could not be covered, as a code the pages translate:
#   "no_one_available"   nobody may work it at all (availability, days off, posts, age)
#   "too_few_available"  fewer people may work it than the minimum (params: available, needed)
#   "no_leader_available" no leader may work it
#   "used_elsewhere"     enough people may, but other hard rules (one shift a day, rest,
#                        maximum shifts, consecutive days) leave them unable to
#   "out_of_time"        someone could be added without breaking a hard rule: the search ran
#                        out of time ("continue solving")
Reason = Literal["no_one_available", "too_few_available", "no_leader_available", "used_elsewhere", "out_of_time"]


@dataclass(frozen=True)
class Shortfall:
    slot: Slot
    kind: ShortfallKind
    missing: int
    reason: Reason
    available: int = 0  # people (or leaders) who may work the slot
    needed: int = 0
    # (rule code of rules.RULE_CODES, candidates stopped first by that rule), most common first:
    # "3 at their weekly limit, 2 resting after a night". Empty without the roster or when out_of_time.
    blocked: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Progress:
    """Sent to `on_progress` at each better roster the solver finds."""

    objective: int
    bound: float
    seconds: float
    seconds_left: float
    assignments: list[Assignment]
    shortfall: int  # people missing from hard minima and leaders, in this roster


Status = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass
class Result:
    status: Status  # "infeasible": even the elastic model has no roster; "unknown": none found in time
    objective: int  # the soft rules' penalty (shortfalls are reported apart, not in it)
    bound: float
    assignments: list[Assignment]
    shortfalls: list[Shortfall]
    penalties: dict[str, int]  # soft rule → what it cost in this roster ("change": changes × weights.change)
    first_feasible_seconds: float | None
    seconds: float
    stopped: bool = False  # stopped by `on_progress` returning True
    changes: int = 0  # re-planning: (person, day) pairs whose published assignment changed, was removed or added
