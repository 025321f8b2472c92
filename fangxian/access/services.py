"""Writes of closed management, the public face other apps and the views call.

The work is done in modules that say what they hold, whose imports run one way:

    changes  (the bundle's change log)  ←  rules  ←  keys  ←  passes, bundle
    alerts, checkpoints;  sync (the consoles' batches)  →  alerts, keys, rules, selectors

Every function is keyword-only, checks what it is given, audits what it changes (through
`core.services.audit_object`), and either completes or raises a ValidationError having
changed nothing. Who may call which is the views' and the API's business (core.scope); the
functions that take a `scope` check it themselves.
"""

from __future__ import annotations

from .alerts import fever_alert_assign, fever_alert_close, fever_alerts_raise
from .bundle import BUNDLE_PREFIX, CLAIM_BUNDLE, bundle_build
from .changes import bundle_version
from .checkpoints import checkpoint_create, readiness_tick
from .keys import private_key_of, public_key_of, signing_key_current, signing_key_rotate, verification_keys
from .passes import (
    PASS_PREFIX,
    pass_issue,
    pass_kind_for,
    pass_qr_text,
    pass_reissue,
    pass_revoke,
    passes_issue_for_building,
)
from .rules import fever_threshold, rule_clean_value, rule_set, rule_value
from .sync import MAX_EVENTS, scans_sync

__all__ = [
    "BUNDLE_PREFIX", "CLAIM_BUNDLE", "MAX_EVENTS", "PASS_PREFIX", "bundle_build", "bundle_version",
    "checkpoint_create", "fever_alert_assign", "fever_alert_close", "fever_alerts_raise", "fever_threshold",
    "pass_issue", "pass_kind_for", "pass_qr_text", "pass_reissue", "pass_revoke", "passes_issue_for_building",
    "private_key_of", "public_key_of", "readiness_tick", "rule_clean_value", "rule_set", "rule_value",
    "scans_sync", "signing_key_current", "signing_key_rotate", "verification_keys",
]
