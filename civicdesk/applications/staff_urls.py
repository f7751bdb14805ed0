"""Reviewers' pages, mounted at /staff/applications/."""

from django.urls import path

from . import staff_views

app_name = "applications_staff"

urlpatterns = [
    path("", staff_views.queues, name="queues"),
    path("<int:pk>/", staff_views.detail, name="detail"),
    path("<int:pk>/check/", staff_views.check_item, name="check"),
    path("<int:pk>/complete-step/", staff_views.complete_step, name="complete_step"),
    path("<int:pk>/note/", staff_views.note, name="note"),
    path("<int:pk>/assign/", staff_views.assign, name="assign"),
    path("<int:pk>/request-information/", staff_views.request_info, name="request_info"),
    path("<int:pk>/fee-received/", staff_views.fee_received, name="fee_received"),
    path("<int:pk>/decide/", staff_views.decide, name="decide"),
    path("<int:pk>/revoke/", staff_views.revoke, name="revoke"),
    path("<int:pk>/documents/<int:document_pk>/", staff_views.document_file, name="document"),
    path("<int:pk>/permit.pdf", staff_views.permit_pdf, name="permit_pdf"),
]
