// Our facade (`ClarifaiClient`) on each of its transports, imported from the package's public entry point
// and created with public options only, as a user creates it: the bench measures whatever the code is
// when it runs, and cold start and memory count what a user loads.
import type * as Package from "../../src/index.js";
import type { Target } from "../workloads.js";
import { BenchUnsupported, type BenchClient, type ClientConfig, type ClientModule } from "./types.js";

/** A transport name `ClarifaiClient` takes (`"rest"` once it exists; until then the client refuses it and is reported missing). */
export type FacadeTransport = "connect" | "grpc-js" | "rest";

type Options = NonNullable<ConstructorParameters<typeof Package.ClarifaiClient>[0]>;

/**
 * The client option that asks for answers in `accept` (`compression.accept` on ClarifaiClientOptions;
 * it governs the HTTP/2 gRPC transport). What the client then advertised is checked on the wire by the
 * worker, so a transport that ignores the option is reported, not mismeasured.
 */
function compressionOptions(accept: ClientConfig["accept"]): Record<string, unknown> {
  if (accept === "identity") return { compression: { accept: [] } };
  if (accept === "gzip") return { compression: { accept: ["gzip"] } };
  return {};
}

/** Loads the package from `entry` and returns a client module for one transport. */
export async function facadeModule(transport: FacadeTransport, entry: string): Promise<ClientModule> {
  const lib = (await import(entry)) as typeof Package;
  return {
    async connect(target: Target, config: ClientConfig = {}): Promise<BenchClient> {
      const options: Options = { pat: target.pat, userId: target.userId, appId: target.appId, baseUrl: target.baseUrl, transport: transport as Options["transport"] };
      // Created first without the compression option, so that a refusal of the transport itself is not taken for a missing option.
      let client = new lib.ClarifaiClient(options);
      const extra = compressionOptions(config.accept);
      if (Object.keys(extra).length) {
        try {
          const asked = new lib.ClarifaiClient({ ...options, ...extra } as Options);
          await client.close();
          client = asked;
        } catch (error) {
          // A build without the option: its default may still advertise what was asked (the wire check decides).
          if (config.accept !== "gzip") {
            await client.close();
            throw new BenchUnsupported(`the facade refuses ${JSON.stringify(extra)}: ${(error as Error).message}`);
          }
        }
      }
      // Decoded on the first PostTasks, with @bufbuild/protobuf imported then: importing it here would
      // load protobuf-es module by module into a cold start that the package's bundle loads in one file.
      let task: Package.Task | undefined;
      const postTask = async () => {
        const { fromBinary } = await import("@bufbuild/protobuf");
        return fromBinary(lib.PostTasksRequestSchema, Buffer.from(target.postRequestB64, "base64")).tasks[0]!;
      };
      // PostTasks writes to its own app (so the ListTasks page never changes): a per-call scope, one connection.
      const writeOptions = { userAppId: { userId: target.userId, appId: target.postAppId } };
      return {
        async getTask() {
          await client.tasks.get(target.taskId);
        },
        async postTasks() {
          await client.tasks.create(task ?? (task = await postTask()), writeOptions);
        },
        async listTasks() {
          return (await client.tasks.list({ perPage: 128 })).length;
        },
        close: () => client.close(),
      };
    },
  };
}
