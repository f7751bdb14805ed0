"""generate_report(): one stored report per month, replaced in place, audited, announced, with its PDF."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone, translation

from civicdesk.audit.models import AuditEntry
from civicdesk.notices.models import ServiceNotice
from civicdesk.reports.models import MonthlyReport
from civicdesk.reports.pdf import render_report_document
from civicdesk.reports.services import compute_report, generate_due_reports, generate_report

from .helpers import CANARY, MONTH, local, make_request, sensitive_type
from .pdftext import inflated


def box_text(box) -> str:
    found = [getattr(box, "text", "")]
    for child in getattr(box, "children", None) or []:
        found.append(box_text(child))
    return " ".join(part for part in found if part)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_it_stores_the_figures_and_a_tagged_pdf_with_language_and_title(world):
    make_request(world, requested_at=local(2026, 10, 2), closed_at=local(2026, 10, 4), **CANARY)
    make_request(world, requested_at=local(2026, 10, 2), service_type=sensitive_type(world), **CANARY)
    make_request(world, requested_at=local(2026, 10, 2), private=True, **CANARY)
    report = generate_report(world.elm, MONTH)
    assert report.data == compute_report(world.elm, MONTH)
    assert report.data["received"] == 2
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    inside = inflated(pdf)
    assert b"/Lang (en)" in inside
    assert b"/Title (Town of Elm performance report, October 2026)" in inside
    assert b"/StructTreeRoot" in inside and b"/DisplayDocTitle true" in inside
    text = box_text(render_report_document(report).pages[0]._page_box)
    assert "Town of Elm performance report, October 2026" in text
    whole = " ".join(box_text(page._page_box) for page in render_report_document(report).pages)
    assert "No resident answered “was it fixed?” this month" in whole
    for value in CANARY.values():
        assert value not in whole and value.encode() not in inside
    entry = AuditEntry.objects.get(object_type="reports.monthlyreport", object_id=str(report.pk))
    assert entry.action == "report.generated" and entry.actor is None and entry.data["received"] == 2
    # Every other language the site offers has its own PDF, stored beside it, free of the same canaries.
    assert set(report.translated_pdfs) == {"es", "ar"}
    with report.pdf.storage.open(report.translated_pdfs["es"], "rb") as handle:
        spanish = inflated(handle.read())
    assert b"/Lang (es)" in spanish and b"Informe de resultados de" in spanish
    for value in CANARY.values():
        assert value.encode() not in spanish
    # Arabic is laid out right to left with a font that has the Arabic letters (DejaVu Sans, fonts-dejavu-core).
    with report.pdf.storage.open(report.translated_pdfs["ar"], "rb") as handle:
        arabic = inflated(handle.read())
    assert b"/Lang (ar)" in arabic and b"+DejaVu-Sans" in arabic
    with translation.override("ar"):
        document = render_report_document(report)
    html_box = document.pages[0]._page_box.children[0]
    assert html_box.style["direction"] == "rtl"
    assert "Town of Elm" in box_text(document.pages[0]._page_box)


def test_it_replaces_a_regenerated_month_in_place_and_keeps_one_row(world, django_capture_on_commit_callbacks):
    make_request(world, requested_at=local(2026, 10, 2))
    first = generate_report(world.elm, MONTH)
    old_pdf, old_translated = first.pdf.name, dict(first.translated_pdfs)
    make_request(world, requested_at=local(2026, 10, 3))
    with django_capture_on_commit_callbacks(execute=True):
        second = generate_report(world.elm, MONTH, user=world.bob)
    assert second.pk == first.pk and MonthlyReport.objects.count() == 1
    assert MonthlyReport.objects.get().data["received"] == 2
    actions = list(AuditEntry.objects.filter(object_type="reports.monthlyreport").order_by("pk")
                   .values_list("action", "actor__email"))
    assert actions == [("report.generated", None), ("report.regenerated", "bob@elm.example.gov")]
    assert second.pdf.name != old_pdf and second.pdf.storage.exists(second.pdf.name)
    assert not second.pdf.storage.exists(old_pdf)  # the replaced PDF is gone, not left behind
    assert second.translated_pdfs["es"] != old_translated["es"]
    assert second.pdf.storage.exists(second.translated_pdfs["es"])
    assert not second.pdf.storage.exists(old_translated["es"])


def test_it_never_changes_an_archived_report_when_data_changes_later(world):
    request = make_request(world, requested_at=local(2026, 10, 2))
    report = generate_report(world.elm, MONTH)
    request.is_private = True
    request.save()
    make_request(world, requested_at=local(2026, 10, 9))
    assert generate_report(world.elm, MONTH, only_missing=True) is None
    report.refresh_from_db()
    assert report.data["received"] == 1


def test_it_announces_the_report_as_a_news_notice_without_messaging_anyone(world):
    make_request(world, requested_at=local(2026, 10, 2))
    with time_machine.travel(local(2026, 11, 1, 3), tick=False):
        report = generate_report(world.elm, MONTH)
    notice = report.notice
    assert notice.kind == ServiceNotice.Kind.NEWS and notice.severity == ServiceNotice.Severity.INFO
    assert notice.published_at is not None and notice.is_active(local(2026, 11, 2)) and not notice.area
    assert notice.title_en == "Town of Elm performance report, October 2026"
    assert notice.title_es == "Informe de resultados de Town of Elm, octubre de 2026"
    assert "1 request received" in notice.body_en and report.get_absolute_url() in notice.body_en
    generate_report(world.elm, MONTH)
    assert ServiceNotice.objects.count() == 1  # regenerating (even months later) updates the same announcement
    from django_tasks_db.models import DBTaskResult
    assert not DBTaskResult.objects.filter(task_path__contains="notify_subscribers").exists()


def test_it_refuses_a_month_that_has_not_ended(world):
    now = timezone.now()
    with pytest.raises(ValueError):
        generate_report(world.elm, now.date().replace(day=1), now=now)


def test_it_makes_last_months_report_for_each_jurisdiction_once(world):
    make_request(world, requested_at=local(2026, 10, 30, 23, 30))
    now = local(2026, 11, 1, 3, 0)
    made = generate_due_reports(now=now)
    assert sorted((r.jurisdiction.slug, r.month_slug) for r in made) == [("elm", "2026-10"), ("maple", "2026-10")]
    assert generate_due_reports(now=now) == []
    assert MonthlyReport.objects.get(jurisdiction=world.elm).data["received"] == 1
    # At 03:00 UTC on Nov 1 it is still October 31 in Chicago: the last complete month there is September.
    MonthlyReport.objects.all().delete()
    made = generate_due_reports(now=dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.timezone.utc))
    assert [r.month_slug for r in made] == ["2026-09", "2026-09"]


def test_it_leaves_a_month_stored_meanwhile_by_another_process_alone(world, monkeypatch):
    """Two workers racing on the same missing month: the loser stores nothing and leaves no file behind."""
    from civicdesk.reports import services
    from civicdesk.reports.models import MonthlyReport as Model

    real_compute = services.compute_report

    def compute_while_another_process_stores_it(jurisdiction, month):
        data = real_compute(jurisdiction, month)
        Model.objects.create(jurisdiction=jurisdiction, month=month, data=data, generated_at=timezone.now())
        return data

    monkeypatch.setattr(services, "compute_report", compute_while_another_process_stores_it)
    monkeypatch.setattr(Model.objects, "select_for_update", lambda: Model.objects.none())
    from django.db import transaction
    with transaction.atomic():
        assert generate_report(world.elm, MONTH, only_missing=True) is None
    assert MonthlyReport.objects.count() == 1
    storage = MonthlyReport._meta.get_field("pdf").storage
    assert not storage.exists("reports/elm/2026-10.pdf") and not storage.exists("reports/elm/2026-10.es.pdf")


def test_it_announces_only_the_newest_month_when_back_filling(world):
    with time_machine.travel(local(2026, 11, 15), tick=False):
        for month in (MONTH.replace(month=8), MONTH.replace(month=9), MONTH):
            generate_report(world.elm, month)
    assert list(ServiceNotice.objects.values_list("title_en", flat=True)) == [
        "Town of Elm performance report, October 2026"]
    assert MonthlyReport.objects.filter(notice__isnull=False).get().month == MONTH
