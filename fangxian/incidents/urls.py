from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("export/", views.incident_export, name="export"),
    path("report/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/assign/", views.incident_assign, name="assign"),
    path("<int:pk>/report-in/", views.incident_report_in, name="report_in"),
    path("<int:pk>/close/", views.incident_close, name="close"),
    path("<int:pk>/photo/", views.incident_photo, name="photo"),
]
