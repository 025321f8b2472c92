"""The public donations page (no login), reached by the community's code from a poster's QR:
what was received, where it went, what is in stock, and who gave (only the donors who agreed
to be named). Nothing personal is on it; it is not cached, so it shows today's figures."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fangxian.registry.models import Community

from .public_pdf import poster_pdf
from .public_selectors import public_report


def _community(code: str) -> Community:
    return get_object_or_404(Community.objects.only("pk", "name", "code"), code=code)


@require_GET
@never_cache
def public(request, code):
    report = public_report(_community(code))
    return render(request, "supplies/public_page.html", {
        "report": report, "poster_url": reverse("supplies:public_pdf", args=[code])})


@require_GET
@never_cache
def public_pdf(request, code):
    community = _community(code)
    url = request.build_absolute_uri(reverse("supplies:public", args=[community.code]))
    response = HttpResponse(poster_pdf(public_report(community), url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="donations-{community.code}.pdf"'
    return response


urlpatterns = [
    path("p/<str:code>/", public, name="public"),
    path("p/<str:code>/poster.pdf", public_pdf, name="public_pdf"),
]
