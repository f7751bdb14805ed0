"""The go-live checklist: what would make residents or staff fail today, each with a reason and a link to fix it.

`run_checklist(jurisdiction)` returns the checks for one jurisdiction (catalogue, routing, people, addresses,
contact details) followed by those of the whole site (email, SMS, task worker). Every check here blocks going
live: `manage.py check_city` exits non-zero while one fails. Checks read the database and settings only,
except email, which opens a real connection to the SMTP server (and sends a message when given an address),
and SMS when given a number: a test text then goes out through the configured transport. SMS passes only
once a test text went out with the current settings (remembered SMS_CHECK_SECONDS, `remembered_sms_check()`).
The checklist page never does that on a plain visit: it shows the last result (kept EMAIL_CHECK_SECONDS in the
cache, `remembered_email_check()`), and the admin presses a button (a POST) to test the server again, so a
mail server that hangs cannot make the page wait; the connection itself gives up after EMAIL_CHECK_TIMEOUT.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from civicdesk.catalog.models import RoutingRule, ServiceType
from civicdesk.jurisdictions.models import (
    AddressPoint,
    Department,
    District,
    Jurisdiction,
    StaffMembership,
)
from civicdesk.lib import geo

#: The worker counts as running when a task finished this recently, or nothing has waited this long.
WORKER_RECENT = dt.timedelta(hours=1)
WORKER_WAIT = dt.timedelta(minutes=10)
#: How long the checklist page shows the last mail server test (seconds), and how long a test waits for the
#: server before it counts as not answering.
EMAIL_CHECK_SECONDS = 10 * 60
EMAIL_CHECK_TIMEOUT = 10
EMAIL_CHECK_CACHE_KEY = "onboarding:email-check"
#: How long a test text counts (seconds). Longer than the mail server's test: each one costs the city a text
#: and buzzes someone's phone, and a change of the SMS settings voids it at once anyway.
SMS_CHECK_SECONDS = 24 * 60 * 60
SMS_CHECK_CACHE_KEY = "onboarding:sms-check"
#: Seats that work a department's queue.
QUEUE_ROLES = {StaffMembership.Role.STAFF, StaffMembership.Role.SUPERVISOR, StaffMembership.Role.ADMIN,
               StaffMembership.Role.CONTRACTOR}


@dataclass
class Check:
    """One line of the checklist: passing or not, why in plain words, and where to fix it."""

    key: str
    title: str
    ok: bool
    reason: str
    fix_url: str = ""
    fix_label: str = ""
    details: list[str] = field(default_factory=list)


def _admin(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


def check_routing(jurisdiction: Jurisdiction) -> Check:
    """Every active service type offered here is reached by an active routing rule."""
    rules = list(RoutingRule.objects.filter(jurisdiction=jurisdiction, is_active=True)
                 .prefetch_related("service_types"))
    any_type = any(not rule.service_types.all() for rule in rules)
    reached = {t.pk for rule in rules for t in rule.service_types.all()}
    types = ServiceType.objects.for_jurisdiction(jurisdiction).filter(is_active=True).order_by("name").distinct()
    missing = [] if any_type else [t.name for t in types if t.pk not in reached]
    if not types:
        return Check("routing", _("Service types and routing"), False,
                     _("No service type is offered here, so residents have nothing to report."),
                     _admin("catalog_servicetype_add"), _("Add a service type"))
    return Check("routing", _("Service types and routing"), not missing,
                 _("These service types reach no department: no routing rule sends them anywhere.") if missing
                 else _("Every service type is sent to a department by a routing rule."),
                 _admin("catalog_routingrule_add"), _("Add a routing rule"), missing)


def check_department_staff(jurisdiction: Jurisdiction) -> Check:
    """Every department that routing rules send work to has someone seated in it to work its queue."""
    seated = set(StaffMembership.objects.filter(jurisdiction=jurisdiction, role__in=QUEUE_ROLES)
                 .exclude(department=None).values_list("department_id", flat=True))
    departments = list(Department.objects.filter(jurisdiction=jurisdiction).order_by("name"))
    empty = [d.name for d in departments if d.pk not in seated]
    if not departments:
        return Check("departments", _("People for every department"), False,
                     _("There is no department yet, so no one receives residents' requests."),
                     _admin("jurisdictions_department_add"), _("Add a department"))
    return Check("departments", _("People for every department"), not empty,
                 _("Nobody has a seat in these departments, so their requests would wait in an empty queue.")
                 if empty else _("Every department has someone to work its queue."),
                 _admin("jurisdictions_staffmembership_add"), _("Give someone a seat"), empty)


def check_districts(jurisdiction: Jurisdiction) -> Check:
    """Every district is covered by an active routing rule: one for it, one with an area over it, or one for
    the whole jurisdiction."""
    rules = list(RoutingRule.objects.filter(jurisdiction=jurisdiction, is_active=True))
    districts = list(District.objects.filter(jurisdiction=jurisdiction).order_by("name"))
    everywhere = any(rule.district_id is None and not rule.area for rule in rules)
    areas = []
    for rule in rules:
        if rule.area:
            try:
                areas.append(geo.shape(rule.area))
            except ValueError:
                continue
    uncovered = []
    for district in districts if not everywhere else []:
        if any(rule.district_id == district.pk for rule in rules):
            continue
        try:
            shape = geo.shape(district.boundary)
        except ValueError:
            uncovered.append(district.name)
            continue
        if not any(area.intersects(shape) for area in areas):
            uncovered.append(district.name)
    return Check("districts", _("A department for every district"), not uncovered,
                 _("No routing rule covers these districts, so requests there reach no department.") if uncovered
                 else _("Every district is covered by a routing rule.") if districts
                 else _("There are no districts; routing rules cover the whole jurisdiction."),
                 _admin("catalog_routingrule_add"), _("Add a routing rule"), uncovered)


def check_addresses(jurisdiction: Jurisdiction) -> Check:
    """The jurisdiction has address points, so typed addresses can be found."""
    count = AddressPoint.objects.filter(jurisdiction=jurisdiction).count()
    return Check("addresses", _("Address list"), count > 0,
                 _("%(count)s address points are loaded.") % {"count": count} if count
                 else _("No address points are loaded, so a typed address cannot be found: residents must drop a "
                        "pin. Load the city's address list with manage.py import_addresses."),
                 _admin("jurisdictions_addresspoint_changelist"), _("See the address list"))


def check_two_factor(jurisdiction: Jurisdiction) -> Check:
    """At least one person with a seat here has enrolled an authenticator app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    people = StaffMembership.objects.filter(jurisdiction=jurisdiction).values("user_id")
    enrolled = TOTPDevice.objects.filter(confirmed=True, user__in=people, user__is_active=True).exists()
    return Check("two_factor", _("Staff with two-factor sign-in"), enrolled,
                 _("At least one member of staff signs in with an authenticator app.") if enrolled
                 else _("No member of staff has set up two-factor sign-in yet, so nobody can open the staff "
                        "console. Give someone a seat; they set it up when they first sign in."),
                 _admin("jurisdictions_staffmembership_changelist"), _("See staff seats"))


