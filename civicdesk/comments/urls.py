from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<str:label>/<int:pk>/", views.post, name="post"),
]
