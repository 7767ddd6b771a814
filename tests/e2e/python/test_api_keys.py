# End-to-end tests of ApiKeyService through the Python SDK against a real gigwired:
# admins issue and revoke partner keys; a key acts as its user; others are refused.
import grpc

from e2e_support import raises_gigwire
from gigwire.v1 import api_key_pb2, user_pb2


def create_key(admin, user_id, name="Acme storefront"):
    return admin.api_keys.CreateApiKey(
        api_key_pb2.CreateApiKeyRequest(display_name=name, user_id=user_id))


def test_api_key_acts_as_its_user(new_user, admin, connect):
    user = new_user()
    created = create_key(admin, user.user.id)

    assert created.secret
    assert created.api_key.id.startswith("key_")
    assert created.api_key.user_id == user.user.id
    assert created.api_key.display_name == "Acme storefront"
    assert not created.api_key.HasField("revoke_time")
    me = connect(api_key=created.secret).users.GetMe(user_pb2.GetMeRequest())
    assert me.id == user.user.id
    assert me.email == user.email


def test_list_api_keys_shows_key_without_secret(new_user, admin):
    created = create_key(admin, new_user().user.id)
    listed = admin.api_keys.ListApiKeys(api_key_pb2.ListApiKeysRequest(page_size=500))
    assert created.api_key.id in [key.id for key in listed.api_keys]
    assert created.secret not in str(listed)


def test_revoked_api_key_is_rejected(new_user, admin, connect):
    created = create_key(admin, new_user().user.id)
    partner = connect(api_key=created.secret)
    partner.users.GetMe(user_pb2.GetMeRequest())

    revoked = admin.api_keys.RevokeApiKey(api_key_pb2.RevokeApiKeyRequest(id=created.api_key.id))
    assert revoked.HasField("revoke_time")
    with raises_gigwire(grpc.StatusCode.UNAUTHENTICATED, "API_KEY_INVALID"):
        partner.users.GetMe(user_pb2.GetMeRequest())


def test_unknown_api_key_is_rejected(connect):
    with raises_gigwire(grpc.StatusCode.UNAUTHENTICATED, "API_KEY_INVALID"):
        connect(api_key="key_doesnotexist.secret").users.GetMe(user_pb2.GetMeRequest())


def test_non_admin_cannot_list_or_create_keys(new_user):
    buyer = new_user()
    with raises_gigwire(grpc.StatusCode.PERMISSION_DENIED, "ROLE_REQUIRED"):
        buyer.client.api_keys.ListApiKeys(api_key_pb2.ListApiKeysRequest())
    with raises_gigwire(grpc.StatusCode.PERMISSION_DENIED, "ROLE_REQUIRED"):
        create_key(buyer.client, buyer.user.id)


def test_api_key_service_needs_credentials(connect):
    with raises_gigwire(grpc.StatusCode.UNAUTHENTICATED, "CREDENTIALS_MISSING"):
        connect().api_keys.ListApiKeys(api_key_pb2.ListApiKeysRequest())


def test_create_key_for_unknown_user(admin):
    with raises_gigwire(grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND"):
        create_key(admin, "usr_doesnotexist")
