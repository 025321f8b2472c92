from django.contrib import admin
from django.urls import include, path

from fangxian.api.api import api
from fangxian.core import plugins
from fangxian.core import views as core_views
from fangxian.portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", core_views.audit_log, name="audit_log"),
    # Each app's pages, from its plugins.py.
    *(path(prefix, include(module)) for prefix, module in plugins.url_includes()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
