"""The fieldwork pages, under /fieldwork/: campaigns and sections, coverage, the walk, care visits."""

from . import campaign_views, care_views, coverage_views, walk_views

app_name = "fieldwork"

urlpatterns = (campaign_views.urlpatterns + coverage_views.urlpatterns + walk_views.urlpatterns
               + care_views.urlpatterns)
