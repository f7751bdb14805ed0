"""The editorial workflow: every write to editorial content goes through these functions.

draft → (submit_for_review) → in review → (approve, by another editor than the last author) → published,
optionally scheduled by publish_at / unpublish_at; send_back returns an item in review to draft with a comment;
unpublish and archive take it off the site. Editing an item that is not published puts it back to draft.

Editing a published item leaves it on the site: the edit is kept as its PendingChange, which goes through the
same draft → in review → approved steps (submit_for_review, send_back and approve act on it, discard_change
drops it); approving applies it to the item. Unpublishing or archiving an item with a pending change folds the
change into the item (it is off the site then, so its text can be the draft). Each function is atomic,
writes a Revision (a snapshot of the content and its state) and an audit entry, and raises EditorialError with a
sentence the editor can act on when the step is not allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib import media

from . import access
from .models import EditorialContent, EditorialImage, PendingChange, Revision, Status


class EditorialError(ValueError):
    """A workflow step that is not allowed; str(exc) says why, for the editor."""


def _require_editor_of(obj: EditorialContent, user) -> None:
    if not access.can_edit(user, obj.jurisdiction_id):
        raise EditorialError(_("You are not an editor of this jurisdiction."))


def _record(obj: EditorialContent, *, user, action: str, note: str, data: dict | None = None) -> Revision:
    """Write the next revision of `obj` and its audit entry."""
    content_type = ContentType.objects.get_for_model(obj)
    last = (Revision.objects.select_for_update().filter(content_type=content_type, object_id=obj.pk)
            .aggregate(n=Max("number"))["n"]) or 0
    revision = Revision.objects.create(content_type=content_type, object_id=obj.pk, number=last + 1,
                                       data=obj.snapshot(), status=obj.status,
                                       author=user if getattr(user, "is_authenticated", False) else None,
                                       note=note[:200])
    obj.log_action(f"editorial.{action}", user=user, data={"revision": revision.number, "status": obj.status,
                                                           **(data or {})})
    return revision


def _live_status(obj: EditorialContent) -> str | None:
    """The stored state of `obj`, its row locked for the rest of the transaction (None for a new object)."""
    if obj.pk is None:
        return None
    return type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("status", flat=True).first()


@transaction.atomic
def save_draft(obj: EditorialContent, *, user, after_save: Callable[[], None] | None = None,
               note: str = "", m2m: dict | None = None) -> Revision | PendingChange:
    """Save `obj` (holding the edited, validated values) as a draft by `user`, who becomes its last author.

    An edit of an item that is not published returns it to draft: a change reaches residents only after another
    editor approves it. `after_save` runs once the row exists (a ModelForm's save_m2m).

    An edit of a published item is saved as its pending change instead (returned): the item's row, its
    many-to-many, its public page and its search entry stay as they are. `m2m` ({name: objects or ids}, a
    form's many-to-many values) is what the change holds for those fields; `after_save` is not run."""
    _require_editor_of(obj, user)
    if _live_status(obj) == Status.PUBLISHED:
        return save_change(obj, data=obj.snapshot(m2m), user=user, note=note)
    created = obj.pk is None
    if created:
        obj.created_by = user
    obj.updated_by = user
    obj.status = Status.DRAFT
    obj.reviewed_by = None
    obj.reviewed_at = None
    obj.save()
    if after_save is not None:
        after_save()
    return _record(obj, user=user, action="created" if created else "saved",
                   note=note or (_("Created") if created else _("Edited")))


@transaction.atomic
def save_change(obj: EditorialContent, *, data: dict, user, note: str = "") -> PendingChange:
    """Keep `data` (a snapshot, as obj.snapshot() makes) as the pending change of published `obj`, by `user`,
    in draft (a change in review goes back to draft: it must be sent for review again). Audited on `obj`."""
    _require_editor_of(obj, user)
    change = obj.pending_change(lock=True)
    created = change is None
    if created:
        change = PendingChange(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    change.data = data
    change.status = Status.DRAFT
    change.author = user if getattr(user, "is_authenticated", False) else None
    change.save()
    obj.log_action("editorial.change_saved", user=user, data={"created": created, "note": note[:200]})
    return change


def _change_of(obj: EditorialContent) -> PendingChange | None:
    """The pending change of a published item (locked), else None."""
    return obj.pending_change(lock=True) if obj.status == Status.PUBLISHED else None


@transaction.atomic
def submit_for_review(obj: EditorialContent, *, user) -> Revision | PendingChange:
    """Ask another editor to review a draft (or an unpublished item), or the pending change of a published
    item."""
    _require_editor_of(obj, user)
    change = _change_of(obj)
    if change is not None:
        if change.status != Status.DRAFT:
            raise EditorialError(_("Only a draft can be sent for review."))
        change.status = Status.IN_REVIEW
        change.review_comment = ""
        change.save(update_fields=["status", "review_comment", "updated_at"])
        obj.log_action("editorial.change_submitted", user=user, data={})
        return change
    if obj.status not in (Status.DRAFT, Status.UNPUBLISHED):
        raise EditorialError(_("Only a draft can be sent for review."))
    obj.status = Status.IN_REVIEW
    obj.review_comment = ""
    obj.save(update_fields=["status", "review_comment", "updated_at"])
    return _record(obj, user=user, action="submitted", note=_("Sent for review"))


def _check_dates(publish_at: dt.datetime | None, unpublish_at: dt.datetime | None) -> None:
    if publish_at and unpublish_at and unpublish_at <= publish_at:
        raise EditorialError(_("The unpublish date must be after the publish date."))
    if unpublish_at and unpublish_at <= timezone.now():
        raise EditorialError(_("The unpublish date must be in the future."))


@transaction.atomic
def approve(obj: EditorialContent, *, user, publish_at: dt.datetime | None = None,
            unpublish_at: dt.datetime | None = None) -> Revision:
    """Approve an item in review and publish it: now (publish_at None) or at `publish_at`; it leaves the
    site at `unpublish_at` when given. The reviewer must be another editor than the last author."""
    _require_editor_of(obj, user)
    change = _change_of(obj)
    if change is not None:
        return _approve_change(obj, change, user=user, publish_at=publish_at, unpublish_at=unpublish_at)
    if obj.status != Status.IN_REVIEW:
        raise EditorialError(_("Only an item in review can be approved."))
    if obj.updated_by_id is not None and obj.updated_by_id == user.pk:
        raise EditorialError(_("You wrote the latest change, so another editor must review and approve it."))
    _check_dates(publish_at, unpublish_at)
    now = timezone.now()
    obj.status = Status.PUBLISHED
    obj.reviewed_by = user
    obj.reviewed_at = now
    obj.review_comment = ""
    obj.publish_at = publish_at or now
    obj.unpublish_at = unpublish_at
    obj.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "publish_at",
                            "unpublish_at", "updated_at"])
    scheduled = publish_at is not None and publish_at > now
    return _record(obj, user=user, action="approved",
                   note=_("Approved, scheduled") if scheduled else _("Approved and published"),
                   data={"publish_at": obj.publish_at, "unpublish_at": obj.unpublish_at})


def _approve_change(obj: EditorialContent, change: PendingChange, *, user, publish_at, unpublish_at) -> Revision:
    """Apply an approved pending change to published `obj`: its content becomes the change's (a new revision,
    re-indexed for search on commit), its last author the change's author; the change is deleted. It goes live
    at once: the item's dates stay as they are (change them with schedule)."""
    if change.status != Status.IN_REVIEW:
        raise EditorialError(_("Only an item in review can be approved."))
    if change.author_id is not None and change.author_id == user.pk:
        raise EditorialError(_("You wrote the latest change, so another editor must review and approve it."))
    if publish_at is not None or unpublish_at is not None:
        raise EditorialError(_("A change to a published page goes live when it is approved: leave the dates "
                               "empty and change them with “Save the dates”."))
    m2m = obj.apply_snapshot(change.data)
    obj.updated_by = change.author
    obj.reviewed_by = user
    obj.reviewed_at = timezone.now()
    obj.review_comment = ""
    obj.save()
    _set_m2m(obj, m2m)
    change.delete()
    return _record(obj, user=user, action="change_approved", note=_("Change approved and published"),
                   data={"author": change.author_id})


def _set_m2m(obj: EditorialContent, m2m: dict[str, list]) -> None:
    for name, ids in m2m.items():
        related = obj._meta.get_field(name).related_model
        getattr(obj, name).set(related.objects.filter(pk__in=ids))


@transaction.atomic
def send_back(obj: EditorialContent, *, user, comment: str) -> Revision | PendingChange:
    """Return an item (or a published item's pending change) in review to draft with the reviewer's comment
    (required: say what to change). The published version of an item with a pending change stays live."""
    _require_editor_of(obj, user)
    comment = (comment or "").strip()
    change = _change_of(obj)
    target = change if change is not None else obj
    if target.status != Status.IN_REVIEW:
        raise EditorialError(_("Only an item in review can be sent back."))
    if not comment:
        raise EditorialError(_("Say what should change before sending it back."))
    target.status = Status.DRAFT
    target.review_comment = comment[:2000]
    target.save(update_fields=["status", "review_comment", "updated_at"])
    if change is not None:
        obj.log_action("editorial.change_sent_back", user=user, data={"comment": change.review_comment})
        return change
    return _record(obj, user=user, action="sent_back", note=_("Sent back with a comment"),
                   data={"comment": obj.review_comment})


@transaction.atomic
def schedule(obj: EditorialContent, *, user, publish_at: dt.datetime | None,
             unpublish_at: dt.datetime | None) -> Revision:
    """Change the dates of an approved (published or scheduled) item; its content is unchanged, so no new
    review is needed. publish_at None means "now"."""
    _require_editor_of(obj, user)
    if obj.status != Status.PUBLISHED:
        raise EditorialError(_("Only an approved item can be scheduled; send it for review first."))
    _check_dates(publish_at, unpublish_at)
    obj.publish_at = publish_at or timezone.now()
    obj.unpublish_at = unpublish_at
    obj.save(update_fields=["publish_at", "unpublish_at", "updated_at"])
    return _record(obj, user=user, action="scheduled", note=_("Dates changed"),
                   data={"publish_at": obj.publish_at, "unpublish_at": obj.unpublish_at})


@transaction.atomic
def discard_change(obj: EditorialContent, *, user) -> None:
    """Drop the pending change of a published item; the published version stays as it is."""
    _require_editor_of(obj, user)
    change = _change_of(obj)
    if change is None:
        raise EditorialError(_("This item has no pending change."))
    change.delete()
    obj.log_action("editorial.change_discarded", user=user, data={"author": change.author_id})


def _take_off_site(obj: EditorialContent, *, user, status: str, action: str, note: str) -> Revision:
    """Set `status` (unpublished, archived). A pending change is folded into the item first (its content and
    author become the item's, off the site now, so nothing of it is lost) and deleted."""
    change = _change_of(obj)
    m2m: dict[str, list] = {}
    if change is not None:
        m2m = obj.apply_snapshot(change.data)
        obj.updated_by = change.author
        change.delete()
    obj.status = status
    obj.save(update_fields=None if change is not None else ["status", "updated_at"])
    _set_m2m(obj, m2m)
    return _record(obj, user=user, action=action, note=note, data={"pending_change_kept": change is not None})


@transaction.atomic
def unpublish(obj: EditorialContent, *, user) -> Revision:
    """Take a published (or scheduled) item off the site now (with its pending change, if any, as its text)."""
    _require_editor_of(obj, user)
    if obj.status != Status.PUBLISHED:
        raise EditorialError(_("Only a published item can be unpublished."))
    return _take_off_site(obj, user=user, status=Status.UNPUBLISHED, action="unpublished", note=_("Unpublished"))


@transaction.atomic
def archive(obj: EditorialContent, *, user) -> Revision:
    """Put an item away: off the site and out of the missing-translation list; it can be edited back."""
    _require_editor_of(obj, user)
    if obj.status == Status.ARCHIVED:
        raise EditorialError(_("This item is already archived."))
    return _take_off_site(obj, user=user, status=Status.ARCHIVED, action="archived", note=_("Archived"))


@transaction.atomic
def restore(obj: EditorialContent, *, revision: Revision, user) -> Revision | PendingChange:
    """Bring back the content of an earlier revision as a new draft by `user` (a new revision; none is lost);
    on a published item, as its pending change (the published version stays live until it is approved)."""
    _require_editor_of(obj, user)
    if revision.object_id != obj.pk or revision.content_type_id != ContentType.objects.get_for_model(obj).pk:
        raise EditorialError(_("That revision belongs to another item."))
    if _live_status(obj) == Status.PUBLISHED:
        return save_change(obj, data={**obj.snapshot(), **revision.data}, user=user,
                           note=_("Restored revision %(number)s") % {"number": revision.number})
    m2m = obj.apply_snapshot(revision.data)
    obj.updated_by = user
    obj.status = Status.DRAFT
    obj.reviewed_by = None
    obj.reviewed_at = None
    obj.save()
    _set_m2m(obj, m2m)
    return _record(obj, user=user, action="restored",
                   note=_("Restored revision %(number)s") % {"number": revision.number},
                   data={"from_revision": revision.number})


@transaction.atomic
def upload_image(*, jurisdiction, upload, alt_text: str, user) -> EditorialImage:
    """Store an editor's image: re-encoded with its metadata stripped (media.MediaError says why a file was
    refused; videos are refused here). Alt text is required."""
    if not access.can_edit(user, jurisdiction.pk):
        raise EditorialError(_("You are not an editor of this jurisdiction."))
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise EditorialError(_("Describe the image in the alt text, for people who cannot see it."))
    processed = media.process_upload(upload)
    if processed.kind != "photo":
        raise EditorialError(_("Only images can be used in content. Please upload a JPEG, PNG or WebP image."))
    image = EditorialImage(jurisdiction=jurisdiction, content_type=processed.content_type,
                           width=processed.width, height=processed.height, alt_text=alt_text[:250],
                           uploaded_by=user)
    image.file.save(f"image.{processed.extension}", ContentFile(processed.content), save=False)
    image.save()
    image.log_action("editorial.image_uploaded", user=user, data={"alt_text": image.alt_text})
    return image
