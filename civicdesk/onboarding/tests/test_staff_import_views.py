"""The staff import pages: upload → review table (created, changed, left alone, row errors) → confirm in one
transaction, audited; the template download; the invitations list with "send again" and its limits."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.onboarding.models import StaffImportUpload, StaffInvitation
from civicdesk.testing.auth import login_verified

HEADER = "email,first_name,last_name,jurisdiction,department,role,language\n"
UPLOAD = reverse("onboarding:staff_import")


@pytest.fixture
def admin(world):
    StaffMembership.objects.create(user=world.bob, jurisdiction=world.elm, role=StaffMembership.Role.ADMIN)
    return world.bob


def upload(client, text: str, **extra):
    data = {"file": SimpleUploadedFile("staff.csv", text.encode("utf-8"), content_type="text/csv"), **extra}
    return client.post(UPLOAD, data)


def test_it_shows_the_review_table_and_imports_on_confirm(client, world, admin):
    login_verified(client, admin)
    response = upload(client, HEADER + "zara@elm.example.gov,Zara,Quillfeather,elm,sanitation,staff,es\n"
                                       "carol@elm.example.gov,,,elm,sanitation,supervisor,\n"
                                       "bob@elm.example.gov,,,elm,public-works,staff,\n")
    review = response["Location"]
    assert response.status_code == 302 and review.startswith("/staff/onboarding/staff/")
    page = client.get(review).content.decode()
    assert "New person: account created, invitation sent" in page and "Zara Quillfeather" in page
    assert "Staff → Supervisor" in page and "Role changed" in page
    assert "1 seat already so, left alone" in page
    assert "Import these seats and send the emails" in page
    assert not User.objects.filter(email="zara@elm.example.gov").exists()

    response = client.post(review)
    assert response.status_code == 302 and response["Location"] == reverse("onboarding:staff_invitations")
    assert StaffMembership.objects.get(user__email="zara@elm.example.gov").department == world.sanitation
    assert StaffMembership.objects.get(user=world.carol).role == "supervisor"
    assert AuditEntry.objects.filter(action="staffmembership.imported", actor=admin).count() == 2
    assert not StaffImportUpload.objects.exists()
    response = client.get(reverse("onboarding:staff_invitations"))
    assert "no-store" in response["Cache-Control"]  # staff names and addresses stay out of shared caches
    listing = response.content.decode()
    assert "zara@elm.example.gov" in listing and "Waiting, link works until" in listing


def test_it_lists_row_errors_including_seats_the_uploader_does_not_administer(client, world, admin):
    login_verified(client, admin)
    review = upload(client, HEADER + "a@elm.example.gov,,,elm,parks,staff,\n"
                                     "b@elm.example.gov,,,maple,roads,staff,\n"
                                     "c@elm.example.gov,,,elm,,wizard,\n"
                                     "bad address,,,elm,,staff,\n"
                                     "d@elm.example.gov,,,elm,,staff,\n"
                                     "d@elm.example.gov,,,elm,,agent,\n")["Location"]
    page = client.get(review).content.decode()
    assert "Town of Elm has no department called “parks”" in page
    assert "You do not administer Maple County, so you cannot give seats there." in page
    assert "“wizard” is not a role." in page
    assert "“bad address” is not an email address." in page
    assert "This row repeats line 6" in page
    assert "Import these seats" not in page
    response = client.post(review)
    assert response.status_code == 400
    assert not User.objects.filter(email__in=["a@elm.example.gov", "d@elm.example.gov"]).exists()


def test_it_fills_the_chosen_jurisdiction_and_shows_names_as_text(client, world, admin):
    login_verified(client, admin)
    review = upload(client, HEADER + 'e@elm.example.gov,<script>alert("quokkapwn")</script>,,,,agent,\n',
                    jurisdiction=world.elm.pk)["Location"]
    page = client.get(review).content.decode()
    assert "&lt;script&gt;alert(&quot;quokkapwn&quot;)&lt;/script&gt;" in page
    assert '<script>alert("quokkapwn")' not in page
    assert "Town of Elm" in page


def test_it_explains_a_file_it_cannot_read(client, world, admin):
    login_verified(client, admin)
    review = upload(client, "name,phone\nAda,555\n")["Location"]
    page = client.get(review).content.decode()
    assert "This file cannot be imported" in page and "The file has no column called email, role" in page


def test_it_is_for_jurisdiction_admins_only(client, world):
    login_verified(client, world.bob)
    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("onboarding:staff_invitations")).status_code == 403


def test_it_keeps_each_upload_to_its_uploader(client, world, admin):
    other = StaffImportUpload.objects.create(uploaded_by=world.carol, filename="x.csv", data=b"email,role\n")
    login_verified(client, admin)
    assert client.get(reverse("onboarding:staff_review", args=[other.pk])).status_code == 404


def test_it_offers_a_template_to_download(client, world, admin):
    login_verified(client, admin)
    response = client.get(reverse("onboarding:staff_template"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith(HEADER.strip()) and "Lucía" in text and "عمر" in text


def test_it_refuses_more_invitations_than_the_uploaders_daily_limit(client, world, admin, settings):
    settings.STAFF_INVITATIONS_PER_ADMIN_PER_DAY = 2
    login_verified(client, admin)
    review = upload(client, HEADER + "".join(f"p{i}@elm.example.gov,,,elm,,staff,\n" for i in range(3)))["Location"]
    response = client.post(review)
    assert response.status_code == 429
    assert "more than the daily limit allows" in response.content.decode()
    assert not User.objects.filter(email__startswith="p0@").exists()
    assert not StaffInvitation.objects.exists()


def test_it_sends_an_invitation_again_and_the_older_link_stops_working(client, world, admin, settings):
    from civicdesk.onboarding import invitations

    login_verified(client, admin)
    client.post(upload(client, HEADER + "finch@elm.example.gov,,,elm,,staff,\n")["Location"])
    invitation = StaffInvitation.objects.get()
    old_token = invitations.invitation_token(invitation)
    response = client.post(reverse("onboarding:resend_invitation", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.times_sent == 2
    assert AuditEntry.objects.filter(action="staff_invitation.resent", actor=admin).exists()
    page = client.get(reverse("onboarding:accept_invitation", args=[old_token])).content.decode()
    assert "A newer invitation was sent to you after this one." in page
    settings.STAFF_INVITATIONS_PER_ADMIN_PER_DAY = 2
    response = client.post(reverse("onboarding:resend_invitation", args=[invitation.pk]), follow=True)
    assert "more than the daily limit allows" in response.content.decode()


def test_it_lists_invitations_in_few_queries(client, world, admin, django_assert_max_num_queries):
    from civicdesk.onboarding import invitations

    people = [User.objects.create_user(email=f"inv{i}@elm.example.gov") for i in range(15)]
    invitations.invite_many([(person, world.elm) for person in people], invited_by=admin)
    login_verified(client, admin)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("onboarding:staff_invitations")).content.decode()
    assert page.count("Send again") == 15
