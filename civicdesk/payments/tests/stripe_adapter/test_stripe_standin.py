"""The local Stripe stand-in itself: Stripe's form encoding, authentication, idempotency and error shapes, the
hosted page, and webhooks signed so that Stripe's own library accepts them."""

from __future__ import annotations

import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import requests
import stripe

from civicdesk.payments.testing.stripe_standin import StripeStandIn, decode_form, sign

KEY = {"Authorization": "Bearer sk_test_civicdesk"}
SESSION = {"mode": "payment", "success_url": "https://city.example/done", "cancel_url": "https://city.example/back",
           "line_items[0][quantity]": "1", "line_items[0][price_data][currency]": "usd",
           "line_items[0][price_data][unit_amount]": "1500",
           "line_items[0][price_data][product_data][name]": "Parking citation", "client_reference_id": "PAY-P1"}


def post(standin, path, data, key="", auth=KEY):
    headers = {**auth, **({"Idempotency-Key": key} if key else {})}
    return requests.post(f"{standin.url}{path}", data=data, headers=headers, timeout=10)


def test_it_decodes_stripes_form_encoding():
    pairs = parse_qsl("a=1&b[c]=2&d[0][e]=3&d[1][e]=4&expand[]=x&expand[]=y&f[0]=z&empty=", keep_blank_values=True)

    assert decode_form(pairs) == {"a": "1", "b": {"c": "2"}, "d": [{"e": "3"}, {"e": "4"}], "expand": ["x", "y"],
                                  "f": ["z"], "empty": ""}


def test_it_wants_the_secret_key_as_a_bearer_token(standin):
    missing = post(standin, "/v1/checkout/sessions", SESSION, auth={})
    wrong = post(standin, "/v1/checkout/sessions", SESSION, auth={"Authorization": "Bearer sk_test_somebodyelse"})

    assert missing.status_code == wrong.status_code == 401
    assert missing.json()["error"]["type"] == "invalid_request_error"
    assert wrong.json()["error"]["message"].startswith("Invalid API Key provided: sk_test_")
    assert "somebodyelse" not in wrong.json()["error"]["message"]


def test_it_answers_unknown_urls_and_objects_as_stripe_does(standin):
    unknown = requests.get(f"{standin.url}/v1/nothing", headers=KEY, timeout=10)
    missing = requests.get(f"{standin.url}/v1/checkout/sessions/cs_test_nope", headers=KEY, timeout=10)

    assert unknown.status_code == 404 and unknown.json()["error"]["message"].startswith("Unrecognized request URL")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "type": "invalid_request_error", "message": "No such checkout.session: 'cs_test_nope'", "param": "id",
        "code": "resource_missing", "doc_url": "https://docs.stripe.com/error-codes/resource-missing"}


def test_it_replays_the_first_answer_for_the_same_key_and_parameters(standin):
    first = post(standin, "/v1/checkout/sessions", SESSION, key="k-1")
    again = post(standin, "/v1/checkout/sessions", SESSION, key="k-1")
    other = post(standin, "/v1/checkout/sessions", SESSION, key="k-2")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert other.json()["id"] != first.json()["id"]


@pytest.mark.parametrize("change", ["other parameters", "other endpoint"])
def test_it_refuses_a_key_reused_for_another_request(standin, change):
    post(standin, "/v1/checkout/sessions", SESSION, key="k-1")
    if change == "other parameters":
        answer = post(standin, "/v1/checkout/sessions", {**SESSION, "client_reference_id": "PAY-P2"}, key="k-1")
    else:
        answer = post(standin, "/v1/refunds", {"payment_intent": "pi_x"}, key="k-1")

    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["type"] == "idempotency_error" and "k-1" in error["message"]


def test_it_keeps_no_answer_for_a_request_that_failed_validation(standin):
    invalid = post(standin, "/v1/checkout/sessions", {**SESSION, "success_url": ""}, key="k-1")
    valid = post(standin, "/v1/checkout/sessions", SESSION, key="k-1")

    assert invalid.status_code == 400 and invalid.json()["error"]["code"] == "parameter_missing"
    assert valid.status_code == 200


def test_it_replays_a_decline_without_trying_the_card_again(standin):
    form = {"amount": "500", "currency": "usd", "customer": "cus_1", "off_session": "true", "confirm": "true",
            "payment_method": "pm_card_visa_chargeDeclinedInsufficientFunds"}

    first = post(standin, "/v1/payment_intents", form, key="debit-1")
    again = post(standin, "/v1/payment_intents", form, key="debit-1")

    assert first.status_code == again.status_code == 402
    error = first.json()["error"]
    assert (error["type"], error["code"], error["decline_code"]) == ("card_error", "card_declined",
                                                                      "insufficient_funds")
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert again.json() == first.json()
    assert len([event for event in standin.events if event["type"] == "payment_intent.payment_failed"]) == 1


def test_it_shows_an_accessible_hosted_page_and_escapes_what_it_was_given(standin):
    session = post(standin, "/v1/checkout/sessions", {
        **SESSION, "line_items[0][price_data][product_data][name]": "<script>alert(1)</script>Fine"}).json()

    page = requests.get(session["url"], timeout=10).text
    answer = requests.post(session["url"], data={"method": "card", "card_number": "1234", "expiry": "1/30",
                                                 "cvc": "123"}, timeout=10)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;Fine" in page and "<script>" not in page
    assert '<label for="card_number">Card number</label>' in page and 'lang="en"' in page
    assert "<h1>Pay 15.00 USD</h1>" in page
    assert answer.status_code == 200 and 'role="alert"' in answer.text
    assert "Your card number is invalid." in answer.text and 'aria-describedby="error"' in answer.text


@pytest.fixture
def receiver():
    """A webhook endpoint on loopback that keeps what it receives and answers 200."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/", received
    finally:
        server.shutdown()
        server.server_close()


def test_it_posts_events_signed_so_that_stripes_library_accepts_them(receiver):
    url, received = receiver
    standin = StripeStandIn(secret_key="sk_test_civicdesk", webhook_secret="whsec_civicdesk", webhook_url=url)
    standin.start()
    try:
        session = post(standin, "/v1/checkout/sessions", SESSION).json()
        paid = requests.post(session["url"], data={"method": "card", "card_number": "4242424242424242",
                                                    "expiry": "12/34", "cvc": "123"}, allow_redirects=False,
                             timeout=10)
        standin.deliver(standin.events[-1]["id"])  # Stripe delivers an event again when not acknowledged
    finally:
        standin.stop()

    assert paid.status_code == 303 and paid.headers["Location"] == "https://city.example/done"
    types = [json.loads(body)["type"] for _, body in received]
    assert types == ["payment_intent.succeeded", "checkout.session.completed", "checkout.session.completed"]
    headers, body = received[1]
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_civicdesk")
    assert event.data.object.client_reference_id == "PAY-P1" and event.data.object.payment_status == "paid"
    assert received[2][1] == body
    assert [status for _, status in standin.deliveries] == [200, 200, 200]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_other")


def test_it_signs_as_stripes_documentation_describes():
    # HMAC-SHA256 of "{t}.{payload}" with the endpoint secret, hex-encoded (docs.stripe.com/webhooks).
    header = sign(b'{"id": "evt_1"}', "whsec_test", timestamp=1733389200)

    expected = hmac.new(b"whsec_test", b'1733389200.{"id": "evt_1"}', "sha256").hexdigest()
    assert header == f"t=1733389200,v1={expected}"
