"""Who may work a slot, and why a slot could not be covered.

`may_work` (defined with the other rules in rules.py) is the single definition of "allowed"
shared by the model (cpsat.py only creates variables where it holds), the rule checker and the
explanations, so an explanation never contradicts the model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .problem import Assignment, Problem, Shortfall, Slot
from .rules import Roster, may_work

__all__ = ["may_work", "shortfall_for"]


def shortfall_for(problem: Problem, slot: Slot, kind: str, missing: int,
                  assignments: Iterable[Assignment] | Roster | None = None) -> Shortfall:
    """A Shortfall with the reason computed from who may work the slot.

    - no_one_available: nobody may work it at all;
    - too_few_available: fewer may work it than its minimum (available, needed);
    - no_leader_available: a leader is required and no leader may work it;
    - used_elsewhere: enough people (or leaders) may work it, but the other hard rules
      (one shift a day, rest after nights, maximum shifts, consecutive days...) use them elsewhere;
    - out_of_time (only with the roster, `assignments`): someone (a leader, for "leader") could be
      added to it in this roster without breaking any hard rule: the search ran out of time.

    With the roster, `blocked` counts the candidates by the rule that stops each of them first
    (rules.RULE_CODES order), most common first.
    """
    allowed = [p for p in problem.staff if may_work(problem, p, slot)]
    blocked: tuple[tuple[str, int], ...] = ()
    if assignments is not None:
        roster = assignments if isinstance(assignments, Roster) else Roster(problem, assignments)
        stopped: Counter = Counter()
        free = False
        for person, violations in roster.candidates(slot):
            if kind == "leader" and not person.leader:
                continue
            if not violations:
                free = True
                break
            stopped[violations[0].rule] += 1
        if free:
            available = sum(1 for p in allowed if p.leader) if kind == "leader" else len(allowed)
            return Shortfall(slot=slot, kind=kind, missing=missing, reason="out_of_time", available=available,
                             needed=1 if kind == "leader" else slot.minimum)
        blocked = tuple(sorted(stopped.items(), key=lambda item: (-item[1], item[0])))
    if kind == "leader":
        leaders = sum(1 for p in allowed if p.leader)
        reason = "no_leader_available" if leaders == 0 else "used_elsewhere"
        return Shortfall(slot=slot, kind="leader", missing=missing, reason=reason, available=leaders, needed=1,
                         blocked=blocked)
    if not allowed:
        reason = "no_one_available"
    elif len(allowed) < slot.minimum:
        reason = "too_few_available"
    else:
        reason = "used_elsewhere"
    return Shortfall(slot=slot, kind="minimum", missing=missing, reason=reason, available=len(allowed),
                     needed=slot.minimum, blocked=blocked)
