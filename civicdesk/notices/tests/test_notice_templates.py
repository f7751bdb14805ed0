"""Notice templates: supervisors and admins write, change and delete them (audited); "Start from a template" on
the notice form pre-fills kind, severity, title and message in every language with a plain GET parameter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.notices.models import NoticeTemplate
from civicdesk.testing.auth import login_verified

LIST = reverse("notices:template_list")
NEW = reverse("notices:template_create")


@pytest.fixture
def supervisor(world):
    StaffMembership.objects.filter(user=world.bob).update(role=StaffMembership.Role.SUPERVISOR)
    return world.bob


@pytest.fixture
def boil(world):
    return NoticeTemplate.objects.create(
        jurisdiction=world.elm, slug="boil-water", name="Boil-water advisory", kind="disruption", severity="major",
        title_en="Boil your water", title_es="Hierva el agua", title_ar="اغلِ الماء",
        body_en="Boil tap water for one minute.", body_es="Hierva el agua un minuto.", body_ar="اغلِ الماء دقيقة.")


def form_data(**extra) -> dict:
    return {"jurisdiction": "", "name": "Road closure", "slug": "road-closure", "kind": "disruption",
            "severity": "minor", "title_en": "Road closed: [street]", "body_en": "Use [detour].", "title_es": "",
            "body_es": "", "title_ar": "طريق مغلق", "body_ar": "استخدم [detour].", **extra}


def test_it_writes_a_template_and_audits_it(client, world, supervisor):
    login_verified(client, supervisor)
    response = client.post(NEW, form_data(jurisdiction=world.elm.pk))
    assert response.status_code == 302 and response["Location"] == LIST
    template = NoticeTemplate.objects.get(slug="road-closure")
    assert template.title_ar == "طريق مغلق" and template.jurisdiction == world.elm
    assert AuditEntry.objects.filter(action="notice_template.created", actor=supervisor,
                                     jurisdiction_id=world.elm.pk).exists()
    assert "Road closure" in client.get(LIST).content.decode()


def test_it_changes_and_deletes_a_template_with_audit_entries(client, world, supervisor, boil):
    login_verified(client, supervisor)
    edit = reverse("notices:template_edit", args=[boil.pk])
    assert client.post(edit, form_data(name="Boil water", slug="boil-water", title_en="Boil it")).status_code == 302
    boil.refresh_from_db()
    assert boil.title_en == "Boil it" and boil.jurisdiction == world.elm
    assert "title_en" in AuditEntry.objects.get(action="notice_template.changed").data["fields"]
    assert client.post(reverse("notices:template_delete", args=[boil.pk])).status_code == 302
    assert not NoticeTemplate.objects.exists()
    assert AuditEntry.objects.filter(action="notice_template.deleted", data__slug="boil-water").exists()


def test_it_refuses_a_short_name_used_twice_in_a_jurisdiction(client, world, supervisor, boil):
    login_verified(client, supervisor)
    response = client.post(NEW, form_data(jurisdiction=world.elm.pk, slug="boil-water"))
    assert response.status_code == 400
    assert "Another template of Town of Elm already has this short name." in response.content.decode()


def test_it_prefills_the_notice_form_from_a_template_without_javascript(client, world, supervisor, boil):
    login_verified(client, supervisor)
    page = client.get(reverse("notices:staff_create")).content.decode()
    assert 'name="template"' in page and "Boil-water advisory" in page
    page = client.get(reverse("notices:staff_create") + f"?template={boil.pk}").content.decode()
    assert 'value="Boil your water"' in page and 'value="Hierva el agua"' in page and 'value="اغلِ الماء"' in page
    assert "Boil tap water for one minute.</textarea>" in page
    assert '<option value="major" selected>' in page


def test_it_ignores_a_template_of_another_jurisdiction(client, world, supervisor):
    other = NoticeTemplate.objects.create(jurisdiction=world.county, slug="x", name="County only",
                                          title_en="Countywhisper", body_en="x")
    login_verified(client, supervisor)
    page = client.get(reverse("notices:staff_create") + f"?template={other.pk}").content.decode()
    assert "Countywhisper" not in page and "County only" not in page
    assert client.get(reverse("notices:template_edit", args=[other.pk])).status_code == 404


def test_it_shows_template_text_as_text(client, world, supervisor):
    NoticeTemplate.objects.create(jurisdiction=world.elm, slug="xss", name='<script>alert("wombatjuice")</script>',
                                  title_en="<b>t</b>", body_en="x")
    login_verified(client, supervisor)
    page = client.get(LIST).content.decode()
    assert '<script>alert("wombatjuice")' not in page and "&lt;script&gt;alert(&quot;wombatjuice" in page


def test_it_is_for_supervisors_and_admins(client, world):
    login_verified(client, world.bob)  # a staff seat: writes notices, does not manage templates
    assert client.get(LIST).status_code == 403
    assert client.post(NEW, form_data(jurisdiction=world.elm.pk)).status_code == 403


def test_it_lists_templates_in_few_queries(client, world, supervisor, django_assert_max_num_queries):
    for i in range(12):
        NoticeTemplate.objects.create(jurisdiction=world.elm, slug=f"t{i}", name=f"T{i}", title_en="t", body_en="b")
    login_verified(client, supervisor)
    with django_assert_max_num_queries(12):
        page = client.get(LIST).content.decode()
    assert page.count("Write a notice from it") == 12
