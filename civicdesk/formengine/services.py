"""Walking a form section by section, saving a response, and counting the answers.

An owner (a survey, an application type) drives the walk: `first_section()` / `next_section()` skip sections
whose questions all depend on answers not given; `SectionForm` validates one section; `save_response()`
stores the whole set at the end, atomically. Results (`question_results`, `crosstab`, `export_rows`) read the
answer rows, never a JSON blob.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from itertools import islice
from statistics import median

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import TEXT_MAX
from .models import Answer, Choice, Form, Question, Response, Section
from .text import pick

#: Responses read per query by export_rows().
EXPORT_BATCH = 2000


def shown_answers(sections: list[Section], answers: dict) -> dict:
    """`answers` without those to questions that no longer apply (an earlier answer changed), in form order."""
    kept: dict = {}
    for section in sections:
        for question in section.questions_list:
            value = answers.get(question.field_name)
            if value is not None and question.is_shown(kept):
                kept[question.field_name] = value
    return kept


def section_applies(section: Section, answers: dict) -> bool:
    """True when at least one question of the section applies given the answers so far."""
    return any(question.is_shown(answers) for question in section.questions_list)


def next_section(sections: list[Section], after: int, answers: dict) -> int | None:
    """The index of the first section after index `after` (-1: from the start) that applies, or None when the
    form is complete."""
    for index in range(after + 1, len(sections)):
        if section_applies(sections[index], answers):
            return index
    return None


def previous_section(sections: list[Section], before: int, answers: dict) -> int | None:
    """The index of the last section before `before` that applies, or None."""
    for index in range(before - 1, -1, -1):
        if section_applies(sections[index], answers):
            return index
    return None


def missing_required(sections: list[Section], answers: dict) -> list[Question]:
    """Required questions that apply but have no answer."""
    kept = shown_answers(sections, answers)
    return [question for section in sections for question in section.questions_list
            if question.required and question.is_shown(kept) and kept.get(question.field_name) is None]


def _answer_rows(question: Question, value, choice_ids: set[int]) -> list[Answer]:
    """The Answer rows for one stored value (ValidationError when it names an option of another question)."""
    def choice(pk) -> int:
        pk = int(pk)
        if pk not in choice_ids:
            raise ValidationError(_("That option is not one of this question's options."))
        return pk

    kind = question.kind
    if kind == Question.Kind.SINGLE:
        return [Answer(question=question, choice_id=choice(value))]
    if kind == Question.Kind.MULTIPLE:
        return [Answer(question=question, choice_id=choice(pk)) for pk in sorted(set(value))]
    if kind == Question.Kind.RANKING:
        return [Answer(question=question, choice_id=choice(pk), rank=int(rank)) for pk, rank in value.items()]
    if kind == Question.Kind.RATING:
        return [Answer(question=question, number=Decimal(int(value)))]
    if kind == Question.Kind.NUMBER:
        return [Answer(question=question, number=Decimal(str(value)))]
    if kind == Question.Kind.DATE:
        return [Answer(question=question, date=dt.date.fromisoformat(value))]
    if kind == Question.Kind.MAP_PIN:
        point = place_of(value)
        return [Answer(question=question, lat=point[0] if point else None, long=point[1] if point else None,
                       text=str(value.get("address") or "")[:TEXT_MAX])]
    return [Answer(question=question, text=str(value)[:TEXT_MAX])]


def save_response(form: Form, answers: dict, *, language: str, district=None) -> Response:
    """Store one response: the answers to the questions that apply, one or more rows each, all or nothing.

    Raises ValidationError when a required question that applies has no answer or a value is malformed (a
    tampered or stale session), so a half-written response never exists."""
    sections = form.ordered_sections()
    missing = missing_required(sections, answers)
    if missing:
        raise ValidationError(_("Answer this question: %(question)s") % {"question": pick(missing[0].text)})
    kept = shown_answers(sections, answers)
    questions = {q.field_name: q for section in sections for q in section.questions_list}
    rows: list[Answer] = []
    try:
        for name, value in kept.items():
            question = questions[name]
            rows += _answer_rows(question, value, {c.pk for c in question.choices.all()})
    except (TypeError, ValueError, AttributeError, InvalidOperation) as error:
        raise ValidationError(_("Some answers could not be read. Please start again.")) from error
    with transaction.atomic():
        response = Response.objects.create(form=form, language=language[:8], district=district,
                                           submitted_at=timezone.now())
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
    return response


def place_of(value: dict | None) -> tuple[float, float] | None:
    """The point of a map answer: the pin when one was dropped (or typed as coordinates), else the typed
    address when it matches one address of the city's list exactly (no guessing), else None."""
    from civicdesk.jurisdictions.services import lookup_address

    if not value:
        return None
    if value.get("lat") is not None and value.get("long") is not None:
        return float(value["lat"]), float(value["long"])
    address = (value.get("address") or "").strip()
    found = lookup_address(address).resolved if address else None
    return (found.lat, found.long) if found is not None else None


