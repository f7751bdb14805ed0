"""Queueing notifications: `notify()`, opting out and in, and the signed unsubscribe tokens in every message.

Sending lives in `sending.py`; this module only writes rows and enqueues tasks, so it is safe to call from
signal receivers inside the transaction that caused the event.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civicdesk.lib import phones

from .models import ChannelKind, Delivery, LinkToken, Suppression, WebhookEndpoint

if TYPE_CHECKING:
    from civicdesk.servicerequests.models import ServiceRequest

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "civicdesk.notifications.unsubscribe"


@dataclass(frozen=True)
class Recipient:
    """Someone to notify, with the channels they chose (see the contract in docs/notifications.md)."""

    email: str = ""
    phone: str = ""
    language: str = ""
    name: str = ""
    user_id: int | None = None
    channels: frozenset[str] = field(default_factory=lambda: frozenset({"email"}))

    def address(self, channel: str) -> str:
        """This recipient's normalised address on `channel`, or "" when they cannot be reached there."""
        if channel not in self.channels:
            return ""
        if channel == ChannelKind.EMAIL:
            return normalise_address(channel, self.email)
        if channel == ChannelKind.SMS:
            return normalise_address(channel, self.phone)
        return ""

    def language_code(self) -> str:
        """The recipient's language when the site offers it, else the site's default."""
        offered = {code for code, _name in settings.LANGUAGES}
        return self.language if self.language in offered else settings.LANGUAGE_CODE


def normalise_address(channel: str, address: str) -> str:
    """Email addresses lower-cased, phone numbers in E.164 (without spaces when unreadable); the form every
    table stores."""
    address = (address or "").strip()
    if channel == ChannelKind.EMAIL:
        return address.lower()
    if channel == ChannelKind.SMS:
        return phones.sms_number(address) or "".join(address.split())
    return address


# --- unsubscribe tokens ----------------------------------------------------

def link_token(purpose: str, channel: str, address: str, scope: str = "") -> str:
    """The opaque token of a LinkToken for (purpose, channel, address, scope), created on first use.

    Links built from it never reveal the address (see LinkToken)."""
    values = {"purpose": purpose, "channel": channel, "address": address, "scope": scope}
    found = LinkToken.objects.filter(**values).values_list("token", flat=True).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return LinkToken.objects.create(**values).token
    except IntegrityError:  # a twin message created it a moment earlier
        return LinkToken.objects.filter(**values).values_list("token", flat=True).get()


def link_tokens(purpose: str, channel: str, addresses: list[str], scope: str = "") -> dict[str, str]:
    """link_token() for many addresses at once: {address: token}, in two queries (an insert that skips the
    addresses that have one already, then a read of them all)."""
    return {address: token for (address, _scope), token in
            scoped_link_tokens(purpose, channel, [(address, scope) for address in addresses]).items()}


