"""What delivery adds to the shell (see core.plugins)."""

from fangxian.core import plugins

plugins.urls("delivery/", "fangxian.delivery.urls")
from .api import router  # noqa: E402

plugins.api_router("/delivery", router)
