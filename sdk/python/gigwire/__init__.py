# Gigwire Python SDK: Client, typed errors and the generated gigwire.v1 messages.
from gigwire._version import __version__
from gigwire.client import ApiKeyService, AuthService, Client, Unary, UserService
from gigwire.errors import GigwireError

__all__ = ["ApiKeyService", "AuthService", "Client", "GigwireError", "Unary", "UserService",
           "__version__"]
