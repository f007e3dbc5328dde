// How the default transport keeps its HTTP/2 connection: what connect-node's Http2SessionManager is
// given. In a file of its own so that the bench's hand-written raw-http2 client, the baseline of the
// facade's own cost, runs its connection the same way (the PINGs and their timers are the connection's
// cost, not the facade's).

/** Http2SessionManager's ping options for the default transport. @internal */
export const KEEPALIVE = {
  // Ping an idle connection so a silently dead peer (NAT timeout, LB drop) is noticed before a call hangs on it.
  pingIntervalMs: 30_000,
  pingTimeoutMs: 10_000,
  idleConnectionTimeoutMs: 15 * 60_000,
} as const;
