from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
    path("staff/", views.mappings, name="mappings"),
    path("staff/<int:pk>/delete/", views.delete_mapping, name="delete_mapping"),
    path("staff/rules/<int:jurisdiction_id>/", views.save_policy, name="save_policy"),
]