def first_pin(form: Form, answers: dict) -> tuple[float, float] | None:
    """The point of the first map answer that has one (see place_of), or None: owners use it to find a
    district."""
    for question in form.questions_in_order():
        value = answers.get(question.field_name)
        if question.kind == Question.Kind.MAP_PIN and (point := place_of(value)) is not None:
            return point
    return None


# --- results ------------------------------------------------------------------------------------------------

def question_results(question: Question, responses) -> dict:
    """What the results page shows for one question, from the answers of `responses` (a Response queryset).

    Every kind has `answered` (responses with an answer to it). Choice kinds: `rows` of (label, count) in
    option order (multiple choice: a response counts once per option it ticked). Rating: `rows` per scale
    point and `mean`. Number: `count`, `min`, `max`, `mean`, `median`. Date: `rows` per date. Ranking: `rows`
    of (label, mean rank, times ranked first), best first. Text and map answers: `answered` only (listed
    elsewhere, with moderation)."""
    answers = Answer.objects.filter(question=question, response__in=responses)
    result: dict = {"question": question, "answered": answers.values("response").distinct().count(), "rows": []}
    kind = question.kind
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        counts = dict(answers.values_list("choice").annotate(n=Count("id")).values_list("choice", "n"))
        result["rows"] = [(pick(c.text), counts.get(c.pk, 0)) for c in question.choices.all()]
    elif kind == Question.Kind.RATING:
        counts = Counter(int(n) for n in answers.values_list("number", flat=True))
        result["rows"] = [(str(point), counts.get(point, 0)) for point in range(1, question.scale_max + 1)]
        total = sum(counts.values())
        result["mean"] = round(sum(k * v for k, v in counts.items()) / total, 2) if total else None
    elif kind == Question.Kind.NUMBER:
        numbers = sorted(answers.values_list("number", flat=True))
        if numbers:
            result.update(count=len(numbers), min=numbers[0], max=numbers[-1],
                          mean=round(sum(numbers) / len(numbers), 2), median=median(numbers))
    elif kind == Question.Kind.DATE:
        result["rows"] = [(day.isoformat(), n) for day, n in
                          answers.values_list("date").annotate(n=Count("id")).order_by("date").values_list("date", "n")]
    elif kind == Question.Kind.RANKING:
        ranks: dict[int, list[int]] = defaultdict(list)
        for choice_id, rank in answers.values_list("choice_id", "rank"):
            ranks[choice_id].append(rank)
        rows = [(pick(c.text), round(sum(ranks[c.pk]) / len(ranks[c.pk]), 2) if ranks[c.pk] else None,
                 sum(1 for r in ranks[c.pk] if r == 1)) for c in question.choices.all()]
        result["rows"] = sorted(rows, key=lambda row: (row[1] is None, row[1] or 0))
    return result


