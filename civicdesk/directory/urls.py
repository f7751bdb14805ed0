from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("services/", views.services_index, name="services"),
    path("services/permits/<slug:slug>/", views.permit_detail, name="permit"),
    path("services/<str:code>/", views.service_detail, name="service"),
    path("departments/", views.departments_index, name="departments"),
    path("departments/<slug:jurisdiction>/<slug:slug>/", views.department_detail, name="department"),
]
