"""/services/<code>/: what a service type covers, who handles it, expected time and the "Report this" button."""

from __future__ import annotations

from django.utils import translation

from civicdesk.catalog.models import Priority, RoutingRule, ServiceType
from civicdesk.directory.related import _PROVIDERS, RelatedPage, register

from .helpers import CANARY, make_guide


def test_it_shows_who_handles_it_in_each_jurisdiction_and_the_expected_time(client, world):
    page = client.get("/services/pothole/").content.decode()
    # Elm routes potholes to Public Works; Maple County's rule for every type sends them to County Roads.
    assert 'href="/departments/elm/public-works/"' in page and 'href="/departments/maple/roads/"' in page
    # 16 business hours at 9 hours a day (08:00–17:00) is about 2 business days.
    assert "Expected time: within about 2 business days." in page


def test_it_reads_who_handles_it_in_two_queries(world, django_assert_num_queries):
    from civicdesk.directory.lookups import handlers_for

    service_type = ServiceType.objects.prefetch_related("jurisdictions").get(pk=world.garbage.pk)
    with django_assert_num_queries(1):
        handlers = handlers_for(service_type)
    by_name = {h.jurisdiction.name: [d.name for d in h.departments] for h in handlers}
    # Elm names the type in two Sanitation rules: one department, shown once; Maple's catch-all is the only rule.
    assert by_name == {"Maple County": ["County Roads"], "Town of Elm": ["Sanitation"]}


def test_it_leaves_out_inactive_rules_and_jurisdictions_not_offering_it(client, world):
    world.pothole.jurisdictions.set([world.elm])
    RoutingRule.objects.filter(name="Streets").update(is_active=False)
    RoutingRule.objects.create(jurisdiction=world.elm, name="Everything else", department=world.sanitation, order=90)
    page = client.get("/services/pothole/").content.decode()
    assert "/departments/elm/sanitation/" in page and "/departments/elm/public-works/" not in page
    assert "/departments/maple/roads/" not in page


def test_it_says_hours_below_a_working_day(client, world):
    world.pothole.sla_hours = 4
    world.pothole.save()
    assert "within 4 business hours" in client.get("/services/pothole/").content.decode()


def test_it_offers_the_report_form_for_the_type(client, world):
    page = client.get("/services/pothole/").content.decode()
    assert 'href="/report/pothole/" data-testid="report-this"' in page
    assert "How deep is it?" in page


def test_it_tells_residents_to_call_911_for_an_emergency_type(client, world):
    world.pothole.default_priority = Priority.URGENT
    world.pothole.save()
    page = client.get("/services/pothole/").content.decode()
    assert 'data-testid="emergency"' in page and 'href="tel:911"' in page
    assert page.index('data-testid="emergency"') < page.index('data-testid="report-this"')


def test_it_renders_a_private_type_without_the_report_button_and_unlisted(client, world):
    response = client.get("/services/records/")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="not-online"' in page
    assert 'data-testid="report-this"' not in page and '<meta name="robots" content="noindex">' in page


def test_it_answers_404_for_an_inactive_or_unknown_type(client, world):
    ServiceType.objects.filter(pk=world.graffiti.pk).update(is_active=False)
    assert client.get("/services/graffiti/").status_code == 404
    assert client.get("/services/no-such-thing/").status_code == 404


def test_it_shows_the_guide_and_marks_a_missing_translation(client, world):
    make_guide(world.pothole, world.elm)
    with translation.override("es"):
        page = client.get("/services/pothole/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Hoyos en calles de la ciudad." in page
    assert "Private driveways." in page and 'lang="en"' in page and 'data-testid="fallback-notice"' in page


def test_it_hides_an_unpublished_guide(client, world):
    make_guide(world.pothole, world.elm, status="in_review")
    assert "Holes in city streets." not in client.get("/services/pothole/").content.decode()


def test_it_shows_script_in_guides_and_names_as_text(client, world):
    make_guide(world.pothole, world.elm, covers={"en": CANARY}, not_covers={"en": "[x](javascript:alert(1))"})
    world.pothole.description = CANARY
    world.pothole.save()
    page = client.get("/services/pothole/").content.decode()
    assert "<script>alert('zebrafinch')" not in page and 'href="javascript' not in page
    assert "zebrafinch" in page


def test_it_lists_related_pages_from_registered_providers(client, world):
    def provider(service_type, limit):
        return [RelatedPage("Potholes: what happens after you report", "/help/potholes/")] \
            if service_type.code == "pothole" else []

    register(provider)
    try:
        page = client.get("/services/pothole/").content.decode()
        assert 'href="/help/potholes/"' in page
        assert 'data-testid="related"' not in client.get("/services/graffiti/").content.decode()
    finally:
        _PROVIDERS.remove(provider)


def test_it_lists_the_published_help_articles_about_the_type(client, world):
    from civicdesk.content.tests.helpers import article, editors, publish

    erin, eve = editors(world)
    published = publish(article(world, "pothole-season", title={"en": "Pothole season", "es": "Temporada de baches"}),
                        erin, eve)
    published.service_types.set([world.pothole])
    draft = article(world, "pothole-draft", title={"en": "Unfinished zebrafinch draft"})
    draft.save()
    draft.service_types.set([world.pothole])
    page = client.get("/services/pothole/").content.decode()
    assert f'href="{published.get_absolute_url()}">Pothole season</a>' in page and "zebrafinch" not in page
