"""A very long search never reaches the WSGI server's bare "414 Request-URI Too Large" page:
every search box stops at 100 characters, and gunicorn accepts its longest request line."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from gunicorn.config import Config

from fangxian.core.management.commands import serve

SEARCH_MAXLENGTH = 100
INPUT = re.compile(r"<input\b[^>]*>", re.S)


def _templates() -> list[Path]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [p for p in Path(settings.BASE_DIR, "fangxian").glob("*/templates")]
    return sorted({path for root in roots for path in root.rglob("*.html")})


def _is_search(tag: str) -> bool:
    return bool(re.search(r"""type=["']?search\b""", tag) or re.search(r"""name=["']q["']""", tag))


def search_inputs_without_a_limit(text: str) -> list[str]:
    return [tag for tag in INPUT.findall(text) if _is_search(tag)
            and not re.search(rf"""maxlength=["']?{SEARCH_MAXLENGTH}["']?""", tag)]


def test_the_scan_finds_a_search_box_without_a_limit():
    assert search_inputs_without_a_limit('<input type="search" name="q" value="{{ q }}">')
    assert search_inputs_without_a_limit('<input name="q">')
    assert not search_inputs_without_a_limit('<input type="search" name="q" maxlength="100">')
    assert not search_inputs_without_a_limit('<input type="text" name="note">')


def test_every_search_box_stops_at_100_characters():
    templates = _templates()
    assert len(templates) > 50  # the walk found the apps' templates
    found = {str(path.relative_to(settings.BASE_DIR)): tags for path in templates
             if (tags := search_inputs_without_a_limit(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_server_takes_the_longest_request_line_gunicorn_allows():
    config = serve.gunicorn_config(bind="127.0.0.1:0", workers=1, threads=1)
    assert config["limit_request_line"] == 8190
    checked = Config()
    for key, value in config.items():
        checked.set(key, value)
    assert checked.limit_request_line == 8190