def scoped_link_tokens(purpose: str, channel: str, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """link_token() for many (address, scope) pairs at once: {(address, scope): token}, in two queries."""
    if not pairs:
        return {}
    LinkToken.objects.bulk_create([LinkToken(purpose=purpose, channel=channel, address=address, scope=scope)
                                   for address, scope in pairs], ignore_conflicts=True)
    wanted = set(pairs)
    found = LinkToken.objects.filter(purpose=purpose, channel=channel, scope__in={scope for _a, scope in pairs},
                                     address__in={address for address, _s in pairs})
    return {(address, scope): token for address, scope, token in found.values_list("address", "scope", "token")
            if (address, scope) in wanted}


def read_link_token(token: str, purpose: str) -> LinkToken | None:
    """The LinkToken of `purpose` with this token, or None."""
    if not token or len(token) > 40:
        return None
    return LinkToken.objects.filter(token=token, purpose=purpose).first()


def unsubscribe_token(channel: str, address: str, scope: str) -> str:
    """An opaque, non-expiring token naming what an unsubscribe link stops: (channel, address, scope)."""
    return link_token("unsubscribe", channel, address, scope)


def read_unsubscribe_token(token: str) -> tuple[str, str, str] | None:
    """(channel, address, scope) from a token, or None when this site never issued it.

    Links sent before tokens were opaque carry the signed (channel, address, scope) itself: they keep working.
    """
    found = read_link_token(token, "unsubscribe")
    if found is not None:
        return found.channel, found.address, found.scope
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return str(data["c"]), str(data["a"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(channel: str, address: str, scope: str) -> str:
    """The absolute one-click unsubscribe URL for (channel, address, scope)."""
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(channel, address, scope)])


def describe_scope(scope: str) -> str:
    """What unsubscribing from `scope` stops, in a resident's words (in the active language)."""
    kind, _sep, rest = scope.partition(":")
    if not scope:
        return _("all messages from us")
    if kind == "request":
        return _("updates about request %(id)s") % {"id": rest}
    if kind == "follow":
        return _("updates about a request you follow")
    if kind == "area":
        return _("alerts for an area you subscribed to")
    if kind == "staff":
        return _("staff notifications")
    if kind == "meeting":  # civicdesk/meetings: RSVPs and reminders
        return _("messages about a meeting you RSVPed to")
    if kind == "newsletter":  # civicdesk/newsletter
        return _("the newsletter")
    return _("messages of this kind")


# --- opting out ------------------------------------------------------------

def opt_out(channel: str, address: str, scope: str = "", *, reason: str = Suppression.Reason.UNSUBSCRIBED,
            detail: str = "", user=None) -> None:
    """Stop messages on `channel` to `address` for `scope` ("" = everything). Idempotent; audited once."""
    address = normalise_address(channel, address)
    suppression, created = Suppression.objects.get_or_create(
        channel=channel, address=address, scope=scope, defaults={"reason": reason, "detail": detail[:2000]})
    if created:
        suppression.log_action("suppression.created", user=user,
                               data={"channel": channel, "scope": scope, "reason": reason})
        log.info("%s %s suppressed for %r (%s)", channel, address, scope or "everything", reason)


def opt_in(channel: str, address: str, scope: str = "", *, user=None) -> None:
    """Undo `opt_out` for exactly this (channel, address, scope); a permanent bounce is lifted the same way."""
    address = normalise_address(channel, address)
    for suppression in Suppression.objects.filter(channel=channel, address=address, scope=scope):
        suppression.log_action("suppression.deleted", user=user,
                               data={"channel": channel, "scope": scope, "reason": suppression.reason})
        suppression.delete()


def is_suppressed(channel: str, address: str, scope: str = "") -> bool:
    """True when `address` opted out of `scope` or of everything on `channel`, or bounced there."""
    return Suppression.objects.filter(channel=channel, address=normalise_address(channel, address),
                                      scope__in={"", scope}).exists()


# --- notify ----------------------------------------------------------------

def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class _Templates:
    """The compiled templates of one message, looked up once per notify() call."""

    subject: Any = None
    text: Any = None
    html: Any = None
    sms: Any = None

    @classmethod
    def load(cls, name: str) -> _Templates:
        def find(path: str):
            try:
                return get_template(path)
            except TemplateDoesNotExist:
                return None

        return cls(find(f"{name}_subject.txt"), find(f"{name}.txt"), find(f"{name}.html"), find(f"{name}_sms.txt"))

    def supports(self, channel: str) -> bool:
        if channel == ChannelKind.EMAIL:
            return self.text is not None
        if channel == ChannelKind.SMS:
            return self.sms is not None
        return False


@dataclass(frozen=True)
class Message:
    """One occurrence for `notify_each()`: its key, recipients, template context and unsubscribe scope."""

    key: str
    recipients: Sequence[Recipient]
    context: dict = field(default_factory=dict)
    scope: str = ""


def notify(*, event: str, key: str, recipients: Iterable[Recipient], template: str, context: dict | None = None,
           request: ServiceRequest | None = None, scope: str = "") -> int:
    """Queue one Delivery per (key, channel, address) not queued before, and enqueue sending.

    Call it inside the transaction of the change that caused it (signals do): the deliveries and their send
    tasks are committed or rolled back with that change. `event` is a dotted name ("request.received");
    `key` names this occurrence ("timeline:123"): a (key, channel, address) is delivered at most once, ever.

    Messages are rendered now, inside `translation.override(recipient language)`, from `{template}_subject.txt`,
    `{template}.txt` (required for email), `{template}.html` (optional) and `{template}_sms.txt` (required for
    SMS; a channel whose template is missing is skipped). Templates get `context` plus `recipient`, `site_url`,
    `unsubscribe_url` and `request` when given. With `request`, email carries a signed Reply-To (when
    INBOUND_EMAIL_DOMAIN is set) and the deliveries link to it. `scope` is what an unsubscribe stops;
    addresses that opted out of it or of everything, or bounced, get a SKIPPED row instead of a message.

    Also queues one webhook delivery per active WebhookEndpoint subscribed to `event`, carrying the
    request's public fields only. A public message for webhooks is taken from `context["public_message"]`,
    or from `context["entry"]` when that is a public timeline entry.

    Returns the number of new deliveries queued for sending (skipped ones are not counted).
    """
    context = dict(context or {})
    return sum(_notify_messages(event=event, template=template, request=request,
                                messages=[Message(key=key, recipients=recipients, context=context, scope=scope)])
               .values())


def notify_each(*, event: str, template: str, messages: Iterable[Message]) -> dict[str, int]:
    """notify() for many occurrences of one event at once, each with its own key, recipients, context and scope
    (a bill reminder per bill): the same rows, the same at-most-once guarantee per (key, channel, address), the
    same opt-out and language rules, but a few queries per NOTIFICATIONS_CHUNK_SIZE deliveries instead of a few
    per message. Returns {key: new deliveries queued for sending} (keys with none are left out)."""
    return _notify_messages(event=event, template=template, request=None, messages=list(messages))


def _notify_messages(*, event: str, template: str, request, messages: list[Message]) -> dict[str, int]:
    """The one queueing path of notify() and notify_each(): (key, recipient, context, scope) items chunked by
    NOTIFICATIONS_CHUNK_SIZE, one bulk insert and one send task per chunk, webhooks per message."""
    from .tasks import send_deliveries

    templates = _Templates.load(template)
    if templates.text is None and templates.sms is None:
        raise TemplateDoesNotExist(f"{template}.txt")
    items = ((message.key, recipient, message.context, message.scope)
             for message in messages for recipient in message.recipients)
    queued: dict[str, int] = {}
    with transaction.atomic():
        for chunk in _chunks(items, settings.NOTIFICATIONS_CHUNK_SIZE):
            ids = _queue_chunk(chunk, event=event, template=template, templates=templates, request=request)
            if ids:
                send_deliveries.enqueue(sorted(ids))
                for key in ids.values():
                    queued[key] = queued.get(key, 0) + 1
        endpoints = WebhookEndpoint.objects.for_event(event)
        for message in messages if endpoints else ():
            webhook_ids = _queue_webhooks(event=event, key=message.key, context=message.context, request=request,
                                          endpoints=endpoints)
            if webhook_ids:
                send_deliveries.enqueue(webhook_ids)
                queued[message.key] = queued.get(message.key, 0) + len(webhook_ids)
    return queued


def _queue_chunk(chunk: list[tuple[str, Recipient, dict, str]], *, event: str, template: str,
                 templates: _Templates, request) -> dict[int, str]:
    """Insert this chunk's new deliveries (bulk, conflicts ignored) and return {id: key} of those to send."""
    rows: list[Delivery] = []
    for channel in (ChannelKind.EMAIL, ChannelKind.SMS):
        if not templates.supports(channel):
            continue
        wanted: dict[tuple[str, str], tuple[Recipient, dict, str]] = {}
        for key, recipient, context, scope in chunk:
            address = recipient.address(channel)
            if address and (key, address) not in wanted:
                wanted[(key, address)] = (recipient, context, scope)
        if not wanted:
            continue
        keys, addresses = {key for key, _a in wanted}, {address for _k, address in wanted}
        known = {pair for pair in Delivery.objects.filter(key__in=keys, channel=channel, address__in=addresses)
                 .values_list("key", "address") if pair in wanted}
        scopes = {scope for _r, _c, scope in wanted.values()}
        suppressed = set(Suppression.objects.filter(channel=channel, address__in=addresses, scope__in={"", *scopes})
                         .values_list("address", "scope"))
        fresh = {pair: value for pair, value in wanted.items() if pair not in known
                 and (pair[1], "") not in suppressed and (pair[1], value[2]) not in suppressed}
        # Unsubscribe links for the whole chunk in a few queries, not a look-up per message.
        links = scoped_link_tokens("unsubscribe", channel,
                                   list({(address, value[2]) for (_k, address), value in fresh.items()}))
        for (key, address), (recipient, context, scope) in wanted.items():
            if (key, address) in known:
                continue
            delivery = Delivery(channel=channel, address=address, event=event, key=key, template=template,
                                language=recipient.language_code(), scope=scope, request=request,
                                user_id=recipient.user_id)
            if (key, address) not in fresh:
                delivery.status = Delivery.Status.SKIPPED
                delivery.error = "The address opted out or bounced before this message was queued."
            else:
                _render(delivery, recipient, templates, context, request, link_token=links.get((address, scope)))
            rows.append(delivery)
    if not rows:
        return {}
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids: dict[int, str] = {}
    for channel in {row.channel for row in rows}:
        pairs = {(row.key, row.address) for row in rows
                 if row.channel == channel and row.status == Delivery.Status.QUEUED}
        if not pairs:
            continue
        for pk, key, address in Delivery.objects.filter(
                key__in={key for key, _a in pairs}, channel=channel, address__in={address for _k, address in pairs},
                status=Delivery.Status.QUEUED).values_list("pk", "key", "address"):
            if (key, address) in pairs:
                ids[pk] = key
    return ids


def _render(delivery: Delivery, recipient: Recipient, templates: _Templates, context: dict, request,
            link_token: str | None = None) -> None:
    """Fill the delivery's subject, bodies and headers in the recipient's language."""
    from civicdesk.inbound.tokens import reply_address

    if link_token:
        link = settings.SITE_URL + reverse("notifications:unsubscribe", args=[link_token])
    else:
        link = unsubscribe_url(delivery.channel, delivery.address, delivery.scope)
    values = {**context, "recipient": recipient, "site_url": settings.SITE_URL, "unsubscribe_url": link}
    if request is not None:
        values["request"] = request
    with translation.override(delivery.language):
        if delivery.channel == ChannelKind.SMS:
            delivery.body_text = templates.sms.render(values).strip()
            return
        if templates.subject is not None:
            delivery.subject = " ".join(templates.subject.render(values).split())[:300]
        delivery.body_text = templates.text.render(values)
        if templates.html is not None:
            delivery.body_html = templates.html.render(values)
    headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    if request is not None and (reply_to := reply_address(request.public_id, delivery.address)):
        headers["Reply-To"] = reply_to
    delivery.headers = headers


def public_request_fields(request) -> dict:
    """The fields of a request anyone may see: what webhooks carry. Never contact details; the public point and
    no address for a sensitive service type (ServiceRequest.public_point(), public_address())."""
    lat, long = request.public_point()
    return {
        "service_request_id": request.public_id,
        "service_code": request.service_type.code,
        "service_name": request.service_type.name,
        "status": request.status.code,
        "status_name": request.status.name,
        "address": request.public_address(),
        "lat": lat,
        "long": long,
        "requested_at": request.requested_at,
        "updated_at": request.updated_at,
        "url": settings.SITE_URL + request.get_absolute_url(),
    }


def _queue_webhooks(*, event: str, key: str, context: dict, request, endpoints=None) -> list[int]:
    if endpoints is None:
        endpoints = WebhookEndpoint.objects.for_event(event)
    if endpoints:
        known = set(Delivery.objects.filter(key=key, channel=ChannelKind.WEBHOOK,
                                            address__in=[endpoint.url for endpoint in endpoints])
                    .values_list("address", flat=True))
        endpoints = [endpoint for endpoint in endpoints if endpoint.url not in known]
    if not endpoints:
        return []
    message = context.get("public_message", "")
    entry = context.get("entry")
    if not message and entry is not None and getattr(entry, "is_public", False):
        message = entry.message
    payload = {"event": event, "key": key, "occurred_at": timezone.now(), "message": message,
               "request": public_request_fields(request) if request is not None else None}
    body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)
    rows = [Delivery(channel=ChannelKind.WEBHOOK, address=endpoint.url, endpoint=endpoint, event=event, key=key,
                     request=request, body_text=body, headers={"Content-Type": "application/json"})
            for endpoint in endpoints]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return sorted(Delivery.objects.filter(key=key, channel=ChannelKind.WEBHOOK,
                                          address__in=[row.address for row in rows],
                                          status=Delivery.Status.QUEUED)
                  .values_list("pk", flat=True))


