"""The "Exemption reasons" pages of a jurisdiction (config_views.exemptions, exemption, exemption_move,
exemption_delete): administrators of the jurisdiction only; list in order, add (label in each site language),
change, reorder, take out of use; a reason a document cites is never deleted; errors in words; every write
audited; labels render as text."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.records import services
from civicdesk.records.demo import EXEMPTIONS, pdf_upload, seed
from civicdesk.records.models import ExemptionReason
from civicdesk.testing.auth import login_verified

from .helpers import exemption, submitted

CANARY = "<script>quokkaxylophone()</script>"


def _list(world) -> str:
    return reverse("records_staff:exemptions", args=[world.elm.pk])


def _one(world, reason, name="exemption") -> str:
    return reverse(f"records_staff:{name}", args=[world.elm.pk, reason.pk])


def _withheld_citing(records_type, world, code: str):
    """A submitted request with one document withheld citing the reason `code`: (application, reason)."""
    application = submitted(records_type, world.alice)
    document = services.add_document(application, user=world.bob, upload=pdf_upload("memo.pdf"))
    cited = exemption(world, code)
    services.mark_document(document, user=world.bob, treatment="withhold", exemption=cited, in_public_log=True)
    return application, cited


def _new(**extra) -> dict:
    return {"code": "trade-secrets", "label__en": "Trade secrets", "label__es": "Secretos comerciales",
            "label__ar": "الأسرار التجارية", "citation": "Public Records Act § 7(1)(g)", "position": "5",
            "is_active": "on", **extra}


def test_it_lists_the_demo_citys_five_reasons_in_each_language(client, records_type, world, seats,
                                                               django_assert_max_num_queries):
    login_verified(client, seats.admin)
    with django_assert_max_num_queries(30):
        page = client.get(_list(world))
    body = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    for code, label, citation in EXEMPTIONS:
        assert code in body and label["en"] in body and citation in body
    for code in ("en", "es", "ar"):
        assert f'for="id_label__{code}"' in body
    spanish = client.get(_list(world), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Motivos de exención" in spanish and EXEMPTIONS[0][1]["es"] in spanish
    arabic = client.get(_list(world), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "أسباب الإعفاء" in arabic and EXEMPTIONS[0][1]["ar"] in arabic


def test_it_adds_a_reason_in_three_languages_and_audits_it(client, records_type, world, seats):
    login_verified(client, seats.admin)
    done = client.post(_list(world), _new(), follow=True)
    assert "Exemption reason saved." in done.content.decode()
    reason = ExemptionReason.objects.get(jurisdiction=world.elm, code="trade-secrets")
    assert reason.label == {"en": "Trade secrets", "es": "Secretos comerciales", "ar": "الأسرار التجارية"}
    assert reason.position == 5 and reason.is_active
    entry = AuditEntry.objects.get(action="records.exemption_added")
    assert entry.actor == seats.admin and entry.jurisdiction_id == world.elm.pk and entry.object_id == str(reason.pk)


def test_it_refuses_bad_input_in_words_and_writes_nothing(client, records_type, world, seats):
    login_verified(client, seats.admin)
    before = ExemptionReason.objects.count()
    taken = client.post(_list(world), _new(code="personal-privacy")).content.decode()
    assert "Another exemption reason already uses this code." in taken
    empty = client.post(_list(world), _new(code="not a code!", label__en="", citation="", position="-1")
                        ).content.decode()
    assert "This field is required." in empty
    assert "Enter a valid “slug”" in empty
    assert "Ensure this value is greater than or equal to 0." in empty
    assert ExemptionReason.objects.count() == before
    assert not AuditEntry.objects.filter(action__startswith="records.exemption").exists()


def test_it_changes_a_reason_and_takes_it_out_of_use(client, records_type, world, seats):
    login_verified(client, seats.admin)
    reason = exemption(world, "security")
    page = client.get(_one(world, reason)).content.decode()
    assert "Security plans of public buildings" in page and 'name="code"' not in page
    done = client.post(_one(world, reason), {"label__en": "Security plans", "label__es": "Planes de seguridad",
                                             "label__ar": "", "citation": "PRA § 7(1)(v)", "position": "4"},
                       follow=True)
    assert "Exemption reason saved." in done.content.decode()
    reason.refresh_from_db()
    assert reason.label == {"en": "Security plans", "es": "Planes de seguridad"} and not reason.is_active
    assert reason.code == "security" and reason.citation == "PRA § 7(1)(v)"
    entry = AuditEntry.objects.get(action="records.exemption_changed")
    assert entry.data["is_active"] is False and entry.actor == seats.admin
    assert "no (out of use)" in client.get(_list(world)).content.decode()


def test_it_reorders_reasons(client, records_type, world, seats):
    login_verified(client, seats.admin)
    reason = exemption(world, "law-enforcement")
    client.post(_one(world, reason, "exemption_move"), {"direction": "up"})
    codes = list(ExemptionReason.objects.filter(jurisdiction=world.elm).values_list("code", flat=True))
    assert codes == ["law-enforcement", "personal-privacy", "deliberative", "attorney-client", "security"]
    client.post(_one(world, reason, "exemption_move"), {"direction": "down"})
    client.post(_one(world, reason, "exemption_move"), {"direction": "down"})
    codes = list(ExemptionReason.objects.filter(jurisdiction=world.elm).values_list("code", flat=True))
    assert codes == ["personal-privacy", "deliberative", "law-enforcement", "attorney-client", "security"]
    assert AuditEntry.objects.filter(action="records.exemption_moved").count() == 3


def test_it_deletes_an_uncited_reason_but_never_a_cited_one(client, records_type, world, seats):
    application, cited = _withheld_citing(records_type, world, "deliberative")
    login_verified(client, seats.admin)
    page = client.get(_one(world, cited)).content.decode()
    assert "cannot be deleted" in page and "Delete this exemption reason" not in page
    refused = client.post(_one(world, cited, "exemption_delete"), follow=True).content.decode()
    assert "A document cites this exemption reason, so it cannot be deleted." in refused
    assert ExemptionReason.objects.filter(pk=cited.pk).exists()
    free = exemption(world, "security")
    done = client.post(_one(world, free, "exemption_delete"), follow=True).content.decode()
    assert "Exemption reason deleted." in done and not ExemptionReason.objects.filter(pk=free.pk).exists()
    entry = AuditEntry.objects.get(action="records.exemption_deleted")
    assert entry.data["code"] == "security" and entry.actor == seats.admin


def test_it_renders_script_in_labels_as_text(client, records_type, world, seats):
    login_verified(client, seats.admin)
    client.post(_list(world), _new(label__en=CANARY, citation=CANARY))
    reason = ExemptionReason.objects.get(code="trade-secrets")
    for url in (_list(world), _one(world, reason)):
        body = client.get(url).content.decode()
        assert CANARY not in body and "&lt;script&gt;quokkaxylophone()" in body


def test_it_refuses_everyone_but_the_jurisdictions_administrators(client, records_type, world, seats):
    reason = exemption(world)
    urls = [(_list(world), "get"), (_list(world), "post"), (_one(world, reason), "get"),
            (_one(world, reason, "exemption_move"), "post"), (_one(world, reason, "exemption_delete"), "post")]
    for url, method in urls:
        assert getattr(client, method)(url).status_code == 302  # anonymous: sign in first
    StaffMembership.objects.create(user=world.dave, jurisdiction=world.county, role=StaffMembership.Role.ADMIN)
    for person, status in ((world.dave, 404), (world.bob, 403), (seats.supervisor, 403), (seats.agent, 403)):
        client.logout()
        login_verified(client, person)
        for url, method in urls:
            data = _new() if url == _list(world) else {"direction": "up"}
            assert getattr(client, method)(url, data).status_code == status, (person, url)
    assert ExemptionReason.objects.filter(jurisdiction=world.elm).count() == 5
    assert not AuditEntry.objects.filter(action__startswith="records.exemption").exists()


def test_it_shows_the_seeded_demo_reasons_cited_ones_not_deletable(client, world, seats, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed(world.elm, department=world.public_works, user=world.bob, requester=world.alice)
    login_verified(client, seats.admin)
    body = client.get(_list(world)).content.decode()
    assert body.count('href="/staff/records/exemptions/') == 5
    for reason in ExemptionReason.objects.filter(jurisdiction=world.elm):
        page = client.get(_one(world, reason)).content.decode()
        assert reason.label["en"] in page
        assert ("Delete this exemption reason" in page) is (reason.code not in ("personal-privacy", "deliberative"))


def test_it_keeps_an_out_of_use_reason_on_the_documents_that_cite_it(client, records_type, world, seats):
    application, cited = _withheld_citing(records_type, world, "deliberative")
    login_verified(client, seats.admin)
    client.post(_one(world, cited), {"label__en": "Preliminary drafts and deliberations", "citation": cited.citation,
                                     "position": "2"})
    cited.refresh_from_db()
    assert not cited.is_active
    page = client.get(reverse("records_staff:detail", args=[application.pk])).content.decode()
    assert f'<option value="{cited.pk}" selected>' in page
    assert f'<option value="{exemption(world, "security").pk}">' in page
    services.add_document(application, user=world.bob, upload=pdf_upload("other.pdf"))  # not offered there
    fresh = client.get(reverse("records_staff:detail", args=[application.pk])).content.decode()
    assert fresh.count(f'<option value="{cited.pk}"') == 1
