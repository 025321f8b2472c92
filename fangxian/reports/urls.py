from django.urls import path

from . import dashboard_urls, views

app_name = "reports"

# Daily reports, the subdistrict view and exports here; the wall dashboard in dashboard_urls.py.
urlpatterns: list = [
    path("", views.day, name="day"),
    path("day.xlsx", views.day_xlsx, name="day_xlsx"),
    path("day.pdf", views.day_pdf, name="day_pdf"),
    path("history/", views.history, name="history"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("community/<int:pk>/", views.community, name="community"),
    path("community/<int:pk>/report.xlsx", views.community_xlsx, name="community_xlsx"),
    path("community/<int:pk>/report.pdf", views.community_pdf, name="community_pdf"),
    path("community/<int:pk>/remind/", views.remind, name="remind"),
    path("group/<int:pk>/", views.group, name="group"),
    path("checkpoint/<int:pk>/", views.checkpoint, name="checkpoint"),
    path("version/<int:pk>/", views.version, name="version"),
    path("version/<int:pk>/correct/", views.correct, name="correct"),
] + dashboard_urls.urlpatterns
