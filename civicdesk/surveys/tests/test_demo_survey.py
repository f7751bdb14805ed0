"""The Riverbend demo's survey: open, conditional, in both languages, with responses the results page shows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from civicdesk.cities.riverbend import DEMO_STAFF, Riverbend
from civicdesk.formengine.models import Response
from civicdesk.jurisdictions.services import clear_caches
from civicdesk.surveys.models import Survey
from civicdesk.testing.auth import login_verified


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.CITY_PACK = "civicdesk.cities.riverbend.Riverbend"
    settings.MEDIA_ROOT = tmp_path
    clear_caches()
    Riverbend().seed_demo(requests=300)
    yield
    clear_caches()


def test_it_opens_the_park_survey_with_responses(demo, client):
    survey = Survey.objects.get(slug="riverside-park")
    assert survey.is_open() and Response.objects.filter(form=survey.form).count() == 60
    assert any(q.condition_question_id for q in survey.form.questions_in_order())
    assert "Riverside Park" in client.get(reverse("surveys:list")).content.decode()
    with translation.override("es"):
        page = client.get(reverse("surveys:answer", args=[survey.slug]), HTTP_ACCEPT_LANGUAGE="es")
    assert "¿Con qué frecuencia visita el parque Riverside?" in page.content.decode()
    from civicdesk.accounts.models import User

    login_verified(client, User.objects.get(email=DEMO_STAFF[0].email))
    results = client.get(reverse("surveys_staff:results", args=[survey.pk])).content.decode()
    assert "60 responses." in results and 'data-testid="crosstab"' in results
