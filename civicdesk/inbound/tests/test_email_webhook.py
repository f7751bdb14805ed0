"""POST /inbound/email/: raw MIME from a mail provider, signed with the shared secret."""

from __future__ import annotations

import json
import time

from django.test.client import BOUNDARY, encode_multipart

from civicdesk.inbound.models import InboundMessage
from civicdesk.inbound.tokens import reply_address
from civicdesk.inbound.webhook import sign
from civicdesk.servicerequests.models import TimelineEntry

from .conftest import photo, reply_mail, report

URL = "/inbound/email/"
SECRET = "webhook-secret-for-tests"
# A copy, not Django's constant: the test client would otherwise re-encode our already encoded body.
FORM = f"multipart/form-data; boundary={BOUNDARY}"


def post(client, body: bytes, content_type: str = "message/rfc822", *, timestamp: int | None = None,
         secret: str = SECRET, signature: str | None = None):
    moment = int(time.time()) if timestamp is None else timestamp
    headers = {"X-CivicDesk-Timestamp": str(moment),
               "X-CivicDesk-Signature": signature if signature is not None else sign(body, moment, secret)}
    return client.post(URL, data=body, content_type=content_type, headers=headers)


def entries(request):
    return TimelineEntry.objects.filter(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY, is_public=False)


def test_it_records_a_signed_rfc822_body(world, client):
    request = report(world)
    response = post(client, reply_mail(request, text="Still there.").as_bytes())
    assert response.status_code == 200
    assert response.json() == {"outcome": "accepted", "reason": "", "duplicate": False}
    assert entries(request).get().message == "Still there."


def test_it_reads_the_raw_message_from_a_mailgun_style_form_field_beyond_the_form_size_limit(world, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    request = report(world)
    address = reply_address(request.public_id, "alice@example.org")
    raw = reply_mail(request, text="Here is a photo.", attachments=[("p.jpg", "image", "jpeg", photo((400, 300)))])
    body = encode_multipart(BOUNDARY, {"body-mime": raw.as_string(),
                                       "recipient": address, "sender": "alice@example.org"})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = post(client, body, FORM)
    assert response.status_code == 200, response.content
    assert entries(request).get().message == "Here is a photo."
    assert request.attachments.filter(hidden=True).count() == 1


def test_it_reads_sendgrids_raw_email_field_and_its_envelope(world, client):
    request = report(world)
    address = reply_address(request.public_id, "alice@example.org")
    raw = reply_mail(request, text="Sent through SendGrid.", to="Town of Elm <311@elm.example.gov>")
    body = encode_multipart(BOUNDARY, {"email": raw.as_string(),
                                       "envelope": json.dumps({"to": [address], "from": "alice@example.org"})})
    response = post(client, body, FORM)
    assert response.status_code == 200
    assert entries(request).get().message == "Sent through SendGrid."


def test_it_refuses_a_wrong_or_missing_signature_and_saves_nothing(world, client):
    request = report(world)
    raw = reply_mail(request).as_bytes()
    assert post(client, raw, secret="guessed").status_code == 403
    assert post(client, raw, signature="").status_code == 403
    assert post(client, raw, signature=sign(raw + b"tampered", int(time.time()), SECRET)).status_code == 403
    assert not InboundMessage.objects.exists() and not entries(request).exists()


def test_it_refuses_a_replay_outside_the_time_window_and_ignores_one_inside_it(world, client, settings):
    request = report(world)
    raw = reply_mail(request).as_bytes()
    stale = int(time.time()) - settings.INBOUND_WEBHOOK_MAX_AGE - 5
    assert post(client, raw, timestamp=stale).status_code == 403
    assert post(client, raw, timestamp=int(time.time()) + settings.INBOUND_WEBHOOK_MAX_AGE + 5).status_code == 403
    now = int(time.time())
    assert post(client, raw, timestamp=now).json()["duplicate"] is False
    replay = post(client, raw, timestamp=now)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert entries(request).count() == 1


def test_it_answers_406_for_a_message_it_understood_and_refused(world, client):
    request = report(world)
    forged = reply_mail(request, sender="mallory@example.net", to=reply_address(request.public_id, "alice@example.org"))
    response = post(client, forged.as_bytes())
    assert response.status_code == 406
    assert response.json() == {"outcome": "rejected", "reason": "bad_address", "duplicate": False}


def test_it_answers_200_for_an_automatic_reply_it_drops(world, client):
    request = report(world)
    response = post(client, reply_mail(request, headers={"Auto-Submitted": "auto-replied"}).as_bytes())
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert not entries(request).exists()


def test_it_refuses_bodies_that_carry_no_message(world, client):
    assert post(client, b'{"hello": 1}', "application/json").status_code == 415
    assert post(client, encode_multipart(BOUNDARY, {"subject": "hi"}), FORM).status_code == 400
    assert not InboundMessage.objects.exists()


def test_it_refuses_a_body_over_the_size_limit_before_reading_it(world, client, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 1000
    request = report(world)
    assert post(client, reply_mail(request, text="x " * 1000).as_bytes()).status_code == 413


def test_it_does_not_exist_without_a_secret_and_takes_only_post(world, client, settings):
    assert client.get(URL).status_code == 405
    settings.INBOUND_WEBHOOK_SECRET = ""
    request = report(world)
    assert post(client, reply_mail(request).as_bytes(), secret="").status_code == 404
