"""Meetings, sent newsletter issues and surveys in the site search: published ones found, drafts never."""

from __future__ import annotations

from civicdesk.meetings.models import Meeting
from civicdesk.search.services import search, sync_all


def titles(query: str, language: str = "en") -> list[str]:
    return [result.title for result in search(query, language=language).results]


def test_it_finds_published_meetings_by_agenda_and_minutes_but_not_drafts(world):
    from django.utils import timezone
    import datetime as dt

    start = timezone.now() + dt.timedelta(days=3)
    common = {"jurisdiction": world.elm, "starts_at": start, "ends_at": start + dt.timedelta(hours=2),
              "address": "City Hall, 1 Main St"}
    Meeting.objects.create(title_en="Budget town hall", body_en="The zqbudget for next year.",
                           minutes_en="Residents asked about sidewalk repairs.", published_at=timezone.now(),
                           **common)
    Meeting.objects.create(title_en="Draft zqbudget workshop", body_en="Not yet public.", **common)
    sync_all()
    assert titles("zqbudget") == ["Budget town hall"]
    assert titles("sidewalk repairs") == ["Budget town hall"]
    assert search("zqbudget", language="en").results[0].label == "Meetings"


def test_it_finds_published_surveys_by_title_in_each_language(world, django_capture_on_commit_callbacks):
    from civicdesk.formengine.models import Form
    from civicdesk.surveys.models import Survey

    with django_capture_on_commit_callbacks(execute=True):
        form = Form.objects.create(title={"en": "Zqparks survey", "es": "Encuesta zqparques"},
                                   description={"en": "Tell us about playgrounds."})
        survey = Survey.objects.create(jurisdiction=world.elm, form=form, slug="zqparks", is_published=True)
    assert titles("zqparks") == ["Zqparks survey"]
    assert titles("zqparques", "es") == ["Encuesta zqparques"]
    with django_capture_on_commit_callbacks(execute=True):
        form.title = {"en": "Zqplaygrounds survey"}
        form.save()  # a change of the form's texts re-indexes its survey (also_watch)
    assert titles("zqplaygrounds") == ["Zqplaygrounds survey"]
    with django_capture_on_commit_callbacks(execute=True):
        survey.is_published = False
        survey.save()
    assert titles("zqplaygrounds") == []
