"""The editorial staff console (civicdesk/editorial/views.py) with articles plugged in."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.editorial.models import Status
from civicdesk.testing.auth import login_verified

from ..models import Article
from .helpers import article, editor, editors, publish


def _form_data(**overrides):
    data = {"jurisdiction": "", "slug": "leaf-collection", "title__en": "Leaf collection",
            "title__es": "Recogida de hojas", "summary__en": "", "summary__es": "",
            "body__en": "Rake leaves to the **curb**.", "body__es": ""}
    data.update(overrides)
    return data


def test_it_creates_a_draft_from_the_per_language_form(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    response = client.post(reverse("editorial:new", args=["article"]), _form_data(jurisdiction=world.elm.pk))
    item = Article.objects.get(slug="leaf-collection")
    assert response.status_code == 302 and response["Location"] == reverse("editorial:edit", args=["article", item.pk])
    assert item.title == {"en": "Leaf collection", "es": "Recogida de hojas"}
    assert item.body == {"en": "Rake leaves to the **curb**."}
    assert item.status == Status.DRAFT and item.updated_by == erin


def test_it_previews_markdown_without_saving(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    response = client.post(reverse("editorial:new", args=["article"]),
                           _form_data(jurisdiction=world.elm.pk, preview="1"))
    html = response.content.decode()
    assert response.status_code == 200 and "Rake leaves to the <strong>curb</strong>." in html
    assert not Article.objects.exists()


def test_it_answers_the_live_preview_with_sanitised_html(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    response = client.post(reverse("editorial:preview"), {"text": "*hi* <script>alert(1)</script>"})
    assert response.content.decode().strip() == "<p><em>hi</em> &lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_it_requires_a_title_in_the_default_language(world, client):
    erin, _eve = editors(world)
    login_verified(client, erin)
    response = client.post(reverse("editorial:new", args=["article"]),
                           _form_data(jurisdiction=world.elm.pk, title__en=""))
    assert response.status_code == 200 and not Article.objects.exists()
    assert "This field is required." in response.content.decode()


def test_it_runs_the_workflow_from_the_edit_page(world, client):
    erin, eve = editors(world)
    item = article(world)
    from civicdesk.editorial import services

    services.save_draft(item, user=erin)
    action = reverse("editorial:action", args=["article", item.pk])
    login_verified(client, erin)
    client.post(action, {"action": "submit"})
    response = client.post(action, {"action": "approve"}, follow=True)
    assert "another editor must review" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    login_verified(client, eve)
    client.post(action, {"action": "approve", "approve-publish_at": "", "approve-unpublish_at": ""})
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.reviewed_by == eve


def test_it_shows_the_history_with_a_word_diff_and_restores(world, client):
    erin, eve = editors(world)
    item = publish(article(world), erin, eve)
    login_verified(client, erin)
    client.post(reverse("editorial:edit", args=["article", item.pk]),
                _form_data(jurisdiction=world.elm.pk, slug=item.slug, title__en="Bulk item pickup",
                           body__en="Put bulky items at the curb on Tuesday."))
    client.post(reverse("editorial:action", args=["article", item.pk]), {"action": "submit"})
    login_verified(client, eve)
    client.post(reverse("editorial:action", args=["article", item.pk]), {"action": "approve"})
    html = client.get(reverse("editorial:history", args=["article", item.pk])).content.decode()
    assert '<span aria-hidden="true">[−</span>Monday' in html and '<span aria-hidden="true">[+</span>Tuesday' in html
    assert "[deleted:" in html and "[inserted:" in html
    client.post(reverse("editorial:restore", args=["article", item.pk, 1]))
    item.refresh_from_db()  # published: the restored text waits as the pending change
    assert item.body["en"] == "Put bulky items at the curb on Tuesday." and item.status == Status.PUBLISHED
    assert item.pending_change().data["body"]["en"] == "Put bulky items at the curb on Monday."


def test_it_hides_other_jurisdictions_content(world, client):
    erin, _eve = editors(world)
    item = article(world)
    from civicdesk.editorial import services

    services.save_draft(item, user=erin)
    outsider = editor(world, "otto@maple.example.gov", jurisdiction=world.county)
    login_verified(client, outsider)
    assert client.get(reverse("editorial:edit", args=["article", item.pk])).status_code == 404
    assert item.slug not in client.get(reverse("editorial:list")).content.decode()


def test_it_refuses_staff_without_an_editor_seat(world, client):
    login_verified(client, world.bob)
    assert client.get(reverse("editorial:list")).status_code == 403


def test_it_lists_content_filtered_by_state_and_type(world, client):
    erin, eve = editors(world)
    publish(article(world, "published-one", title={"en": "Quillwort published"}), erin, eve)
    from civicdesk.editorial import services

    services.save_draft(article(world, "draft-one", title={"en": "Quillwort draft"}), user=erin)
    login_verified(client, erin)
    html = client.get(reverse("editorial:list"), {"state": "draft", "type": "article"}).content.decode()
    assert "Quillwort draft" in html and "Quillwort published" not in html
    html = client.get(reverse("editorial:list"), {"state": "published"}).content.decode()
    assert "Quillwort draft" not in html and "Quillwort published" in html


def test_it_lists_items_missing_a_translation(world, client):
    erin, _eve = editors(world)
    from civicdesk.editorial import services

    services.save_draft(article(world, "english-only", title={"en": "Only English here"}, summary={},
                                body={"en": "Words"}), user=erin)
    # Text in every site language (English, Spanish and Arabic): nothing missing, so not listed.
    services.save_draft(article(world, "both", title={"en": "Bulk item pickup", "es": "Recogida de objetos grandes",
                                                      "ar": "جمع الأغراض الكبيرة"},
                                summary={"en": "How to get a couch picked up.", "es": "Cómo recoger un sofá.",
                                         "ar": "كيف تطلب جمع أريكة."},
                                body={"en": "Put bulky items at the curb on Monday.", "es": "Saque los objetos el lunes.",
                                      "ar": "ضع الأغراض الكبيرة على الرصيف يوم الاثنين."}), user=erin)
    login_verified(client, erin)
    html = client.get(reverse("editorial:translations")).content.decode()
    assert "Only English here" in html and "Bulk item pickup" not in html


def test_it_keeps_the_list_queries_bounded(world, client, django_assert_max_num_queries):
    erin, eve = editors(world)
    for number in range(6):
        publish(article(world, f"item-{number}"), erin, eve)
    login_verified(client, erin)
    client.get(reverse("editorial:list"))
    with django_assert_max_num_queries(15):  # one per type with rows for its pending changes, not one per row
        client.get(reverse("editorial:list"))


def test_it_shows_script_and_html_as_text_on_every_editor_page(world, client):
    canary = '<script>alert("pwnbilby")</script><b>boldbilby</b>'
    erin, eve = editors(world)
    item = publish(article(world, title={"en": canary}, summary={"en": canary}, body={"en": canary}), erin, eve)
    from civicdesk.editorial import services

    item.body = {"en": canary + " changed"}
    services.save_draft(item, user=erin)
    services.submit_for_review(item, user=erin)
    services.send_back(item, user=eve, comment=canary)
    login_verified(client, erin)
    for url in (reverse("editorial:list"), reverse("editorial:edit", args=["article", item.pk]),
                reverse("editorial:history", args=["article", item.pk]), reverse("editorial:translations")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>boldbilby" not in html, url
        assert "pwnbilby" in html, url


def test_it_names_related_items_in_the_history(world, client):
    from civicdesk.editorial import services

    from .helpers import topic

    erin, _eve = editors(world)
    trash = topic(world, title="Quokkatopic")
    services.save_draft(trash, user=erin)
    item = article(world)
    services.save_draft(item, user=erin)
    item.topics.set([trash])
    services.save_draft(item, user=erin)
    login_verified(client, erin)
    html = client.get(reverse("editorial:history", args=["article", item.pk])).content.decode()
    assert '<span aria-hidden="true">[+</span>Quokkatopic' in html


def test_it_schedules_from_the_approve_form_with_a_browser_date(world, client):
    from civicdesk.editorial import services

    erin, eve = editors(world)
    item = article(world)
    services.save_draft(item, user=erin)
    services.submit_for_review(item, user=erin)
    login_verified(client, eve)
    client.post(reverse("editorial:action", args=["article", item.pk]),
                {"action": "approve", "approve-publish_at": "2040-01-01T09:00", "approve-unpublish_at": ""})
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.publish_at.year == 2040 and not item.is_public()
    html = client.get(reverse("editorial:list"), {"state": "scheduled"}).content.decode()
    assert "Bulk item pickup" in html and "Scheduled" in html
