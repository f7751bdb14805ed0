"""URL route of the site search."""

from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("suggest.json", views.suggest, name="suggest"),
    path("answers.json", views.answers, name="answers"),
    path("answers/<int:entry_id>/", views.follow, name="follow"),
]
