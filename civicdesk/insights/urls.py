"""Staff insights routes, mounted at /staff/insights/."""

from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.hotspot_list, name="list"),
    path("subscriptions/", views.subscribe, name="subscribe"),
    path("subscriptions/<int:pk>/delete/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>.<slug:fmt>", views.detail_download, name="detail_download"),
    path("<slug:section>.<slug:fmt>", views.download, name="download"),
    path("<int:pk>/work/", views.create_work, name="create_work"),
    path("<int:pk>/weekly.csv", views.weekly_download, name="weekly_download"),
]
