"""The acceptance test: a "not fixed" answer reopens the request and tells the team exactly once, even when
the link is clicked twice at the same moment or the SMS reply arrives twice at once (run on both databases)."""

from __future__ import annotations

import threading

from django.db import close_old_connections, connections
from django.test import Client

from civicdesk.feedback.models import Answer, Invitation
from civicdesk.servicerequests.models import TimelineEntry

from .helpers import ALICE_PHONE, ask_after, closed_request, question, team_messages


def together(work, times: int = 4) -> list:
    """Run `work(i)` in `times` threads released at the same moment; returns their errors."""
    errors: list = []
    start = threading.Barrier(times)

    def run(index: int):
        try:
            start.wait()
            work(index)
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return errors


def reopened_once(request) -> None:
    request.refresh_from_db()
    assert request.is_open
    assert Answer.objects.filter(request=request).count() == 1
    assert TimelineEntry.objects.filter(request=request, kind=TimelineEntry.Kind.STATUS,
                                        status_to__code="investigating").count() == 1
    assert TimelineEntry.objects.filter(request=request, kind=TimelineEntry.Kind.RESIDENT_REPLY).count() == 1
    assert team_messages(request).count() == 1


def test_it_reopens_once_when_the_link_is_clicked_four_times_at_once(tworld):
    request = closed_request(tworld)
    ask_after()
    url = f"/feedback/{question(request).token}/"
    statuses: list[int] = []

    def click(_index: int):
        statuses.append(Client().post(url, {"fixed": "no", "comment": "Still there"}).status_code)

    assert not together(click)
    assert statuses == [302] * 4
    reopened_once(request)


def test_it_reopens_once_when_the_sms_reply_arrives_four_times_at_once(tworld, settings):
    from civicdesk.inbound.services import receive_sms

    request = closed_request(tworld, contact_email="", contact_phone=ALICE_PHONE, channel="sms")
    ask_after()
    assert Invitation.objects.get(request=request).channel == "sms"

    def reply(index: int):
        receive_sms(sid=f"SM{index:032x}", sender=ALICE_PHONE, body="0 not fixed at all")

    assert not together(reply)
    reopened_once(request)
