"""Admin: the per-type "was it fixed?" policy (edited, audited); questions and answers (read-only)."""

from django.contrib import admin

from civicdesk.catalog.admin import AuditedAdmin
from civicdesk.notifications.admin import ReadOnlyAdmin

from .models import Answer, FeedbackPolicy, Invitation


@admin.register(FeedbackPolicy)
class FeedbackPolicyAdmin(AuditedAdmin):
    list_display = ["service_type", "ask", "delay_days", "reopen_window_days"]
    autocomplete_fields = ["service_type"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["request", "role", "channel", "asked_at"]
    list_filter = ["channel", "role"]
    raw_id_fields = ["request", "user"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["request", "fixed", "satisfaction", "channel", "effect", "created_at", "reply_at"]
    list_filter = ["fixed", "satisfaction", "effect", "channel"]
    raw_id_fields = ["request", "invitation", "reply_by"]
