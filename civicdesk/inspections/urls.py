"""Applicant URLs of inspections, mounted at /permits/inspections/."""

from django.urls import path

from civicdesk.applications.views import private

from . import views

app_name = "inspections"

urlpatterns = [
    path("<int:pk>/book/", private(views.book), name="book"),
    path("result/<int:pk>/photo/<int:photo_pk>/", private(views.photo), name="photo"),
]
