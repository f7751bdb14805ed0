"""The Riverbend demo has newsletter subscribers and one sent issue on the public archive; loading twice adds
nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.cities.riverbend import Riverbend, _DemoWorld
from civicdesk.jurisdictions.models import Jurisdiction
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.newsletter.models import Issue, Subscriber
from civicdesk.notifications.models import Delivery


@pytest.mark.django_db
def test_it_has_subscribers_and_one_sent_issue(client, settings):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    Riverbend().seed_demo(requests=0)
    clear_caches()
    issue = Issue.objects.get()
    assert issue.status == "sent" and issue.recipients == Subscriber.objects.confirmed().count() == 4
    assert issue.notices.exists() and issue.meetings.exists()
    spanish = Delivery.objects.get(key=issue.notification_key, address="lena.ortiz@example.org")
    assert spanish.subject.startswith("Noticias de Riverbend")
    archive = client.get("/newsletter/").content.decode()
    assert "Riverbend news: budget town hall" in archive
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Town hall: the 2027 budget" in page and "https://riverbend.example.gov/surveys/snow" in page
    demo = _DemoWorld(jurisdictions={"riverbend": Jurisdiction.objects.get(slug="riverbend")})
    assert Riverbend()._seed_newsletter(demo, timezone.now()) == 0
    assert Issue.objects.count() == 1
