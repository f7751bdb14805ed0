"""Connector pages under /staff/connectors/, and the inbound update endpoint /connectors/<id>/updates."""

from django.urls import path

from . import views

app_name = "connectors"
urlpatterns = [
    path("staff/connectors/", views.connector_list, name="list"),
    path("staff/connectors/new/", views.connector_edit, name="create"),
    path("staff/connectors/<int:pk>/", views.connector_edit, name="edit"),
    path("staff/connectors/dead-letters/", views.dead_letters, name="dead_letters"),
    path("staff/connectors/records/<int:pk>/retry/", views.record_action, {"action": "retry"}, name="retry"),
    path("staff/connectors/records/<int:pk>/stop/", views.record_action, {"action": "stop"}, name="stop"),
    path("connectors/<int:pk>/updates", views.inbound_updates, name="inbound"),
]
