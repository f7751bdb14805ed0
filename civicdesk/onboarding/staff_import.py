"""Staff import: read a CSV of people and their seats, plan what would change, apply it in one transaction and
queue the invitation emails (docs/onboarding.md, "Staff import").

The plan is built with a handful of bulk look-ups whatever the number of rows (jurisdictions, their
departments, the people already known and their seats), so a file of a few thousand rows is read in a few
queries. Nothing is written until `apply_staff_plan()`, and only when no row has an error.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import Department, Jurisdiction, StaffMembership
from civicdesk.throttle.services import Limit, RateLimited, check

from . import invitations

#: The columns a staff file may have, in the order of the template. `email` and `role` are required, and
#: `jurisdiction` unless the import names one for every row.
COLUMNS = ["email", "first_name", "last_name", "jurisdiction", "department", "role", "language"]
REQUIRED_COLUMNS = {"email", "role"}
#: Larger lists are split: a city's whole staff fits well under this.
MAX_ROWS = 5000
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Rows looked up per query (well under every database's limit of bound parameters).
LOOKUP_CHUNK = 500

ROLE_WORDS = {choice.value: choice.value for choice in StaffMembership.Role} | {
    str(choice.label).lower(): choice.value for choice in StaffMembership.Role}


class StaffFileError(ValueError):
    """The file as a whole cannot be read (encoding, missing columns, too many rows); str() says why."""


# --- reading the file ------------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read in.

    UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode text"), and Windows-1252
    (Excel's plain "CSV" on Windows) are recognised; anything else raises StaffFileError.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise StaffFileError(_("The file says it is UTF-16 text but is not. Save it from your spreadsheet "
                                   "as “CSV UTF-8” and upload it again.")) from None
    if b"\x00" in data:
        raise StaffFileError(_("This does not look like a CSV file. Save the list from your spreadsheet as "
                               "“CSV UTF-8” and upload it again."))
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV (Comma delimited)" in the Windows-1252 code page.
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise StaffFileError(_("The file's letters are in an encoding we cannot recognise. Save it from your "
                               "spreadsheet as “CSV UTF-8” and upload it again.")) from None


def _header_key(name: str) -> str:
    return "_".join((name or "").strip().lower().replace("-", " ").split())


@dataclass
class RawRow:
    line: int
    values: dict[str, str]


def read_rows(text: str) -> list[RawRow]:
    """The file's data rows with their line numbers (the header is line 1); raises StaffFileError."""
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Spanish or Arabic number formats separate columns with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise StaffFileError(_("The file is empty.")) from None
    except csv.Error:
        raise StaffFileError(_("The first line of the file cannot be read as CSV.")) from None
    keys = [_header_key(name) for name in header]
    missing = [column for column in COLUMNS if column in REQUIRED_COLUMNS and column not in keys]
    if missing:
        raise StaffFileError(_("The file has no column called %(columns)s. The first line must name the columns: "
                               "%(expected)s.") % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)})
    rows: list[RawRow] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise StaffFileError(_("The file has more than %(max)d people. Split it into smaller files.")
                                     % {"max": MAX_ROWS})
            row = {key: (values[i].strip() if i < len(values) else "") for i, key in enumerate(keys) if key}
            rows.append(RawRow(line=reader.line_num, values=row))
    except csv.Error as exc:
        raise StaffFileError(_("Line %(line)d of the file cannot be read as CSV (%(reason)s).")
                             % {"line": reader.line_num, "reason": exc}) from None
    return rows


# --- planning --------------------------------------------------------------------------------------------

class Action:
    INVITE = "invite"  # a new person: an account, this seat and an invitation
    ADD = "add"  # a new seat for someone known (or a second seat of a new person)
    CHANGE = "change"  # a seat that exists with another role
    UNCHANGED = "unchanged"
    ERROR = "error"


ACTION_LABELS = {
    Action.INVITE: gettext_lazy("New person: account created, invitation sent"),
    Action.ADD: gettext_lazy("New seat"),
    Action.CHANGE: gettext_lazy("Role changed"),
    Action.UNCHANGED: gettext_lazy("Already so: left alone"),
    Action.ERROR: gettext_lazy("Not imported"),
}


