"""Boards are set up by the city in the admin (names and descriptions in every language); posts are moderated
in the staff console's moderation queue, not here."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from civicdesk.catalog.admin import AuditedAdmin
from civicdesk.jurisdictions.scoping import JurisdictionScopedAdmin

from .models import Board


@admin.register(Board)
class BoardAdmin(JurisdictionScopedAdmin, AuditedAdmin, TranslationAdmin):
    list_display = ["name", "jurisdiction", "kind", "district", "premoderated", "is_active", "position"]
    list_filter = ["kind", "premoderated", "is_active", "jurisdiction"]
    prepopulated_fields = {"slug": ["name"]}
