from django.urls import path

from . import views

app_name = "onboarding"

urlpatterns = [
    path("", views.checklist, name="checklist"),
    path("boundaries/", views.upload_boundaries, name="upload"),
    path("boundaries/<int:pk>/", views.preview_boundaries, name="preview"),
    path("staff/", views.staff_import, name="staff_import"),
    path("staff/demo/", views.staff_import_demo, name="staff_import_demo"),
    path("staff/template.csv", views.staff_template, name="staff_template"),
    path("staff/<int:pk>/", views.staff_review, name="staff_review"),
    path("staff/invitations/", views.staff_invitations, name="staff_invitations"),
    path("staff/invitations/<int:pk>/send-again/", views.resend_invitation, name="resend_invitation"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
