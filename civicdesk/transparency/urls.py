from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:table>.csv", views.dashboard_csv, name="csv"),
]
