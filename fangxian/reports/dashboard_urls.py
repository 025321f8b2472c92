from django.urls import path

from . import dashboard_views

# The page only: its data refreshes from the API (reports/api.py).
urlpatterns: list = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
]
