"""Editors' pages of the help content, mounted at /staff/help-feedback/."""

from django.urls import path

from . import views

app_name = "content_staff"

urlpatterns = [
    path("", views.helpful_results, name="helpful_results"),
]
