"""Volunteers, staff and teams; the public sign-up page (no login) is `join/<community code>/`."""

from django.urls import path

from . import views

urlpatterns = [
    path("join/<str:code>/", views.signup, name="signup"),
    path("volunteers/poster/<int:pk>.pdf", views.signup_poster, name="signup_poster"),
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("volunteers/export.xlsx", views.volunteer_export, name="volunteer_export"),
    path("volunteers/staff/new/", views.volunteer_staff_add, name="volunteer_staff_add"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:pk>/decide/", views.volunteer_decide, name="volunteer_decide"),
    path("volunteers/<int:pk>/reveal/", views.volunteer_reveal, name="volunteer_reveal"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/members/add/", views.team_member_add, name="team_member_add"),
    path("teams/<int:pk>/members/remove/", views.team_member_remove, name="team_member_remove"),
    path("teams/<int:pk>/activities/", views.team_activity_add, name="team_activity_add"),
]
