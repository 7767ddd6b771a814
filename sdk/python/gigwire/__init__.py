# Gigwire Python SDK: Client, typed errors, resumable watches, file transfers and
# the generated gigwire.v1 messages. The service classes (AuthService, JobService, ... and
# their asyncio forms AsyncAuthService, ...) are generated from the protos into
# gigwire.v1.services and exported here too.
from gigwire._version import __version__
from gigwire.client import Client, ClientStream, ResponseStream, ServerStream, Unary
from gigwire.errors import GigwireError
from gigwire.files import DownloadIntegrityError, TransferRetry
from gigwire.v1 import services as _services
from gigwire.v1.services import *  # noqa: F401,F403 (every generated service class)
from gigwire.watch import CursorExpiredError, Watch

__all__ = ["Client", "ClientStream", "CursorExpiredError", "DownloadIntegrityError",
           "GigwireError", "ResponseStream", "ServerStream", "TransferRetry", "Unary", "Watch",
           "__version__"]
__all__ += _services.__all__
