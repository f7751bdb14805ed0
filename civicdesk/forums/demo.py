"""Demo forum and comments for a city pack's `seed_demo()`: boards by topic and one per district, a few
threads and replies (one official answer, one held post in the moderation queue), comments on public requests.

Everything goes through the same services residents and staff use. Idempotent: a city that has boards already
is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

TOPICS = [
    ("parks", {"en": "Parks and trees", "es": "Parques y árboles"},
     {"en": "Playgrounds, trails, trees and green spaces.", "es": "Parques infantiles, senderos, árboles y zonas verdes."}),
    ("streets", {"en": "Streets and getting around", "es": "Calles y movilidad"},
     {"en": "Roads, sidewalks, bike lanes, buses and parking.", "es": "Calles, aceras, carriles bici, autobuses y estacionamiento."}),
    ("trash", {"en": "Trash and recycling", "es": "Basura y reciclaje"},
     {"en": "Collection days, recycling and keeping the city clean.", "es": "Días de recogida, reciclaje y limpieza."}),
]

RESIDENTS = [("jordan.demo@example.org", "Jordan"), ("maya.demo@example.org", "Maya"), ("li.demo@example.org", "Li")]

#: (board slug, title, body, [(resident index or "staff", reply, official)])
THREADS = [
    ("parks", "More shade trees along the river trail?",
     "The trail between the boathouse and Mill Street has almost no shade. Could the city plant trees there?",
     [(1, "Yes please. In July the trail is empty after 10 am because of the heat.", False),
      ("staff", "Parks & Forestry will plant 40 oaks and maples along the trail this autumn; the work is in "
                "the capital projects list under *River trail canopy*.", True),
      (2, "Thank you! Will the new trees be watered over the first summer?", False)]),
    ("streets", "Crossing at Main and 5th feels unsafe",
     "Cars turn right on red without looking. A leading pedestrian signal would help children walking to school.",
     [(0, "Agreed. A crossing guard in the mornings would help too.", False)]),
    ("trash", "Glass recycling drop-off hours",
     "Is the glass drop-off at the public works yard open on Saturdays?", []),
]

COMMENTS = ["This has been here for weeks; I walk past it every day.",
            "Same problem a block further north.",
            "Thank you for fixing the one on our street last month."]


def seed(*, jurisdiction, districts, staff, service_types, password: str, now: dt.datetime | None = None) -> str:
    """Seed the demo forums and comments for `jurisdiction`; returns a one-line summary."""
    from civicdesk.accounts.models import User
    from civicdesk.comments.services import post_comment
    from civicdesk.servicerequests.models import ServiceRequest

    from . import services
    from .models import Board

    if Board.objects.filter(jurisdiction=jurisdiction).exists():
        return "forums already there"
    now = now or timezone.now()
    boards = {}
    for position, (slug, name, description) in enumerate(TOPICS):
        boards[slug] = Board.objects.create(jurisdiction=jurisdiction, slug=slug, kind=Board.Kind.TOPIC,
                                            position=position, name_en=name["en"], name_es=name["es"],
                                            description_en=description["en"], description_es=description["es"])
    for position, district in enumerate(districts):
        boards[district.slug] = Board.objects.create(
            jurisdiction=jurisdiction, slug=f"{jurisdiction.slug}-{district.slug}", district=district,
            kind=Board.Kind.NEIGHBOURHOOD, position=position, premoderated=position == 0,
            name_en=district.name, name_es=district.name,
            description_en=f"News and questions from {district.name}.",
            description_es=f"Noticias y preguntas de {district.name}.")
    people = []
    for email, first in RESIDENTS:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=password, first_name=first)
        user.email_verified_at = now - dt.timedelta(days=60)
        user.date_joined = now - dt.timedelta(days=90)
        user.save()
        people.append(user)
    threads = replies = 0
    for index, (slug, title, body, answers) in enumerate(THREADS):
        thread = services.start_thread(boards[slug], people[index % len(people)], title=title, body=body,
                                       client="demo")
        threads += 1
        for who, text, official in answers:
            author = staff if who == "staff" else people[who]
            services.post_reply(thread, author, body=text, client="demo", official=official)
            replies += 1
    if districts:  # a post waiting in the moderation queue (the first neighbourhood board is pre-moderated)
        first = boards[districts[0].slug]
        services.start_thread(first, people[0], title="Block party on Elm Court",
                              body="We would like to close Elm Court for an afternoon in June. Who do we ask?",
                              client="demo")
    commented = 0
    types = [t for t in service_types if not t.is_private][:3]
    for service_type in types:
        service_type.allows_public_comments = True
        service_type.save(update_fields=["allows_public_comments"])
    requests = list(ServiceRequest.objects.public().filter(service_type__in=types, is_open=True)
                    .order_by("-requested_at")[:3])
    for n, request in enumerate(requests):
        post_comment(request, people[n % len(people)], body=COMMENTS[n % len(COMMENTS)], client="demo")
        commented += 1
    if requests:
        post_comment(requests[0], staff, body="A crew is scheduled for this week.", client="demo", official=True)
    return (f"{len(boards)} boards, {threads} threads, {replies} replies (1 official), 1 held for moderation, "
            f"comments on {commented} requests")
