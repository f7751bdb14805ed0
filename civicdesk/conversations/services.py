"""The conversation engine: one incoming message in, one short answer out, the state kept in the database.

Every channel (SMS through inbound's handler hook, social platforms through their webhook adapters) calls
`receive()`. The steps: language (detected from the first message or chosen with a keyword), what (suggested
kinds, confirmed with 1/2/3 or a name; then the kind's required questions), where (shared location link, a named
place, or an address with the never-guess rules and "did you mean"), an optional photo, then submit_request().
The emergency guard reads every message. See docs/conversations.md.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from civicdesk.catalog.models import ServiceType
from civicdesk.catalog.services import questions
from civicdesk.jurisdictions import services as jurisdiction_services
from civicdesk.jurisdictions.models import AddressPoint, Jurisdiction
from civicdesk.lib.media import MediaError, process_upload
from civicdesk.servicerequests.services import EmergencyReported, RequestRejected, submit_request
from civicdesk.throttle.services import Limit, RateLimited, check
from civicdesk.triage.services import detect_emergency

from . import kinds, texts
from .language import chosen_language, detect_language
from .media import MediaFetchError, fetcher
from .models import Conversation, ConversationMessage, ReportPhoto
from .places import find_address, is_map_link, landmark, shared_location

log = logging.getLogger("civicdesk.conversations")

Step = Conversation.Step
Status = Conversation.Status

RESTART_WORDS = frozenset({"new", "nuevo", "nueva", "reiniciar", "جديد"})
YES_WORDS = frozenset({"yes", "y", "yeah", "yep", "ok", "si", "sí", "s", "correct", "correcto", "نعم", "اجل", "أجل"})
NO_WORDS = frozenset({"no", "n", "nope", "skip", "none", "nada", "ninguna", "ninguno", "saltar", "لا"})
GREETINGS = frozenset({"hi", "hello", "hey", "hola", "buenas", "buenos", "dias", "días", "tardes", "noches",
                       "good", "morning", "afternoon", "evening", "مرحبا", "السلام", "عليكم", "اهلا", "أهلا",
                       "report", "reporte", "reportar"})
#: Answers not understood before the conversation is flagged for an agent.
MAX_FAILURES = 3


@dataclass(frozen=True)
class Incoming:
    """One message from a resident, already authenticated by its channel."""

    channel: str                  # "sms" or "social:<platform>"
    sender: str                   # phone number or the platform's user id
    text: str
    media_urls: tuple[str, ...] = ()
    message_id: str = ""          # the provider's id: a second delivery changes nothing
    language_hint: str = ""       # what the channel knows of the sender's language (their account's)


@dataclass
class Answer:
    """What to send back (may be empty: an agent has the conversation) and what the message touched."""

    reply: str
    conversation: Conversation | None = None
    request: Any = None
    duplicate: bool = False


@dataclass
class _Turn:
    """The work of one message: the conversation, the words, and the lines of the answer as they build up."""

    conversation: Conversation
    text: str
    media_urls: tuple[str, ...]
    lines: list[str] = field(default_factory=list)
    request: Any = None

    @property
    def state(self) -> dict:
        return self.conversation.state

    def say(self, line: str) -> None:
        self.lines.append(line)


def default_jurisdiction() -> Jurisdiction | None:
    """Where a conversation starts before its address is known: CONVERSATIONS_JURISDICTION (a slug), else the
    first active jurisdiction. The address decides the request's real jurisdiction when it is filed."""
    active = Jurisdiction.objects.filter(is_active=True)
    if settings.CONVERSATIONS_JURISDICTION:
        found = active.filter(slug=settings.CONVERSATIONS_JURISDICTION).first()
        if found is not None:
            return found
    return active.order_by("pk").first()


def open_conversation(channel: str, sender: str) -> Conversation | None:
    """The sender's open (or agent-held) conversation on this channel, or None."""
    return (Conversation.objects.filter(channel=channel, sender=sender, status__in=Conversation.OPEN_STATUSES)
            .order_by("-last_message_at", "-id").first())


def is_restart(text: str) -> bool:
    return text.strip().strip(".!").lower() in RESTART_WORDS


