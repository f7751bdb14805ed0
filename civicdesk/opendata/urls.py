"""URL routes of open data, under /open-data/ (and /data.json, mounted in civicdesk/urls.py)."""

from django.urls import path, re_path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/file/", views.staff_replace, name="staff_replace"),
    path("staff/<int:pk>/publish/", views.staff_publish, name="staff_publish"),
    path("staff/<int:pk>/withdraw/", views.staff_unpublish, name="staff_unpublish"),
    re_path(r"^api/(?P<slug>[-a-z0-9_]+)\.json$", views.api, name="api"),
    re_path(r"^files/(?P<slug>[-a-z0-9_]+)\.(?P<fmt>csv|json|geojson|parquet)$", views.download, name="download"),
    path("<slug:slug>/", views.dataset_page, name="dataset"),
    path("<slug:slug>/chart.csv", views.chart_csv, name="chart_csv"),
]
