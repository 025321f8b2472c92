from django.urls import path  # noqa: F401

from . import roster_urls, volunteer_urls

app_name = "duty"

# Volunteers, teams and sign-up (volunteer_urls.py); shift templates, rosters, the solver,
# publishing, swaps and attendance (roster_urls.py).
urlpatterns = volunteer_urls.urlpatterns + roster_urls.urlpatterns
