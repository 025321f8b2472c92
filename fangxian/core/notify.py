"""Escalation at once (吹哨报到): `notify(event_kind, *, community, text, url)` tells the people on
duty that something urgent happened, through every backend in settings.FANGXIAN_NOTIFIERS.

- log: writes the kind and the identifiers (community id, the page's path) to the log,
  never the text, which may name a place and a temperature.
- webhook: POSTs JSON {"event", "community_id", "community", "text", "url", "sent_at"} to
  a gateway (an SMS or WeChat bridge) with a timeout, from a background thread so a slow
  gateway never holds up the request; a failure is logged, never raised.

Callers pass text without personal data (no name, ID number or phone): the gateway is
outside the system. `notify` never raises.

`message(kind, *, to_phone, text, url, recipient_id)` reaches one person (a volunteer's shifts
and schedule link): the webhook POSTs {"event", "to", "recipient_id", "text", "url", "sent_at"}
to the same gateway; the log writes the kind and the recipient's id only, never the phone or
the text. It never raises either.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("fangxian.notify")

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fangxian-notify")
        return _executor


class LogNotifier:
    def __init__(self, **_options):
        pass

    def send(self, event_kind: str, *, community_id: int | None, community_name: str, text: str, url: str):
        logger.warning("notify %s community=%s url=%s", event_kind, community_id, url)
        return None

    def send_message(self, kind: str, *, to_phone: str, recipient_id, text: str, url: str):
        logger.warning("message %s recipient=%s", kind, recipient_id)
        return None


class WebhookNotifier:
    def __init__(self, *, url: str, timeout: float = 5.0, token: str = "", **_options):
        self.url, self.timeout, self.token = url, float(timeout), token

    def send(self, event_kind: str, *, community_id: int | None, community_name: str, text: str, url: str) -> Future:
        body = json.dumps({
            "event": event_kind, "community_id": community_id, "community": community_name, "text": text,
            "url": url, "sent_at": timezone.now().isoformat(),
        }, ensure_ascii=False).encode()
        return _pool().submit(self._post, event_kind, community_id, body)

    def send_message(self, kind: str, *, to_phone: str, recipient_id, text: str, url: str) -> Future:
        body = json.dumps({
            "event": kind, "to": to_phone, "recipient_id": recipient_id, "text": text, "url": url,
            "sent_at": timezone.now().isoformat(),
        }, ensure_ascii=False).encode()
        return _pool().submit(self._post, kind, None, body)

    def _post(self, event_kind: str, community_id: int | None, body: bytes) -> bool:
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "fangxian-notify"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                ok = 200 <= response.status < 300
        except (urllib.error.URLError, OSError, ValueError) as exc:
            logger.error("notify %s community=%s: webhook failed: %s", event_kind, community_id,
                         type(exc).__name__)
            return False
        if not ok:
            logger.error("notify %s community=%s: webhook answered %s", event_kind, community_id, response.status)
        return ok


BACKENDS = {"log": LogNotifier, "webhook": WebhookNotifier}


def notifiers() -> list:
    return [BACKENDS[entry["backend"]](**{k: v for k, v in entry.items() if k != "backend"})
            for entry in getattr(settings, "FANGXIAN_NOTIFIERS", [{"backend": "log"}])]


def notify(event_kind: str, *, community, text: str, url: str) -> list:
    """Tell the duty officers of `community`. Returns what each backend gave back (a webhook
    gives a Future of True/False, for tests that wait); never raises."""
    results = []
    try:
        backends = notifiers()
    except Exception:  # a bad setting must not turn an alert into a failed request
        logger.exception("notify %s: the notifiers are misconfigured", event_kind)
        return results
    for backend in backends:
        try:
            results.append(backend.send(
                event_kind, community_id=getattr(community, "pk", None), community_name=str(community or ""),
                text=text, url=url,
            ))
        except Exception:
            logger.exception("notify %s: backend %s failed", event_kind, type(backend).__name__)
    return results


def message(kind: str, *, to_phone: str, text: str, url: str, recipient_id=None) -> list:
    """Send one person a message (an SMS or WeChat text through the gateway). Returns what each
    backend gave back; never raises, and never logs the phone or the text."""
    results = []
    try:
        backends = notifiers()
    except Exception:
        logger.exception("message %s: the notifiers are misconfigured", kind)
        return results
    for backend in backends:
        try:
            results.append(backend.send_message(kind, to_phone=to_phone, recipient_id=recipient_id, text=text,
                                                url=url))
        except Exception:
            logger.exception("message %s: backend %s failed", kind, type(backend).__name__)
    return results
