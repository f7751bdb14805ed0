"""Resident pages, mounted at /permits/."""

from django.urls import path

from . import fee_views, outgoing_views, register_views, views
from .views import private

app_name = "applications"

urlpatterns = [
    path("", views.type_list, name="types"),
    path("mine/", private(views.mine), name="mine"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("renew/<str:code>/", private(register_views.renew), name="renew"),
    path("register/", register_views.register_list, name="register"),
    path("register/map/", register_views.register_map, name="register_map"),
    path("register/map.json", register_views.register_map_data, name="register_map_data"),
    path("register/permits.<str:fmt>", register_views.register_export, name="register_export"),
    path("apply/<slug:slug>/", views.type_detail, name="type"),
    path("apply/<slug:slug>/start/", private(views.start), name="start"),
    path("<int:pk>/", private(views.detail), name="detail"),
    path("<int:pk>/pay/", private(fee_views.pay), name="pay"),
    path("<int:pk>/from-the-city/<int:document_pk>/", private(outgoing_views.applicant_file), name="sent_document"),
    path("<int:pk>/form/", private(views.fill), name="fill"),
    path("<int:pk>/documents/", private(views.documents), name="documents"),
    path("<int:pk>/documents/<int:document_pk>/", private(views.document_file), name="document"),
    path("<int:pk>/documents/<int:document_pk>/remove/", private(views.remove_document), name="remove_document"),
    path("<int:pk>/permit.pdf", private(views.permit_pdf), name="permit_pdf"),
]
