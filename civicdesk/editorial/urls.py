"""The editorial staff console, mounted at /staff/content/."""

from django.urls import path

from . import views

app_name = "editorial"

urlpatterns = [
    path("", views.content_list, name="list"),
    path("translations/", views.translations, name="translations"),
    path("images/", views.images, name="images"),
    path("preview/", views.preview, name="preview"),
    path("<slug:key>/new/", views.edit, name="new"),
    path("<slug:key>/<int:pk>/", views.edit, name="edit"),
    path("<slug:key>/<int:pk>/action/", views.action, name="action"),
    path("<slug:key>/<int:pk>/history/", views.history, name="history"),
    path("<slug:key>/<int:pk>/restore/<int:number>/", views.restore, name="restore"),
]