@dataclass
class RowPlan:
    """What one line of the file would do."""

    line: int
    email: str
    first_name: str = ""
    last_name: str = ""
    language: str = ""
    jurisdiction: Jurisdiction | None = None
    department: Department | None = None
    role: str = ""
    action: str = Action.ERROR
    old_role: str = ""
    errors: list[str] = field(default_factory=list)
    seat: StaffMembership | None = None
    user: object = None  # the known account with this address, None for a new person

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def role_label(self) -> str:
        return str(StaffMembership.Role(self.role).label) if self.role in StaffMembership.Role.values else self.role

    @property
    def old_role_label(self) -> str:
        return str(StaffMembership.Role(self.old_role).label) if self.old_role else ""


@dataclass
class StaffPlan:
    """Every row's plan, plus what stops the whole file."""

    rows: list[RowPlan] = field(default_factory=list)
    file_error: str = ""
    encoding: str = ""

    @property
    def errors(self) -> list[RowPlan]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        """True when the file can be applied: it was read, it has rows, and no row has an error."""
        return not self.file_error and bool(self.rows) and not self.errors

    def counts(self) -> dict[str, int]:
        counts = {action: 0 for action in ACTION_LABELS}
        for row in self.rows:
            counts[row.action] += 1
        counts["people"] = len({row.email for row in self.rows if row.action == Action.INVITE})
        return counts


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def plan_staff_import(data: bytes, *, allowed_jurisdiction_ids: set[int] | None,
                      default_jurisdiction: Jurisdiction | None = None) -> StaffPlan:
    """Read `data` (a staff CSV) and say what each row would do, changing nothing.

    `allowed_jurisdiction_ids` are the jurisdictions the uploader administers (None: every one, for
    superusers and `manage.py import_staff`); a seat elsewhere is a row error. `default_jurisdiction` fills
    rows whose jurisdiction column is empty (or missing).
    """
    from civicdesk.accounts.models import User

    plan = StaffPlan()
    try:
        text, plan.encoding = decode(data)
        raw_rows = read_rows(text)
    except StaffFileError as exc:
        plan.file_error = str(exc)
        return plan
    if not raw_rows:
        plan.file_error = _("The file has column names but no people in it.")
        return plan

    jurisdictions: dict[str, Jurisdiction] = {}
    for jurisdiction in Jurisdiction.objects.all():
        jurisdictions[jurisdiction.slug.lower()] = jurisdiction
        jurisdictions.setdefault(jurisdiction.name.strip().lower(), jurisdiction)
    departments: dict[tuple[int, str], Department] = {}
    for department in Department.objects.all():
        departments[(department.jurisdiction_id, department.slug.lower())] = department
        departments.setdefault((department.jurisdiction_id, department.name.strip().lower()), department)

    emails = sorted({row.values.get("email", "").strip().lower() for row in raw_rows} - {""})
    users: dict[str, User] = {}
    for chunk in _chunks(emails):
        users.update({user.email: user for user in User.objects.filter(email__in=chunk)})
    seats: dict[tuple[int, int, int | None], StaffMembership] = {}
    user_ids = [user.pk for user in users.values()]
    for chunk in _chunks(user_ids):
        for seat in StaffMembership.objects.filter(user_id__in=chunk):
            seats[(seat.user_id, seat.jurisdiction_id, seat.department_id)] = seat

    languages = {code for code, _name in settings.LANGUAGES}
    seen: dict[tuple[str, int, int | None], int] = {}
    new_people: set[str] = set()
    for raw in raw_rows:
        values = raw.values
        row = RowPlan(line=raw.line, email=values.get("email", "").strip().lower(),
                      first_name=values.get("first_name", "")[:150], last_name=values.get("last_name", "")[:150],
                      language=values.get("language", "").strip().lower())
        plan.rows.append(row)
        _check_email(row)
        if row.language and row.language not in languages:
            row.errors.append(_("“%(value)s” is not a language of this site. Use one of: %(codes)s, or leave it "
                                "empty.") % {"value": row.language, "codes": ", ".join(sorted(languages))})
        _resolve_seat(row, values, jurisdictions=jurisdictions, departments=departments,
                      allowed=allowed_jurisdiction_ids, default_jurisdiction=default_jurisdiction)
        if row.errors:
            continue
        key = (row.email, row.jurisdiction.pk, row.department.pk if row.department else None)
        if key in seen:
            row.errors.append(_("This row repeats line %(line)d: the same person in the same jurisdiction and "
                                "department. Keep one of them.") % {"line": seen[key]})
            continue
        seen[key] = row.line
        user = users.get(row.email)
        if user is None:
            row.action = Action.ADD if row.email in new_people else Action.INVITE
            new_people.add(row.email)
            continue
        if not user.is_active:
            row.errors.append(_("The account with this email address is closed. Ask a site administrator to "
                                "reopen it in the admin first."))
            continue
        seat = seats.get((user.pk, row.jurisdiction.pk, row.department.pk if row.department else None))
        row.seat, row.user = seat, user
        if seat is None:
            row.action = Action.ADD
        elif seat.role == row.role:
            row.action = Action.UNCHANGED
        else:
            row.action, row.old_role = Action.CHANGE, seat.role
    for row in plan.rows:
        if row.errors:
            row.action = Action.ERROR
    return plan


