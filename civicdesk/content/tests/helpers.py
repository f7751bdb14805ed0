"""Shared builders for the help content tests: editors in the Town of Elm and published items."""

from __future__ import annotations

from civicdesk.accounts.models import User
from civicdesk.editorial import services
from civicdesk.jurisdictions.models import StaffMembership

from ..models import Article, FaqEntry, GlossaryTerm, Topic


def editor(world, email: str, *, role=StaffMembership.Role.EDITOR, jurisdiction=None) -> User:
    user = User.objects.create_user(email=email, password="x-unused-password-x")
    StaffMembership.objects.create(user=user, jurisdiction=jurisdiction or world.elm, role=role)
    return user


def editors(world) -> tuple[User, User]:
    """Two editors of the Town of Elm: "erin" writes, "eve" reviews."""
    return editor(world, "erin@elm.example.gov"), editor(world, "eve@elm.example.gov")


def publish(obj, author, reviewer, **dates):
    """Save `obj` as a draft by `author`, submit it, and have `reviewer` approve it."""
    services.save_draft(obj, user=author)
    services.submit_for_review(obj, user=author)
    services.approve(obj, user=reviewer, **dates)
    return obj


def article(world, slug="bulk-pickup", **fields) -> Article:
    data = {"title": {"en": "Bulk item pickup", "es": "Recogida de objetos grandes"},
            "summary": {"en": "How to get a couch picked up.", "es": "Cómo recoger un sofá."},
            "body": {"en": "Put bulky items at the curb on Monday.", "es": "Saque los objetos el lunes."}}
    data.update(fields)
    return Article(jurisdiction=world.elm, slug=slug, **data)


def faq(world, question="When is trash collected?", answer="Every Tuesday.", **fields) -> FaqEntry:
    return FaqEntry(jurisdiction=world.elm, question={"en": question, "es": "¿Cuándo recogen la basura?"},
                    answer={"en": answer, "es": "Cada martes."}, **fields)


def term(world, slug, name, definition, other_forms="", es_name=None) -> GlossaryTerm:
    return GlossaryTerm(jurisdiction=world.elm, slug=slug, term={"en": name, "es": es_name or name},
                        definition={"en": definition, "es": definition}, other_forms={"en": other_forms})


def topic(world, slug="trash", title="Trash and recycling", es="Basura y reciclaje") -> Topic:
    return Topic(jurisdiction=world.elm, slug=slug, title={"en": title, "es": es})
