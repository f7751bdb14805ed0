"""URL routes of the monthly performance reports, under /reports/."""

from django.urls import path

from . import views
from .feeds import ReportFeed

app_name = "reports"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("feed/", ReportFeed(), name="feed"),
    path("<slug:slug>/<str:month>/", views.detail, name="detail"),
    path("<slug:slug>/<str:month>/report.pdf", views.pdf, name="pdf"),
    path("<slug:slug>/<str:month>/<slug:table>.csv", views.table_csv, name="csv"),
    path("<slug:slug>/<str:month>/regenerate/", views.regenerate, name="regenerate"),
]
