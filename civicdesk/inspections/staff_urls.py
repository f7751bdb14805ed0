"""Inspectors' pages, mounted at /staff/inspections/."""

from django.urls import path

from civicdesk.applications.views import private

from . import views

app_name = "inspections_staff"

urlpatterns = [
    path("", private(views.availability), name="availability"),
    path("day/", private(views.day), name="day"),
    path("<int:pk>/", private(views.result), name="result"),
]
