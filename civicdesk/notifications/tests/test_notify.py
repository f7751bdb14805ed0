"""notify(): what it queues, what it skips, and that one occurrence is queued once per address and channel."""

from __future__ import annotations

import json

import pytest
from django.template import TemplateDoesNotExist
from django_tasks_db.models import DBTaskResult

from civicdesk.notifications.models import Delivery, Suppression, WebhookEndpoint
from civicdesk.notifications.services import Recipient, notify, opt_out, read_unsubscribe_token

from .conftest import make_request

SEND_TASK = "civicdesk.notifications.tasks.send_deliveries"


def send_tasks() -> list[list[int]]:
    return [task.args_kwargs["args"][0] for task in DBTaskResult.objects.filter(task_path=SEND_TASK).order_by("enqueued_at")]


def test_it_renders_each_message_in_the_recipients_language_when_queued(world):
    request = make_request(world)
    count = notify(event="request.status_changed", key="timeline:1", template="notifications_test/hello",
                   context={"message": "A crew is booked."}, request=request, scope=f"request:{request.public_id}",
                   recipients=[Recipient(email="Ana@Example.org", language="es", name="Ana"),
                               Recipient(email="zed@example.org", name="Zed")])

    assert count == 2
    ana = Delivery.objects.get(address="ana@example.org")  # addresses are stored lower-cased
    assert ana.status == Delivery.Status.QUEUED and ana.language == "es" and ana.request == request
    assert ana.subject == f"Consultar una solicitud: {request.public_id}"
    assert "Language: es" in ana.body_text and "Service: Bache" in ana.body_text
    assert "Hello Ana," in ana.body_text and "Bache" in ana.body_html
    zed = Delivery.objects.get(address="zed@example.org")
    assert zed.language == "en" and "Service: Pothole" in zed.body_text
    assert zed.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = zed.headers["List-Unsubscribe"].strip("<>")
    assert f"Unsubscribe: {link}" in zed.body_text
    assert read_unsubscribe_token(link.rstrip("/").rsplit("/", 1)[1]) == (
        "email", "zed@example.org", f"request:{request.public_id}")
    assert send_tasks() == [sorted([ana.pk, zed.pk])]  # one send task for the chunk


def test_it_queues_an_occurrence_once_per_address_and_channel_however_often_it_is_called(world):
    request = make_request(world)
    both = Recipient(email="ana@example.org", phone="+15551234567", channels=frozenset({"email", "sms"}))
    arguments = {"event": "request.status_changed", "key": "timeline:7", "template": "notifications_test/hello",
                 "context": {"message": "Fixed."}, "request": request}

    assert notify(recipients=[both, both], **arguments) == 2
    assert notify(recipients=[both], **arguments) == 0
    assert notify(recipients=[Recipient(email="ANA@example.org")], **arguments) == 0

    assert sorted(Delivery.objects.values_list("channel", "address")) == [
        ("email", "ana@example.org"), ("sms", "+15551234567")]
    assert Delivery.objects.get(channel="sms").body_text == f"{request.public_id}: Fixed. Reply STOP to stop."
    assert len(send_tasks()) == 1
    # Another occurrence of the same event is a new message.
    assert notify(recipients=[both], **{**arguments, "key": "timeline:8"}) == 2


def test_it_skips_addresses_that_opted_out_of_the_scope_or_of_everything_or_bounced(world):
    opt_out("email", "follow@example.org", "follow:3")
    opt_out("email", "all@example.org")
    opt_out("email", "bounced@example.org", reason=Suppression.Reason.BOUNCED)
    opt_out("email", "other-scope@example.org", "area:9")
    people = [Recipient(email=f"{name}@example.org") for name in ("follow", "all", "bounced", "other-scope")]

    count = notify(event="request.status_changed", key="timeline:3", template="notifications_test/plain",
                   context={"message": "x"}, recipients=people, scope="follow:3")

    assert count == 1
    statuses = dict(Delivery.objects.values_list("address", "status"))
    assert statuses == {"follow@example.org": "skipped", "all@example.org": "skipped",
                        "bounced@example.org": "skipped", "other-scope@example.org": "queued"}
    assert Delivery.objects.get(address="all@example.org").body_text == ""  # nothing rendered for them
    assert send_tasks() == [[Delivery.objects.get(address="other-scope@example.org").pk]]


def test_it_skips_a_channel_whose_template_is_missing(world):
    count = notify(event="notice.published", key="notice:1:v1", template="notifications_test/plain",
                   context={"message": "Water off"},
                   recipients=[Recipient(email="a@example.org", phone="+15551234567",
                                         channels=frozenset({"email", "sms"})),
                               Recipient(phone="+15557654321", channels=frozenset({"sms"}))])

    assert count == 1
    assert list(Delivery.objects.values_list("channel", "address")) == [("email", "a@example.org")]


