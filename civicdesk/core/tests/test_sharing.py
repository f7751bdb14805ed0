"""Link previews (Open Graph, Twitter card) and share links: public text only, site defaults elsewhere."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from civicdesk.content.tests.helpers import article, editors, publish
from civicdesk.core.sharing import share_info
from civicdesk.meetings.tests.helpers import make_meeting
from civicdesk.notices.tests.helpers import make_notice
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM

META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def meta(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in META.findall(page)}


def head(page: str) -> str:
    return page.split("</head>")[0]


def file_report(world, **overrides):
    data = dict(service_type=world.pothole, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1], attributes={"depth": "deep"},
                description="Hole by the library steps; write to quillon.vexby@example.org or 312-555-0199",
                contact_name="Quillon Vexby", contact_email="quillon.vexby@example.org",
                contact_phone="312-555-0199", address="14 Oak Street")
    data.update(overrides)
    return services.submit_request(**data)


def test_it_keeps_the_description_short_and_on_one_line():
    info = share_info(title="  A\ntitle ", description="word " * 100)
    assert info["title"] == "A title" and len(info["description"]) <= 200 and "\n" not in info["description"]


def test_it_describes_a_request_with_public_text_only(client, world):
    request = file_report(world)
    page = client.get(reverse("servicerequests:track", args=[request.public_id])).content.decode()
    tags = meta(page)
    assert tags["og:title"] == f"Pothole · request {request.public_id}"
    assert "Hole by the library steps" in tags["og:description"] and tags["og:type"] == "article"
    assert tags["og:url"].endswith(f"/requests/{request.public_id}/") and tags["twitter:card"] == "summary"
    assert tags["og:locale"] == "en_US" and tags["og:site_name"]
    for personal in ("Quillon", "Vexby", "quillon.vexby@example.org", "555-0199"):
        assert personal not in head(page), personal
    assert f"mailto:?subject=Pothole%20%C2%B7%20request%20{request.public_id}" in page


def test_it_gives_only_the_district_of_a_sensitive_request(client, world):
    world.pothole.is_sensitive = True
    world.pothole.save()
    request = file_report(world)
    tags = meta(client.get(reverse("servicerequests:track", args=[request.public_id])).content.decode())
    assert tags["og:description"] == "Submitted. Reported in East Elm."


def test_it_says_nothing_of_a_private_request(client, world):
    request = file_report(world, description="Private matter of the quillfeather family")
    request.is_private = True
    request.save(update_fields=["is_private"])
    page = client.get(reverse("servicerequests:track", args=[request.public_id])).content.decode()
    assert "quillfeather" not in page and request.public_id not in meta(page)["og:title"]
    assert meta(page)["og:type"] == "website"


def test_it_describes_a_notice_an_article_and_a_meeting(client, world):
    notice = make_notice(world)
    tags = meta(client.get(reverse("notices:detail", args=[notice.pk])).content.decode())
    assert tags["og:title"] == "Water main repair on Oak Street"
    assert tags["og:description"] == "Water is off while crews work."

    erin, eve = editors(world)
    item = article(world)
    publish(item, erin, eve)
    tags = meta(client.get(reverse("content:article", args=[item.slug])).content.decode())
    assert (tags["og:title"], tags["og:description"]) == ("Bulk item pickup", "How to get a couch picked up.")

    meeting = make_meeting(world)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    tags = meta(page)
    assert tags["og:title"] == "Budget town hall" and "Tell us what matters" in tags["og:description"]
    assert 'data-copy-target="share-url"' in page and "Share this page" in page


def test_it_uses_the_site_defaults_elsewhere_in_the_readers_language(client, world):
    tags = meta(client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode())
    assert tags["og:type"] == "website" and tags["og:locale"] == "es_US" and tags["og:url"].endswith("/")
    assert tags["og:title"] == tags["og:site_name"]


def test_it_escapes_markup_typed_into_a_description(client, world):
    request = file_report(world, description='"><script>alert("quillcanary")</script>')
    page = client.get(reverse("servicerequests:track", args=[request.public_id])).content.decode()
    assert '<script>alert("quillcanary")' not in page
    assert 'alert(&quot;quillcanary&quot;)' in head(page)
