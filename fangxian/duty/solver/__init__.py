"""The duty roster solver (OR-Tools CP-SAT). See problem.py for what it is asked.

    solve(problem, *, seconds, on_progress=None, workers=None, hint=None, stop=None) -> Result

`on_progress(Progress)` is called at each better roster; returning True stops the search
(the best roster so far is the result). `stop`, a threading.Event, stops it as soon as it is
set. `hint` is a roster to start from.
"""

from .cpsat import solve  # noqa: F401,E402
from .problem import (  # noqa: F401
    Assignment,
    Problem,
    Progress,
    Request,
    Result,
    ShiftType,
    Shortfall,
    Slot,
    Staff,
    Weights,
)
