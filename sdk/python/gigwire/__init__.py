# Gigwire Python SDK: Client, typed errors, resumable watches and the generated
# gigwire.v1 messages.
from gigwire._version import __version__
from gigwire.client import (ApiKeyService, AssignmentService, AuditService, AuthService,
                            BookingService, CatalogService, Client, EventService, JobService,
                            NotificationService, OfferService, ResponseStream, ReviewService,
                            SellerService, ServerStream, Unary, UserService)
from gigwire.errors import GigwireError
from gigwire.watch import CursorExpiredError, Watch

__all__ = ["ApiKeyService", "AssignmentService", "AuditService", "AuthService", "BookingService",
           "CatalogService", "Client", "CursorExpiredError", "EventService", "GigwireError",
           "JobService", "NotificationService", "OfferService", "ResponseStream",
           "ReviewService", "SellerService", "ServerStream", "Unary", "UserService", "Watch",
           "__version__"]
