"""Configuring application types, mounted at /staff/application-types/."""

from django.urls import path

from . import config_views

app_name = "applications_config"

urlpatterns = [
    path("", config_views.type_list, name="list"),
    path("<int:pk>/", config_views.edit, name="edit"),
    path("<int:pk>/sections/add/", config_views.section_add, name="section_add"),
    path("<int:pk>/questions/add/", config_views.question, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/", config_views.question, name="question"),
    path("<int:pk>/steps/add/", config_views.step, name="step_add"),
    path("<int:pk>/steps/<int:step_pk>/", config_views.step, name="step"),
    path("<int:pk>/documents/add/", config_views.requirement_add, name="requirement_add"),
    path("<int:pk>/documents/<int:item_pk>/delete/", config_views.requirement_delete, name="requirement_delete"),
    path("<int:pk>/fees/add/", config_views.fee_add, name="fee_add"),
    path("<int:pk>/fees/<int:item_pk>/delete/", config_views.fee_delete, name="fee_delete"),
]
