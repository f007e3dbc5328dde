// README.md's TypeScript blocks again, with every ClarifaiClient the blocks make defaulting to
// `transport: "rest"` (a block that names its transport keeps it): the README's scenarios hold over
// REST too. The blocks import `clarifai-grpc-es`, which this file's mock serves them.
import { expect, it, vi } from "vitest";
import { describeReadme } from "./readme-suite.js";

vi.mock("clarifai-grpc-es", async (importOriginal) => {
  const original = await importOriginal<typeof import("clarifai-grpc-es")>();
  class ClarifaiClient extends original.ClarifaiClient {
    constructor(options: ConstructorParameters<typeof original.ClarifaiClient>[0] = {}) {
      super({ transport: "rest", ...options });
    }
  }
  return { ...original, ClarifaiClient };
});

describeReadme("README.md over the rest transport", { typecheck: false });

it("serves the blocks a client whose transport is rest", async () => {
  const { ClarifaiClient } = await import("clarifai-grpc-es");
  const client = new ClarifaiClient({ pat: "p" });
  expect(client.toJSON().transport).toBe("rest");
  await client.close();
});
