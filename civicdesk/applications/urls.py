"""Resident pages, mounted at /permits/."""

from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.type_list, name="types"),
    path("mine/", views.mine, name="mine"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("apply/<slug:slug>/", views.type_detail, name="type"),
    path("apply/<slug:slug>/start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/form/", views.fill, name="fill"),
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_file, name="document"),
    path("<int:pk>/documents/<int:document_pk>/remove/", views.remove_document, name="remove_document"),
    path("<int:pk>/permit.pdf", views.permit_pdf, name="permit_pdf"),
]
