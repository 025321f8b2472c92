from django.urls import path  # noqa: F401

from . import dashboard_urls

app_name = "reports"

# Daily reports, the subdistrict view and exports here; the wall dashboard in dashboard_urls.py.
urlpatterns: list = [] + dashboard_urls.urlpatterns
