"""What residents read: US English on the public pages, "just now", no "p.m..", one date format."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from civicdesk.core.templatetags.wording import ago, before_period
from civicdesk.servicerequests import services
from civicdesk.testing.world import IN_EAST_ELM, IN_WEST_ELM

WORDS = [line.strip() for line in
         (Path(__file__).resolve().parents[1] / "data" / "non_us_wording.txt").read_text().splitlines()
         if line.strip() and not line.startswith("#")]
CHICAGO = ZoneInfo("America/Chicago")


def visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pothole(world, **extra):
    return services.submit_request(service_type=world.pothole, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                   attributes={"depth": "deep"}, **extra)


def public_pages(world) -> list[str]:
    request = pothole(world)
    return ["/", "/report/", "/report/pothole/", "/report/pothole/?address=9+Nowhere+Ln",
            f"/report/pothole/details/?lat={IN_EAST_ELM[0]}&long={IN_EAST_ELM[1]}", "/alerts/",
            request.get_absolute_url(), "/requests/", "/help/", "/contact/", "/privacy/", "/accessibility/",
            "/terms/", "/notices/"]


def test_it_uses_us_wording_on_every_public_page(client, world):
    found = []
    for url in public_pages(world):
        text = visible_text(client.get(url).content.decode())
        found += [(url, word) for word in WORDS
                  if re.search(r"(?<![\w.])" + re.escape(word) + r"(?![\w.])", text, re.IGNORECASE)]
    assert not found


def test_it_uses_us_wording_in_the_emergency_confirmation(client, world):
    html = client.post(reverse("intake:details", args=["pothole"]), {
        "lat": str(IN_EAST_ELM[0]), "long": str(IN_EAST_ELM[1]), "description": "I smell a gas leak",
        "attribute_depth": "deep", "name": "", "email": "", "phone": ""}).content.decode()
    assert "check the box below to confirm it is not an emergency" in html and "tick" not in html


def test_it_shows_kinds_of_problem_without_their_internal_codes_on_alerts(client, world):
    html = client.get(reverse("alerts:subscribe")).content.decode()
    assert ">Pothole</label>" in html and "(pothole)" not in html
    assert "?lat=…" not in html
    assert f'href="/alerts/feed.rss?district={world.west.pk}"' in html
    assert "500 meters (about 1/3 mile)" in html


def test_it_says_just_now_for_a_request_made_seconds_ago(client, world):
    with time_machine.travel(dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.timezone.utc), tick=False):
        pothole(world)
        home = visible_text(client.get("/").content.decode())
        # A typed address is confirmed first ("Is this the right place?"); the confirmed one lists reports nearby.
        nearby = visible_text(client.get("/report/pothole/?address=12+Oak+Street&confirmed=1").content.decode())
    assert "just now" in home and "0 minutes" not in home
    assert "reported just now" in nearby


@pytest.mark.parametrize(("seconds", "english", "spanish"), [
    (0, "just now", "ahora mismo"), (59, "just now", "ahora mismo"), (-5, "just now", "ahora mismo"),
    (60, "1 minute ago", "hace 1 minuto"), (3 * 3600 + 60, "3 hours ago", "hace 3 horas"),
])
def test_it_says_how_long_ago_in_words(seconds, english, spanish):
    now = dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.timezone.utc)
    then = now - dt.timedelta(seconds=seconds)
    assert ago(then, now).replace("\xa0", " ") == english
    with translation.override("es"):
        assert ago(then, now).replace("\xa0", " ") == spanish


def test_it_ends_a_sentence_after_p_m_with_one_full_stop():
    when = dt.datetime(2026, 12, 8, 15, 9, tzinfo=CHICAGO)
    template = Template('{% load i18n wording %}{% blocktranslate with due=when|date:"DATETIME_FORMAT"|before_period %}'
                        'We aim to deal with it by {{ due }}.{% endblocktranslate %}')
    with timezone.override(CHICAGO):
        assert template.render(Context({"when": when})) == "We aim to deal with it by Dec. 8, 2026, 3:09 p.m."
        with translation.override("es"):
            assert template.render(Context({"when": when})).endswith("a las 15:09.")
    assert before_period("Dec. 8, 2026, 3 p.m.") == "Dec. 8, 2026, 3 p.m"
    assert before_period("8 de diciembre de 2026") == "8 de diciembre de 2026"


def test_it_sends_the_acknowledgement_without_a_double_full_stop(tworld, smtp_server):
    from civicdesk.testing.fixtures import run_worker

    # Friday 2:09 p.m. in Chicago: the 8 business hours of a missed collection end on Monday at 1:09 p.m.
    with time_machine.travel(dt.datetime(2026, 11, 20, 20, 9, tzinfo=dt.timezone.utc), tick=False):
        services.submit_request(service_type=tworld.garbage, lat=IN_WEST_ELM[0], long=IN_WEST_ELM[1],
                                contact_email="ana@example.org")
    run_worker()
    [message] = smtp_server.wait_for(1)
    for part in ("plain", "html"):
        body = message.get_body(preferencelist=(part,)).get_content()
        assert "We aim to deal with it by Nov. 23, 2026, 1:09 p.m." in body
        assert "p.m.." not in body


def test_it_shows_residents_one_date_format(client, world):
    with time_machine.travel(dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.timezone.utc), tick=False):
        request = pothole(world, reporter=world.alice)
    client.force_login(world.alice)
    mine = client.get(reverse("accounts:my_requests")).content.decode()
    track = client.get(request.get_absolute_url()).content.decode()
    assert "Dec. 4, 2026" in mine and "12/04/2026" not in mine
    assert "Dec. 4, 2026" in track
    spanish = client.get(reverse("accounts:my_requests"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "4 de diciembre de 2026" in spanish
