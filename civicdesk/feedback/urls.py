from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("replies/", views.replies, name="replies"),
    path("<str:token>/", views.answer, name="answer"),
]
