from django.urls import path

from . import feeds, views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("t/<int:pk>/", views.thread, name="thread"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/support/", views.support, name="support"),
    path("t/<int:pk>/follow/", views.follow, name="follow"),
    path("t/<int:pk>/lock/", views.lock, name="lock"),
    path("<slug:slug>/", views.board, name="board"),
    path("<slug:slug>/new/", views.new_thread, name="new_thread"),
    path("<slug:slug>/feed/", feeds.BoardFeed(), name="feed"),
]
