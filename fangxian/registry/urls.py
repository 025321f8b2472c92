from django.urls import path

from . import pending_views, residents_import_views, views

app_name = "registry"

urlpatterns = [
    path("communities/<int:pk>/", views.community_detail, name="community_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/export.xlsx", views.person_export, name="person_export"),
    path("communities/<int:pk>/register-full/", views.person_export_full, name="person_export_full"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("dwellings/", views.dwelling_list, name="dwelling_list"),
    path("dwellings/<int:pk>/", views.dwelling_detail, name="dwelling_detail"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/new/", views.building_create, name="building_create"),
    path("buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path("buildings/<int:pk>/rooms/", views.dwelling_create, name="dwelling_create"),
    path("estates/", views.estate_list, name="estate_list"),
    path("estates/<int:pk>/", views.estate_detail, name="estate_detail"),
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("import/", residents_import_views.residents_import_upload, name="residents_import_upload"),
    path("import/template.xlsx", residents_import_views.residents_import_template, name="residents_import_template"),
    path("import/<int:pk>/", residents_import_views.residents_import_preview, name="residents_import_preview"),
    path("import/<int:pk>/commit/", residents_import_views.residents_import_commit, name="residents_import_commit"),
    *pending_views.pending_urlpatterns,
]
