"""Live progress, the stop button, and the hint."""

from fangxian.duty.solver import Assignment, solve
from fangxian.duty.solver.synthetic import community_problem


def test_it_reports_progress_and_stops_when_asked():
    problem = community_problem(volunteers=60, posts=2, days=7, seed=3)
    seen = []

    def on_progress(progress):
        seen.append(progress)
        return True  # the stop button, pressed at the first roster

    result = solve(problem, seconds=20, on_progress=on_progress, workers=2)
    assert result.stopped and len(seen) == 1
    assert result.seconds < 15
    assert seen[0].assignments and seen[0].objective >= 0 and seen[0].seconds_left > 0
    assert result.assignments  # the best roster so far is the result


def test_it_starts_from_a_hint():
    problem = community_problem(volunteers=40, posts=1, days=3, seed=2)
    first = solve(problem, seconds=3, workers=2)
    hint = [Assignment(a.staff, a.day, a.post, a.shift) for a in first.assignments]
    again = solve(problem, seconds=3, workers=2, hint=hint)
    # Missing people weigh more than any soft penalty: compare (missing, objective).
    def score(result):
        return sum(s.missing for s in result.shortfalls), result.objective

    assert score(again) <= score(first)


def test_it_stops_within_a_moment_when_the_stop_event_is_set():
    """The stop button must not wait for the next better roster, which may be a minute away."""
    import threading
    import time

    problem = community_problem(volunteers=120, posts=4, days=14, seed=5)
    stop = threading.Event()
    threading.Timer(2.0, stop.set).start()
    started = time.monotonic()
    result = solve(problem, seconds=60, workers=2, stop=stop)
    assert result.stopped
    assert time.monotonic() - started < 8  # 2 s, then at most a sub-second poll and the last polish