def record_sms_receipt(*, provider_id: str, state: str, error_code: str = "") -> Delivery | None:
    """Apply a delivery receipt from the SMS provider to its Delivery; None when no delivery has that id.

    "failed"/"undelivered" turn a SENT delivery into FAILED (keeping the code); a code that means the number
    can never get texts (TWILIO_UNDELIVERABLE_RECEIPTS) also suppresses it, as a bounce does for email.
    """
    from .transports.sms import TWILIO_UNDELIVERABLE_RECEIPTS

    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update()
                    .filter(channel=ChannelKind.SMS, provider_id=provider_id).exclude(provider_id="").first())
        if delivery is None:
            return None
        delivery.receipt = state[:40]
        fields = ["receipt"]
        if state in ("failed", "undelivered") and delivery.status == Delivery.Status.SENT:
            delivery.status = Delivery.Status.FAILED
            delivery.error = f"The carrier reported the text {state}" + (f" (error {error_code})." if error_code
                                                                         else ".")
            fields += ["status", "error"]
            if error_code.isdigit() and int(error_code) in TWILIO_UNDELIVERABLE_RECEIPTS:
                opt_out(ChannelKind.SMS, delivery.address, "", reason=Suppression.Reason.BOUNCED,
                        detail=delivery.error)
        delivery.save(update_fields=fields)
    return delivery
