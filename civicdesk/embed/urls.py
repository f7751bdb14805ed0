"""/embed/<jurisdiction>/theme.css (the pages themselves are the other apps' views; see middleware.py)."""

from django.urls import path

from . import views

app_name = "embed"
urlpatterns = [
    path("<slug:jurisdiction>/theme.css", views.theme_css, name="theme_css"),
]
