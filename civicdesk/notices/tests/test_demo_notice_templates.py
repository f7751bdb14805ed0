"""The Riverbend demo's notice templates: each one, in English, Spanish and Arabic, fills the notice form."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.notices.models import NoticeTemplate
from civicdesk.testing.auth import login_verified
from civicdesk.testing.world import ensure_default_statuses

pytestmark = pytest.mark.django_db


def test_it_starts_a_notice_from_every_demo_template(client):
    from civicdesk.cities.riverbend import Riverbend

    ensure_default_statuses()  # a transactional test before this one may have flushed what migrations seed
    Riverbend().seed_demo(requests=0)
    templates = list(NoticeTemplate.objects.filter(jurisdiction__slug="riverbend"))
    assert {t.slug for t in templates} == {"road-closure", "boil-water-advisory", "missed-collection-delay",
                                           "park-closure"}
    login_verified(client, User.objects.get(email="admin@riverbend.example.gov"))
    listing = client.get(reverse("notices:template_list")).content.decode()
    for template in templates:
        assert template.title_en and template.title_es and template.title_ar
        assert html.escape(template.name) in listing
        page = client.get(reverse("notices:staff_create") + f"?template={template.pk}").content.decode()
        for code in ("en", "es", "ar"):
            assert f'value="{html.escape(getattr(template, f"title_{code}"))}"' in page
        assert f'<option value="{template.severity}" selected>' in page
