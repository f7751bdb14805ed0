"""Reports by text message, through the real Twilio webhook (/inbound/sms/twilio/), signed as Twilio signs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from civicdesk.conversations.models import Conversation, ConversationMessage, ReportPhoto
from civicdesk.inbound.models import InboundMessage
from civicdesk.notifications.services import is_suppressed
from civicdesk.servicerequests.models import ServiceRequest, TimelineEntry
from civicdesk.servicerequests.services import submit_request
from civicdesk.testing.world import IN_EAST_ELM

from .conftest import ALICE_PHONE, jpeg, text


def test_it_files_a_complete_report_by_text_in_english(world, client):
    first = text(client, "There is a big pothole in the road outside my house")
    assert first == "Is this about 1) Graffiti 2) Pothole 3) Something else? Reply 1, 2, 3 or the name."
    assert text(client, "2") == "How deep is it? 1) Shallow (under 5 cm) 2) Deep (5 cm or more)"
    assert text(client, "2").startswith("Where is it? Send the street address")
    assert text(client, "12 Oak Street") == "Got it. Send a photo if you have one, or reply NO to finish."
    done = text(client, "no")
    request = ServiceRequest.objects.get()
    assert done == (f"Thank you. Your report is filed. Tracking number: {request.public_id}. "
                    f"Text STATUS {request.public_id} for updates.")
    assert len(done) <= 160
    assert (request.channel, request.service_type, request.address_id) == ("sms", world.pothole, "A1")
    assert request.attributes == {"depth": "deep"}
    assert request.contact_phone and request.language == "en"
    assert request.description == "There is a big pothole in the road outside my house"
    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.request, conversation.jurisdiction) == ("filed", request, world.elm)
    assert conversation.messages.filter(direction="in").count() == 5
    assert InboundMessage.objects.filter(reason="handled").count() == 5


def test_it_files_a_complete_report_by_text_in_spanish(world, client):
    first = text(client, "Hay un bache enorme en la calle de mi casa")
    assert first.startswith("¿Se trata de 1) Bache 2) Graffiti 3) Otra cosa?")
    assert text(client, "1") == "¿Qué profundidad tiene? 1) Shallow (under 5 cm) 2) Deep (5 cm or more)"
    assert text(client, "1").startswith("¿Dónde está?")
    assert text(client, "14 Oak St").startswith("Recibido. Envíe una foto")
    done = text(client, "No")
    request = ServiceRequest.objects.get()
    assert done.startswith("Gracias. Su reporte quedó registrado.") and request.public_id in done
    assert len(done) <= 160
    assert (request.language, request.attributes, request.address_id) == ("es", {"depth": "shallow"}, "A2")


def test_it_switches_language_with_a_keyword(world, client):
    assert text(client, "Hola").startswith("¡Hola! ¿Cuál es el problema?")
    assert text(client, "ENGLISH").startswith("Hello! What is the problem?")
    assert text(client, "AR").startswith("مرحبًا! ما المشكلة؟")
    assert Conversation.objects.get().language == "ar"


def test_it_answers_a_resident_who_writes_arabic_in_arabic(world, client):
    answer = text(client, "يوجد حفرة كبيرة في الشارع أمام بيتي")
    assert answer.startswith("هل الأمر عن 1) Graffiti 2) Pothole 3) شيء آخر؟")
    assert Conversation.objects.get().language == "ar"


def test_it_stops_the_conversation_for_an_emergency_mid_way(world, client):
    text(client, "Pothole on my street")
    answer = text(client, "wait, there is a gas leak next to it")
    assert answer == "This sounds like an emergency. Call 911 now. We have not filed a report."
    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.close_reason) == ("emergency", "emergency")
    assert not ServiceRequest.objects.exists()
    # The next text starts a new conversation.
    assert text(client, "Graffiti on the wall").startswith("Is this about")
    assert Conversation.objects.filter(status="open").count() == 1


def test_it_asks_did_you_mean_for_an_address_that_is_not_on_the_list(world, client):
    text(client, "Graffiti all over the bus shelter")
    text(client, "Graffiti")
    answer = text(client, "13 Oak Street")
    assert answer == ("Did you mean 1) 12 Oak Street 2) 14 Oak Street? Reply with the number or send the address "
                      "again.")
    assert text(client, "1") == "Got it. Send a photo if you have one, or reply NO to finish."
    text(client, "no")
    assert ServiceRequest.objects.get().address_id == "A1"


def test_it_takes_a_misspelt_street_suffix_as_the_web_form_does(world, client):
    text(client, "Graffiti all over the bus shelter")
    text(client, "Graffiti")
    assert text(client, "12 Oak Stret").startswith("Got it.")


def test_it_offers_an_address_found_in_the_first_message_and_takes_yes_without_turning_texts_back_on(
        world, client):
    text(client, "Graffiti on the fence at 14 Oak Street")
    assert text(client, "1") == "Did you mean 14 Oak Street? Reply YES or send the address again."
    assert text(client, "YES").startswith("Got it.")
    assert not InboundMessage.objects.filter(reason="command").exists()
    text(client, "no")
    assert ServiceRequest.objects.get().address_id == "A2"


def test_it_takes_a_shared_location_link(world, client):
    text(client, "Graffiti on the bridge")
    text(client, "1")
    answer = text(client, f"https://maps.google.com/?q={IN_EAST_ELM[0]},{IN_EAST_ELM[1]}")
    assert answer.startswith("Got it.")
    text(client, "no")
    request = ServiceRequest.objects.get()
    assert (request.lat, request.long, request.district) == (IN_EAST_ELM[0], IN_EAST_ELM[1], world.east)


def test_it_files_a_photo_sent_by_mms(world, client, media_server):
    url = media_server("/Media/ME1", jpeg())
    text(client, "Graffiti on the library wall")
    text(client, "1")
    text(client, "14 Oak Street")
    done = text(client, "", media=(url,))
    request = ServiceRequest.objects.get()
    assert request.public_id in done
    [attachment] = request.attachments.all()
    assert attachment.kind == "photo" and attachment.content_type == "image/jpeg"
    assert not ReportPhoto.objects.exists()


def test_it_refuses_a_file_that_is_not_a_photo_and_says_why(world, client, media_server):
    url = media_server("/Media/ME2", b"%PDF-1.4 not a picture")
    text(client, "Graffiti on the library wall")
    text(client, "1")
    text(client, "14 Oak Street")
    answer = text(client, "", media=(url,))
    assert answer.startswith("We could not keep your photo:")
    assert "Send a photo" in answer
    assert not ServiceRequest.objects.exists()
    assert text(client, "no").startswith("Thank you.")


def test_it_advances_once_when_the_same_message_is_delivered_twice(world, client):
    text(client, "Graffiti on the library wall")
    first = text(client, "1", sid="SM" + "d" * 32)
    again = text(client, "1", sid="SM" + "d" * 32)
    assert first == again and first.startswith("Where is it?")
    conversation = Conversation.objects.get()
    assert conversation.step == "where"
    assert conversation.messages.filter(direction="in").count() == 2


def test_it_starts_afresh_after_the_conversation_timed_out(world, client):
    text(client, "Graffiti on the library wall")
    Conversation.objects.update(last_message_at=timezone.now() - timedelta(minutes=31))
    answer = text(client, "Pothole in the road")
    assert answer.startswith("Your earlier report timed out, so we started a new one. Is this about")
    assert list(Conversation.objects.order_by("pk").values_list("status", "close_reason")) == [
        ("abandoned", "timed out"), ("open", "")]


def test_it_restarts_with_new(world, client):
    text(client, "Graffiti on the library wall")
    assert text(client, "NEW").startswith("Hello! What is the problem?")
    assert list(Conversation.objects.order_by("pk").values_list("status", "close_reason")) == [
        ("abandoned", "restarted"), ("open", "")]


def test_it_leaves_stop_as_the_opt_out(world, client):
    text(client, "Graffiti on the library wall")
    assert "no more text messages" in text(client, "STOP")
    assert is_suppressed("sms", ALICE_PHONE)


def test_it_threads_a_text_from_a_number_with_an_open_request_as_a_reply(world, client):
    request = submit_request(service_type=world.graffiti, lat=IN_EAST_ELM[0], long=IN_EAST_ELM[1],
                             description="Paint", contact_phone="(555) 123-4567")
    assert request.public_id in text(client, "It is still there")
    assert not Conversation.objects.exists()
    assert TimelineEntry.objects.filter(request=request, kind="resident_reply", is_public=False).exists()
    assert text(client, "new").startswith("Hello!")
    assert Conversation.objects.count() == 1


def test_it_limits_messages_per_number(world, client, settings):
    settings.CONVERSATIONS_MESSAGES_PER_NUMBER_PER_MINUTE = 2
    text(client, "Graffiti on the library wall")
    text(client, "1")
    assert text(client, "14 Oak Street") == "Too many messages from this number. Please wait a while and try again."
    assert Conversation.objects.get().step == "where"


def test_it_limits_conversations_per_number_per_day(world, client, settings):
    settings.CONVERSATIONS_PER_NUMBER_PER_DAY = 1
    text(client, "Graffiti on the library wall")
    assert text(client, "NEW").startswith("You have started many reports today.")
    assert Conversation.objects.count() == 1


def test_it_hands_the_conversation_to_an_agent_after_three_answers_it_did_not_understand(world, client):
    text(client, "Graffiti on the library wall")
    text(client, "1")
    text(client, "nowhere street")
    text(client, "somewhere else")
    assert text(client, "over there").startswith("We are having trouble. An agent will read your messages")
    assert Conversation.objects.get().needs_agent


def test_it_keeps_script_as_plain_text(world, client):
    canary = "<script>alert('zebracanary')</script> graffiti"
    text(client, canary)
    assert ConversationMessage.objects.filter(direction="in").get().text == canary


def test_it_takes_a_named_place_from_the_address_list(world, client):
    from civicdesk.jurisdictions.models import AddressPoint

    AddressPoint.objects.create(address_id="L1", number="", street="Riverside Library", full_address="Riverside Library",
                                jurisdiction=world.elm, lat=3.1, long=3.6)
    text(client, "Graffiti on the wall")
    text(client, "1")
    assert text(client, "at the riverside library").startswith("Got it.")
    text(client, "no")
    request = ServiceRequest.objects.get()
    assert (request.address_id, request.district) == ("L1", world.east)


def test_it_takes_si_as_yes_in_spanish(world, client):
    text(client, "Hay grafiti en la pared del 14 Oak Street")
    assert text(client, "2").startswith("¿Quiso decir 14 Oak Street? Responda SI")  # 1) Bache 2) Graffiti
    assert text(client, "Sí").startswith("Recibido.")


def test_it_sends_the_tracking_number_in_one_text_only(world, client):
    from civicdesk.notifications.models import Delivery

    answers = [text(client, body) for body in ("Pothole on my street", "2", "1", "12 Oak Street", "no")]
    request = ServiceRequest.objects.get()
    texts_out = answers + list(Delivery.objects.filter(channel="sms").values_list("body_text", flat=True))
    assert [t for t in texts_out if request.public_id in t] == [answers[-1]]
    assert not Delivery.objects.filter(event="request.received", channel="sms").exists()
    assert request.contact_phone == ALICE_PHONE  # later news still reaches the resident by text
