from django.urls import path

from . import views

urlpatterns = [
    path("rosters/", views.roster_plan_list, name="roster_plan_list"),
    path("rosters/new/", views.roster_plan_create, name="roster_plan_create"),
    path("rosters/<int:pk>/", views.roster_plan_detail, name="roster_plan_detail"),
    path("rosters/<int:pk>/progress/", views.roster_plan_progress, name="roster_plan_progress"),
    path("rosters/<int:pk>/run/", views.roster_plan_run, name="roster_plan_run"),
    path("rosters/<int:pk>/stop/", views.roster_plan_stop, name="roster_plan_stop"),
    path("rosters/<int:pk>/publish/", views.roster_plan_publish, name="roster_plan_publish"),
    path("rosters/<int:pk>/replan/", views.roster_replan, name="roster_replan"),
    path("rosters/<int:pk>/roster.pdf", views.roster_plan_pdf, name="roster_plan_pdf"),
    path("rosters/<int:pk>/roster.xlsx", views.roster_plan_excel, name="roster_plan_excel"),
    path("shifts/", views.shift_template_list, name="shift_template_list"),
    path("shifts/<int:pk>/", views.shift_template_edit, name="shift_template_edit"),
    path("roster-rules/", views.roster_rules, name="roster_rules"),
    path("shift-requests/", views.shift_request_list, name="shift_request_list"),
    path("shift-requests/<int:pk>/delete/", views.shift_request_delete, name="shift_request_delete"),
    path("pairs/", views.roster_pair_list, name="roster_pair_list"),
    path("pairs/<int:pk>/delete/", views.roster_pair_delete, name="roster_pair_delete"),
    path("swaps/", views.swap_list, name="swap_list"),
    path("swaps/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
    path("shifts/assigned/<int:pk>/edit/", views.assignment_edit, name="assignment_edit"),
    path("volunteers/<int:pk>/schedule-slip.pdf", views.schedule_slip, name="schedule_slip"),
    path("no-shows/", views.no_show_list, name="no_show_list"),
    path("no-shows.xlsx", views.no_show_export, name="no_show_export"),
    # The personal schedule: a phone link, no login; the token is the key.
    path("s/<str:token>/", views.schedule_personal, name="schedule_personal"),
    path("s/<str:token>/swap/", views.swap_request_create, name="swap_request_create"),
    # Attendance at the checkpoint console: its volunteers and the community's admins.
    path("attendance/<int:checkpoint_id>/", views.attendance_console, name="attendance_console"),
    path("attendance/<int:checkpoint_id>/checkin/", views.attendance_checkin, name="attendance_checkin"),
]