def receive(incoming: Incoming) -> Answer:
    """Take one message: record it, move its conversation one step, and return the answer to send.

    Idempotent on `incoming.message_id`: a message seen before returns the answer first given and changes
    nothing. Refused by the per-number and overall limits with a short answer and no change. Runs in one
    transaction with the sender's conversation row locked, so two messages from one phone never interleave.
    """
    with transaction.atomic():
        if incoming.message_id:
            seen = (ConversationMessage.objects.select_related("conversation")
                    .filter(channel=incoming.channel, provider_id=incoming.message_id[:128]).first())
            if seen is not None:
                answer = (seen.conversation.messages.filter(direction=ConversationMessage.Direction.OUT, pk__gt=seen.pk)
                          .order_by("pk").values_list("text", flat=True).first())
                return Answer(answer or "", seen.conversation, seen.conversation.request, duplicate=True)
        now = timezone.now()
        conversation = (Conversation.objects.select_for_update()
                        .filter(channel=incoming.channel, sender=incoming.sender,
                                status__in=Conversation.OPEN_STATUSES).order_by("-last_message_at", "-id").first())
        language = (conversation.language if conversation else "") or incoming.language_hint or settings.LANGUAGE_CODE
        with translation.override(language):
            try:
                _throttle(incoming, starting=conversation is None or conversation.is_idle(now) or is_restart(
                    incoming.text))
            except RateLimited as exc:
                return Answer(exc.message, conversation)
        text = " ".join((incoming.text or "").split())[:1000]
        lines: list[str] = []
        if conversation is not None and (conversation.is_idle(now) or is_restart(text)):
            conversation.close(Status.ABANDONED, "timed out" if conversation.is_idle(now) else "restarted", now=now)
            conversation.save()
            if not is_restart(text):
                lines.append("timeout")
            conversation = None
        if conversation is None:
            conversation = Conversation.objects.create(
                channel=incoming.channel, sender=incoming.sender, jurisdiction=default_jurisdiction(),
                language=chosen_language(text) or detect_language(text, default=language), started_at=now,
                last_message_at=now)
        ConversationMessage.objects.create(conversation=conversation, channel=incoming.channel,
                                           direction=ConversationMessage.Direction.IN, text=text,
                                           media_urls=list(incoming.media_urls[:10]),
                                           provider_id=incoming.message_id[:128], created_at=now)
        turn = _Turn(conversation, text, tuple(incoming.media_urls[:10]))
        with translation.override(conversation.language):
            if "timeout" in lines:
                turn.say(texts.timed_out())
            _step(turn, restarted=is_restart(text))
            reply = " ".join(turn.lines)
        conversation.last_message_at = now
        conversation.save()
        if reply:
            ConversationMessage.objects.create(conversation=conversation, channel=incoming.channel,
                                               direction=ConversationMessage.Direction.OUT, text=reply)
        return Answer(reply, conversation, turn.request)


def _throttle(incoming: Incoming, *, starting: bool) -> None:
    who = f"{incoming.channel}:{incoming.sender}"
    limits = [Limit(f"conversations:messages:{who}", settings.CONVERSATIONS_MESSAGES_PER_NUMBER_PER_MINUTE, 60),
              Limit("conversations:messages", settings.CONVERSATIONS_MESSAGES_PER_MINUTE, 60)]
    check(*limits, message=texts.too_many())
    if starting:
        check(Limit(f"conversations:started:{who}", settings.CONVERSATIONS_PER_NUMBER_PER_DAY, 86400),
              message=texts.too_many_reports())


def _step(turn: _Turn, *, restarted: bool = False) -> None:
    conversation = turn.conversation
    if conversation.status == Status.TAKEN_OVER:
        return  # the agent reads it in the console and answers from there
    if turn.text and detect_emergency(turn.text).stop:
        _stop_for_emergency(turn)
        return
    if (chosen := chosen_language(turn.text)):
        conversation.language = chosen
        translation.activate(chosen)
        _ask_again(turn)
        return
    if turn.media_urls:
        _keep_photos(turn)
    handler = {Step.DESCRIBE: _describe, Step.KIND: _kind, Step.KIND_NAME: _kind, Step.QUESTION: _question,
               Step.WHERE: _where, Step.CONFIRM_ADDRESS: _confirm_address, Step.PHOTO: _photo}[conversation.step]
    if restarted:
        turn.say(texts.describe())
        return
    handler(turn)
    if conversation.failures >= MAX_FAILURES and not conversation.needs_agent:
        conversation.needs_agent = True
        turn.lines = [texts.handed_to_agent()]


