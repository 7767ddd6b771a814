// The SDK's own version, sent to the server in the `x-gigwire-sdk` header.
// Keep equal to "version" in package.json (a unit test checks it).

/** Version of @gigwire/sdk. */
export const SDK_VERSION = "0.1.0";

/** Value of the `x-gigwire-sdk` request header. */
export const SDK_HEADER_VALUE = `ts/${SDK_VERSION}`;
