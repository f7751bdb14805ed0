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
    path("staff/<int:pk>/", views.staff_files, name="staff_files"),
    path("staff/<int:pk>/versions/", views.staff_add_version, name="staff_add_version"),
    path("staff/<int:pk>/versions/<int:number>/approve/", views.staff_approve_version, name="staff_approve_version"),
]
