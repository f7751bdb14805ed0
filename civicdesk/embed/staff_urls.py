"""/staff/embed/: a jurisdiction administrator's embed settings, snippets and preview."""

from django.urls import path

from . import views

app_name = "embed_staff"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("<slug:slug>/", views.staff_edit, name="edit"),
]
