"""The notifier: escalation at once, through the log and a webhook to an SMS/WeChat gateway."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from fangxian.core.notify import notify


class Gateway:
    """A fake SMS gateway on 127.0.0.1 that records what it is sent."""

    def __init__(self, status=200, delay=0.0):
        self.received, self.status, self.delay = [], status, delay
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                import time

                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append((dict(self.headers), json.loads(body)))
                time.sleep(gateway.delay)
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    g = Gateway()
    yield g
    g.close()


class Place:
    pk = 7

    def __str__(self):
        return "东山社区"


def test_it_logs_only_identifiers(settings, caplog):
    settings.FANGXIAN_NOTIFIERS = [{"backend": "log"}]
    with caplog.at_level(logging.INFO, logger="fangxian.notify"):
        notify("fever_alert", community=Place(), text="东门 38.1 °C 张三", url="/access/fever/?alert=3")
    [record] = caplog.records
    assert record.getMessage() == "notify fever_alert community=7 url=/access/fever/?alert=3"


def test_it_posts_json_to_the_gateway(settings, gateway):
    settings.FANGXIAN_NOTIFIERS = [{"backend": "log"}, {"backend": "webhook", "url": gateway.url, "timeout": 2,
                                                          "token": "s3cret"}]
    results = notify("fever_alert", community=Place(), text="东门 38.1 °C", url="/access/fever/?alert=3")
    assert results[0] is None and results[1].result(timeout=5) is True
    [(headers, body)] = gateway.received
    assert headers["Authorization"] == "Bearer s3cret" and headers["Content-Type"].startswith("application/json")
    assert body["event"] == "fever_alert" and body["community_id"] == 7 and body["community"] == "东山社区"
    assert body["text"] == "东门 38.1 °C" and body["url"] == "/access/fever/?alert=3" and body["sent_at"]


def test_it_logs_a_failing_gateway_and_never_raises(settings, caplog):
    down = Gateway()
    url = down.url
    down.close()  # nobody listens there any more
    refusing = Gateway(status=503)
    slow = Gateway(delay=1.5)
    settings.FANGXIAN_NOTIFIERS = [{"backend": "webhook", "url": url, "timeout": 1},
                                   {"backend": "webhook", "url": refusing.url, "timeout": 1},
                                   {"backend": "webhook", "url": slow.url, "timeout": 0.3}]
    try:
        with caplog.at_level(logging.INFO, logger="fangxian.notify"):
            results = notify("fever_alert", community=Place(), text="东门 38.1 °C", url="/x")
            assert [future.result(timeout=5) for future in results] == [False, False, False]
    finally:
        refusing.close()
        slow.close()
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3 and all("community=7" in m and "38.1" not in m for m in messages)


def test_it_survives_a_misconfigured_backend(settings):
    settings.FANGXIAN_NOTIFIERS = [{"backend": "carrier-pigeon"}]
    assert notify("fever_alert", community=None, text="x", url="/") == []


def test_it_rejects_a_bad_webhook_setting(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "FANGXIAN_NOTIFY_WEBHOOK_URL": "ftp://gateway", "FANGXIAN_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "fangxian.cli", "check"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0 and "FANGXIAN_NOTIFY_WEBHOOK_URL" in result.stderr
