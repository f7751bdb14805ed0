from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("", views.checklist, name="checklist"),
    path("boundaries/", views.upload_boundaries, name="upload"),
    path("boundaries/<int:pk>/", views.preview_boundaries, name="preview"),
]
