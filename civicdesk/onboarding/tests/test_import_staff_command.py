"""manage.py import_staff: CSV files in every encoding a spreadsheet writes, row errors in plain words, existing
people given only their new seats, and the invitation emails sent over real SMTP by the task worker."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.onboarding.models import StaffInvitation
from civicdesk.testing.fixtures import run_worker

HEADER = "email,first_name,last_name,jurisdiction,department,role,language\n"


def run(tmp_path, text: str | bytes, *args) -> str:
    path = tmp_path / "staff.csv"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out = io.StringIO()
    call_command("import_staff", str(path), *args, stdout=out)
    return out.getvalue()


def refused(tmp_path, text: str | bytes, *args) -> str:
    with pytest.raises(CommandError) as caught:
        run(tmp_path, text, *args)
    return str(caught.value)


def test_it_creates_people_and_seats_and_emails_each_an_invitation(tmp_path, tworld, smtp_server):
    out = run(tmp_path, HEADER + "Lucia.Fernandez@elm.example.gov,Lucía,Fernández,elm,public-works,supervisor,es\n"
                                 "omar@elm.example.gov,عمر,الحداد,Town of Elm,Sanitation,agent,ar\n"
                                 "omar@elm.example.gov,عمر,الحداد,elm,,Call center agent,ar\n")
    assert "Imported: 2 new people, 1 more seats, 0 role changes, 0 unchanged" in out
    lucia = User.objects.get(email="lucia.fernandez@elm.example.gov")
    assert (lucia.first_name, lucia.last_name, lucia.language) == ("Lucía", "Fernández", "es")
    assert not lucia.has_usable_password()
    seat = StaffMembership.objects.get(user=lucia)
    assert (seat.jurisdiction, seat.department, seat.role) == (tworld.elm, tworld.public_works, "supervisor")
    omar = User.objects.get(email="omar@elm.example.gov")
    assert sorted((s.department_id or 0, s.role) for s in omar.memberships.all()) == [
        (0, "agent"), (tworld.sanitation.pk, "agent")]
    assert StaffInvitation.objects.filter(accepted_at__isnull=True).count() == 2
    assert AuditEntry.objects.filter(action="staffmembership.imported").count() == 3
    assert AuditEntry.objects.filter(action="staff_import.applied", jurisdiction_id=tworld.elm.pk).exists()

    run_worker()
    messages = {m["To"]: m for m in smtp_server.wait_for(2)}
    spanish = messages["lucia.fernandez@elm.example.gov"]
    assert spanish["Subject"] == "Le invitamos a la consola del personal de Town of Elm"
    body = spanish.get_body(("plain",)).get_content()
    assert "Supervisor" in body or "Supervisión" in body or "supervisor" in body.lower()
    assert re.search(r"/staff/onboarding/invitation/[^/\s]+/", body)
    arabic = messages["omar@elm.example.gov"].get_body(("plain",)).get_content()
    assert "Sanitation" in arabic and re.search(r"/staff/onboarding/invitation/[^/\s]+/", arabic)
    # Sending again queues nothing new: each invitation email goes out once.
    run_worker()
    assert len(smtp_server.messages) == 2


def test_it_reads_utf8_with_a_byte_order_mark(tmp_path, world):
    data = b"\xef\xbb\xbf" + (HEADER + "nadia@elm.example.gov,نادية,المصري,elm,sanitation,staff,ar\n").encode()
    out = run(tmp_path, data)
    assert "read as UTF-8" in out
    assert User.objects.get(email="nadia@elm.example.gov").get_full_name() == "نادية المصري"


def test_it_reads_windows_1252_from_excel_with_semicolons(tmp_path, world):
    text = HEADER.replace(",", ";") + "jose@elm.example.gov;José;Muñoz;elm;public-works;staff;es\r\n"
    out = run(tmp_path, text.encode("cp1252"))
    assert "read as Windows-1252" in out
    assert User.objects.get(email="jose@elm.example.gov").get_full_name() == "José Muñoz"


def test_it_refuses_a_file_in_an_encoding_it_cannot_recognise(tmp_path, world):
    message = refused(tmp_path, HEADER.encode() + b"x@elm.example.gov,\x81\x8d,,elm,,staff,\n")
    assert "encoding we cannot recognise" in message and "CSV UTF-8" in message
    assert not User.objects.filter(email="x@elm.example.gov").exists()


def test_it_lists_every_row_error_in_plain_words_and_imports_nothing(tmp_path, world):
    with pytest.raises(CommandError) as caught:
        call_command("import_staff", str(_write(tmp_path, HEADER
                     + "ok@elm.example.gov,Ok,Person,elm,public-works,staff,\n"
                     + "parks@elm.example.gov,Pat,Parks,elm,parks,staff,\n"
                     + "boss@elm.example.gov,Big,Boss,elm,,overlord,\n"
                     + "not-an-address,No,Address,elm,,staff,\n"
                     + "ok@elm.example.gov,Ok,Again,elm,Public Works,agent,\n"
                     + "far@elm.example.gov,Far,Away,atlantis,,staff,\n"
                     + "lang@elm.example.gov,Lang,,elm,,staff,fr\n")), stdout=(out := io.StringIO()))
    assert "6 row(s) need fixing" in str(caught.value)
    text = out.getvalue()
    assert "line 3 (parks@elm.example.gov): Town of Elm has no department called “parks”. Its departments: " \
           "Public Works, Sanitation." in text
    assert "line 4 (boss@elm.example.gov): “overlord” is not a role. Use one of: agent, staff" in text
    assert "line 5 (not-an-address): “not-an-address” is not an email address." in text
    assert "line 6 (ok@elm.example.gov): This row repeats line 2" in text
    assert "line 7 (far@elm.example.gov): There is no jurisdiction called “atlantis”." in text
    assert "line 8 (lang@elm.example.gov): “fr” is not a language of this site." in text
    assert not User.objects.filter(email="ok@elm.example.gov").exists()


def _write(tmp_path, text: str):
    path = tmp_path / "staff.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_it_changes_nothing_on_a_dry_run(tmp_path, world):
    out = run(tmp_path, HEADER + "new@elm.example.gov,New,,,,staff,\n", "--dry-run", "--jurisdiction", "elm")
    assert "Dry run: would import 1 new people" in out
    assert not User.objects.filter(email="new@elm.example.gov").exists()
    assert not StaffInvitation.objects.exists()


def test_it_refuses_a_file_without_the_required_columns(tmp_path, world):
    assert "The file has no column called role" in refused(tmp_path, "email,name\na@b.example,A\n")


def test_it_gives_an_existing_person_only_the_new_seats_and_a_note(tmp_path, tworld, smtp_server):
    bob = tworld.bob
    password = bob.password
    out = run(tmp_path, HEADER + "bob@elm.example.gov,Robert,,elm,public-works,supervisor,\n"
                                 "BOB@elm.example.gov,,,elm,sanitation,staff,\n"
                                 "carol@elm.example.gov,,,elm,sanitation,staff,\n")
    assert "0 new people, 1 more seats, 1 role changes, 1 unchanged" in out
    bob.refresh_from_db()
    assert bob.password == password and bob.first_name == "Bob"
    assert sorted((s.department.slug, s.role) for s in bob.memberships.select_related("department")) == [
        ("public-works", "supervisor"), ("sanitation", "staff")]
    assert not StaffInvitation.objects.exists()
    run_worker()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "bob@elm.example.gov"
    assert message["Subject"] == "Your seats in the staff console have changed"
    body = message.get_body(("plain",)).get_content()
    assert "Supervisor — Public Works · Town of Elm" in body and "Staff — Sanitation · Town of Elm" in body
    assert "/invitation/" not in body and "Your password has not changed" in body


def test_it_invites_again_someone_who_never_accepted(tmp_path, world):
    run(tmp_path, HEADER + "wren@elm.example.gov,Wren,,elm,,staff,\n")
    first = StaffInvitation.objects.get()
    run(tmp_path, HEADER + "wren@elm.example.gov,Wren,,elm,sanitation,agent,\n")
    again = StaffInvitation.objects.get()
    assert again.pk == first.pk and again.times_sent == 2 and again.nonce != first.nonce


def test_it_plans_a_few_thousand_rows_in_a_few_queries(tmp_path, world, django_assert_max_num_queries):
    from civicdesk.onboarding.staff_import import plan_staff_import

    rows = "".join(f"person{i}@elm.example.gov,P{i},,elm,{'public-works' if i % 2 else 'sanitation'},staff,\n"
                   for i in range(3000))
    data = (HEADER + rows + "bob@elm.example.gov,,,elm,public-works,staff,\n").encode()
    with django_assert_max_num_queries(16):
        plan = plan_staff_import(data, allowed_jurisdiction_ids=None)
    assert plan.ok and plan.counts()["people"] == 3000 and plan.counts()["unchanged"] == 1


def test_it_refuses_a_file_that_would_pass_the_sites_daily_invitation_limit(tmp_path, world, settings):
    settings.STAFF_INVITATIONS_PER_DAY = 1
    message = refused(tmp_path, HEADER + "one@elm.example.gov,,,elm,,staff,\ntwo@elm.example.gov,,,elm,,staff,\n")
    assert "Nothing was imported. This would send 2 invitation emails, more than the daily limit allows." in message
    assert not User.objects.filter(email__in=["one@elm.example.gov", "two@elm.example.gov"]).exists()
    assert not StaffMembership.objects.filter(user__email="one@elm.example.gov").exists()
