"""Pages that show personal data are never stored by browsers or shared caches (Cache-Control: private, no-store)."""

from __future__ import annotations

#: Whole URL namespaces with contact details or account data on them: the staff console, resident accounts,
#: notification preferences and follows, unsubscribe links, the admin, staff insights, moderation (the queue, and
#: a resident's own moderation decisions), reports by message (senders' numbers and texts).
PRIVATE_NAMESPACES = frozenset({"staff", "insights", "accounts", "subscriptions", "notifications", "admin",
                                "moderation", "conversations"})
#: Single pages of otherwise public areas that show someone's email address or a staff draft.
PRIVATE_PAGES = frozenset({
    ("alerts", "manage"), ("alerts", "mine"), ("alerts", "confirm"),
    ("notices", "staff_list"), ("notices", "staff_create"), ("notices", "staff_edit"),
    ("notices", "staff_publish"), ("notices", "staff_end"),
})
PRIVATE_CACHE_CONTROL = "private, no-store"


def is_private_page(request) -> bool:
    """True when the request resolved to a page listed above (False for unresolved URLs)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    namespace = match.namespaces[0] if match.namespaces else ""
    return namespace in PRIVATE_NAMESPACES or (namespace, match.url_name) in PRIVATE_PAGES


class PrivatePagesMiddleware:
    """Sets `Cache-Control: private, no-store` on every response of a private page (errors and redirects too),
    replacing whatever the view said, so a shared computer's back button or a proxy keeps nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_private_page(request):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            if "Expires" in response:
                del response["Expires"]
        return response
