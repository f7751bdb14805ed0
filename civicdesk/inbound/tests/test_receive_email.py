"""receive_email(): a resident's email reply lands on their request's timeline once, staff-only, with its photos."""

from __future__ import annotations

from django.urls import reverse

from civicdesk.audit.models import AuditEntry
from civicdesk.inbound.models import InboundMessage
from civicdesk.inbound.services import receive_email
from civicdesk.inbound.tokens import reply_address
from civicdesk.servicerequests import services as requests
from civicdesk.servicerequests.models import Attachment, TimelineEntry

from .conftest import SITE, photo, reply_mail, report

REPLY = TimelineEntry.Kind.RESIDENT_REPLY


def replies(request, public: bool):
    return list(TimelineEntry.objects.filter(request=request, kind=REPLY, is_public=public))


def test_it_adds_the_trimmed_text_as_a_staff_only_entry_and_a_public_marker(world):
    request = report(world)
    before = request.updated_at
    mail = reply_mail(request, text="Still there, and bigger.\n\nOn Mon, Nov 27, 2026, Town of Elm wrote:\n> Hi")
    received = receive_email(mail.as_bytes())
    assert received.delivered and not received.duplicate
    assert received.message.outcome == "accepted" and received.message.sender == "alice@example.org"
    [private] = replies(request, public=False)
    assert private.message == "Still there, and bigger."
    assert private.data["channel"] == "email" and private.data["from"] == "alice@example.org"
    assert private.data["after_close"] is False and private.author is None
    [public] = replies(request, public=True)
    assert public.message == "" and public.data == {"reply": private.pk}
    assert received.message.entry == private and received.message.request == request
    request.refresh_from_db()
    assert request.updated_at > before
    audit = AuditEntry.objects.get(action="servicerequest.resident_replied", object_id=str(request.pk))
    assert audit.data["channel"] == "email" and audit.data["entry"] == private.pk and audit.actor is None


def test_it_never_shows_the_reply_text_on_the_public_tracking_page(world, client):
    request = report(world)
    # Canaries that cannot turn up by chance (a tracking number or a CSRF token once held "4B").
    receive_email(reply_mail(request, text="My flat is number Quillfeather-4B7, call me on 555-0199.").as_bytes())
    page = client.get(request.get_absolute_url()).content.decode()
    assert "Reply from the resident" in page
    assert "555-0199" not in page and "Quillfeather" not in page


def test_it_keeps_an_image_as_a_hidden_attachment_and_notes_refused_files(world, settings):
    settings.MAX_PHOTO_BYTES = 200_000
    request = report(world)
    noise = bytes(range(256)) * 1200  # 300 KB that no photo decoder accepts
    mail = reply_mail(request, text="Photos attached.", attachments=[
        ("hole.jpg", "image", "jpeg", photo()),
        ("letter.pdf", "application", "pdf", b"%PDF-1.4 a letter"),
        ("huge.jpg", "image", "jpeg", b"\xff\xd8\xff" + noise),
    ])
    received = receive_email(mail.as_bytes())
    assert received.message.outcome == "accepted"
    [attachment] = Attachment.objects.filter(request=request)
    assert attachment.kind == "photo" and attachment.hidden and attachment.content_type == "image/jpeg"
    assert attachment.file.read()[:3] == b"\xff\xd8\xff"
    [entry] = replies(request, public=False)
    assert entry.data["attachments"] == [attachment.pk]
    assert [item["filename"] for item in entry.data["not_kept"]] == ["letter.pdf", "huge.jpg"]
    assert "not a photo or video we can accept" in entry.data["not_kept"][0]["reason"]
    assert "too large" in entry.data["not_kept"][1]["reason"]
    assert entry.message.startswith("Photos attached.\n\nNot kept: letter.pdf (")
    # The public page shows no photo from a reply.
    assert list(request.visible_photos()) == []


def test_it_accepts_a_reply_that_is_only_a_photo(world):
    request = report(world)
    mail = reply_mail(request, text="", attachments=[("IMG_0001.JPG", "image", "jpeg", photo())])
    assert receive_email(mail.as_bytes()).message.outcome == "accepted"
    assert Attachment.objects.filter(request=request, hidden=True).count() == 1


def test_it_records_a_reply_to_a_closed_request_and_flags_it_for_staff(world):
    request = report(world)
    requests.transition(request, world.statuses["fixed"], user=world.bob, message="Painted over")
    received = receive_email(reply_mail(request, text="It came back overnight.").as_bytes())
    assert received.message.outcome == "accepted"
    [entry] = replies(request, public=False)
    assert entry.data["after_close"] is True
    assert entry.message == "This request was already closed when the resident replied.\n\nIt came back overnight."


