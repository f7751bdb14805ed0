"""The single sign-on round trip through the stand-in provider: seats from groups, and every refusal."""

from __future__ import annotations

import pytest

from civicdesk.audit.models import AuditEntry
from civicdesk.jurisdictions.models import StaffMembership
from civicdesk.sso.models import SsoIdentity, SsoJurisdictionPolicy, SsoRoleMapping, SsoSeat

from .conftest import person, sign_in
from .provider import new_key

ROADS_GROUP = "elm-public-works-supervisors"


@pytest.fixture
def mapping(world):
    return SsoRoleMapping.objects.create(claim_value=ROADS_GROUP, jurisdiction=world.elm,
                                         department=world.public_works, role=StaffMembership.Role.SUPERVISOR)


def seats(user) -> set[tuple[str, str | None, str, bool]]:
    return {(m.jurisdiction.slug, m.department.slug if m.department else None, m.role, hasattr(m, "sso_grant"))
            for m in StaffMembership.objects.filter(user=user).select_related("jurisdiction", "department",
                                                                               "sso_grant")}


def refusal(response, reason: str) -> str:
    assert response.status_code == 403, response.status_code
    assert f'data-reason="{reason}"' in response.content.decode()
    entry = AuditEntry.objects.filter(action="sso.refused").latest("id")
    assert entry.data["reason"] == reason
    return response.content.decode()


def test_it_signs_a_staff_member_in_with_the_seat_their_group_maps_to(client, world, provider, mapping):
    provider.person = person("entra-oid-carol", "carol@elm.example.gov", ROADS_GROUP, "all-staff")
    response = sign_in(client, provider, next="/staff/?queue=mine")
    assert response.status_code == 302 and response["Location"] == "/staff/?queue=mine"
    # The hand-given seat in Sanitation stays; the group adds the Public Works supervisor seat.
    assert seats(world.carol) == {("elm", "sanitation", "staff", False), ("elm", "public-works", "supervisor", True)}
    assert SsoIdentity.objects.get(user=world.carol).subject == "entra-oid-carol"
    assert client.get("/staff/").status_code == 200  # signed in, two-factor satisfied by the provider
    actions = list(AuditEntry.objects.filter(object_id=str(world.carol.pk)).values_list("action", flat=True))
    assert {"sso.seat_added", "sso.linked", "sso.signed_in"} <= set(actions)


def test_it_removes_seats_no_group_gives_any_more_and_leaves_hand_given_ones(client, world, provider, mapping):
    provider.person = person("entra-oid-carol", "carol@elm.example.gov", ROADS_GROUP)
    sign_in(client, provider)
    client.logout()
    provider.person = person("entra-oid-carol", "changed-address@elm.example.gov", "all-staff")
    response = sign_in(client, provider)  # linked by sub now, whatever the email says
    assert response.status_code == 302
    assert seats(world.carol) == {("elm", "sanitation", "staff", False)}
    assert AuditEntry.objects.filter(action="sso.seat_removed", object_id=str(world.carol.pk)).exists()


def test_it_refuses_a_token_for_another_audience(client, world, provider, mapping):
    provider.person = person("entra-oid-bob", "bob@elm.example.gov", ROADS_GROUP)
    provider.audience = "some-other-app"
    page = refusal(sign_in(client, provider), "wrong_audience")
    assert "vouched for you to another application" in page
    assert "_auth_user_id" not in client.session and not SsoSeat.objects.exists()


def test_it_refuses_an_expired_token(client, world, provider, mapping):
    provider.person = person("entra-oid-bob", "bob@elm.example.gov", ROADS_GROUP)
    provider.lifetime = -600
    assert "had expired" in refusal(sign_in(client, provider), "expired")
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_token_issued_before_its_nonce_could_still_be_remembered(client, world, provider, mapping):
    provider.person = person("entra-oid-bob", "bob@elm.example.gov", ROADS_GROUP)
    provider.age, provider.lifetime = 3 * 24 * 3600, 24 * 3600  # issued three days ago, "valid" another day
    refusal(sign_in(client, provider), "expired")


def test_it_refuses_a_token_signed_by_another_key(client, world, provider, mapping):
    provider.person = person("entra-oid-bob", "bob@elm.example.gov", ROADS_GROUP)
    provider.signing_key = new_key()
    assert "not signed by the sign-in service" in refusal(sign_in(client, provider), "bad_signature")
    assert "_auth_user_id" not in client.session


