"""Shift templates, roster rules, roster plans and their assignments, requests, pairs, swaps
and attendance. (Owned by the roster work; see the duty app's docstring.)"""

__all__: list[str] = []