def _failed(turn: _Turn, line: str) -> None:
    turn.conversation.failures += 1
    turn.say(line)


def _stop_for_emergency(turn: _Turn) -> None:
    conversation = turn.conversation
    number = conversation.jurisdiction.emergency_number if conversation.jurisdiction_id else "911"
    conversation.close(Status.EMERGENCY, "emergency")
    drop_photos(conversation)
    turn.say(texts.emergency(number or "911"))


def _ask_again(turn: _Turn) -> None:
    """Repeat the current question in the (newly chosen) language."""
    conversation, state = turn.conversation, turn.state
    step = conversation.step
    if step in (Step.KIND, Step.KIND_NAME):
        names = [t.name for t in ServiceType.objects.filter(pk__in=state.get("offered", []))]
        turn.say(texts.kinds(names) if step == Step.KIND else texts.kind_name(names))
    elif step == Step.QUESTION:
        _ask_question(turn)
    elif step == Step.WHERE:
        turn.say(texts.where())
    elif step == Step.CONFIRM_ADDRESS:
        turn.say(texts.did_you_mean([label for _, label in state.get("candidates", [])]))
    elif step == Step.PHOTO:
        turn.say(texts.photo())
    else:
        turn.say(texts.describe())


# --- what -----------------------------------------------------------------------------------------------------


def _is_greeting(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text.lower())
    return not words or all(word in GREETINGS for word in words)


def _describe(turn: _Turn) -> None:
    if _is_greeting(turn.text):
        turn.say(texts.describe())
        return
    turn.state["description"] = turn.text
    found = find_address(turn.text)
    if found.point is not None:
        turn.state["candidates"] = [[found.point.address_id, found.label]]
    _offer_kinds(turn)


def _offer_kinds(turn: _Turn) -> None:
    conversation = turn.conversation
    offers = kinds.offers_for(turn.state.get("description", ""), jurisdiction=conversation.jurisdiction,
                              language=conversation.language)
    if not offers:
        conversation.needs_agent = True
        turn.say(texts.handed_to_agent())
        return
    turn.state["offered"] = [offer.service_type.pk for offer in offers]
    turn.state["confidence"] = [round(offer.confidence, 3) for offer in offers]
    conversation.step = Step.KIND
    turn.say(texts.kinds([offer.service_type.name for offer in offers]))


def _number(text: str) -> int | None:
    match = re.fullmatch(r"\s*#?(\d{1,2})[.)]?\s*", text)
    return int(match.group(1)) if match else None


def _kind(turn: _Turn) -> None:
    conversation, state = turn.conversation, turn.state
    offered = [t for pk in state.get("offered", []) for t in ServiceType.objects.filter(pk=pk)]
    if not turn.text:
        return _ask_again(turn) if not turn.media_urls else None
    number = _number(turn.text)
    if number is not None and 1 <= number <= len(offered):
        return _choose_kind(turn, offered[number - 1])
    if number == len(offered) + 1 and conversation.step == Step.KIND:
        more = kinds.most_reported(conversation.jurisdiction, limit=3, exclude=offered)
        state["offered"] = [t.pk for t in more]
        conversation.step = Step.KIND_NAME
        turn.say(texts.kind_name([t.name for t in more]))
        return None
    matches = kinds.match_name(turn.text, jurisdiction=conversation.jurisdiction)
    if len(matches) == 1:
        return _choose_kind(turn, matches[0])
    if matches:
        state["offered"] = [t.pk for t in matches]
        conversation.step = Step.KIND
        turn.say(texts.kinds([t.name for t in matches]))
        return None
    _failed(turn, texts.kind_not_understood())
    return None