def _check_email(row: RowPlan) -> None:
    if not row.email:
        row.errors.append(_("The email address is missing."))
        return
    try:
        validate_email(row.email)
    except ValidationError:
        row.errors.append(_("“%(value)s” is not an email address.") % {"value": row.email})


def _resolve_seat(row: RowPlan, values: dict[str, str], *, jurisdictions, departments, allowed,
                  default_jurisdiction) -> None:
    """Fill the row's jurisdiction, department and role from the file, adding an error for each that fails."""
    name = values.get("jurisdiction", "").strip()
    if name:
        row.jurisdiction = jurisdictions.get(name.lower())
        if row.jurisdiction is None:
            row.errors.append(_("There is no jurisdiction called “%(value)s”.") % {"value": name})
    elif default_jurisdiction is not None:
        row.jurisdiction = default_jurisdiction
    else:
        row.errors.append(_("The jurisdiction is missing."))
    if row.jurisdiction is not None and allowed is not None and row.jurisdiction.pk not in allowed:
        row.errors.append(_("You do not administer %(jurisdiction)s, so you cannot give seats there.")
                          % {"jurisdiction": row.jurisdiction.name})
        row.jurisdiction = None
    department = values.get("department", "").strip()
    if department and row.jurisdiction is not None:
        row.department = departments.get((row.jurisdiction.pk, department.lower()))
        if row.department is None:
            known = sorted({d.name for (jid, _key), d in departments.items() if jid == row.jurisdiction.pk})
            row.errors.append(_("%(jurisdiction)s has no department called “%(value)s”. Its departments: "
                                "%(known)s.") % {"jurisdiction": row.jurisdiction.name, "value": department,
                                                 "known": ", ".join(known) or "—"})
    role = values.get("role", "").strip()
    row.role = ROLE_WORDS.get(role.lower(), "")
    if not role:
        row.errors.append(_("The role is missing."))
    elif not row.role:
        row.errors.append(_("“%(value)s” is not a role. Use one of: %(roles)s.")
                          % {"value": role, "roles": ", ".join(StaffMembership.Role.values)})


# --- applying --------------------------------------------------------------------------------------------

@dataclass
class ApplyResult:
    counts: dict[str, int]
    invited: int
    notified: int


def invitation_limits(actor) -> list[Limit]:
    """The limits every invitation email counts against: per sending admin and for the whole site, a day."""
    limits = [Limit("staff-invitations:site", settings.STAFF_INVITATIONS_PER_DAY, 86400)]
    if actor is not None:
        limits.append(Limit(f"staff-invitations:user:{actor.pk}", settings.STAFF_INVITATIONS_PER_ADMIN_PER_DAY,
                            86400))
    return limits


def check_invitation_limits(actor, cost: int) -> None:
    """Count `cost` invitation emails for `actor` (None: the operator's command, which only the site limit
    counts), or raise RateLimited and count nothing."""
    if cost <= 0:
        return
    limits = [limit for limit in invitation_limits(actor) if limit.limit > 0]
    message = _("This would send %(count)d invitation emails, more than the daily limit allows. Split the file, "
                "or send the rest tomorrow.") % {"count": cost}
    for limit in limits:
        # throttle.check() lets a first use larger than the limit through; a batch must not.
        if cost > limit.limit:
            raise RateLimited(message, limit=limit, retry_after=limit.seconds)
    check(*limits, message=message, cost=cost)


