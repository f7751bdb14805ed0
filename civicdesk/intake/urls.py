from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.start, name="start"),
    path("kept-photo/<str:ref>/", views.pending_thumbnail, name="pending_thumbnail"),
    path("nearby.json", views.reports_near_json, name="reports_near"),
    path("search.json", views.search_json, name="search"),
    path("suggest.json", views.suggest_json, name="suggest"),
    path("<str:code>/", views.where, name="where"),
    path("<str:code>/details/", views.details, name="details"),
]
