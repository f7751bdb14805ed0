from django.urls import path

from . import views

app_name = "servicerequests"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<str:public_id>/", views.track, name="track"),
    path("<str:public_id>/support", views.support, name="support"),
    path("<str:public_id>/media/<int:pk>", views.attachment, name="attachment"),
    path("<str:public_id>/media/<int:pk>/<str:size>", views.attachment, name="attachment_size"),
]