def check_contact(jurisdiction: Jurisdiction) -> Check:
    """The contact page and the privacy notice have a way to reach the city: an email, and a phone or address."""
    missing = []
    if not jurisdiction.email:
        missing.append(_("contact email (the privacy notice sends questions about personal data there)"))
    if not (jurisdiction.phone or jurisdiction.address):
        missing.append(_("311 phone number or office address (the contact page shows them)"))
    return Check("contact", _("Privacy notice and contact page"), not missing,
                 _("The contact page and the privacy notice lack: %(list)s.") % {"list": "; ".join(missing)}
                 if missing else _("The contact page and the privacy notice say how to reach the city."),
                 _admin("jurisdictions_jurisdiction_change", jurisdiction.pk), _("Edit the jurisdiction"))


def check_open311_keys(jurisdiction: Jurisdiction) -> Check:
    """An Open311 API key has been issued that works here (phone apps and partner systems post with one)."""
    from civicdesk.open311.models import ApiKey

    issued = ApiKey.objects.filter(Q(jurisdiction=jurisdiction) | Q(jurisdiction=None), is_active=True).exists()
    return Check("open311", _("Open311 keys"), issued,
                 _("An Open311 key has been issued for the apps and systems that send reports.") if issued
                 else _("No Open311 key has been issued, so phone apps and partner systems cannot send reports."),
                 _admin("open311_apikey_add"), _("Issue a key"))


