"""Duty 值班值守: volunteers and teams (volunteers.py); shift templates, rosters, swaps and
attendance (rosters.py)."""

from .rosters import *  # noqa: F401,F403
from .volunteers import *  # noqa: F401,F403
