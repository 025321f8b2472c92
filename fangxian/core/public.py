"""Pages opened without a login (a poster's QR, a link sent to a phone): kept out of search
engines and other sites' referrers, and rate-limited per address."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone


def private_page(response):
    """Mark a public page that holds a token in its address, or a person's data."""
    response["X-Robots-Tag"] = "noindex"
    # Not "no-referrer": with it Chromium sends "Origin: null" on the page's own form posts and
    # Django's CSRF check refuses them. "same-origin" still keeps the token in the address
    # from any other site.
    response["Referrer-Policy"] = "same-origin"
    return response


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(request, bucket: str, limit: int) -> bool:
    """True once an address has made `limit` posts to `bucket` this hour (the cache counts)."""
    key = f"fx-rate:{bucket}:{_client_ip(request)}:{timezone.now():%Y%m%d%H}"
    if cache.add(key, 1, timeout=3600):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        return False
    return count > limit