def crosstab(question: Question, responses) -> dict:
    """Counts of a single- or multiple-choice (or rating) question's answers by the respondents' district:
    {"columns": [option labels], "rows": [(district name or "Unknown", [counts]), ...]}."""
    answers = Answer.objects.filter(question=question, response__in=responses)
    if question.kind == Question.Kind.RATING:
        columns = [(point, str(point)) for point in range(1, question.scale_max + 1)]
        found = answers.values_list("response__district__name", "number").annotate(n=Count("id"))
        cells = {(district, int(value)): n for district, value, n in found}
    else:
        columns = [(c.pk, pick(c.text)) for c in question.choices.all()]
        found = answers.values_list("response__district__name", "choice_id").annotate(n=Count("id"))
        cells = {(district, value): n for district, value, n in found}
    districts = sorted({district for district, _value in cells}, key=lambda name: (name is None, name or ""))
    return {"columns": [label for _key, label in columns],
            "rows": [(name or _("Unknown"), [cells.get((name, key), 0) for key, _label in columns])
                     for name in districts]}


def export_rows(form: Form, responses, *, include_hidden: bool = False):
    """(header, rows) of every response, one row each and a column per question (ranking: a column per option;
    map: lat, long, address), for CSV and JSON downloads. Hidden free text is left out unless asked. `rows` is a
    generator reading EXPORT_BATCH responses per query."""
    questions = form.questions_in_order()
    header = ["response", "submitted_at", "language", "district"]
    for q in questions:
        if q.kind == Question.Kind.RANKING:
            header += [f"{q.field_name} rank: {pick(c.text)}" for c in q.choices.all()]
        elif q.kind == Question.Kind.MAP_PIN:
            header += [f"{q.field_name} lat", f"{q.field_name} long", f"{q.field_name} address"]
        else:
            header.append(f"{q.field_name} {pick(q.text)}")
    labels = {c.pk: pick(c.text) for c in Choice.objects.filter(question__section__form=form)}

    def answers_of(batch: list[Response]) -> dict[int, dict[int, list[Answer]]]:
        found: dict[int, dict[int, list[Answer]]] = defaultdict(lambda: defaultdict(list))
        answers = Answer.objects.filter(response__in=[r.pk for r in batch]).order_by("id")
        if not include_hidden:
            answers = answers.filter(hidden_at=None)
        for answer in answers:
            found[answer.response_id][answer.question_id].append(answer)
        return found

    def cells(q: Question, found: list[Answer]) -> list:
        if q.kind == Question.Kind.RANKING:
            ranks = {a.choice_id: a.rank for a in found}
            return [ranks.get(c.pk, "") for c in q.choices.all()]
        if q.kind == Question.Kind.MAP_PIN:
            a = found[0] if found else None
            return [a.lat if a else "", a.long if a else "", a.text if a else ""]
        if not found:
            return [""]
        if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            return ["; ".join(labels[a.choice_id] for a in found)]
        if q.kind in (Question.Kind.RATING, Question.Kind.NUMBER):
            return [int(found[0].number) if q.kind == Question.Kind.RATING else str(found[0].number)]
        if q.kind == Question.Kind.DATE:
            return [found[0].date.isoformat()]
        return [found[0].text]

    def rows():
        # EXPORT_BATCH responses and their answers at a time: memory stays flat however many responses there are.
        ordered = responses.select_related("district").order_by("submitted_at", "id").iterator(chunk_size=EXPORT_BATCH)
        while batch := list(islice(ordered, EXPORT_BATCH)):
            by_response = answers_of(batch)
            for response in batch:
                row = [response.pk, response.submitted_at.isoformat(), response.language,
                       response.district.name if response.district else ""]
                for q in questions:
                    row += cells(q, by_response[response.pk][q.pk])
                yield row

    return header, rows()


def hide_answer(answer: Answer, *, user, hidden: bool = True) -> None:
    """Hide a free-text answer from results and downloads (or show it again); audited."""
    answer.hidden_at = timezone.now() if hidden else None
    answer.save(update_fields=["hidden_at"])
    answer.log_action("answer.hidden" if hidden else "answer.shown", user=user,
                      data={"question": answer.question_id, "response": answer.response_id})
