"""Administrators configure permit and licence types in the staff console: names in each language, the form
(through the survey builder on the shared form engine), documents, the fee schedule, review steps, deadlines,
who decides, the clock; every change audited, other seats refused."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.applications.models import ApplicationType, FeeRule
from civicdesk.audit.models import AuditEntry
from civicdesk.testing.auth import login_verified


def test_an_administrator_builds_a_type_from_scratch(client, world, seats):
    login_verified(client, seats.admin)
    created = client.post(reverse("applications_config:list"), {
        "jurisdiction": world.elm.pk, "kind": "permit", "slug": "dumpster", "name__en": "Dumpster permit",
        "name__es": "Permiso de contenedor", "name__ar": "تصريح حاوية"})
    kind_type = ApplicationType.objects.get(slug="dumpster")
    edit = reverse("applications_config:edit", args=[kind_type.pk])
    assert created.url == edit and kind_type.name["es"] == "Permiso de contenedor"
    # Publishing needs a question first.
    settings_data = {"name__en": "Dumpster permit", "intake_days": 2, "decision_days": 5, "warn_days": 1,
                     "pauses_clock": "on", "decider_role": "admin", "valid_days": 30, "is_published": "on"}
    refused = client.post(edit, settings_data)
    assert "Add at least one question" in refused.content.decode()
    section = kind_type.form.sections.get()
    client.post(reverse("applications_config:question_add", args=[kind_type.pk]), {
        "kind": "number", "section": section.pk, "text__en": "How many days on the street?", "required": "on",
        "scale_max": 5})
    question = kind_type.form.questions_in_order()[0]
    client.post(reverse("applications_config:requirement_add", args=[kind_type.pk]), {
        "name__en": "Photo of the spot", "formats": ["image", "pdf"], "max_mb": 5, "required": "on"})
    client.post(reverse("applications_config:fee_add", args=[kind_type.pk]), {
        "label__en": "$10 a day", "kind": "per_unit", "amount": "10.00", "question": question.pk})
    client.post(reverse("applications_config:step_add", args=[kind_type.pk]), {
        "name__en": "Street check", "department": world.public_works.pk, "item0__en": "Lane stays open"})
    assert client.post(edit, settings_data).status_code == 302
    kind_type.refresh_from_db()
    assert kind_type.is_published and kind_type.decider_role == "admin" and kind_type.decision_days == 5
    assert [s.kind for s in kind_type.ordered_steps()] == ["intake", "review", "decision"]
    assert kind_type.ordered_steps()[1].checklist == [{"en": "Lane stays open"}]
    assert kind_type.requirements.get().formats == ["image", "pdf"]
    assert kind_type.fee_cents({question.field_name: "3"}) == 3000
    actions = set(AuditEntry.objects.filter(object_id=str(kind_type.pk)).values_list("action", flat=True))
    assert {"applicationtype.created", "applicationtype.changed", "applicationtype.step_added",
            "applicationtype.document_added", "applicationtype.fee_added"} <= actions
    page = client.get(edit).content.decode()
    assert "How many days on the street?" in page and "$10.00" in page
    assert "Dumpster permit" in client.get(reverse("applications:types")).content.decode()


def test_other_seats_may_not_configure(client, fence, world, seats):
    for person in (world.bob, seats.supervisor, seats.agent, world.dave):
        login_verified(client, person)
        assert client.get(reverse("applications_config:list")).status_code == 403
        assert client.get(reverse("applications_config:edit", args=[fence.pk])).status_code in (403, 404)
    login_verified(client, seats.admin)
    assert client.get(reverse("applications_config:edit", args=[fence.pk])).status_code == 200


def test_the_fee_schedule_adds_fixed_per_unit_and_by_answer_lines(fence, world):
    questions = fence.form.questions_in_order()
    assert fence.fee_cents({questions[2].field_name: "10"}) == 2500 + 500
    metal = questions[3].choices.order_by("position")[1]
    FeeRule.objects.create(application_type=fence, kind="by_answer", amount_cents=1000, question=questions[3],
                           choice=metal, label={"en": "Metal: $10"})
    assert fence.fee_cents({questions[2].field_name: "10", questions[3].field_name: metal.pk}) == 4000
    assert fence.fee_cents({}) == 2500


def test_it_shows_staff_typed_names_as_text(client, world, seats):
    login_verified(client, seats.admin)
    client.post(reverse("applications_config:list"), {
        "jurisdiction": world.elm.pk, "kind": "permit", "slug": "odd", "name__en": "<b>quokkacanary</b>"})
    page = client.get(reverse("applications_config:list")).content.decode()
    assert "<b>quokkacanary</b>" not in page and "&lt;b&gt;quokkacanary&lt;/b&gt;" in page
