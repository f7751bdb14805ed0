"""URL routes of the notices app: public pages under /notices/, the staff console's under /notices/staff/."""

from django.urls import path

from . import views
from .feeds import NoticeFeed

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("feed/", NoticeFeed(), name="feed"),
    path("at.json", views.notices_at, name="at"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/publish/", views.staff_publish, name="staff_publish"),
    path("staff/<int:pk>/end/", views.staff_end, name="staff_end"),
    path("staff/templates/", views.template_list, name="template_list"),
    path("staff/templates/new/", views.template_edit, name="template_create"),
    path("staff/templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("staff/templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
]
