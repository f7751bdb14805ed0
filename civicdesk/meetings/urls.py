"""URL routes of the meetings app: public pages under /meetings/, the staff console's under /meetings/staff/."""

from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.archive, name="archive"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("<int:pk>/rsvp/cancel/", views.cancel_mine, name="cancel_mine"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("rsvp/<str:token>/", views.rsvp_manage, name="rsvp_manage"),
    path("feed/<slug:slug>.ics", views.jurisdiction_feed, name="feed"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/publish/", views.staff_publish, name="staff_publish"),
    path("staff/<int:pk>/cancel/", views.staff_cancel, name="staff_cancel"),
    path("staff/<int:pk>/documents/", views.staff_add_document, name="staff_add_document"),
    path("staff/<int:pk>/documents/<int:document_pk>/remove/", views.staff_remove_document,
         name="staff_remove_document"),
    path("staff/<int:pk>/rsvps/", views.staff_rsvps, name="staff_rsvps"),
    path("staff/<int:pk>/rsvps/<int:rsvp_pk>/cancel/", views.staff_cancel_rsvp, name="staff_cancel_rsvp"),
]
