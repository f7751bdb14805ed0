"""Survey work: building and changing a survey (audited, structure locked once answered), the resident's
path (email link, one response per person, abuse limits), invitations through notify(), and moderation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.formengine import services as engine
from civicdesk.formengine.models import Answer, Choice, Form, Question, Section
from civicdesk.notifications.models import LinkToken
from civicdesk.notifications.services import (
    Recipient,
    link_token,
    link_tokens,
    normalise_address,
    notify,
    read_link_token,
)
from civicdesk.throttle.services import Limit, check

from .models import Invitation, Respondent, Survey

#: LinkToken purpose of the personal survey links (email check and invitations); scope "survey:<pk>".
LINK_PURPOSE = "survey"
#: What a survey message's unsubscribe link stops: every survey invitation (docs/surveys.md).
SCOPE = "surveys"
#: Abuse limits (docs/abuse-limits.md, docs/surveys.md); 0 switches one off.
LINKS_PER_CLIENT_PER_HOUR = getattr(settings, "SURVEY_LINKS_PER_CLIENT_PER_HOUR", 10)
LINKS_PER_ADDRESS_PER_HOUR = getattr(settings, "SURVEY_LINKS_PER_ADDRESS_PER_HOUR", 3)
ANONYMOUS_PER_CLIENT_PER_HOUR = getattr(settings, "SURVEY_ANONYMOUS_PER_CLIENT_PER_HOUR", 5)
RESPONSES_PER_CLIENT_PER_HOUR = getattr(settings, "SURVEY_RESPONSES_PER_CLIENT_PER_HOUR", 30)
RESPONSES_PER_SURVEY_PER_HOUR = getattr(settings, "SURVEY_RESPONSES_PER_SURVEY_PER_HOUR", 20_000)
#: Recipients per notify() call when inviting (one transaction each).
INVITE_CHUNK = 1000


class SurveyError(ValidationError):
    """A change or an answer refused, with words for the person who tried."""


def _scope(survey: Survey) -> str:
    return f"survey:{survey.pk}"


# --- building ---------------------------------------------------------------------------------------------

def create_survey(*, jurisdiction, slug: str, title: dict, user) -> Survey:
    """A new draft survey with an empty form and one empty section; audited."""
    with transaction.atomic():
        form = Form.objects.create(title=title)
        Section.objects.create(form=form, position=1)
        survey = Survey.objects.create(jurisdiction=jurisdiction, slug=slug, form=form)
        survey.log_action("survey.created", user=user, data={"slug": slug})
    return survey


def update_survey(survey: Survey, *, user, title: dict, description: dict, thank_you: dict, opens_at, closes_at,
                  respondents: str, is_published: bool) -> Survey:
    """Change a survey's texts, dates, respondents rule or publication; audited with the fields changed.
    Once answered, who may answer can no longer change (it decides what a response means)."""
    if respondents != survey.respondents and survey.form.is_locked():
        raise SurveyError(_("People have answered already: who may answer can no longer change."))
    if opens_at and closes_at and closes_at <= opens_at:
        raise SurveyError(_("The closing date must be after the opening date."))
    before = {"title": survey.form.title, "opens_at": survey.opens_at, "closes_at": survey.closes_at,
              "respondents": survey.respondents, "is_published": survey.is_published}
    with transaction.atomic():
        survey.form.title, survey.form.description = title, description
        survey.form.save(update_fields=["title", "description"])
        survey.thank_you, survey.opens_at, survey.closes_at = thank_you, opens_at, closes_at
        survey.respondents, survey.is_published = respondents, is_published
        survey.save()
        after = {"title": title, "opens_at": opens_at, "closes_at": closes_at, "respondents": respondents,
                 "is_published": is_published}
        survey.log_action("survey.changed", user=user,
                          data={key: [before[key], after[key]] for key in after if before[key] != after[key]})
    return survey


def _require_unlocked(survey: Survey) -> None:
    if survey.form.is_locked():
        raise SurveyError(_("People have answered this survey: its sections, questions and options are locked. "
                            "You can still correct their wording."))


def add_section(survey: Survey, *, user, title: dict, description: dict | None = None) -> Section:
    _require_unlocked(survey)
    with transaction.atomic():
        last = survey.form.sections.order_by("-position").values_list("position", flat=True).first() or 0
        section = Section.objects.create(form=survey.form, position=last + 1, title=title,
                                         description=description or {})
        survey.log_action("survey.section_added", user=user, data={"section": section.pk})
    return section


def update_section(survey: Survey, section: Section, *, user, title: dict, description: dict) -> None:
    """Wording only: allowed even once answered."""
    section.title, section.description = title, description
    section.save(update_fields=["title", "description"])
    survey.log_action("survey.section_changed", user=user, data={"section": section.pk})


def delete_section(survey: Survey, section: Section, *, user) -> None:
    _require_unlocked(survey)
    if survey.form.sections.count() <= 1:
        raise SurveyError(_("A survey needs at least one section."))
    with transaction.atomic():
        Question.objects.filter(condition_question__section=section).update(condition_question=None)
        survey.log_action("survey.section_deleted", user=user, data={"section": section.pk})
        section.delete()


def _check_condition(question: Question, condition_question: Question | None, condition_choices) -> None:
    if condition_question is None:
        return
    if condition_question.kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        raise SurveyError(_("A condition can only depend on a single- or multiple-choice question."))
    order = [q.pk for q in condition_question.section.form.questions_in_order()]
    if question.pk and (question.pk not in order or order.index(condition_question.pk) >= order.index(question.pk)):
        raise SurveyError(_("A condition can only depend on a question that comes before it."))
    if not condition_choices or any(c.question_id != condition_question.pk for c in condition_choices):
        raise SurveyError(_("Choose at least one option of the question the condition depends on."))


def save_question(survey: Survey, *, user, section: Section, question: Question | None = None, kind: str,
                  text: dict, help_text: dict, required: bool, scale_max: int = 5, min_value=None, max_value=None,
                  condition_question: Question | None = None, condition_choices=(), choices: list[dict] | None = None
                  ) -> Question:
    """Add a question (with its options, one language→text map each) or change one; audited.

    Once the survey has responses only wording may change (question text, hint, option texts); a new
    question, another kind, other options, another condition or another section are refused."""
    locked = survey.form.is_locked()
    creating = question is None
    choices = [texts for texts in (choices or []) if any(texts.values())]
    if creating:
        if locked:
            _require_unlocked(survey)
        last = section.questions.order_by("-position").values_list("position", flat=True).first() or 0
        question = Question(section=section, position=last + 1)
    elif locked:
        same_condition = (question.condition_question_id == (condition_question.pk if condition_question else None)
                          and {c.pk for c in question.condition_choices.all()} == {c.pk for c in condition_choices})
        structure_same = (question.kind == kind and question.section_id == section.pk and question.required == required
                          and question.scale_max == scale_max and same_condition
                          and len(choices) == question.choices.count())
        if not structure_same:
            _require_unlocked(survey)
    if kind in Question.CHOICE_KINDS and len(choices) < 2:
        raise SurveyError(_("A choice or ranking question needs at least two options."))
    if kind == Question.Kind.RATING and not 2 <= scale_max <= 10:
        raise SurveyError(_("A rating scale goes from 1 to a number between 2 and 10."))
    if min_value is not None and max_value is not None and min_value > max_value:
        raise SurveyError(_("The smallest number must not be larger than the largest."))
    _check_condition(question, condition_question, list(condition_choices))
    with transaction.atomic():
        question.section, question.kind, question.text, question.help_text = section, kind, text, help_text
        question.required, question.scale_max = required, scale_max
        question.min_value, question.max_value = min_value, max_value
        question.condition_question = condition_question
        question.save()
        question.condition_choices.set(list(condition_choices))
        if kind in Question.CHOICE_KINDS:
            existing = list(question.choices.order_by("position", "id"))
            wanted = choices
            for position, texts in enumerate(wanted, start=1):
                if position <= len(existing):
                    existing[position - 1].text, existing[position - 1].position = texts, position
                    existing[position - 1].save(update_fields=["text", "position"])
                else:
                    Choice.objects.create(question=question, position=position, text=texts)
            for extra in existing[len(wanted):]:
                Question.condition_choices.through.objects.filter(choice=extra).delete()
                extra.delete()
        else:
            question.choices.all().delete()
        survey.log_action("survey.question_added" if creating else "survey.question_changed", user=user,
                          data={"question": question.pk, "kind": kind})
    return question


def delete_question(survey: Survey, question: Question, *, user) -> None:
    _require_unlocked(survey)
    with transaction.atomic():
        Question.objects.filter(condition_question=question).update(condition_question=None)
        survey.log_action("survey.question_deleted", user=user, data={"question": question.pk})
        question.delete()


def move_question(survey: Survey, question: Question, *, user, step: int) -> None:
    """Move a question up (step -1) or down (+1) within its section (before any response only)."""
    _require_unlocked(survey)
    siblings = list(question.section.questions.order_by("position", "id"))
    index = siblings.index(question)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    if any(q.condition_question_id and q.condition_question_id in {s.pk for s in siblings[siblings.index(q):]}
           for q in siblings):
        raise SurveyError(_("A question cannot move above the question its condition depends on."))
    with transaction.atomic():
        for position, sibling in enumerate(siblings, start=1):
            Question.objects.filter(pk=sibling.pk).update(position=position)
        survey.log_action("survey.question_moved", user=user, data={"question": question.pk, "step": step})


# --- answering ---------------------------------------------------------------------------------------------

class AlreadyAnswered(SurveyError):
    pass


def survey_link(survey: Survey, token: str) -> str:
    """The absolute personal link that proves its holder reads the address it was sent to."""
    return settings.SITE_URL + reverse("surveys:start", args=[survey.slug, token])


def send_link(survey: Survey, *, email: str, client: str, language: str) -> None:
    """Email a personal link to answer the survey (the only way an address is checked). Rate-limited per
    client address and per email address; says nothing about whether the address answered before."""
    address = normalise_address("email", email)
    check(Limit(f"survey-link:client:{client}", LINKS_PER_CLIENT_PER_HOUR, 3600),
          Limit(f"survey-link:address:{survey.identity_key('email', address)}", LINKS_PER_ADDRESS_PER_HOUR, 3600),
          message=_("We have sent several links already. Please check your email, or try again in an hour."))
    token = link_token(LINK_PURPOSE, "email", address, _scope(survey))
    notify(event="survey.link", key=f"survey:{survey.pk}:link:{timezone.now():%Y%m%d%H%M%S%f}",
           recipients=[Recipient(email=address, language=language)], template="surveys/email/link",
           context={"survey_title": survey.form.title, "link": survey_link(survey, token)}, scope=SCOPE)


def read_link(survey: Survey, token: str) -> LinkToken | None:
    """The LinkToken behind a personal link to this survey, or None (unknown, or another survey's)."""
    found = read_link_token(token, LINK_PURPOSE)
    return found if found is not None and found.scope == _scope(survey) else None


def invited_district_id(survey: Survey, email: str) -> int | None:
    return survey.invitations.filter(email=normalise_address("email", email)).values_list("district_id", flat=True).first()


def submit_response(survey: Survey, answers: dict, *, identity: tuple[str, str] | None, client: str, language: str,
                    district_id: int | None = None):
    """Store one complete response, or raise SurveyError (closed, not allowed, already answered) or
    RateLimited. `identity` is ("email", verified address) or ("account", user id); None only for anonymous
    surveys. The district is the invitation's, else the one holding the first map answer."""
    from civicdesk.jurisdictions.services import locate

    if not survey.is_open():
        raise SurveyError(_("This survey is not taking answers."))
    if identity is None and survey.respondents != Survey.Respondents.ANONYMOUS:
        raise SurveyError(_("Please start the survey again from its page."))
    limits = [Limit(f"survey:{survey.pk}:all", RESPONSES_PER_SURVEY_PER_HOUR, 3600),
              Limit(f"survey-answers:client:{client}", RESPONSES_PER_CLIENT_PER_HOUR, 3600)]
    if identity is None:
        limits.append(Limit(f"survey:{survey.pk}:client:{client}", ANONYMOUS_PER_CLIENT_PER_HOUR, 3600))
    key = survey.identity_key(*identity) if identity else None
    if key and Respondent.objects.filter(survey=survey, identity=key).exists():
        raise AlreadyAnswered(_("You have already answered this survey. Thank you!"))
    check(*limits, message=_("Many answers came from your connection in the last hour. Please try again later."))
    district = None
    if district_id is None and (pin := engine.first_pin(survey.form, answers)):
        district = locate(*pin).district
    try:
        with transaction.atomic():
            response = engine.save_response(survey.form, answers, language=language, district=district)
            if district_id is not None:
                response.district_id = district_id
                response.save(update_fields=["district"])
            if key:
                Respondent.objects.create(survey=survey, identity=key, response=response)
    except IntegrityError as error:  # the same person, twice at once
        raise AlreadyAnswered(_("You have already answered this survey. Thank you!")) from error
    return response


# --- audience and invitations ------------------------------------------------------------------------------

def chunks(items: Iterable, size: int) -> Iterator[list]:
    """Lists of at most `size` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def audience(survey: Survey, *, district_ids=(), subscribers: bool = False, service_type_ids=()
             ) -> Iterator[tuple[str, str, int | None, str]]:
    """(email, language, district id, source) of everyone the chosen audience reaches, each address once:
    reporters (with an email) of requests in the chosen districts, confirmed area subscribers whose area meets
    those districts (with `subscribers`), and reporters of the chosen kinds of problem. CivicDesk accounts have
    no home district, so "residents of a district" means people who reported a request there."""
    from civicdesk.alerts.services import area_recipients
    from civicdesk.servicerequests.models import ServiceRequest

    seen: set[str] = set()
    jurisdiction_requests = ServiceRequest.objects.filter(jurisdiction=survey.jurisdiction).exclude(contact_email="")
    sources = []
    if district_ids:
        sources.append((Invitation.Source.DISTRICT_REPORTERS, jurisdiction_requests.filter(
            district_id__in=list(district_ids)).order_by("id").values_list("contact_email", "language", "district_id")
            .iterator(chunk_size=2000)))
    if subscribers and district_ids:
        sources.append((Invitation.Source.AREA_SUBSCRIBERS,
                        ((r.email, r.language, None) for r, _scope in area_recipients(district_ids=district_ids)
                         if r.email)))
    if service_type_ids:
        sources.append((Invitation.Source.PROBLEM_REPORTERS, jurisdiction_requests.filter(
            service_type_id__in=list(service_type_ids)).order_by("id")
            .values_list("contact_email", "language", "district_id").iterator(chunk_size=2000)))
    for source, rows in sources:
        for email, language, district_id in rows:
            address = normalise_address("email", email)
            if address and address not in seen:
                seen.add(address)
                yield address, language, district_id, source


def invite(survey: Survey, *, district_ids=(), subscribers: bool = False, service_type_ids=()) -> int:
    """Invite the audience by email, each with a personal link, INVITE_CHUNK at a time (see invite_chunk);
    returns the number of messages queued. The task worker splits the same work into chunk tasks instead
    (tasks.invite_audience), so every worker shares a large audience."""
    return sum(invite_chunk(survey, chunk) for chunk in chunks(
        audience(survey, district_ids=district_ids, subscribers=subscribers, service_type_ids=service_type_ids),
        INVITE_CHUNK))


def invite_chunk(survey: Survey, rows: list) -> int:
    """Invite one chunk of (email, language, district id, source) rows in one transaction: Invitation rows,
    personal link tokens and one notify() call (idempotent: an address invited before is not invited again).
    Returns the number of messages queued."""
    with transaction.atomic():
        Invitation.objects.bulk_create([Invitation(survey=survey, email=email, language=language or "en",
                                                   district_id=district_id, source=source)
                                        for email, language, district_id, source in rows], ignore_conflicts=True)
        tokens = link_tokens(LINK_PURPOSE, "email", [row[0] for row in rows], _scope(survey))
        return notify(event="survey.invitation", key=f"survey:{survey.pk}:invitation",
                      recipients=[Recipient(email=email, language=language) for email, language, *_rest in rows],
                      template="surveys/email/invitation", scope=SCOPE,
                      context={"survey_title": survey.form.title, "closes_at": survey.closes_at,
                               "links": {email: survey_link(survey, token) for email, token in tokens.items()}})


def queue_invitations(survey: Survey, *, user, district_ids=(), subscribers: bool = False,
                      service_type_ids=()) -> None:
    """Ask the task worker to invite the audience (audited now, sent in the background)."""
    from .tasks import invite_audience

    if not survey.is_published or survey.status() == Survey.Status.CLOSED:
        raise SurveyError(_("Publish the survey (and keep it open) before inviting people."))
    if not district_ids and not service_type_ids:
        raise SurveyError(_("Choose at least one district or kind of problem."))
    with transaction.atomic():
        survey.log_action("survey.invitations_queued", user=user, data={
            "districts": sorted(int(pk) for pk in district_ids), "subscribers": subscribers,
            "service_types": sorted(int(pk) for pk in service_type_ids)})
        invite_audience.enqueue(survey.pk, [int(pk) for pk in district_ids], subscribers,
                                [int(pk) for pk in service_type_ids])


def hide_answer(survey: Survey, answer: Answer, *, user, hidden: bool) -> None:
    """Moderate a free-text answer of this survey (audited by the engine)."""
    if answer.question.section.form_id != survey.form_id:
        raise SurveyError(_("That answer is not one of this survey's."))
    engine.hide_answer(answer, user=user, hidden=hidden)