def test_it_refuses_a_template_that_does_not_exist(world):
    with pytest.raises(TemplateDoesNotExist):
        notify(event="x", key="k", template="notifications_test/nothing", recipients=[Recipient(email="a@b.org")])
    assert not Delivery.objects.exists()


def test_it_fans_out_in_chunks_with_one_send_task_per_chunk(world, settings, django_assert_max_num_queries):
    settings.NOTIFICATIONS_CHUNK_SIZE = 100
    people = (Recipient(email=f"person{n}@example.org") for n in range(250))

    # Per chunk: known keys, suppressions, the unsubscribe link tokens (insert, read), the bulk insert, the new
    # ids, the task row (+ savepoints).
    with django_assert_max_num_queries(32):
        count = notify(event="area.new_request", key="request:1", template="notifications_test/plain",
                       context={"message": "New pothole"}, recipients=people, scope="area:1")

    assert count == 250
    assert [len(ids) for ids in send_tasks()] == [100, 100, 50]
    assert sorted(pk for ids in send_tasks() for pk in ids) == sorted(Delivery.objects.values_list("pk", flat=True))


def test_it_queues_a_webhook_per_subscribed_endpoint_with_public_fields_only(world):
    request = make_request(world)
    hook = WebhookEndpoint.objects.create(name="Work orders", url="https://wo.example.gov/hook", secret="s3cret",
                                          events=["request.status_changed"])
    WebhookEndpoint.objects.create(name="Everything", url="https://all.example.gov/hook", secret="x", events=[])
    WebhookEndpoint.objects.create(name="Other event", url="https://other.example.gov/hook", secret="x",
                                   events=["request.received"])
    WebhookEndpoint.objects.create(name="Off", url="https://off.example.gov/hook", secret="x", active=False)

    for _ in range(2):
        notify(event="request.status_changed", key="timeline:5", template="notifications_test/hello",
               context={"public_message": "A crew is booked."}, request=request,
               recipients=[Recipient(email="ana@example.org")])

    webhooks = Delivery.objects.filter(channel="webhook").order_by("address")
    assert [d.address for d in webhooks] == ["https://all.example.gov/hook", "https://wo.example.gov/hook"]
    delivery = webhooks.get(endpoint=hook)
    payload = json.loads(delivery.body_text)
    assert payload["event"] == "request.status_changed" and payload["key"] == "timeline:5"
    assert payload["message"] == "A crew is booked." and payload["occurred_at"]
    assert payload["request"]["service_request_id"] == request.public_id
    assert payload["request"]["service_code"] == "pothole" and payload["request"]["status"] == "submitted"
    assert payload["request"]["address"] == "12 Oak Street" and payload["request"]["lat"] == request.lat
    for private in ("Zed Private", "zed@example.org", "+15550001111", "Deep hole"):
        assert private not in delivery.body_text


def test_it_writes_nothing_when_the_callers_transaction_rolls_back(world):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(event="x", key="k", template="notifications_test/plain", recipients=[Recipient(email="a@b.org")])
        raise RuntimeError("the change failed")

    assert not Delivery.objects.exists() and not DBTaskResult.objects.exists()


def test_it_queues_many_occurrences_at_once_each_once_with_its_own_context_and_scope(world,
                                                                                     django_assert_max_num_queries):
    from civicdesk.notifications.services import Message, notify_each

    opt_out("email", "quiet@example.org", "bill:2")
    messages = [Message(key=f"bill:{n}", scope=f"bill:{n}", context={"message": f"zanzibill{n}"},
                        recipients=[Recipient(email="same@example.org", language=("es", "ar", "en")[n % 3])])
                for n in range(30)]
    messages.append(Message(key="bill:2", scope="bill:2", recipients=[Recipient(email="quiet@example.org")]))
    with django_assert_max_num_queries(15):
        queued = notify_each(event="bill.reminder", template="notifications_test/plain", messages=messages)
    assert queued == {f"bill:{n}": 1 for n in range(30)}  # the opted-out address counts nothing
    assert Delivery.objects.get(address="quiet@example.org").status == Delivery.Status.SKIPPED
    second = Delivery.objects.get(key="bill:1", address="same@example.org")
    assert "zanzibill1" in second.body_text and second.language == "ar"
    token = second.headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == ("email", "same@example.org", "bill:1")
    assert sorted(id_ for ids in send_tasks() for id_ in ids) == sorted(
        Delivery.objects.filter(status=Delivery.Status.QUEUED).values_list("pk", flat=True))
    assert notify_each(event="bill.reminder", template="notifications_test/plain", messages=messages) == {}
    assert Delivery.objects.count() == 31
