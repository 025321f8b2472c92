"""Who may work a slot, and why a slot could not be covered.

`may_work` is the single definition of "allowed" shared by the model (cpsat.py only creates
variables where it holds) and the explanations, so an explanation never contradicts the model.
"""

from __future__ import annotations

from .problem import Problem, Shortfall, Slot, Staff


def may_work(problem: Problem, person: Staff, slot: Slot) -> bool:
    """Whether the person's own data (not the other rules) lets them work the slot."""
    if person.age is not None and person.age < problem.min_age:
        return False
    if slot.day in person.unavailable_days:
        return False
    if person.available is not None and (slot.day, slot.shift) not in person.available:
        return False
    if person.posts is not None and slot.post not in person.posts:
        return False
    if person.max_shifts.get(slot.shift, 1) <= 0:
        return False
    if person.max_total_shifts is not None and person.max_total_shifts <= 0:
        return False
    return True


def shortfall_for(problem: Problem, slot: Slot, kind: str, missing: int) -> Shortfall:
    """A Shortfall with the reason computed from who may work the slot.

    - no_one_available: nobody may work it at all;
    - too_few_available: fewer may work it than its minimum (available, needed);
    - no_leader_available: a leader is required and no leader may work it;
    - used_elsewhere: enough people (or leaders) may work it, but the other hard rules
      (one shift a day, rest after nights, maximum shifts, consecutive days...) use them elsewhere.
    """
    allowed = [p for p in problem.staff if may_work(problem, p, slot)]
    if kind == "leader":
        leaders = sum(1 for p in allowed if p.leader)
        reason = "no_leader_available" if leaders == 0 else "used_elsewhere"
        return Shortfall(slot=slot, kind="leader", missing=missing, reason=reason, available=leaders, needed=1)
    if not allowed:
        reason = "no_one_available"
    elif len(allowed) < slot.minimum:
        reason = "too_few_available"
    else:
        reason = "used_elsewhere"
    return Shortfall(slot=slot, kind="minimum", missing=missing, reason=reason, available=len(allowed),
                     needed=slot.minimum)
