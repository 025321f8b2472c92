from .rosters import urls as roster_urls
from .volunteers import urls as volunteer_urls

app_name = "duty"

# Volunteers, teams and sign-up (volunteers/urls.py); shift templates, rosters, the solver,
# publishing, swaps and attendance (rosters/urls.py).
urlpatterns = volunteer_urls.urlpatterns + roster_urls.urlpatterns
