from django.contrib import admin
from django.urls import include, path

from fangxian.api.api import api
from fangxian.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("accounts/", include("fangxian.accounts.urls")),
    path("registry/", include("fangxian.registry.urls")),
    path("access/", include("fangxian.access.urls")),
    path("returnees/", include("fangxian.returnees.urls")),
    path("duty/", include("fangxian.duty.urls")),
    path("reports/", include("fangxian.reports.urls")),
    path("incidents/", include("fangxian.incidents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
