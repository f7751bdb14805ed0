"""Reviewers' pages, mounted at /staff/applications/."""

from django.urls import path

from . import fee_views, outgoing_views, staff_views
from .views import private

app_name = "applications_staff"

urlpatterns = [
    path("", private(staff_views.queues), name="queues"),
    path("<int:pk>/", private(staff_views.detail), name="detail"),
    path("<int:pk>/check/", private(staff_views.check_item), name="check"),
    path("<int:pk>/complete-step/", private(staff_views.complete_step), name="complete_step"),
    path("<int:pk>/note/", private(staff_views.note), name="note"),
    path("<int:pk>/assign/", private(staff_views.assign), name="assign"),
    path("<int:pk>/request-information/", private(staff_views.request_info), name="request_info"),
    path("<int:pk>/fee-received/", private(staff_views.fee_received), name="fee_received"),
    path("<int:pk>/waive-fee/", private(fee_views.waive), name="waive_fee"),
    path("<int:pk>/send-document/", private(outgoing_views.send), name="send_document"),
    path("<int:pk>/sent/<int:document_pk>/", private(outgoing_views.staff_file), name="sent_document"),
    path("<int:pk>/decide/", private(staff_views.decide), name="decide"),
    path("<int:pk>/revoke/", private(staff_views.revoke), name="revoke"),
    path("<int:pk>/documents/<int:document_pk>/", private(staff_views.document_file), name="document"),
    path("<int:pk>/permit.pdf", private(staff_views.permit_pdf), name="permit_pdf"),
]
