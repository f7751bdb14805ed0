"""A forum world on top of the shared test world: a board in the Town of Elm, a verified resident, a moderator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from civicdesk.accounts.models import User
from civicdesk.forums import services
from civicdesk.forums.models import Board, Reply, Thread
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.testing.world import World

PASSWORD = "correct horse battery"


@dataclass
class Forum:
    board: Board
    resident: User  # verified, a month old: may use links
    newcomer: User  # verified, joined today
    moderator: User  # Elm admin seat
    thread: Thread


def verified(user: User, *, age_days: int = 30) -> User:
    user.email_verified_at = timezone.now()
    user.date_joined = timezone.now() - dt.timedelta(days=age_days)
    user.save()
    return user


def forum_world(world: World) -> Forum:
    board = Board.objects.create(jurisdiction=world.elm, slug="parks", name="Parks and trees",
                                 description="Green spaces")
    resident = verified(world.alice)
    newcomer = verified(User.objects.create_user(email="nina@example.org", password=PASSWORD), age_days=0)
    moderator = User.objects.create_user(email="mo@elm.example.gov", password=PASSWORD, is_staff=True)
    StaffMembership.objects.create(user=moderator, jurisdiction=world.elm, role=StaffMembership.Role.ADMIN)
    thread = services.start_thread(board, resident, title="Benches in Elm Park", body="We need more benches.",
                                   client="10.0.0.1")
    return Forum(board, resident, newcomer, moderator, thread)


def reply(forum: Forum, body: str, *, author=None, client: str = "10.0.0.2") -> Reply:
    return services.post_reply(forum.thread, author or forum.resident, body=body, client=client)
