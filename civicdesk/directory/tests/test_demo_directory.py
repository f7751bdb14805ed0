"""The Riverbend demo: every service type's page (both jurisdictions, both languages, private and emergency types
and types with questions), every department's page, every permit guide, and the directory content it loads."""

from __future__ import annotations

import pytest
from django.utils import translation

from civicdesk.catalog.models import ServiceType
from civicdesk.cities.riverbend import Riverbend
from civicdesk.directory.models import DepartmentProfile, PermitGuide, ServiceGuide
from civicdesk.jurisdictions.models import Department, Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.lib import geo


@pytest.fixture
def demo(db, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    clear_caches()
    Riverbend().seed_demo(requests=0)
    yield
    clear_caches()


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_renders_every_service_types_page(client, demo, language):
    types = list(ServiceType.objects.all())
    assert any(t.is_private for t in types) and any(t.attributes.exists() for t in types)
    with translation.override(language):
        for service_type in types:
            response = client.get(f"/services/{service_type.code}/", HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, service_type.code
            page = response.content.decode()
            assert ('data-testid="report-this"' in page) == (not service_type.is_private), service_type.code
            assert 'data-testid="handlers"' in page or 'data-testid="contact-311"' in page, service_type.code


#: The demo's directory text is written in every site language (English, Spanish and Arabic).
DEMO_UNWRITTEN: set[str] = set()

def test_it_says_call_911_on_the_emergency_types(client, demo):
    for code in ("street-cave-in", "water-main-break", "traffic-signal"):
        page = client.get(f"/services/{code}/").content.decode()
        assert 'data-testid="emergency"' in page and 'href="tel:911"' in page


def test_it_sends_each_type_to_its_departments_in_both_jurisdictions(client, demo):
    page = client.get("/services/pothole/").content.decode()
    assert "/departments/riverbend/public-works/" in page and "/departments/harlan-county/highway/" in page
    assert "/departments/harlan-county/highway/" in client.get("/services/gravel-road/").content.decode()


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_lists_each_jurisdictions_services(client, demo, language):
    with translation.override(language):
        city = client.get("/services/?in=riverbend", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        county = client.get("/services/?in=harlan-county", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "/services/missed-trash/" in city and "/services/gravel-road/" not in city
    assert "/services/gravel-road/" in county and "/services/missed-trash/" not in county
    assert "/services/records-request/" not in city + county
    for slug in ("fence-permit", "block-party-permit", "dumpster-street-permit", "dog-license",
                 "home-business-license"):
        assert f"/services/permits/{slug}/" in city


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_it_renders_every_department_and_permit_page(client, demo, language):
    with translation.override(language):
        for department in Department.objects.select_related("jurisdiction"):
            url = f"/departments/{department.jurisdiction.slug}/{department.slug}/"
            page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert 'data-testid="hours"' in page and 'id="map"' in page and "tel:" in page, url
            assert 'data-testid="fallback-notice"' not in page, url
        for guide in PermitGuide.objects.all():
            page = client.get(guide.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert 'data-testid="fees"' in page and 'data-testid="requirements"' in page, guide.slug
            assert 'data-testid="fallback-notice"' not in page, guide.slug


def test_it_loads_published_content_in_every_language_with_offices_inside_their_jurisdiction(demo):
    assert DepartmentProfile.objects.public().count() == Department.objects.count() == 6
    assert ServiceGuide.objects.public().count() >= 10 and PermitGuide.objects.public().count() == 5
    for profile in DepartmentProfile.objects.select_related("department__jurisdiction"):
        assert profile.summary["ar"] and profile.address["ar"] and set(profile.missing_languages()) <= DEMO_UNWRITTEN
        boundary = profile.department.jurisdiction.boundary
        assert geo.contains(boundary, profile.lat, profile.long), profile.department.slug
    for guide in PermitGuide.objects.all():
        assert len(guide.fee_lines()) >= 2 and set(guide.missing_languages()) <= DEMO_UNWRITTEN
    for guide in ServiceGuide.objects.all():
        assert set(guide.missing_languages()) <= DEMO_UNWRITTEN
    assert Jurisdiction.objects.count() == 2
