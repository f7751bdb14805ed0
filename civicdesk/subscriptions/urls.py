"""URL routes of the subscriptions app: following requests and notification preferences."""

from django.urls import path

from . import views

app_name = "subscriptions"
urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/phone/", views.add_phone, name="add_phone"),
    path("preferences/phone/confirm/", views.confirm_phone, name="confirm_phone"),
    path("preferences/phone/remove/", views.remove_phone, name="remove_phone"),
    path("follow/<str:public_id>/", views.follow, name="follow"),
    path("confirm/<str:token>/", views.confirm_follow, name="confirm_follow"),
    path("follows/<int:pk>/unfollow/", views.unfollow, name="unfollow"),
]
