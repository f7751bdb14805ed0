"""Every page answers: each kind of problem and each status of the Riverbend demo city renders on every surface
(tracking page, staff detail for every seat that may open it, Open311 JSON and XML, alert feeds), and every URL
of the project answers an anonymous GET without a server error."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from civicdesk.accounts.models import User
from civicdesk.catalog.models import ServiceType, Status
from civicdesk.cities.riverbend import DEMO_STAFF, Riverbend
from civicdesk.jurisdictions.models import AddressPoint, StaffMembership
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry
from civicdesk.servicerequests.services import submit_request
from civicdesk.staff import access
from civicdesk.testing.auth import login_verified

# Realistic free-text answers, by the datatype of the question they answer.
TEXT_ANSWERS = {
    "string": "Near the blue mailbox, east side of the street",
    "text": "It has been like this since last Tuesday; the neighbours noticed it too.",
    "number": "3",
}

ANONYMOUS_OK = {200, 301, 302, 400, 403, 404, 405}


@pytest.fixture
def demo(db, settings):
    """The Riverbend catalogue, statuses, places and staff, without the historical requests, and one request of
    every kind of problem with every question answered; each status is held by at least one request."""
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    clear_caches()
    Riverbend().seed_demo(requests=0)
    contractor = User.objects.get(email="contractor@prairietree.example.com")
    made = []
    for service_type in ServiceType.objects.filter(is_active=True).order_by("order"):
        made.append(_report(service_type))
    # A request the contractor works on, so the contractor seat has a detail page to open.
    forestry = next(r for r in made if r.department and r.department.slug == "parks-forestry")
    ServiceRequest.objects.filter(pk=forestry.pk).update(assignee=contractor)
    for status, request in zip(Status.objects.order_by("order", "id"), itertools.cycle(made)):
        _put_in(request, status)
    yield [ServiceRequest.objects.select_related("service_type", "status").get(pk=r.pk) for r in made]
    clear_caches()


def _report(service_type: ServiceType) -> ServiceRequest:
    offered = list(service_type.jurisdictions.values_list("pk", flat=True))
    places = AddressPoint.objects.filter(jurisdiction_id__in=offered) if offered else AddressPoint.objects.all()
    place = places.order_by("address_id")[service_type.order % 40]
    answers = {}
    for question in service_type.attributes.prefetch_related("values"):
        keys = [choice.key for choice in question.values.all()]
        if question.datatype == "multivaluelist":
            answers[question.code] = keys[:2]
        elif question.datatype == "singlevaluelist":
            answers[question.code] = keys[-1]
        elif question.datatype == "datetime":
            answers[question.code] = "2026-11-20T07:45:00-06:00"
        else:
            answers[question.code] = TEXT_ANSWERS[question.datatype]
    return submit_request(
        service_type=service_type, address_id=place.address_id, attributes=answers, language="en",
        description=f"{service_type.name_en} reported near {place.full_address}, getting worse every week.",
        contact_name="Maria Johnson", contact_email="maria.johnson@example.org", contact_phone="217-555-0148",
        not_emergency=True)


def _put_in(request: ServiceRequest, status: Status) -> None:
    """Give the request this status as staff would have, with its public timeline entry."""
    closed = status.kind == Status.Kind.CLOSED
    ServiceRequest.objects.filter(pk=request.pk).update(
        status=status, is_open=not closed, closed_at=request.requested_at + dt.timedelta(days=2) if closed else None)
    TimelineEntry.objects.create(request=request, kind=TimelineEntry.Kind.STATUS, is_public=True, status_to=status,
                                 message=f"Moved to {status.name_en}.")


def test_it_shows_every_kind_and_status_on_every_surface(client, demo):
    items = [r for r in demo if "items" in r.attributes]
    assert items, "the demo catalogue asks 'What was left?' (code items) of missed bulk pickups"
    statuses = {r.status.code for r in demo}
    assert statuses == set(Status.objects.values_list("code", flat=True))
    public = [r for r in demo if r.is_publicly_visible()]
    for request in demo:
        track = client.get(reverse("servicerequests:track", args=[request.public_id]))
        assert track.status_code == (200 if request in public else 404), request.service_type.code
        for fmt in ("json", "xml"):
            api = client.get(f"/open311/v2/requests/{request.public_id}.{fmt}",
                             {"extensions": "true", "jurisdiction_id": request.jurisdiction.open311_id})
            assert api.status_code == (200 if request in public else 404), (request.service_type.code, fmt)
    for url in ("alerts:feed_rss", "alerts:feed_atom"):
        for place in {(r.jurisdiction_id, r.lat, r.long) for r in public[:5]}:
            feed = client.get(reverse(url), {"lat": place[1], "long": place[2], "radius": 5000})
            assert feed.status_code == 200, feed.content[:300]
        for district in {r.district_id for r in public if r.district_id}:
            assert client.get(reverse(url), {"district": district}).status_code == 200


def test_it_opens_every_request_for_every_seat_that_may_see_it(client, demo):
    seen_by_role = set()
    # The demo's administrator is also a superuser; a plain jurisdiction administrator is seated here.
    city_admin = User.objects.create_user(email="cityadmin@riverbend.example.gov", password="correct horse battery")
    StaffMembership.objects.create(user=city_admin, jurisdiction=demo[0].jurisdiction, role="admin")
    for email in [person.email for person in DEMO_STAFF] + [city_admin.email]:
        person = User.objects.get(email=email)
        client.logout()
        login_verified(client, person)
        visible = set(access.requests_visible_to(person).values_list("pk", flat=True))
        for request in demo:
            response = client.get(reverse("staff:detail", args=[request.public_id]))
            expected = 200 if request.pk in visible else 404
            assert response.status_code == expected, (person.email, request.service_type.code)
            if expected == 200:
                seen_by_role |= access.roles_for(person, request)
    assert seen_by_role >= {"admin", "agent", "staff", "supervisor", "contractor", access.SUPERUSER}


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_it_shows_the_questions_and_answers_in_words_not_codes(client, demo, language):
    request = next(r for r in demo if "items" in r.attributes)
    login_verified(client, User.objects.get(email="admin@riverbend.example.gov"))
    with translation.override(language):
        response = client.get(reverse("staff:detail", args=[request.public_id]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    question = request.service_type.attributes.get(code="items")
    first, second = question.values.all()[:2]
    label = getattr(question, f"description_{language}")
    assert f"<dt>{label}</dt>" in page.replace("&#x27;", "'").replace("&iquest;", "¿")
    assert f"{getattr(first, f'name_{language}')}, {getattr(second, f'name_{language}')}" in page
    assert f"<dd>{first.key}" not in page


def test_it_names_answers_and_notes_in_words_in_open311(client, demo):
    """The answers' choice labels once replaced the timeline kinds' names, so notes read "status", not "Status
    changed"."""
    import json

    request = next(r for r in demo if "items" in r.attributes and r.is_publicly_visible())
    response = client.get(f"/open311/v2/requests/{request.public_id}.json",
                          {"extensions": "true", "jurisdiction_id": request.jurisdiction.open311_id})
    [document] = json.loads(response.content)
    items = next(a for a in document["attributes"] if a["code"] == "items")
    question = request.service_type.attributes.get(code="items")
    first, second = question.values.all()[:2]
    assert items["label"] == question.description_en and items["name"] == f"{first.name_en}, {second.name_en}"
    assert {note["summary"].split(":")[0] for note in document["notes"]} <= {"Submitted", "Status changed", "Update"}


