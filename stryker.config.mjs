// Mutation testing of the safety-critical modules (`npm run mutate`, which runs scripts/mutate.mjs).
// Each module group is mutated against the narrow set of test files that exercise it, so a mutant
// only ever reruns the few tests that cover it (perTest coverage). Survivors that cannot be killed
// (equivalent mutants) are listed, one line each, in stryker.equivalent-mutants.txt.
//
// `groups` is the one place that names the modules: when a file moves or is renamed, change it here.
// The runner script runs the groups one by one, each against its own tests (MUTATE_TESTS, read by
// vitest.mutate.config.ts), and prints a score per module; `npx stryker run` alone mutates every
// group against the test files of all groups, which is much slower.

/**
 * @typedef {object} MutationGroup
 * @property {string} name       label printed by the runner
 * @property {string[]} mutate   the modules (globs) whose mutants are tested
 * @property {string[]} tests    the test files (globs) that may kill them
 */

/** @type {MutationGroup[]} */
export const groups = [
  {
    // The one failure funnel: what a failure becomes, whether it was sent, whether it may be repeated.
    name: "status",
    mutate: ["src/status.ts"],
    tests: ["test/client/failures.test.ts", "test/client/grpc-status.test.ts", "test/client/errors.test.ts", "test/client/first-hour.test.ts", "test/client/status-funnel.test.ts",
      // An answer too large to take, a server's own text, and TLS with no HTTP version in common on REST.
      "test/client/max-receive.test.ts", "test/client/server-text.test.ts", "test/rest/transport.test.ts"],
  },
  {
    // Which calls are repeated, how long the client waits, and how the deadline and aborts cut it short.
    name: "retry",
    mutate: ["src/retry.ts", "src/deadline.ts", "src/abort.ts"],
    tests: ["test/client/retry-rules.test.ts", "test/client/failures.test.ts", "test/client/abort.test.ts", "test/client/signals.test.ts", "test/client/deadline.test.ts", "test/client/propagation.test.ts", "test/client/retry-more.test.ts", "test/client/retry-run.test.ts",
      // The retry options' bounds, the policy end to end, and writes never repeated across faults.
      "test/client/options.test.ts", "test/client/retry.test.ts", "test/fault/retry-safety.test.ts"],
  },
  {
    // The PAT: sent as the key, kept out of everything the client throws.
    name: "auth",
    mutate: ["src/auth.ts", "src/redact.ts"],
    tests: ["test/client/auth.test.ts", "test/client/redact.test.ts", "test/client/redact-walk.test.ts", "test/client/first-hour.test.ts", "test/client/options.test.ts", "test/client/auth-key.test.ts", "test/client/redact-more.test.ts",
      // A ClarifaiError's lists and -bin values scrubbed; what the transports' errors carry.
      "test/client/redact-shared.test.ts", "test/client/transport-errors.test.ts", "test/client/redact-edges.test.ts"],
  },
  {
    // The documented rules, checked before anything is sent (and by the emulator).
    name: "validation",
    mutate: ["src/validation/**/*.ts"],
    tests: ["test/validation/*.test.ts", "test/client/first-hour.test.ts"],
  },
  {
    // The default transport (issue 14's lean unary path over node:http2) and the pieces it is made of:
    // how an answer becomes a message or a failure, what each HTTP/2 ending means, the shared deadline
    // timer, the result whose headers are built on demand. Against the fault suites that pin it on
    // real sockets (hostile servers, bad statuses, deadlines and aborts, kills, interop, security) and
    // the client tests of Node's failures and gRPC statuses, compression, size limits, connections,
    // keepalive and closing.
    name: "transport",
    mutate: [
      "src/transports/node-http2.ts",
      "src/transports/answer-content-type.ts",
      "src/transports/node-errors.ts",
      "src/transports/trailer-status.ts",
      "src/transports/deadlines.ts",
      "src/transports/lazy-headers-result.ts",
    ],
    tests: [
      "test/fault/bad-status.test.ts",
      "test/fault/deadline-abort.test.ts",
      "test/fault/hostile-servers.test.ts",
      "test/fault/interop.test.ts",
      "test/fault/retry-safety.test.ts",
      "test/fault/security.test.ts",
      "test/fault/kill-restart.test.ts",
      "test/fault/garbage-fuzz.test.ts",
      "test/client/transport-errors.test.ts",
      "test/client/answer-content-type.test.ts",
      "test/client/same-behaviour.test.ts",
      "test/client/status-funnel.test.ts",
      "test/client/failures.test.ts",
      "test/client/compression.test.ts",
      "test/client/max-receive.test.ts",
      "test/client/connection.test.ts",
      "test/client/close.test.ts",
      "test/client/grpc-status.test.ts",
      "test/client/deadline.test.ts",
      "test/client/deadlines.test.ts",
      "test/client/lazy-headers-result.test.ts",
      "test/client/keepalive.test.ts",
      "test/client/server-text.test.ts",
    ],
  },
  {
    name: "options",
    mutate: ["src/options.ts", "src/unknown-keys.ts"],
    tests: [
      "test/client/options.test.ts",
      "test/client/compression.test.ts",
      "test/client/max-receive.test.ts",
      "test/client/deadline.test.ts",
      "test/client/first-hour.test.ts",
      "test/client/auth.test.ts",
      "test/client/retry-rules.test.ts",
      "test/rest/transport.test.ts",
    ],
  },
  {
    // The call path every facade and raw `v2` call takes (the order of its steps, what an early abort,
    // a closed client or a spent deadline become, connect interceptors around each attempt), the
    // resource namespaces that shape requests and answers, and listAll's page walk. Against the client
    // tests that call through it (the emulator, listAll, signals, close, deadlines, retries, tracing,
    // the failure funnel), not the fault suites: those pin the transports, and every mutant here is
    // covered by nearly every test, so each test file costs its run time once per mutant.
    name: "call",
    mutate: ["src/call.ts", "src/caller.ts", "src/pagination.ts", "src/resources/*.ts"],
    tests: [
      "test/client/emulator.test.ts",
      "test/client/call-path.test.ts",
      "test/client/list-all.test.ts",
      "test/client/resource-requests.test.ts",
      "test/client/first-hour.test.ts",
      "test/client/close.test.ts",
      "test/client/signals.test.ts",
      "test/client/abort.test.ts",
      "test/client/options.test.ts",
      "test/client/retry.test.ts",
      "test/client/deadline.test.ts",
      "test/client/failures.test.ts",
      "test/client/status-funnel.test.ts",
      "test/client/auth.test.ts",
      "test/client/upstream.test.ts",
      "test/tracing/tracing.test.ts",
    ],
  },
  {
    // The builders that turn the documentation's examples into Task and Collector messages: what they
    // fill in, their documented defaults, and the issues they report for bad input. Against their own
    // tests (and the logging test, which builds a task and a collector of each kind).
    name: "builders",
    mutate: ["src/builders/**/*.ts"],
    tests: ["test/builders/*.test.ts", "test/logging/to-json.test.ts"],
  },
  {
    // The emulator's request handling (its socket side, server.ts and emulator.ts, is not mutated:
    // its mutants are about connection lifecycles that only time-bound tests can observe).
    name: "emulator",
    mutate: [
      "src/testing/routes.ts",
      "src/testing/auth.ts",
      "src/testing/tasks.ts",
      "src/testing/collectors.ts",
      "src/testing/status.ts",
      "src/testing/pagination.ts",
      "src/testing/malformed.ts",
      "src/testing/store.ts",
      "src/testing/state.ts",
    ],
    tests: [
      "test/emulator/handlers.test.ts", "test/emulator/in-memory.test.ts", "test/emulator/rest.test.ts", "test/emulator/requests.test.ts",
      // Read-modify-write round trips, the documentation's scenarios and the client against it.
      "test/emulator/read-modify-write.test.ts", "test/emulator/scenarios.test.ts", "test/emulator/behaviour.test.ts", "test/client/emulator.test.ts",
    ],
  },
];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts" },
  coverageAnalysis: "perTest",
  mutate: groups.flatMap((g) => g.mutate),
  // Two cores; other work on the machine slows tests down, so a mutant gets generous time before it
  // counts as a timeout (an infinite loop is still caught: Stryker also counts hits).
  concurrency: Number(process.env["MUTATE_CONCURRENCY"] ?? 2),
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // The sandbox copy needs sources, generated code, tests and configs; nothing built or reported.
  ignorePatterns: ["dist", "reports", ".build", ".cache", "bench", "*.cpuprofile"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  reporters: ["clear-text", "progress", "html", "json"],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
  htmlReporter: { fileName: "reports/mutation/all.html" },
  jsonReporter: { fileName: "reports/mutation/all.json" },
  // Stryker checks no thresholds itself: the runner holds every module to the bar.
  thresholds: { high: 90, low: 85, break: null },
  logLevel: "info",
  fileLogLevel: "off",
};
