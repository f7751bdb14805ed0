"""Staff console pages of "was it fixed?" (mounted under /staff/feedback/)."""

from django.urls import path

from . import views

app_name = "feedback_staff"

urlpatterns = [
    path("", views.results, name="results"),
    path("<str:by>.csv", views.results_csv, name="results_csv"),
    path("answers/<int:pk>/reply/", views.publish_reply, name="reply"),
]
