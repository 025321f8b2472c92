"""The delivery pages, under /delivery/: the office's tasks and households, the household's
phone link, the couriers' run sheets and assignments, the money ledger, the meal rules."""

from . import household_views, ledger_views, rule_views, run_views, task_views

app_name = "delivery"

urlpatterns = (task_views.urlpatterns + household_views.urlpatterns + run_views.urlpatterns
               + ledger_views.urlpatterns + rule_views.urlpatterns)
