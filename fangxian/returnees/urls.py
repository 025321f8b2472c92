from django.urls import path

from . import seal_views, views

app_name = "returnees"

urlpatterns = [
    path("r/<str:code>/", views.register, name="register"),
    path("poster/<int:pk>/", views.poster, name="poster"),
    path("areas/", views.area_list, name="area_list"),
    path("queue/", views.queue, name="queue"),
    path("queue/bulk/", views.bulk_request, name="bulk_request"),
    path("bulk/<int:pk>/confirm/", views.bulk_confirm, name="bulk_confirm"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/review/", views.registration_review, name="registration_review"),
    path("slips/<int:pk>/pdf/", views.slip_pdf, name="slip_pdf"),
    path("s/<str:code>/", views.slip_phone, name="slip_phone"),
    path("quarantines/", views.quarantine_list, name="quarantine_list"),
    path("quarantines/<int:pk>/", views.quarantine_detail, name="quarantine_detail"),
    path("quarantines/<int:pk>/checkin/", views.quarantine_checkin, name="quarantine_checkin"),
    path("quarantines/<int:pk>/release/", views.quarantine_release, name="quarantine_release"),
    path("quarantines/<int:pk>/extend/", views.quarantine_extend, name="quarantine_extend"),
    path("quarantines/<int:pk>/change/", views.quarantine_change, name="quarantine_change"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
    path("quarantines/<int:pk>/release.pdf", views.release_pdf, name="release_pdf"),
    path("c/<str:token>/", views.checkin, name="checkin"),
]

# Door seals, the building board and the slipped-through list.
urlpatterns += seal_views.seal_urlpatterns