def _choose_kind(turn: _Turn, service_type: ServiceType) -> None:
    state = turn.state
    state["type"] = service_type.pk
    state["questions"] = [q.code for q in questions(service_type) if q.required and q.variable]
    state["answers"] = {}
    turn.conversation.failures = 0
    if state["questions"]:
        turn.conversation.step = Step.QUESTION
        _ask_question(turn)
    else:
        _ask_where(turn)


def _current_question(turn: _Turn):
    service_type = ServiceType.objects.get(pk=turn.state["type"])
    pending = [code for code in turn.state["questions"] if code not in turn.state["answers"]]
    return next((q for q in questions(service_type) if pending and q.code == pending[0]), None)


def _ask_question(turn: _Turn) -> None:
    attribute = _current_question(turn)
    if attribute is None:
        _ask_where(turn)
        return
    choices = [value.name for value in attribute.values.all()] if attribute.has_values else []
    turn.say(texts.question(attribute.description, choices))


def _question(turn: _Turn) -> None:
    attribute = _current_question(turn)
    if attribute is None:
        _ask_where(turn)
        return
    if not turn.text:
        return _ask_question(turn) if not turn.media_urls else None
    raw: Any = turn.text
    if attribute.has_values:
        values = list(attribute.values.all())
        picked = [values[n - 1].key for n in map(int, re.findall(r"\d+", turn.text)) if 1 <= n <= len(values)]
        if not picked:
            wanted = turn.text.lower()
            picked = [v.key for v in values if v.name.lower() == wanted or v.key.lower() == wanted]
        raw = picked if attribute.datatype == "multivaluelist" else (picked[0] if picked else turn.text)
    try:
        value = attribute.clean_answer(raw)
    except ValidationError as exc:
        turn.conversation.failures += 1
        turn.say(" ".join(exc.messages))
        _ask_question(turn)
        return None
    turn.state["answers"][attribute.code] = value
    _ask_question(turn)
    return None


# --- where ----------------------------------------------------------------------------------------------------


def _ask_where(turn: _Turn) -> None:
    conversation = turn.conversation
    candidates = turn.state.get("candidates") or []
    conversation.failures = 0
    if candidates:
        conversation.step = Step.CONFIRM_ADDRESS
        turn.say(texts.did_you_mean([label for _, label in candidates]))
    else:
        conversation.step = Step.WHERE
        turn.say(texts.where())


def _where(turn: _Turn) -> None:
    text = turn.text
    if not text:
        if not turn.media_urls:
            turn.say(texts.where())
        return
    if (point := shared_location(text)) is not None:
        where = jurisdiction_services.locate(*point)
        if where.jurisdiction is None:
            _failed(turn, texts.outside_area())
            return
        nearest = jurisdiction_services.nearest_address(*point)
        turn.state.update(lat=point[0], long=point[1], address_id="",
                          label=nearest.full_address if nearest else f"{point[0]:.5f}, {point[1]:.5f}")
        turn.conversation.jurisdiction = where.jurisdiction
        _after_where(turn)
        return
    if is_map_link(text):
        _failed(turn, texts.map_link_unreadable())
        return
    if (place := landmark(text)) is not None:
        _take_point(turn, place, place.full_address)
        return
    found = find_address(text)
    if found.point is not None:
        _take_point(turn, found.point, found.label)
    elif found.candidates:
        turn.state["candidates"] = [list(pair) for pair in found.candidates]
        turn.conversation.step = Step.CONFIRM_ADDRESS
        turn.say(texts.did_you_mean([label for _, label in found.candidates]))
    else:
        _failed(turn, texts.address_not_found())


def _take_point(turn: _Turn, point: AddressPoint, label: str) -> None:
    turn.state.update(address_id=point.address_id, label=label, lat=None, long=None)
    turn.state.pop("candidates", None)
    if point.jurisdiction_id:
        turn.conversation.jurisdiction_id = point.jurisdiction_id
    _after_where(turn)


