"""Library documents in the site search: title, summary and the current version's text, in every language;
drafts, unpublished, scheduled and expired documents never."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicdesk.documents import samples, services
from civicdesk.editorial import services as editorial
from civicdesk.search.services import search, sync_all

from .helpers import editors, extract_all, make_document, upload

PHRASE = ["Owners must trim zqhedgerow branches overhanging sidewalks before spring.",
          "Unpaid trimming invoices accrue interest."]


def titles(query: str, language: str = "en") -> list[str]:
    return [result.title for result in search(query, language=language).results]


def test_it_finds_an_uploaded_pdf_by_a_unique_phrase_and_a_stemmed_form(world, django_capture_on_commit_callbacks):
    make_document(world, data=samples.pdf("Tree bylaw", PHRASE), capture=django_capture_on_commit_callbacks,
                  title={"en": "Tree and hedge bylaw", "es": "Reglamento de árboles y setos"})
    # the worker ran (synchronously here) and the index followed on commit: no sync needed
    assert titles("zqhedgerow branches overhanging") == ["Tree and hedge bylaw"]
    assert titles("overhang branch") == ["Tree and hedge bylaw"]  # stems: overhanging → overhang, branches → branch
    assert titles("invoice accruing") == ["Tree and hedge bylaw"]
    assert titles("zqhedgerw") == ["Tree and hedge bylaw"]  # a typo: the closest word of the index is searched
    result = search("zqhedgerow", language="en").results[0]
    assert result.label == "Documents" and result.url.startswith("/documents/")
    assert "<mark>" in result.extract
    # every language has an entry: the Spanish site finds it by the document's text and by its Spanish title
    assert titles("zqhedgerow", "es") == ["Reglamento de árboles y setos"]
    assert titles("setos", "es") == ["Reglamento de árboles y setos"]


def test_it_indexes_the_current_version_only(world, django_capture_on_commit_callbacks):
    document = make_document(world, data=samples.pdf("Plan", ["The zqoldplan route."]),
                             capture=django_capture_on_commit_callbacks)
    people = editors(world)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.add_version(document, upload=upload(samples.docx("Plan", ["The zqnewplan route."])),
                                       user=people.writer, change_note="New route")
    extract_all(document, django_capture_on_commit_callbacks)
    assert titles("zqnewplan") == [] and titles("zqoldplan") == ["Noise bylaw"]  # waiting for approval
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_version(version, user=people.reviewer)
    assert titles("zqnewplan") == ["Noise bylaw"]
    assert titles("zqoldplan") == []


def test_it_never_finds_drafts_unpublished_scheduled_or_expired_documents(world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    people = editors(world)
    make_document(world, publish=False, capture=capture, data=samples.pdf("Draft", ["zqdraftonly text"]))
    review = make_document(world, publish=False, capture=capture, data=samples.pdf("Review", ["zqinreview text"]))
    with capture(execute=True):
        editorial.submit_for_review(review, user=people.writer)
    shown = make_document(world, capture=capture, data=samples.pdf("Shown", ["zqwithdrawn text"]))
    with capture(execute=True):
        editorial.unpublish(shown, user=people.reviewer)
    make_document(world, capture=capture, data=samples.pdf("Later", ["zqscheduled text"]),
                  publish_at=timezone.now() + dt.timedelta(days=2))
    expired = make_document(world, capture=capture, data=samples.pdf("Gone", ["zqexpired text"]),
                            unpublish_at=timezone.now() + dt.timedelta(hours=1))
    assert titles("zqexpired") == ["Noise bylaw"]
    type(expired).objects.filter(pk=expired.pk).update(unpublish_at=timezone.now() - dt.timedelta(minutes=1))
    sync_all()  # the periodic job drops what time took off the site
    for word in ("zqdraftonly", "zqinreview", "zqwithdrawn", "zqscheduled", "zqexpired"):
        assert titles(word) == [] and titles(word, "es") == [], word


def test_it_indexes_a_document_whose_text_cannot_be_read_by_its_title(world, django_capture_on_commit_callbacks):
    document = make_document(world, data=samples.image_pdf(), capture=django_capture_on_commit_callbacks,
                             title={"en": "Zqscanned survey plat"})
    assert document.current_version.text_status == "no_text"
    assert titles("zqscanned") == ["Zqscanned survey plat"]


def test_it_finds_a_short_word_of_an_uploaded_pdf_typed_with_a_typo(client, world,
                                                                    django_capture_on_commit_callbacks):
    make_document(world, capture=django_capture_on_commit_callbacks, title={"en": "Invasive plants bylaw"},
                  data=samples.pdf("Invasive plants", ["Owners must cut back kudzu vines before June.",
                                                        "Crews may remove the vines at the owner's cost."]))
    # the search page, as a resident uses it: one letter changed, one left out, two swapped
    for typo in ("kudsu", "kdzu", "ukdzu"):
        page = client.get("/search/", {"q": typo}).content.decode()
        assert "Invasive plants bylaw" in page, typo
        assert "Showing results for “kudzu”." in page, typo
        assert "<mark>kudzu</mark>" in page, typo
    assert titles("kudsu") == ["Invasive plants bylaw"]
