"""Staff console: /staff/city-config/ (configuration files and catalogue migration, for administrators)."""

from django.urls import path

from . import views

app_name = "cityconfig"
urlpatterns = [
    path("", views.home, name="home"),
    path("export/<slug:slug>.json", views.export, name="export"),
    path("import/<int:pk>/", views.review_import, name="review_import"),
    path("import/<int:pk>/apply/", views.apply_import, name="apply_import"),
    path("tables/", views.upload_table, name="upload_table"),
    path("tables/<slug:kind>-template.csv", views.table_template, name="table_template"),
    path("sources/new/", views.new_source, name="new_source"),
    path("sources/demo/", views.new_source_demo, name="new_source_demo"),
    path("sources/template.csv", views.csv_template, name="csv_template"),
    path("sources/<int:pk>/", views.mapping, name="mapping"),
    path("sources/<int:pk>/mapping.csv", views.mapping_csv, name="mapping_csv"),
]
