"""The service worker of the pages that work offline (the checkpoint console, the canvassing
walk): one script, `static/fangxian/offline-sw.js`, served from the folder whose pages it
keeps, with a first line `self.FX_SW = {...}` that tells it which pages, which static files
of the page's shell, and a version that changes with them, so a new release replaces the
cached shell. It holds no data: a browser updates it without a login."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.templatetags.static import static

SOURCE = "fangxian/offline-sw.js"


def service_worker_response(*, name: str, pages: str, assets: tuple[str, ...], scope: str) -> HttpResponse:
    """`name` names its caches; `pages` is the regular expression of the kept pages' paths
    after the scope (e.g. r"\\d+/$"); `assets` the shell's static files; `scope` the folder."""
    if settings.DEBUG:
        _script.cache_clear()
    response = HttpResponse(_script(name, pages, assets), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response


@lru_cache(maxsize=8)
def _script(name: str, pages: str, assets: tuple[str, ...]) -> str:
    source = static_bytes(SOURCE)
    digest = hashlib.sha256(source)
    for asset in assets:
        digest.update(static_bytes(asset))
    config = {"name": name, "pages": pages, "version": digest.hexdigest()[:12],
              "assets": [static(asset) for asset in assets]}
    return "self.FX_SW = " + json.dumps(config) + ";\n" + source.decode()


def static_bytes(name: str) -> bytes:
    found = finders.find(name)
    return Path(found if found else Path(settings.STATIC_ROOT) / name).read_bytes()
