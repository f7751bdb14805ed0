"""Inbound webhooks: raw email from a mail provider, and Twilio's incoming SMS."""

from __future__ import annotations

import hmac
import logging
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services, webhook

log = logging.getLogger("civicdesk.inbound")


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The raw body, or None when it is (or claims to be) over `limit` bytes.

    Read from the stream rather than request.body, whose cap (DATA_UPLOAD_MAX_MEMORY_SIZE) is meant
    for forms and is far below an email with photos.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@csrf_exempt
@require_POST
def email(request: HttpRequest) -> HttpResponse:
    """A mail provider's inbound webhook: POST the raw message, signed with INBOUND_WEBHOOK_SECRET.

    Answers 200 when the reply was recorded, ignored (automatic reply) or seen before; 406 when the
    message was understood and refused (bad reply address, unknown request, empty), which providers
    should not retry; 403 for a missing, wrong or stale signature; 400/415/413 for a body that is not
    a message. The endpoint does not exist (404) until the secret is set. See docs/inbound.md.
    """
    secret = settings.INBOUND_WEBHOOK_SECRET
    if not secret:
        raise Http404("inbound mail webhook not configured")
    body = _read_body(request, settings.INBOUND_EMAIL_MAX_BYTES)
    if body is None:
        return JsonResponse({"error": "message too large"}, status=413)
    problem = webhook.check_signature(body, timestamp=request.headers.get(webhook.TIMESTAMP_HEADER, ""),
                                      signature=request.headers.get(webhook.SIGNATURE_HEADER, ""), secret=secret,
                                      max_age=settings.INBOUND_WEBHOOK_MAX_AGE)
    if problem:
        log.warning("inbound mail webhook refused: %s", problem)
        return JsonResponse({"error": "bad signature"}, status=403)
    try:
        mail = webhook.extract_mail(request.META.get("CONTENT_TYPE", ""), body)
    except webhook.NoMessage as exc:
        unsupported = str(exc).startswith("unsupported")
        return JsonResponse({"error": str(exc)}, status=415 if unsupported else 400)
    received = services.receive_email(mail.raw, recipients=mail.recipients, envelope_sender=mail.envelope_sender)
    message = received.message
    return JsonResponse({"outcome": message.outcome, "reason": message.reason, "duplicate": received.duplicate},
                        status=200 if received.delivered else 406)


def twiml(answer: str) -> HttpResponse:
    """A TwiML document answering with one SMS (`answer`), or with nothing when it is empty."""
    if answer:
        document = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(answer)}</Message></Response>'
    else:
        document = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    return HttpResponse(document, content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_POST
def twilio_sms(request: HttpRequest) -> HttpResponse:
    """Twilio's incoming-message webhook; the answer is TwiML, so Twilio sends it back at once.

    X-Twilio-Signature is checked against SITE_URL + this path (the URL Twilio was given: behind a
    proxy the host Django sees may differ) and every POSTed field, with TWILIO_AUTH_TOKEN.
    """
    token = settings.TWILIO_AUTH_TOKEN
    if not token:
        raise Http404("Twilio is not configured")
    from civicdesk.notifications.transports.sms import twilio_signature

    url = settings.SITE_URL + request.get_full_path()
    params = {key: request.POST.get(key, "") for key in request.POST}
    expected = twilio_signature(url, params, token)
    given = request.headers.get("X-Twilio-Signature", "")
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        log.warning("inbound sms refused: bad X-Twilio-Signature for %s", url)
        return HttpResponse("bad signature", status=403, content_type="text/plain")
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    sender = params.get("From", "")
    if not sid or not sender:
        return HttpResponse("MessageSid and From are required", status=400, content_type="text/plain")
    try:
        count = min(int(params.get("NumMedia") or 0), 10)
    except ValueError:
        count = 0
    media = [params[f"MediaUrl{i}"] for i in range(count) if params.get(f"MediaUrl{i}")]
    received = services.receive_sms(sid=sid, sender=sender, to=params.get("To", ""), body=params.get("Body", ""),
                                    media_urls=media)
    return twiml(received.message.answer)