def _email_settings() -> Check | None:
    """The email check's verdict from the settings alone (not configured, no sender), else None."""
    title, docs = _("Outgoing email"), "https://docs.djangoproject.com/en/5.2/topics/email/"
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend" or not settings.EMAIL_HOST:
        return Check("email", title, False, _("Outgoing email is not configured (set EMAIL_HOST and the other "
                                              "EMAIL_ settings), so residents get no acknowledgements."),
                     docs, _("How email is configured"))
    if not settings.DEFAULT_FROM_EMAIL:
        return Check("email", title, False, _("DEFAULT_FROM_EMAIL is not set: messages would have no sender."),
                     docs, _("How email is configured"))
    return None


def check_email(test_to: str = "", *, timeout: float = EMAIL_CHECK_TIMEOUT) -> Check:
    """Outgoing email goes to a real SMTP server that answers within `timeout` seconds (and accepts a test
    message to `test_to`). The result is remembered for the checklist page (remembered_email_check)."""
    from django.core.mail import EmailMessage, get_connection

    found = _email_settings()
    if found is not None:
        return found
    title, docs = _("Outgoing email"), "https://docs.djangoproject.com/en/5.2/topics/email/"
    try:
        connection = get_connection(fail_silently=False, timeout=timeout)
        connection.open()
        try:
            if test_to:
                EmailMessage(_("CivicDesk test message"), _("Outgoing email works."), to=[test_to],
                             connection=connection).send()
        finally:
            connection.close()
    except Exception as exc:  # noqa: BLE001 - any failure to reach or use the server is the finding
        result = Check("email", title, False, _("The mail server %(host)s:%(port)s refused or did not answer: "
                                                "%(error)s") % {"host": settings.EMAIL_HOST,
                                                                "port": settings.EMAIL_PORT, "error": exc},
                       docs, _("How email is configured"))
    else:
        result = Check("email", title, True, _("The mail server accepted a test message to %(to)s.")
                       % {"to": test_to} if test_to else _("The mail server %(host)s answers.")
                       % {"host": settings.EMAIL_HOST})
    cache.set(EMAIL_CHECK_CACHE_KEY, {"check": asdict(result), "at": timezone.now().isoformat()},
              EMAIL_CHECK_SECONDS)
    return result


