"""Staff console pages, mounted at /staff/records/."""

from django.urls import path

from civicdesk.applications.views import private

from . import config_views, staff_views

app_name = "records_staff"

urlpatterns = [
    path("", private(staff_views.queue), name="queue"),
    path("<int:pk>/", private(staff_views.detail), name="detail"),
    path("<int:pk>/acknowledge/", private(staff_views.acknowledge), name="acknowledge"),
    path("<int:pk>/clarify/", private(staff_views.clarify), name="clarify"),
    path("<int:pk>/extend/", private(staff_views.extend), name="extend"),
    path("<int:pk>/documents/", private(staff_views.upload), name="upload"),
    path("<int:pk>/documents/<int:document_pk>/", private(staff_views.mark), name="mark"),
    path("<int:pk>/documents/<int:document_pk>/file/", private(staff_views.document_file), name="document"),
    path("<int:pk>/summary/", private(staff_views.summary), name="summary"),
    path("<int:pk>/release/", private(staff_views.release), name="release"),
    path("settings/<int:type_pk>/", private(config_views.policy), name="policy"),
    path("exemptions/<int:jurisdiction_pk>/", private(config_views.exemptions), name="exemptions"),
    path("exemptions/<int:jurisdiction_pk>/<int:reason_pk>/", private(config_views.exemption), name="exemption"),
    path("exemptions/<int:jurisdiction_pk>/<int:reason_pk>/move/", private(config_views.exemption_move),
         name="exemption_move"),
    path("exemptions/<int:jurisdiction_pk>/<int:reason_pk>/delete/", private(config_views.exemption_delete),
         name="exemption_delete"),
]
