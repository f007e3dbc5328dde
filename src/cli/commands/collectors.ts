// `clarifai-grpc-es collectors list|get|create|update|delete`.
import { CollectorSchema, type Collector } from "../../../gen/clarifai/api/resources_pb.js";
import { PatchCollectorsRequestSchema, PostCollectorsRequestSchema } from "../../../gen/clarifai/api/service_pb.js";
import type { ListCollectorsParams } from "../../resources/collectors.js";
import type { Command } from "../command.js";
import { resourceCommand } from "../resource.js";
import { shortTime } from "../table.js";

/** The `collectors` command. */
export const collectorsCommand: Command = resourceCommand({
  name: "collectors",
  noun: "collector",
  summary: "list, get, create, update and delete data collectors",
  schema: CollectorSchema,
  createRequest: PostCollectorsRequestSchema,
  updateRequest: PatchCollectorsRequestSchema,
  field: "collectors",
  columns: [
    { header: "ID", cell: (c: Collector) => c.id },
    { header: "DESCRIPTION", cell: (c) => c.description },
    { header: "PRE-QUEUE", cell: (c) => c.preQueueWorkflowId },
    { header: "POST-QUEUE", cell: (c) => c.postQueueWorkflowId },
    {
      header: "MODEL",
      cell: (c) => {
        const s = c.collectorSource?.apiPostModelOutputsCollectorSource;
        return s ? [s.modelUserId, s.modelAppId, s.modelId].filter(Boolean).join("/") : "";
      },
    },
    { header: "CREATED", cell: (c) => shortTime(c.createdAt) },
  ],
  listFilters: { options: {}, help: "", params: (): ListCollectorsParams => ({}) },
  api: (client) => client.collectors,
});
