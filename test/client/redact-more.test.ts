// What redactError leaves alone: the server's metadata on an error is scrubbed entry by entry, and an
// entry without the secret is not rewritten — a `Headers` with several `set-cookie` values (which
// `Headers.set` would fold into one) keeps every one of them.
import { ConnectError, Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { createRedactor, REDACTED, redactError } from "../../src/redact.js";

const SECRET = "redact-more-secret-0123456789";
const redact = createRedactor(SECRET);

describe("a ConnectError's metadata", () => {
  it("keeps every set-cookie value and every other header it need not change, and scrubs the one that echoes the key", () => {
    const metadata = new Headers([
      ["set-cookie", "lb=node-1; Path=/"],
      ["set-cookie", "session=abc; HttpOnly"],
      ["x-echo", `Key ${SECRET}`],
      ["x-request-id", "req-1"],
    ]);
    const e = redactError(new ConnectError("refused", Code.Unauthenticated, metadata), redact);
    expect(e.metadata.getSetCookie()).toEqual(["lb=node-1; Path=/", "session=abc; HttpOnly"]);
    expect(e.metadata.get("x-echo")).toBe(`Key ${REDACTED}`);
    expect(e.metadata.get("x-request-id")).toBe("req-1");
  });
});
