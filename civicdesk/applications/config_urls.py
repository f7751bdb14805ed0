"""Configuring application types, mounted at /staff/application-types/."""

from django.urls import path

from . import config_views, register_views
from .views import private

app_name = "applications_config"

urlpatterns = [
    path("", private(config_views.type_list), name="list"),
    path("<int:pk>/", private(config_views.edit), name="edit"),
    path("<int:pk>/sections/add/", private(config_views.section_add), name="section_add"),
    path("<int:pk>/questions/add/", private(config_views.question), name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/", private(config_views.question), name="question"),
    path("<int:pk>/steps/add/", private(config_views.step), name="step_add"),
    path("<int:pk>/steps/<int:step_pk>/", private(config_views.step), name="step"),
    path("<int:pk>/documents/add/", private(config_views.requirement_add), name="requirement_add"),
    path("<int:pk>/documents/<int:item_pk>/delete/", private(config_views.requirement_delete), name="requirement_delete"),
    path("<int:pk>/fees/add/", private(config_views.fee_add), name="fee_add"),
    path("<int:pk>/register/", private(register_views.settings_page), name="register"),
    path("<int:pk>/fees/<int:item_pk>/delete/", private(config_views.fee_delete), name="fee_delete"),
]
