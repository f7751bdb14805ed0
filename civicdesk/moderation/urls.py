from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("flag/<str:label>/<int:pk>/", views.flag, name="flag"),
    path("decisions/", views.my_decisions, name="my_decisions"),
    path("staff/", views.queue, name="queue"),
    path("staff/words/", views.word_filter, name="word_filter"),
    path("staff/suspensions/", views.suspensions, name="suspensions"),
    path("staff/<str:label>/<int:pk>/decide/", views.decide, name="decide"),
    path("staff/<str:label>/<int:pk>/suspend/", views.suspend, name="suspend"),
]
