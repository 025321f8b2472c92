"""Builders of tiny roster problems for the solver tests (tests/duty/test_solver_*.py import them)."""

from fangxian.duty.solver import Problem, ShiftType, Slot, Staff, solve

DAY = ShiftType(id="D", minutes=480)


def tiny_problem(*, days=2, staff=("A", "B", "C"), shifts=(DAY,), slots=None, target=1, weight_under=10,
                 weight_over=0, minimum=0, **extra) -> Problem:
    """One post, every shift every day with the same cover unless `slots` is given; staff as
    ids or Staff."""
    people = [p if isinstance(p, Staff) else Staff(id=p) for p in staff]
    if slots is None:
        slots = [Slot(day=d, post="", shift=s.id, target=target, weight_under=weight_under,
                      weight_over=weight_over, minimum=minimum) for d in range(days) for s in shifts]
    return Problem(days=days, shifts=list(shifts), staff=people, slots=list(slots), **extra)


def quick_solve(problem, **options):
    options.setdefault("seconds", 5)
    options.setdefault("workers", 2)
    return solve(problem, **options)


def roster(result) -> set[tuple[str, int, str]]:
    """(staff, day, shift) of each assignment (and post when not the default "")."""
    return {(a.staff, a.day, a.shift) if not a.post else (a.staff, a.day, a.post, a.shift)
            for a in result.assignments}