def _confirm_address(turn: _Turn) -> None:
    candidates = turn.state.get("candidates") or []
    word = turn.text.strip(" .!").lower()
    number = _number(turn.text)
    chosen = None
    if word in YES_WORDS and len(candidates) == 1:
        chosen = candidates[0]
    elif number is not None and 1 <= number <= len(candidates):
        chosen = candidates[number - 1]
    if chosen is not None:
        point = AddressPoint.objects.filter(address_id=chosen[0]).first()
        if point is not None:
            _take_point(turn, point, chosen[1])
            return
    turn.state.pop("candidates", None)
    turn.conversation.step = Step.WHERE
    if word in NO_WORDS or not turn.text:
        turn.say(texts.where())
    else:
        _where(turn)


def _after_where(turn: _Turn) -> None:
    turn.conversation.failures = 0
    if turn.conversation.photos.exists():
        _file(turn)
    else:
        turn.conversation.step = Step.PHOTO
        turn.say(texts.photo())


# --- photo and filing -----------------------------------------------------------------------------------------


def _photo(turn: _Turn) -> None:
    word = turn.text.strip(" .!").lower()
    if turn.text and word not in NO_WORDS and not turn.media_urls:
        turn.state["description"] = f"{turn.state.get('description', '')}\n{turn.text}".strip()
    if turn.media_urls and not turn.conversation.photos.exists():
        turn.say(texts.photo())  # every picture was refused: the reason is said, a better one may follow
        return
    _file(turn)


def _keep_photos(turn: _Turn) -> None:
    """Fetch, check and store the message's pictures (MAX_PHOTOS_PER_REQUEST at most); say why one is refused."""
    conversation = turn.conversation
    room = settings.MAX_PHOTOS_PER_REQUEST - conversation.photos.count()
    for index, url in enumerate(turn.media_urls[:max(room, 0)], start=1):
        try:
            data = _fetcher_for(conversation.channel).fetch(url)
            media = process_upload(ContentFile(data, name=f"mms-{index}"))
        except MediaFetchError as exc:
            log.warning("conversation %s: picture not fetched: %s", conversation.pk, exc)
            turn.say(texts.photo_not_kept(gettext("we could not download it.")))
            continue
        except MediaError as exc:
            turn.say(texts.photo_not_kept(str(exc)))
            continue
        if media.kind != "photo":
            turn.say(texts.photo_not_kept(gettext("only photos can be sent by message.")))
            continue
        photo = ReportPhoto(conversation=conversation, content_type=media.content_type,
                            original_name=f"photo-{index}.{media.extension}")
        photo.file.save(f"photo-{index}.{media.extension}", ContentFile(media.content), save=False)
        photo.save()


def _fetcher_for(channel: str):
    if channel.startswith("social:"):
        from .social import adapter

        return adapter(channel.split(":", 1)[1]).media_fetcher()
    return fetcher()


def drop_photos(owner) -> None:
    """Delete the waiting photos of a conversation or email report; their files once the transaction commits."""
    names = [photo.file.name for photo in owner.photos.all()]
    owner.photos.all().delete()

    def delete_files() -> None:
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                log.warning("could not remove report photo %s", name)

    transaction.on_commit(delete_files)


def _file(turn: _Turn) -> None:
    conversation, state = turn.conversation, turn.state
    service_type = ServiceType.objects.filter(pk=state.get("type")).first()
    photos = list(conversation.photos.all())
    is_sms = conversation.channel == "sms"
    try:
        request = submit_request(
            service_type=service_type, channel="sms" if is_sms else "social",
            address_id=state.get("address_id") or "", lat=state.get("lat"), long=state.get("long"),
            address=state.get("label", "") if state.get("lat") is not None else "",
            description=state.get("description", ""), attributes=state.get("answers") or {},
            contact_phone=conversation.sender if is_sms else "", language=conversation.language,
            client_name=conversation.channel, uploads=[File(p.file.open("rb"), name=p.original_name) for p in photos],
            # The answer below carries the tracking number: no second text with it.
            acknowledged_on=frozenset({"sms"}) if is_sms else frozenset())
    except EmergencyReported:
        _stop_for_emergency(turn)
        return
    except RequestRejected as exc:
        if "location" in exc.errors:
            state.pop("candidates", None)
            conversation.step = Step.WHERE
            _failed(turn, f"{exc.errors['location'][0]} {texts.where()}")
            return
        conversation.needs_agent = True
        turn.say(texts.cannot_file(str(exc)))
        return
    finally:
        for photo in photos:
            photo.file.close()
    conversation.request = request
    conversation.jurisdiction_id = request.jurisdiction_id
    conversation.close(Status.FILED, "filed")
    drop_photos(conversation)
    turn.request = request
    turn.say(texts.filed(request.public_id))


