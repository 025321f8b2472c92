"""The words for the reason codes a checkpoint console sends with a scan (Scan.reason), and
the passage log's one "reason" text made of the server's check and the console's.

A console sends a short code with every scanned pass ("ok", "signature", "stale", ...); a
manual admission or a refusal carries what the volunteer typed or chose instead. People read
the passage log in their own language, so a code is never shown as it came: a known one gets
its label, an unknown one (a newer console than this server) a generic "other reason".
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SERVER_REASONS, Scan

# The console's codes (static/access/console.js, `check` and `record`). Where the console
# and the server mean the same thing, the label is the server's own (models.SERVER_REASONS),
# so that the log can tell "the same reason" from a disagreement by comparing labels.
CONSOLE_REASONS = {
    "ok": SERVER_REASONS["valid"],
    "unreadable": SERVER_REASONS["invalid"],
    "signature": SERVER_REASONS["signature"],
    "fever": SERVER_REASONS["fever"],
    "estate": SERVER_REASONS["wrong_estate"],
    "revoked": SERVER_REASONS["revoked"],
    "expired": SERVER_REASONS["expired"],
    "not_yet_valid": SERVER_REASONS["not_yet_valid"],
    "unknown_key": SERVER_REASONS["unknown_kid"],
    "quarantine": SERVER_REASONS["suspended"],
    "refused": SERVER_REASONS["refused"],
    "manual": SERVER_REASONS["manual"],
    "stale": gettext_lazy("Checkpoint data out of date"),
    "no_bundle": gettext_lazy("No checkpoint data on the phone"),
    "move_in": SERVER_REASONS["move_in"],
    "store_failed": gettext_lazy("The phone could not save the record"),
}

# What a code looks like, as opposed to words a volunteer typed.
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _label(labels, code: str) -> str:
    if not code:
        return ""
    label = labels.get(code)
    if label is None:
        return _("Other reason (%(code)s)") % {"code": code}
    return str(label)


def console_reason_label(code: str) -> str:
    """The label of a console's reason code, in the active language."""
    return _label(CONSOLE_REASONS, code)


def server_reason_label(code: str) -> str:
    """The label of the server's check (Scan.server_reason), never the bare code."""
    return _label(SERVER_REASONS, code)


def console_reason_text(scan: Scan) -> str:
    """What the console said: a scan's code as its label, a volunteer's words as written."""
    if scan.kind == Scan.Kind.SCAN and CODE.fullmatch(scan.reason or ""):
        return console_reason_label(scan.reason)
    return scan.reason or ""


def scan_reason_text(scan: Scan) -> str:
    """The passage log's reason: the server's check, then the console's reason when it says
    something else ("签名无效", not "签名无效 · 签名无效")."""
    server = server_reason_label(scan.server_reason)
    console = console_reason_text(scan)
    return " · ".join(part for part in (server, console if console != server else "") if part)
