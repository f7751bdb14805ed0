"""Who may see what of public-records requests: every rule stated here, once.

- The requester sees only their own requests (civicdesk/applications/access.py: someone else's is a 404).
- Staff reach a request exactly as they reach an application: the seats of the department handling it (its
  current step's department, or the one it was assigned to), the person it is assigned to, and seats without
  a department (administrators); agents, contractors and editors none. Staff may "review" (acknowledge, ask
  for clarification, gather and mark documents, edit the public summary) and "decide" (extend, release) by
  the type's decider role.
- Only the jurisdiction's administrators (and superusers) change the records settings: a records type's policy
  and the jurisdiction's exemption reasons (the same rule as configuring application types).
- The public (and the requester through the signed link) get a document only once the request is released,
  only when it is released in full or in part (the redacted version), never a withheld one, and never the
  original of a partly released one; the public log serves it only when not marked "not for the public log".
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from civicdesk.applications import access as applications_access

from .models import RecordsRequest, ResponsiveDocument


def _records_only(application):
    if not hasattr(application.application_type, "records_policy"):
        raise Http404(_("No public-records request you can see has that number."))
    return application


def get_request_for_staff(user, pk: int, action: str = "view"):
    """The application of a records request for the staff console (404 when not reached, 403 when the action
    is not the user's)."""
    return _records_only(applications_access.get_application_for_staff(user, pk, action))


def get_request_for_requester(user, pk: int):
    return _records_only(applications_access.get_application_for_applicant(user, pk))


def get_policy_for_config(user, type_pk: int):
    """The records policy of a type the user configures (403 when they configure none, 404 otherwise)."""
    found = applications_access.get_type_for_config(user, type_pk)
    if not hasattr(found, "records_policy"):
        raise Http404(_("No public-records request type you can configure has that number."))
    return found.records_policy


def config_jurisdictions(user):
    """Jurisdictions whose exemption reasons the user may change: those they administer."""
    return applications_access.config_jurisdictions(user)


def get_jurisdiction_for_config(user, pk: int):
    applications_access.require_configurer(user)
    found = config_jurisdictions(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No jurisdiction you administer has that number."))
    return found


def public_requests():
    """The requests of the public log (see RecordsRequest.objects.in_log)."""
    return RecordsRequest.objects.in_log()


def released_document(records: RecordsRequest, document_pk: int, *, public: bool) -> ResponsiveDocument:
    """A document of a released request that may leave the console: releasable, and (for the public log) not
    marked "not for the public log". Anything else is a 404, whether it exists or not."""
    document = records.documents.filter(pk=document_pk).first() if records.is_released() else None
    if document is None or not document.is_releasable() or (public and not document.in_public_log):
        raise Http404(_("No released document has that number."))
    return document
