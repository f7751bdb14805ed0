"""Public and requester pages, mounted at /records/."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.log, name="log"),
    path("<int:pk>/", views.entry, name="entry"),
    path("<int:pk>/documents/<int:document_pk>/", views.public_document, name="document"),
    path("mine/<int:pk>/", views.mine, name="mine"),
    path("mine/<int:pk>/new-link/", views.new_link, name="new_link"),
    path("release/<str:token>/", views.release, name="release"),
    path("release/<str:token>/<int:document_pk>/", views.release_document, name="release_document"),
]