def _plausible(converter_name: str, name: str, request: ServiceRequest) -> str:
    if name == "public_id":
        return request.public_id
    if converter_name == "IntConverter":
        return "1"
    if name == "size":
        return "thumb"
    if name == "fmt":
        return "json"
    if name == "code":
        return request.service_type.code
    return "1"


def _every_pattern(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _every_pattern(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _fill(route: str, request: ServiceRequest) -> str:
    """A concrete path for a route pattern (path converters and regular-expression groups alike)."""
    def converter(match):
        kind, name = match.group(1) or "str", match.group(2)
        return _plausible({"int": "IntConverter"}.get(kind, kind), name, request)

    path = re.sub(r"<(?:(\w+):)?(\w+)>", converter, route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _plausible("", m.group(1), request), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace(".*", "")
    return "/" + path


def test_it_answers_every_url_of_the_project_to_an_anonymous_visitor(client, demo):
    request = next(r for r in demo if r.is_publicly_visible())
    paths = sorted({_fill(route, request) for route, _pattern in _every_pattern()})
    assert len(paths) > 60
    for path in paths:
        response = client.get(path)
        assert response.status_code in ANONYMOUS_OK, (path, response.status_code)


def _cursor(values) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


#: Values a hand-edited, truncated or hostile query string may carry.
ODD_VALUES = [
    "2026-02-30T10:00:00", "2026-13-01", "0000-00-00T00:00:00Z", "9" * 30, "-1", "1e999", "nan", "inf",
    "%00", "\x00", "' OR 1=1 --", "[]", "{}", "x" * 5000, "true", "🙂",
    _cursor(["2026-02-30T10:00:00+00:00", 5]), _cursor(["2026-01-01T10:00:00+00:00", 10**30]),
    _cursor([10**30, "2026-01-01T10:00:00", 4]), _cursor([True, "2026-01-01T10:00:00+00:00", 4]),
    _cursor(["2026-01-01T25:61:00", 1]),
]

#: Every GET page that reads query parameters, with the parameters it reads.
PARAMETER_PAGES = [
    ("/staff/", ["after", "queue", "q", "status", "service_type", "priority", "district", "channel", "older_than",
                 "has_photo", "sort"]),
    ("/staff/intake/", ["phone", "email", "service_type", "address"]),
    ("/staff/requests/{id}/", ["template"]),
    ("/open311/v2/requests.json", ["start_date", "end_date", "status", "service_code", "page", "page_size",
                                   "service_request_id", "jurisdiction_id", "lat", "long", "radius", "updated_after",
                                   "updated_before", "extensions"]),
    ("/open311/v2/requests.xml", ["start_date", "page"]),
    ("/open311/v2/services.json", ["jurisdiction_id", "lang"]),
    ("/alerts/feed.rss", ["lat", "long", "radius", "district", "service_code", "events"]),
    ("/alerts/feed.atom", ["lat", "long", "radius", "district", "service_code", "events"]),
    ("/alerts/", ["lat", "long", "radius", "district", "address"]),
    ("/notices/at.json", ["lat", "long", "service_code"]),
    ("/requests/", ["id", "public_id"]),
    ("/open-data/api/requests.json", ["updated_since", "after", "limit"]),
    ("/open-data/capital-projects/", ["column", "op", "value", "after"]),
    ("/open-data/api/capital-projects.json", ["after", "limit", "project", "budget_usd__contains"]),
    ("/report/{code}/", ["lat", "long", "address"]),
    ("/report/{code}/details/", ["lat", "long", "address", "address_id"]),
]


def test_it_answers_odd_query_parameters_without_a_server_error(client, demo):
    """An impossible date in the queue's paging cursor used to be a 500; so may any parameter read by hand."""
    request = next(r for r in demo if r.is_publicly_visible())
    login_verified(client, User.objects.get(email="admin@riverbend.example.gov"))
    for page, names in PARAMETER_PAGES:
        url = page.format(id=request.public_id, code=request.service_type.code)
        for name in names:
            for value in ODD_VALUES:
                response = client.get(url, {name: value})
                assert response.status_code < 500, (url, name, value[:40], response.status_code)
