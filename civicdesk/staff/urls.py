"""Staff console routes."""

from django.urls import path

from . import search_insights, views

app_name = "staff"
urlpatterns = [
    path("", views.queues, name="queues"),
    path("bulk/", views.bulk, name="bulk"),
    path("views/", views.save_view, name="save_view"),
    path("views/<int:pk>/delete/", views.delete_view, name="delete_view"),
    path("search/misses/", search_insights.misses, name="search_misses"),
    path("search/answers/", search_insights.answers, name="search_answers"),
    path("search/answers/<str:by>.csv", search_insights.answers_csv, name="search_answers_csv"),
    path("intake/", views.intake, name="intake"),
    path("intake/<slug:code>/", views.intake_submit, name="intake_submit"),
    path("intake/support/<str:public_id>/", views.intake_support, name="intake_support"),
    path("requests/<str:public_id>/", views.detail, name="detail"),
    path("requests/<str:public_id>/media/<int:pk>/", views.attachment, name="attachment"),
    path("requests/<str:public_id>/media/<int:pk>/<str:size>/", views.attachment, name="attachment_size"),
    path("requests/<str:public_id>/status/", views.change_status, name="change_status"),
    path("requests/<str:public_id>/note/", views.add_note, name="add_note"),
    path("requests/<str:public_id>/assign/", views.assign, name="assign"),
    path("requests/<str:public_id>/transfer/", views.transfer, name="transfer"),
    path("requests/<str:public_id>/priority/", views.set_priority, name="set_priority"),
    path("requests/<str:public_id>/category/", views.change_category, name="change_category"),
    path("requests/<str:public_id>/merge/", views.merge, name="merge"),
    path("requests/<str:public_id>/hide-photo/", views.hide_attachment, name="hide_attachment"),
    path("requests/<str:public_id>/redact/", views.redact, name="redact"),
    path("requests/<str:public_id>/move-pin/", views.move_pin, name="move_pin"),
    path("requests/<str:public_id>/visibility/", views.set_privacy, name="set_privacy"),
]
