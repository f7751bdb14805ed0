"""URL routes of the notifications app: unsubscribe links and SMS delivery receipts."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("sms/status/", views.twilio_status, name="twilio_status"),
]
