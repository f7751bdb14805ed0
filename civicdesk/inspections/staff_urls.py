"""Inspectors' pages, mounted at /staff/inspections/."""

from django.urls import path

from civicdesk.applications.views import private

from . import config_views, views

app_name = "inspections_staff"

urlpatterns = [
    path("", private(views.availability), name="availability"),
    path("day/", private(views.day), name="day"),
    path("<int:pk>/", private(views.result), name="result"),
    path("settings/", private(config_views.settings_list), name="settings_list"),
    path("settings/<int:pk>/", private(config_views.type_settings), name="settings"),
]
