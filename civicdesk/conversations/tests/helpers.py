"""Conversations and email reports made directly, for the staff-side tests."""

from __future__ import annotations

from civicdesk.conversations.models import Conversation, ConversationMessage, EmailReport


def stuck_conversation(world, *, sender: str = "+15557654321", text: str = "Graffiti on the bus shelter") -> Conversation:
    conversation = Conversation.objects.create(channel="sms", sender=sender, jurisdiction=world.elm,
                                               step=Conversation.Step.WHERE, needs_agent=True,
                                               state={"description": text, "type": world.graffiti.pk})
    ConversationMessage.objects.create(conversation=conversation, channel="sms", direction="in", text=text)
    ConversationMessage.objects.create(conversation=conversation, channel="sms", direction="out",
                                       text="Where is it?")
    return conversation


def queued_email(world, *, text: str = "Graffiti on the wall near 14 Oak Street", subject: str = "Graffiti",
                 key: str = "m1@example.org") -> EmailReport:
    return EmailReport.objects.create(message_key=key, body_hash=key, jurisdiction=world.elm,
                                      sender="rosa@example.org", sender_name="Rosa", subject=subject, text=text,
                                      suggested_type=world.graffiti, confidence=0.4, address_text="14 Oak Street",
                                      why_queued="The suggested kind is not certain enough (40%).")
