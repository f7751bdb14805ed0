"""URL routes: each app mounts its own urls module."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from civicdesk.core import views as core_views
from civicdesk.editorial import views as editorial_views
from civicdesk.opendata import views as opendata_views

admin.site.site_header = _("CivicDesk administration")
admin.site.site_title = _("CivicDesk admin")

urlpatterns = [
    # The help hub owns /help/ (before core, whose "using this site" page lives at /help/using-this-site/).
    path("help/", include("civicdesk.content.urls")),
    path("", include("civicdesk.core.urls")),
    path("report/", include("civicdesk.intake.urls")),
    path("requests/", include("civicdesk.servicerequests.urls")),
    path("open311/v2/", include("civicdesk.open311.urls")),
    path("account/", include("civicdesk.accounts.urls")),
    path("staff/insights/", include("civicdesk.insights.urls")),
    path("staff/feedback/", include("civicdesk.feedback.staff_urls")),
    path("staff/surveys/", include("civicdesk.surveys.staff_urls")),
    path("staff/applications/", include("civicdesk.applications.staff_urls")),
    path("staff/records/", include("civicdesk.records.staff_urls")),
    path("staff/application-types/", include("civicdesk.applications.config_urls")),
    path("staff/inspections/", include("civicdesk.inspections.staff_urls")),
    path("staff/onboarding/", include("civicdesk.onboarding.urls")),
    path("staff/content/", include("civicdesk.editorial.urls")),
    path("staff/help-feedback/", include("civicdesk.content.staff_urls")),
    path("content-images/<int:pk>/", editorial_views.image_file, name="editorial_image"),
    path("staff/city-config/", include("civicdesk.cityconfig.urls")),
    path("staff/embed/", include("civicdesk.embed.staff_urls")),
    # Staff money operations (issue 17): counter payments, refunds, reconciliation, ledger export, dashboard.
    path("staff/payments/", include("civicdesk.payments.staff_urls")),
    # Reports by text message, email and social media (issue 19): staff queues and the social webhooks.
    path("", include("civicdesk.conversations.urls")),
    # Bills and payments (issue 17): find and pay a bill, receipts, My bills, provider webhooks.
    path("payments/", include("civicdesk.payments.urls")),
    path("", include("civicdesk.payments.bill_urls")),
    path("staff/", include("civicdesk.staff.urls")),
    path("notifications/", include("civicdesk.notifications.urls")),
    path("subscriptions/", include("civicdesk.subscriptions.urls")),
    path("alerts/", include("civicdesk.alerts.urls")),
    path("notices/", include("civicdesk.notices.urls")),
    path("inbound/", include("civicdesk.inbound.urls")),
    path("feedback/", include("civicdesk.feedback.urls")),
    path("reports/", include("civicdesk.reports.urls")),
    path("dashboard/", include("civicdesk.transparency.urls")),
    path("open-data/", include("civicdesk.opendata.urls")),
    path("data.json", opendata_views.data_json, name="data_json"),
    path("map/", include("civicdesk.publicmap.urls")),
    path("search/", include("civicdesk.search.urls")),
    path("meetings/", include("civicdesk.meetings.urls")),
    path("documents/", include("civicdesk.documents.urls")),
    path("newsletter/", include("civicdesk.newsletter.urls")),
    path("surveys/", include("civicdesk.surveys.urls")),
    path("permits/inspections/", include("civicdesk.inspections.urls")),
    path("permits/", include("civicdesk.applications.urls")),
    path("records/", include("civicdesk.records.urls")),
    path("forums/", include("civicdesk.forums.urls")),
    path("moderation/", include("civicdesk.moderation.urls")),
    path("comments/", include("civicdesk.comments.urls")),
    path("", include("civicdesk.connectors.urls")),
    path("", include("civicdesk.directory.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("embed/", include("civicdesk.embed.urls")),
    path("admin/", admin.site.urls),
    path("sso/", include("civicdesk.sso.urls")),
]

if settings.BENCH_ENDPOINTS:
    # Ceilings for `make bench` (see civicdesk/core/bench_urls.py); off unless BENCH_ENDPOINTS=true.
    urlpatterns.insert(0, path("bench/", include("civicdesk.core.bench_urls")))
