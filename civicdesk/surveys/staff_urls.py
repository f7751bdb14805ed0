"""Staff survey pages, mounted at /staff/surveys/."""

from django.urls import path

from . import staff_views as views

app_name = "surveys_staff"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("<int:pk>/sections/<int:section_pk>/", views.section_edit, name="section"),
    path("<int:pk>/questions/add/", views.question, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/", views.question, name="question"),
    path("<int:pk>/questions/<int:question_pk>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/questions/<int:question_pk>/move/", views.question_move, name="question_move"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results/q<int:question_pk>.csv", views.question_csv, name="question_csv"),
    path("<int:pk>/responses.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("<int:pk>/responses.json", views.export, {"fmt": "json"}, name="export_json"),
    path("<int:pk>/answers/<int:answer_pk>/visibility/", views.answer_visibility, name="answer_visibility"),
]
