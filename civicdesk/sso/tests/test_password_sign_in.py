"""Password sign-in beside single sign-on: the button on the sign-in page, and passwords switched off per
jurisdiction (superusers keep their break-glass password)."""

from __future__ import annotations

from civicdesk.accounts.models import User
from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.sso.models import SsoJurisdictionPolicy

PASSWORD = "correct horse battery"


def sign_in_with_password(client, email: str):
    return client.post("/account/login/", {"username": email, "password": PASSWORD, "next": "/staff/"})


def test_it_shows_the_sign_in_with_button_carrying_next(client, world, provider):
    page = client.get("/account/login/?next=/staff/").content.decode()
    assert 'href="/sso/start/?next=%2Fstaff%2F">Sign in with Elm Directory</a>' in page


def test_it_refuses_a_password_when_every_seat_is_in_a_single_sign_on_only_jurisdiction(client, world, provider):
    SsoJurisdictionPolicy.objects.create(jurisdiction=world.elm, passwords_allowed=False)
    response = sign_in_with_password(client, "bob@elm.example.gov")
    assert response.status_code == 200
    assert "Your city signs staff in with Elm Directory only" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action="sso.password_refused")
    assert entry.object_id == str(world.bob.pk) and entry.data["reason"] == "sso_only"


def test_it_refuses_nothing_to_a_wrong_password_beyond_the_usual_message(client, world, provider):
    SsoJurisdictionPolicy.objects.create(jurisdiction=world.elm, passwords_allowed=False)
    response = client.post("/account/login/", {"username": "bob@elm.example.gov", "password": "wrong horse"})
    assert "That email and password do not match" in response.content.decode()
    assert "Elm Directory only" not in response.content.decode()  # nobody learns the rule without the password


def test_it_lets_a_password_in_while_one_seat_is_in_a_jurisdiction_that_allows_them(client, world, provider):
    SsoJurisdictionPolicy.objects.create(jurisdiction=world.elm, passwords_allowed=False)
    StaffMembership.objects.create(user=world.bob, jurisdiction=world.county, department=world.roads)
    response = sign_in_with_password(client, "bob@elm.example.gov")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.bob.pk)


def test_it_keeps_a_superusers_break_glass_password(client, world, provider):
    SsoJurisdictionPolicy.objects.create(jurisdiction=world.elm, passwords_allowed=False)
    root = User.objects.create_superuser(email="root@elm.example.gov", password=PASSWORD)
    StaffMembership.objects.create(user=root, jurisdiction=world.elm)
    response = sign_in_with_password(client, "root@elm.example.gov")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(root.pk)


def test_it_leaves_passwords_alone_when_single_sign_on_is_not_configured(client, world, settings):
    settings.SSO_OIDC_ISSUER = ""
    SsoJurisdictionPolicy.objects.create(jurisdiction=world.elm, passwords_allowed=False)
    assert sign_in_with_password(client, "bob@elm.example.gov").status_code == 302


def test_it_names_the_button_in_spanish_and_arabic(client, world, provider):
    spanish = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ">Iniciar sesión con Elm Directory</a>" in spanish
    arabic = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert ">تسجيل الدخول عبر Elm Directory</a>" in arabic
