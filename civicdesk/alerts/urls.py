"""URL routes of the alerts app: subscribe, confirm, manage, feeds."""

from django.urls import path

from . import feeds, views

app_name = "alerts"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("sent/", views.sent, name="sent"),
    path("confirm/<str:code>/", views.confirm, name="confirm"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("mine/<str:code>/", views.mine, name="mine"),
    path("feed.rss", feeds.rss, name="feed_rss"),
    path("feed.atom", feeds.atom, name="feed_atom"),
]