def remembered_email_check() -> Check:
    """The email check without touching the mail server: the settings' verdict, else the last test of the
    server (within EMAIL_CHECK_SECONDS) with its time, else "not tested lately" (which blocks until tested)."""
    found = _email_settings()
    if found is not None:
        return found
    remembered = cache.get(EMAIL_CHECK_CACHE_KEY)
    if not remembered:
        return Check("email", _("Outgoing email"), False,
                     _("The mail server has not been tested in the last %(minutes)s minutes: press “Test the mail "
                       "server” below.") % {"minutes": EMAIL_CHECK_SECONDS // 60})
    result = Check(**remembered["check"])
    at = timezone.localtime(dt.datetime.fromisoformat(remembered["at"]))
    result.reason = _("%(reason)s (tested at %(time)s)") % {"reason": result.reason, "time": at.strftime("%H:%M")}
    return result


DEVELOPMENT_SMS = "civicdesk.notifications.transports.sms.DevelopmentSms"


def _sms_fingerprint() -> str:
    """A digest of the SMS settings a test text depends on, so a remembered test stops counting once they change
    (the token only enters the digest, never the cache)."""
    import hashlib

    parts = [settings.NOTIFICATION_TRANSPORTS.get("sms", ""), settings.TWILIO_API_BASE,
             settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM_NUMBER]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def sms_is_development() -> bool:
    """True when texts go to the development outbox (or nowhere): nothing leaves the machine."""
    path = settings.NOTIFICATION_TRANSPORTS.get("sms", "")
    return not path or path == DEVELOPMENT_SMS or path.endswith(".DevelopmentSms")


def _sms_settings() -> Check | None:
    """The SMS check's verdict from the settings alone (the development transport, a transport that cannot be
    built), else None."""
    from civicdesk.notifications.transports import TransportError

    title = _("Text messages (SMS)")
    if sms_is_development():
        return Check("sms", title, False, _("Text messages are not configured (SMS_TRANSPORT is the development "
                                            "one), so residents who chose texts get nothing. See docs/notifications.md."))
    try:
        import_string(settings.NOTIFICATION_TRANSPORTS["sms"])()
    except (ImportError, TransportError) as exc:
        return Check("sms", title, False, _("The text message service is not ready: %(error)s") % {"error": exc})
    return None


def sms_test_number(raw: str) -> str:
    """The E.164 number a test text goes to, read as residents' numbers are (`lib.phones`) and allowed by the
    SMS policy's countries and kinds of number; raises PhoneError saying why not in plain words."""
    from civicdesk.lib.phones import PhoneError, sms_number
    from civicdesk.notifications import sms_limits

    refusal = sms_limits.refusal_for(raw)
    if refusal is not None:
        raise PhoneError(refusal.message)
    number = sms_number(raw)
    if not number:
        raise PhoneError(_("Include the area code, like 217-555-0142."))
    return number


def _sms_failure(exc) -> str:
    """What went wrong with a test text, in words an administrator can act on (never a traceback)."""
    service = settings.NOTIFICATION_TRANSPORTS.get("sms", "").rsplit(".", 1)[-1]
    reasons = {
        "credentials": _("%(service)s refused our account: check the account SID and auth token "
                         "(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) and that the account is active."),
        "unreachable": _("%(service)s could not be reached (no answer, or no network route to it). Try again "
                         "later, or check the server's connection to the internet and TWILIO_API_BASE."),
        "recipient": _("%(service)s refused the number: it cannot receive texts (not a valid mobile number, or it "
                       "replied STOP). Try another number."),
        "sender": _("%(service)s refused our sending number (TWILIO_FROM_NUMBER): it must be an SMS-capable "
                    "number of this account."),
    }
    reason = reasons.get(getattr(exc, "kind", ""), _("%(service)s did not send the text; it answered: %(error)s"))
    return reason % {"service": service, "error": getattr(exc, "message", "")}


def check_sms(test_to: str = "") -> Check:
    """Text messages go out: when `test_to` (E.164, see `sms_test_number`) is given, a test text is sent to it
    through the configured transport now (for Twilio, after reading the account, which sends nothing) and the
    result is remembered for SMS_CHECK_SECONDS with the settings it was made with; without it, the last test
    with the current settings (remembered_sms_check). Passes only after a test text with the current settings
    went out through a real (not development) transport."""
    if not test_to:
        return remembered_sms_check()
    from civicdesk.notifications import sms_limits
    from civicdesk.notifications.transports import TransportError

    title = _("Text messages (SMS)")
    found = _sms_settings()
    if found is not None and not sms_is_development():
        return found
    body = _("CivicDesk test message: text messages work.")
    try:
        refused = sms_limits.admit(test_to)
    except sms_limits.SmsHeld:
        return Check("sms", title, False, _("The hourly limit of text messages (for the whole site, or to this number; Admin → "
                                            "SMS budget and countries) is used up, so no test text was sent. Try "
                                            "again in the next hour."))
    if refused is not None:  # sms_test_number() refuses these first; the policy may have changed since
        return Check("sms", title, False, refused.message)
    transport = import_string(settings.NOTIFICATION_TRANSPORTS.get("sms") or DEVELOPMENT_SMS)()
    try:
        if sms_is_development():
            transport.send_text(test_to, body)
            result = Check("sms", title, False, _(
                "The development backend kept the test text to %(to)s in its outbox (Admin → SMS messages): "
                "nothing left this machine. Residents get no texts until SMS_TRANSPORT names a real service.")
                % {"to": test_to}, _admin("notifications_smsmessage_changelist"), _("See the outbox"))
        else:
            account = transport.check_account() if hasattr(transport, "check_account") else ""
            if hasattr(transport, "send_text"):
                transport.send_text(test_to, body)
            else:
                raise TransportError(f"{type(transport).__name__} cannot send a text outside a delivery.")
            service = type(transport).__name__
            result = Check("sms", title, True, _("%(service)s accepted a test text to %(to)s (account %(account)s).")
                           % {"service": service, "to": test_to, "account": account} if account
                           else _("%(service)s accepted a test text to %(to)s.") % {"service": service, "to": test_to})
    except TransportError as exc:
        result = Check("sms", title, False, _sms_failure(exc))
    finally:
        transport.close()
    cache.set(SMS_CHECK_CACHE_KEY, {"check": asdict(result), "at": timezone.now().isoformat(),
                                    "settings": _sms_fingerprint()}, SMS_CHECK_SECONDS)
    return result


def remembered_sms_check() -> Check:
    """The SMS check without sending anything: the settings' verdict (a development test shown when there was
    one), else the last test text with the current settings (within SMS_CHECK_SECONDS) and its time, else
    "no test text yet" (which blocks until one is sent)."""
    found = _sms_settings()
    remembered = cache.get(SMS_CHECK_CACHE_KEY)
    if remembered and remembered.get("settings") != _sms_fingerprint():
        remembered = None
    if found is not None and not (remembered and sms_is_development()):
        return found
    if not remembered:
        return Check("sms", _("Text messages (SMS)"), False,
                     _("No test text has been sent with the current settings in the last %(hours)s hours: send one "
                       "with “Send a test text” below (or manage.py check_city --test-sms NUMBER).")
                     % {"hours": SMS_CHECK_SECONDS // 3600})
    result = Check(**remembered["check"])
    at = timezone.localtime(dt.datetime.fromisoformat(remembered["at"]))
    result.reason = _("%(reason)s (tested at %(time)s)") % {"reason": result.reason, "time": at.strftime("%H:%M")}
    return result


def check_worker(now: dt.datetime | None = None) -> Check:
    """The background task worker runs: a task finished in the last hour and none has waited ten minutes."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    title = _("Background worker")
    last = DBTaskResult.objects.exclude(finished_at=None).order_by("-finished_at").values_list(
        "finished_at", flat=True).first()
    waiting = (DBTaskResult.objects.filter(status=TaskResultStatus.READY, enqueued_at__lt=now - WORKER_WAIT)
               .filter(Q(run_after=None) | Q(run_after__lt=now - WORKER_WAIT)).count())
    if waiting:
        return Check("worker", title, False, _("%(n)s background tasks have waited more than ten minutes: the "
                                               "task worker (manage.py db_worker) is not running.") % {"n": waiting})
    if last is None or last < now - WORKER_RECENT:
        return Check("worker", title, False, _("No background task has finished in the last hour: start the task "
                                               "worker (manage.py db_worker); without it no email is sent."))
    return Check("worker", title, True, _("The task worker finished a task at %(time)s.")
                 % {"time": timezone.localtime(last).strftime("%Y-%m-%d %H:%M")})


def run_checklist(jurisdiction: Jurisdiction, *, test_email_to: str = "", email: Check | None = None,
                  sms: Check | None = None) -> list[Check]:
    """Every check for `jurisdiction`, then the site-wide ones. `email` is the email check when the caller already
    has it (the checklist page: remembered, or just tested); else the mail server is tested now. `sms` likewise
    (a test text just sent); else the last test text is shown."""
    return [check_routing(jurisdiction), check_department_staff(jurisdiction), check_districts(jurisdiction),
            check_addresses(jurisdiction), check_two_factor(jurisdiction), check_contact(jurisdiction),
            check_open311_keys(jurisdiction), email or check_email(test_email_to), sms or check_sms(),
            check_worker()]