def apply_staff_plan(plan: StaffPlan, *, actor, filename: str = "") -> ApplyResult:
    """Write the plan in one transaction: new accounts (no password yet), seats, role changes, invitations
    and the audit entries; queue the emails. Raises ValueError when the plan has errors and RateLimited when
    the invitations would pass a limit (then nothing is written)."""
    from civicdesk.accounts.models import User

    if not plan.ok:
        raise ValueError("a staff plan with errors cannot be applied")
    actor_id = actor.pk if actor is not None else None
    now = timezone.now()
    with transaction.atomic():
        new_rows = [row for row in plan.rows if row.action == Action.INVITE]
        fresh = []
        for row in new_rows:
            user = User(email=row.email, first_name=row.first_name, last_name=row.last_name,
                        language=row.language or settings.LANGUAGE_CODE)
            user.set_unusable_password()
            fresh.append(user)
        User.objects.bulk_create(fresh)
        users: dict[str, User] = {}
        emails = sorted({row.email for row in plan.rows if row.action in (Action.INVITE, Action.ADD)})
        for chunk in _chunks(emails):
            users.update({user.email: user for user in User.objects.filter(email__in=chunk)})

        added = [StaffMembership(user=users[row.email], jurisdiction=row.jurisdiction, department=row.department,
                                 role=row.role) for row in plan.rows if row.action in (Action.INVITE, Action.ADD)]
        StaffMembership.objects.bulk_create(added)
        changed = []
        for row in plan.rows:
            if row.action == Action.CHANGE:
                row.seat.role = row.role
                changed.append(row.seat)
        StaffMembership.objects.bulk_update(changed, ["role"])

        # Who gets which email: people who never chose a password get an invitation (new or sent again),
        # people who already sign in get a note of their new seats.
        to_invite: dict[str, RowPlan] = {}
        seat_notices: dict[int, list[str]] = {}
        for row in plan.rows:
            if row.action not in (Action.INVITE, Action.ADD, Action.CHANGE):
                continue
            user = users.get(row.email) or row.user
            if not user.has_usable_password():
                to_invite.setdefault(row.email, row)
            else:
                seat_notices.setdefault(user.pk, []).append(
                    f"{row.jurisdiction.pk}:{row.department.pk if row.department else ''}:{row.role}")
        check_invitation_limits(actor, len(to_invite) + len(seat_notices))
        invitation_ids = invitations.invite_many(
            [(users.get(email) or row.user, row.jurisdiction) for email, row in to_invite.items()],
            invited_by=actor, now=now)

        counts = plan.counts()
        audit = [AuditEntry(action="staffmembership.imported", actor_id=actor_id, object_type="accounts.user",
                            object_id=str((users.get(row.email) or row.user).pk),
                            jurisdiction_id=row.jurisdiction.pk,
                            data={"action": row.action, "role": row.role, "old_role": row.old_role,
                                  "department": row.department.slug if row.department else "", "line": row.line,
                                  "file": filename})
                 for row in plan.rows if row.action != Action.UNCHANGED]
        for jurisdiction_id in {row.jurisdiction.pk for row in plan.rows}:
            audit.append(AuditEntry(action="staff_import.applied", actor_id=actor_id,
                                    object_type="jurisdictions.jurisdiction", object_id=str(jurisdiction_id),
                                    jurisdiction_id=jurisdiction_id, data={"file": filename, **counts}))
        AuditEntry.objects.bulk_create(audit)
        invitations.queue_emails(invitation_ids, seat_notices)
    return ApplyResult(counts=counts, invited=len(invitation_ids), notified=len(seat_notices))


def template_csv() -> str:
    """The downloadable template: the header and two example rows (Spanish and Arabic names work)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["lucia.fernandez@example.gov", "Lucía", "Fernández", "riverbend", "public-works",
                     "supervisor", "es"])
    writer.writerow(["omar.haddad@example.gov", "عمر", "الحداد", "riverbend", "", "agent", "ar"])
    return out.getvalue()
