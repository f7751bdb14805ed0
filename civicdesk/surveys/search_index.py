"""Published surveys as search results (their title and introduction); drafts never."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicdesk.formengine.text import pick
from civicdesk.search.registry import Document, Source, in_each_language, only, register


def survey_documents(ids=None):
    from .models import Survey

    for survey in only(Survey.objects.filter(is_published=True).select_related("form"), ids).order_by("pk"):
        def build(language, survey=survey):
            return Document(object_id=str(survey.pk), language=language, title=survey.title,
                            body=pick(survey.form.description, language), url=survey.get_absolute_url(),
                            jurisdiction_id=survey.jurisdiction_id, dated=survey.opens_at or survey.created_at)
        yield from in_each_language(build)


def _survey_of_form(form):
    survey = getattr(form, "survey", None) if form.pk else None
    return survey.pk if survey is not None else None


def register_sources() -> None:
    register(Source(name="surveys.survey", kind="survey", label=_("Surveys"), model="surveys.Survey",
                    documents=survey_documents, order=35, also_watch={"formengine.Form": _survey_of_form}))
