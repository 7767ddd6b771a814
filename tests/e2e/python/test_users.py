# End-to-end tests of UserService through the Python SDK against a real gigwired:
# profile updates with field masks and etags, public profiles, role administration.
import grpc
import pytest
from google.protobuf import field_mask_pb2

from e2e_support import raises_gigwire, violated_fields
from gigwire.v1 import user_pb2

INVALID_ARGUMENT = grpc.StatusCode.INVALID_ARGUMENT


def update_request(user, paths, etag=""):
    return user_pb2.UpdateMeRequest(user=user, update_mask=field_mask_pb2.FieldMask(paths=paths),
                                    etag=etag)


PROFILE = user_pb2.User(display_name="Sam Seller", bio="I build things.",
                        skills=["python", "grpc"], availability=user_pb2.AVAILABILITY_BUSY)
PROFILE_PATHS = ["display_name", "bio", "skills", "availability"]


def test_update_me_with_field_mask(new_user):
    user = new_user()
    users = user.client.users
    before = users.GetMe(user_pb2.GetMeRequest())
    updated = users.UpdateMe(update_request(PROFILE, PROFILE_PATHS, before.etag))
    me = users.GetMe(user_pb2.GetMeRequest())

    for result in (updated, me):
        assert result.display_name == "Sam Seller"
        assert result.bio == "I build things."
        assert list(result.skills) == ["python", "grpc"]
        assert result.availability == user_pb2.AVAILABILITY_BUSY
    assert me.etag == updated.etag != before.etag
    assert me.email == user.email


def test_update_me_changes_only_masked_fields(new_user):
    users = new_user().client.users
    users.UpdateMe(update_request(PROFILE, PROFILE_PATHS))
    users.UpdateMe(update_request(user_pb2.User(bio="new bio", display_name="ignored"), ["bio"]))
    me = users.GetMe(user_pb2.GetMeRequest())
    assert me.bio == "new bio"
    assert me.display_name == "Sam Seller"
    assert list(me.skills) == ["python", "grpc"]


def test_get_user_of_another_user_is_public_profile(new_user):
    owner, viewer = new_user(), new_user()
    owner.client.users.UpdateMe(update_request(PROFILE, PROFILE_PATHS))
    profile = viewer.client.users.GetUser(user_pb2.GetUserRequest(id=owner.user.id))

    assert profile.id == owner.user.id
    assert profile.display_name == "Sam Seller"
    assert profile.bio == "I build things."
    assert list(profile.skills) == ["python", "grpc"]
    assert profile.availability == user_pb2.AVAILABILITY_BUSY
    assert profile.email == ""
    assert profile.etag == ""
    assert not profile.HasField("update_time")


def test_get_user_unknown_id(new_user):
    with raises_gigwire(grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND"):
        new_user().client.users.GetUser(user_pb2.GetUserRequest(id="usr_doesnotexist"))


@pytest.mark.parametrize("path", ["no_such_field", "email", "roles", "id"])
def test_update_me_rejects_unknown_or_server_owned_path(new_user, path):
    users = new_user().client.users
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        users.UpdateMe(update_request(user_pb2.User(email="x@example.com", id="usr_x"), [path]))
    assert caught.value.field_violations, "expected a field violation naming the mask path"


def test_update_me_rejects_empty_mask(new_user):
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS"):
        new_user().client.users.UpdateMe(update_request(user_pb2.User(bio="x"), []))


def test_update_me_invalid_value_names_field(new_user):
    users = new_user().client.users
    with raises_gigwire(INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        users.UpdateMe(update_request(user_pb2.User(display_name=""), ["display_name"]))
    assert any("display_name" in field for field in violated_fields(caught.value))


def test_update_me_with_stale_etag(new_user):
    users = new_user().client.users
    stale = users.GetMe(user_pb2.GetMeRequest()).etag
    users.UpdateMe(update_request(user_pb2.User(bio="first"), ["bio"], stale))
    with raises_gigwire(grpc.StatusCode.ABORTED, "ETAG_MISMATCH"):
        users.UpdateMe(update_request(user_pb2.User(bio="second"), ["bio"], stale))
    assert users.GetMe(user_pb2.GetMeRequest()).bio == "first"


def test_grant_seller_role_shows_in_get_me(new_user, admin):
    buyer = new_user()
    granted = admin.users.GrantRole(
        user_pb2.GrantRoleRequest(user_id=buyer.user.id, role=user_pb2.ROLE_SELLER))
    assert set(granted.roles) == {user_pb2.ROLE_BUYER, user_pb2.ROLE_SELLER}
    me = buyer.client.users.GetMe(user_pb2.GetMeRequest())
    assert set(me.roles) == {user_pb2.ROLE_BUYER, user_pb2.ROLE_SELLER}


def test_admin_get_user_returns_full_account(new_user, admin):
    user = new_user()
    account = admin.users.GetUser(user_pb2.GetUserRequest(id=user.user.id))
    assert account.email == user.email
    assert account.etag


def test_non_admin_cannot_grant_roles(new_user):
    buyer = new_user()
    request = user_pb2.GrantRoleRequest(user_id=buyer.user.id, role=user_pb2.ROLE_ADMIN)
    with raises_gigwire(grpc.StatusCode.PERMISSION_DENIED, "ROLE_REQUIRED"):
        buyer.client.users.GrantRole(request)
    me = buyer.client.users.GetMe(user_pb2.GetMeRequest())
    assert list(me.roles) == [user_pb2.ROLE_BUYER]


def test_non_admin_cannot_list_users(new_user):
    with raises_gigwire(grpc.StatusCode.PERMISSION_DENIED, "ROLE_REQUIRED"):
        new_user().client.users.ListUsers(user_pb2.ListUsersRequest())
