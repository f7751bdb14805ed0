"""URL routes of the document library: public pages under /documents/, the staff console's under /documents/staff/."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/v<int:number>/download/", views.download, name="download"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/versions/", views.staff_add_version, name="staff_add_version"),
    path("staff/<int:pk>/versions/<int:number>/publish/", views.staff_publish_version, name="staff_publish_version"),
    path("staff/<int:pk>/publish/", views.staff_publish, name="staff_publish"),
    path("staff/<int:pk>/unpublish/", views.staff_unpublish, name="staff_unpublish"),
]
