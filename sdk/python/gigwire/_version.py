# Version of the Gigwire Python SDK; sent to the server in `x-gigwire-sdk` metadata.
__version__ = "0.1.0"
