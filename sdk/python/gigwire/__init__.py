# Gigwire Python SDK: Client, typed errors and the generated gigwire.v1 messages.
from gigwire._version import __version__
from gigwire.client import (ApiKeyService, AssignmentService, AuditService, AuthService,
                            BookingService, CatalogService, Client, JobService, OfferService,
                            ReviewService, SellerService, Unary, UserService)
from gigwire.errors import GigwireError

__all__ = ["ApiKeyService", "AssignmentService", "AuditService", "AuthService", "BookingService",
           "CatalogService", "Client", "GigwireError", "JobService", "OfferService",
           "ReviewService", "SellerService", "Unary", "UserService", "__version__"]
