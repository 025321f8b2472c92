from django.urls import path

from . import dashboard_views

urlpatterns: list = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/data/", dashboard_views.dashboard_data, name="dashboard_data"),
]
