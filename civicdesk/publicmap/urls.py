"""URL routes of the public map: the page, its cells as JSON and the list alternative."""

from django.urls import path

from . import views

app_name = "publicmap"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("cells.json", views.cells_json, name="cells"),
    path("list/", views.request_list, name="list"),
]
