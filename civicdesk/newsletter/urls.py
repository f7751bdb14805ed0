"""URL routes of the newsletter app: public pages under /newsletter/, the staff console's under /newsletter/staff/."""

from django.urls import path

from . import views

app_name = "newsletter"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("issues/<int:pk>/", views.issue, name="issue"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_compose, name="staff_create"),
    path("staff/<int:pk>/", views.staff_compose, name="staff_edit"),
    path("staff/<int:pk>/preview/", views.staff_preview, name="staff_preview"),
    path("staff/<int:pk>/send/", views.staff_send, name="staff_send"),
]
