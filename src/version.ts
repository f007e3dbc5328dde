// This package's version, for the user-agent and the tracer's name (a test checks it against package.json).

/** The version of clarifai-grpc-es. */
export const VERSION = "0.1.0";

/** The `user-agent` our transports send unless a call sets its own. @internal */
export const USER_AGENT = `clarifai-grpc-es/${VERSION}`;