def test_it_ignores_automatic_replies_without_touching_the_request(world):
    request = report(world)
    for headers in ({"Auto-Submitted": "auto-replied"}, {"Precedence": "bulk"}):
        received = receive_email(reply_mail(request, text="I am away.", headers=headers).as_bytes())
        assert received.delivered and received.message.outcome == "ignored"
        assert received.message.reason == "auto_reply"
    bounce = reply_mail(request, text="Delivery failed", sender="mailer-daemon@mx.example.org",
                        to=reply_address(request.public_id, "alice@example.org"))
    assert receive_email(bounce.as_bytes()).message.outcome == "ignored"
    assert not TimelineEntry.objects.filter(request=request, kind=REPLY).exists()


def test_it_rejects_a_reply_address_signed_for_someone_else(world):
    request = report(world)
    forwarded = reply_mail(request, sender="mallory@example.net",
                           to=reply_address(request.public_id, "alice@example.org"))
    received = receive_email(forwarded.as_bytes())
    assert not received.delivered and received.message.reason == "bad_address"
    assert received.message.request is None
    assert not TimelineEntry.objects.filter(request=request, kind=REPLY).exists()


def test_it_accepts_the_envelope_sender_when_the_from_header_differs(world):
    request = report(world)
    address = reply_address(request.public_id, "alice@example.org")
    mail = reply_mail(request, sender="alice@forwarder.example", to=address)
    received = receive_email(mail.as_bytes(), recipients=[address], envelope_sender="alice@example.org")
    assert received.message.outcome == "accepted" and received.message.sender == "alice@example.org"


def test_it_rejects_unsigned_foreign_and_unknown_addresses(world):
    request = report(world)
    for to in ("reply+" + request.public_id.replace("-", "").lower() + "-0000000000000000@replies.elm.example.gov",
               "someone@replies.elm.example.gov", "311@elm.example.gov"):
        received = receive_email(reply_mail(request, to=to).as_bytes())
        assert received.message.outcome == "rejected" and received.message.reason == "bad_address"
    gone = reply_mail(request, to=reply_address("ZZZZ-ZZZZ", "alice@example.org"))
    assert receive_email(gone.as_bytes()).message.reason == "unknown_request"
    assert not TimelineEntry.objects.filter(request=request, kind=REPLY).exists()


def test_it_records_the_same_message_once_however_often_it_arrives(world):
    request = report(world)
    raw = reply_mail(request).as_bytes()
    first = receive_email(raw)
    again = receive_email(raw)
    assert again.duplicate and again.message.pk == first.message.pk
    assert len(replies(request, public=False)) == 1
    assert InboundMessage.objects.count() == 1


def test_it_rejects_an_empty_reply_and_a_flood_of_replies(world, settings):
    request = report(world)
    empty = receive_email(reply_mail(request, text="\n> only the quote\n").as_bytes())
    assert empty.message.outcome == "rejected" and empty.message.reason == "empty"
    settings.INBOUND_MAX_REPLIES_PER_HOUR = 2
    outcomes = [receive_email(reply_mail(request, text=f"Reply {n}").as_bytes()).message.outcome for n in range(3)]
    assert outcomes == ["accepted", "accepted", "rejected"]
    assert InboundMessage.objects.filter(reason="too_many").count() == 1


def test_it_rejects_bytes_that_are_not_a_message(world):
    received = receive_email(b"\r\n\r\nnot headers at all")
    assert received.message.outcome == "rejected" and received.message.reason == "malformed"


def test_it_names_a_sender_who_is_not_the_reporter(world):
    request = report(world)
    follower = receive_email(reply_mail(request, sender="neighbour@example.com", text="Me too.").as_bytes())
    assert follower.message.outcome == "accepted"
    entry = follower.message.entry
    assert entry.data["sender_role"] == "other"
    assert entry.message == "Sent by neighbour@example.com, who did not report this request.\n\nMe too."
    assert TimelineEntry.objects.filter(request=request, kind=REPLY, is_public=True).count() == 1


def test_it_keeps_a_staff_members_email_answer_off_the_public_timeline(world):
    request = report(world)
    received = receive_email(reply_mail(request, sender="bob@elm.example.gov", text="On it.").as_bytes())
    assert received.message.entry.data["sender_role"] == "staff"
    assert not TimelineEntry.objects.filter(request=request, kind=REPLY, is_public=True).exists()


def test_it_tells_the_assignee_that_the_resident_replied(world):
    from civicdesk.notifications.models import Delivery

    request = report(world)
    requests.assign(request, user=world.carol, assignee=world.bob)
    requests.transition(request, world.statuses["fixed"], user=world.bob)
    received = receive_email(reply_mail(request, text="It came back.").as_bytes())
    delivery = Delivery.objects.get(event="staff.resident_replied")
    assert delivery.address == "bob@elm.example.gov" and delivery.key == f"timeline:{received.message.entry.pk}"
    assert delivery.subject == f"Resident replied: {request.public_id} Graffiti"
    assert "A reply arrived by email about request" in delivery.body_text
    assert "decide whether to reopen it" in delivery.body_text
    assert "It came back." in delivery.body_text
    assert SITE + reverse("staff:detail", args=[request.public_id]) in delivery.body_text