def test_it_refuses_the_same_id_token_and_nonce_a_second_time(client, world, provider, mapping):
    provider.person = person("entra-oid-bob", "bob@elm.example.gov", ROADS_GROUP)
    assert sign_in(client, provider).status_code == 302
    client.logout()
    provider.replay = provider.issued[-1]  # a captured token, sent again for a new sign-in
    assert "already used once" in refusal(sign_in(client, provider), "replayed_nonce")
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_callback_whose_state_was_already_used(client, world, provider, mapping):
    provider.person = person("entra-oid-bob", "bob@elm.example.gov", ROADS_GROUP)
    start = client.get("/sso/start/")
    import requests

    back = requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"]
    path = back.split("testserver", 1)[1]
    assert client.get(path).status_code == 302
    client.logout()
    refusal(client.get(path), "unknown_state")


def test_it_refuses_someone_unknown_while_account_creation_is_off(client, world, provider, mapping):
    provider.person = person("okta-00u-zed", "zed.newcomer@elm.example.gov", ROADS_GROUP)
    page = refusal(sign_in(client, provider), "unknown_user")
    assert "There is no staff account for you yet" in page
    assert not StaffMembership.objects.filter(user__email="zed.newcomer@elm.example.gov").exists()
    assert AuditEntry.objects.filter(action="sso.refused").latest("id").data["email"] == "zed.newcomer@elm.example.gov"


def test_it_does_not_link_an_unverified_email(client, world, provider, mapping):
    provider.person = person("okta-00u-mallory", "bob@elm.example.gov", ROADS_GROUP, verified=False)
    refusal(sign_in(client, provider), "unknown_user")
    assert not SsoIdentity.objects.exists()


def test_it_creates_an_account_with_the_mapped_seats_only_when_the_jurisdiction_allows(client, world, provider,
                                                                                        mapping):
    SsoJurisdictionPolicy.objects.create(jurisdiction=world.elm, create_accounts=True)
    provider.person = person("okta-00u-zed", "Zed.Newcomer@elm.example.gov", ROADS_GROUP, "unmapped-group")
    response = sign_in(client, provider)
    assert response.status_code == 302
    user = SsoIdentity.objects.get(subject="okta-00u-zed").user
    assert user.email == "zed.newcomer@elm.example.gov" and not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser
    assert seats(user) == {("elm", "public-works", "supervisor", True)}
    assert AuditEntry.objects.filter(action="sso.account_created", object_id=str(user.pk)).exists()


def test_it_refuses_a_resident_whose_groups_give_no_seat(client, world, provider, mapping):
    provider.person = person("google-114-alice", "alice@example.org", "book-club")
    assert "none of your groups gives you a seat" in refusal(sign_in(client, provider), "no_seat")
    assert "_auth_user_id" not in client.session


def test_it_shows_a_provider_error_in_words(client, world, provider):
    client.get("/sso/start/")
    refusal(client.get("/sso/callback/?error=access_denied&state=x"), "provider_error")


def test_it_limits_attempts_per_client(client, world, provider, settings):
    settings.SSO_SIGN_INS_PER_CLIENT_PER_HOUR = 2
    client.get("/sso/start/")
    client.get("/sso/callback/?state=nothing&code=nothing")
    response = client.get("/sso/start/")
    assert response.status_code == 429
    assert AuditEntry.objects.filter(action="sso.refused").latest("id").data["reason"] == "limited"


def test_it_is_off_when_not_configured(client, world, settings):
    settings.SSO_OIDC_ISSUER = ""
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?code=a&state=b").status_code == 404
    assert "Sign in with" not in client.get("/account/login/").content.decode()


def test_it_links_an_email_without_email_verified_only_when_told_to_trust_it(client, world, provider, mapping,
                                                                             settings):
    provider.person = {"sub": "entra-oid-bob", "email": "bob@elm.example.gov", "groups": [ROADS_GROUP]}
    refusal(sign_in(client, provider), "unknown_user")
    settings.SSO_OIDC_TRUST_EMAIL = True
    assert sign_in(client, provider).status_code == 302
    assert SsoIdentity.objects.get(user=world.bob).subject == "entra-oid-bob"
