"""URL routes: each app mounts its own urls module."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "CivicDesk administration"
admin.site.site_title = "CivicDesk admin"

urlpatterns = [
    path("", include("civicdesk.core.urls")),
    path("report/", include("civicdesk.intake.urls")),
    path("requests/", include("civicdesk.servicerequests.urls")),
    path("account/", include("civicdesk.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