# --- agents ---------------------------------------------------------------------------------------------------


def take_over(conversation: Conversation, *, user) -> None:
    """An agent takes the conversation: the engine stops answering and the agent answers from the console."""
    with transaction.atomic():
        conversation.status, conversation.agent, conversation.needs_agent = Status.TAKEN_OVER, user, False
        conversation.save(update_fields=["status", "agent", "needs_agent"])
        conversation.log_action("conversation.taken_over", user=user)


def agent_reply(conversation: Conversation, *, user, text: str) -> ConversationMessage:
    """Send the agent's words to the resident on the conversation's channel (SMS through notify(); a social
    platform through its adapter) and keep them in the transcript. Limited per conversation per hour."""
    from civicdesk.notifications.services import Recipient, notify

    check(Limit(f"conversations:agent-reply:{conversation.pk}", 30, 3600))
    with transaction.atomic():
        message = ConversationMessage.objects.create(
            conversation=conversation, channel=conversation.channel, direction=ConversationMessage.Direction.OUT,
            text=text, author=user)
        conversation.last_message_at = message.created_at
        conversation.save(update_fields=["last_message_at"])
        conversation.log_action("conversation.agent_replied", user=user, data={"message": message.pk})
        if conversation.channel == "sms":
            notify(event="conversation.agent_reply", key=f"conversation-message:{message.pk}",
                   recipients=[Recipient(phone=conversation.sender, language=conversation.language,
                                         channels=frozenset({"sms"}))],
                   template="conversations/sms/agent_reply", context={"text": text}, scope="conversations")
    if conversation.channel.startswith("social:"):
        from .social import adapter

        adapter(conversation.channel.split(":", 1)[1]).send(conversation.sender, text)
    return message


def agent_file(conversation: Conversation, *, user, service_type: ServiceType, address: str, description: str,
               attributes: dict | None = None):
    """The agent files the report for the resident (submit_request with the agent as actor) and ends the
    conversation; the resident is told the tracking number (SMS: the usual acknowledgement; a platform: a
    message). `attributes`: the answers to the kind's questions. Raises RequestRejected (nothing changed) when
    the rules refuse it."""
    photos = list(conversation.photos.all())
    is_sms = conversation.channel == "sms"
    try:
        with transaction.atomic():
            state = conversation.state
            request = submit_request(
                service_type=service_type, channel="sms" if is_sms else "social", address=address,
                address_id="" if address else state.get("address_id") or "", description=description,
                attributes=attributes or {},
                lat=None if address else state.get("lat"), long=None if address else state.get("long"),
                contact_phone=conversation.sender if is_sms else "", language=conversation.language, actor=user,
                client_name=conversation.channel,
                uploads=[File(p.file.open("rb"), name=p.original_name) for p in photos])
            conversation.request, conversation.jurisdiction_id = request, request.jurisdiction_id
            conversation.close(Status.FILED, "filed by agent")
            conversation.agent = conversation.agent or user
            conversation.save()
            drop_photos(conversation)
            conversation.log_action("conversation.filed", user=user, data={"request": request.public_id})
    finally:
        for photo in photos:
            photo.file.close()
    if not is_sms:
        with translation.override(conversation.language):
            agent_reply(conversation, user=user, text=texts.filed(request.public_id))
    return request


def agent_close(conversation: Conversation, *, user) -> None:
    """The agent ends the conversation without a report (audited); its photos are dropped."""
    with transaction.atomic():
        conversation.close(Status.ABANDONED, "closed by agent")
        conversation.save()
        drop_photos(conversation)
        conversation.log_action("conversation.closed", user=user)
