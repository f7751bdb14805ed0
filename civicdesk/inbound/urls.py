"""URL routes of the inbound app: webhooks for mail providers and Twilio."""

from django.urls import path

from . import views

app_name = "inbound"
urlpatterns = [
    path("email/", views.email, name="email"),
    path("sms/twilio/", views.twilio_sms, name="twilio_sms"),
]
