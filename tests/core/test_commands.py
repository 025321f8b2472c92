"""The `fangxian` command: serve answers over HTTP, worker runs the periodic jobs."""

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from fangxian.registry.models import ResidentsImport

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_serves_with_gunicorn_not_runserver(tmp_path):
    port = free_port()
    env = {**os.environ, "FANGXIAN_DATA_DIR": str(tmp_path), "FANGXIAN_ENV": "test"}
    server = subprocess.Popen([sys.executable, "-m", "fangxian.cli", "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = response.read()
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the server did not answer within a minute"
                time.sleep(0.3)
        assert body == b"ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/fangxian/app.css", timeout=5) as response:
            assert response.status == 200  # whitenoise serves the static files
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert "gunicorn" in output.lower()


def test_it_discards_residents_imports_nobody_imported_within_a_day(transactional_db, two_grids, settings, tmp_path,
                                                                   frozen_clock):
    # transactional_db: the worker closes connections it finds inside a transaction, as
    # the test case's own transaction would be on PostgreSQL.
    settings.MEDIA_ROOT = tmp_path
    stale = ResidentsImport.objects.create(community=two_grids.community, original_name="old.xlsx")
    stale.file.save("old.xlsx", ContentFile(b"personal data"))
    ResidentsImport.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    fresh = ResidentsImport.objects.create(community=two_grids.community, original_name="new.xlsx")
    fresh.file.save("new.xlsx", ContentFile(b"personal data"))
    stale_path = Path(stale.file.path)

    call_command("worker", "--once", stdout=io.StringIO())

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == ResidentsImport.Status.DISCARDED and not stale_path.exists()
    assert fresh.status == ResidentsImport.Status.CHECKED and Path(fresh.file.path).exists()
