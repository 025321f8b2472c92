"""The supplies pages, under /supplies/: stock and its ledger, donations, the front line's
requests, the public donations page."""

from . import activity_views, donation_views, public_views, request_views, stock_views

app_name = "supplies"

urlpatterns = (stock_views.urlpatterns + donation_views.urlpatterns + request_views.urlpatterns
               + public_views.urlpatterns + activity_views.urlpatterns)
