"""Demo content for the staff queues of reports by message (the Riverbend demo city calls seed())."""

from __future__ import annotations

import datetime as dt

from civicdesk.jurisdictions.models import AddressPoint

from .models import Conversation, ConversationMessage, EmailReport


def seed(*, jurisdiction, types: dict, now: dt.datetime) -> str:
    """Two email reports waiting for triage and two conversations (one stuck, one filed by text) in the
    jurisdiction; `types` are service types by code. Returns a line for the load_demo_city summary."""
    point = AddressPoint.objects.filter(jurisdiction=jurisdiction).exclude(number="").order_by("pk").first()
    place = point.full_address if point else "Market Street"
    light, trash = types.get("streetlight-out"), types.get("missed-trash")
    EmailReport.objects.create(
        message_key="demo-1@mail.example.org", body_hash="demo-1", jurisdiction=jurisdiction,
        sender="maria.lopez@example.org", sender_name="María López", subject="Luz de la calle apagada",
        text=f"Hola, la luz de la calle frente a {place} lleva tres noches apagada. Gracias.", language="es",
        suggested_type=light, confidence=0.62, address_text=place, address_id=point.address_id if point else "",
        why_queued="The suggested kind is not certain enough (62%).", received_at=now - dt.timedelta(hours=3))
    EmailReport.objects.create(
        message_key="demo-2@mail.example.org", body_hash="demo-2", jurisdiction=jurisdiction,
        sender="tom.becker@example.org", sender_name="Tom Becker", subject="Trash",
        text="Nobody picked up our trash on Elm this week, the whole block is waiting.",
        suggested_type=trash, confidence=0.91, why_queued="No single address was found in the text.",
        received_at=now - dt.timedelta(hours=1))
    stuck = Conversation.objects.create(
        channel="sms", sender="+15550142233", jurisdiction=jurisdiction, language="en", needs_agent=True,
        failures=3, step=Conversation.Step.WHERE, state={"description": "Big branch down blocking the sidewalk"},
        started_at=now - dt.timedelta(minutes=12), last_message_at=now - dt.timedelta(minutes=4))
    for minutes, direction, text in [
            (12, "in", "Big branch down blocking the sidewalk"),
            (12, "out", "Is this about 1) Tree down 2) Sidewalk damage 3) Something else? Reply 1, 2, 3 or the name."),
            (10, "in", "1"), (10, "out", "Where is it? Send the street address (like 440 W Market St), a place "
                                          "name, or share your location."),
            (8, "in", "by the old mill"), (7, "in", "near the river path"), (4, "in", "behind the school"),
            (4, "out", "We are having trouble. An agent will read your messages and answer here, or report online.")]:
        ConversationMessage.objects.create(conversation=stuck, channel="sms", direction=direction, text=text,
                                           created_at=now - dt.timedelta(minutes=minutes))
    Conversation.objects.create(
        channel="sms", sender="+15550147788", jurisdiction=jurisdiction, language="es", state={},
        step=Conversation.Step.PHOTO, started_at=now - dt.timedelta(minutes=6),
        last_message_at=now - dt.timedelta(minutes=2))
    return "2 email reports to triage, 2 conversations (1 needs an agent)"
