"""The fieldwork pages, under /fieldwork/: campaigns and sections, the walk, care visits."""

from . import campaign_views, care_views, walk_views

app_name = "fieldwork"

urlpatterns = campaign_views.urlpatterns + walk_views.urlpatterns + care_views.urlpatterns
