// The shape every benchmarked client is driven through. Adapters do per call what a user of that client
// would write per call (build the request, send it, check the Clarifai status), and nothing more.
import type { Target } from "../workloads.js";

/** The clients compared, in the order of the issue. */
export const CLIENT_NAMES = ["facade-connect", "facade-grpc-js", "raw-connect", "official-dynamic", "official-static"] as const;
/** One of {@link CLIENT_NAMES}. */
export type ClientName = (typeof CLIENT_NAMES)[number];

/** Which side a client is on, for the goals. */
export function isOurs(name: ClientName): boolean {
  return !name.startsWith("official");
}

/** A connected client, ready to run the workloads. Each method throws unless the call succeeded. */
export interface BenchClient {
  /** GetTask of {@link Target.taskId}. */
  getTask(): Promise<void>;
  /** PostTasks of the consensus seed task into {@link Target.postAppId}. */
  postTasks(): Promise<void>;
  /** ListTasks of one full page; resolves to the number of tasks received. */
  listTasks(): Promise<number>;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

/** A client module: importing it loads the client library; `connect` makes a client. */
export interface ClientModule {
  connect(target: Target): Promise<BenchClient>;
}

/** Raised when a response's Clarifai status is not SUCCESS, so a failed call is never counted as a fast one. */
export class BenchCallError extends Error {
  override name = "BenchCallError";
}

/** Clarifai's SUCCESS status code. */
export const SUCCESS = 10000;
