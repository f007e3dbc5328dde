// Wire compatibility: every message, field, enum value and RPC we declare matches upstream's
// definitions (the oracle `clarifai-nodejs-grpc` 11.11.0), and the comparison really catches changes.
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "vitest";
import { file_clarifai_api_service } from "../../gen/clarifai/api/service_pb.js";
import { file_clarifai_api_status_status_code } from "../../gen/clarifai/api/status/status_code_pb.js";
import { upstreamRoot } from "../support/upstream.js";
import { compareWithUpstream, declaredTypes } from "./compare.js";
import { descriptorProtos, filesFrom, findProto, ourFiles } from "./descriptors.js";

const root = upstreamRoot();

describe("wire compatibility with upstream", () => {
  test("every message, field, enum value and RPC we declare matches upstream", () => {
    expect(compareWithUpstream(ourFiles, root)).toEqual([]);
  });

  test("the comparison covers the whole subset, nested types included", () => {
    const names = ourFiles.flatMap((f) => [...declaredTypes(f)].map((t) => t.typeName));
    // Nested enums and the types the issue names are walked, not just top-level messages.
    for (const name of [
      "clarifai.api.Task",
      "clarifai.api.Task.TaskType",
      "clarifai.api.Task.TaskPriority",
      "clarifai.api.TaskWorker.TaskWorkerStrategy",
      "clarifai.api.TaskWorkerPartitionedStrategyInfo.TaskWorkerPartitionedStrategy",
      "clarifai.api.TaskInputSource.TaskInputSourceType",
      "clarifai.api.TaskReview.TaskReviewStrategy",
      "clarifai.api.TaskReviewManualStrategyInfo",
      "clarifai.api.TaskReviewConsensusStrategyInfo",
      "clarifai.api.TaskAIAssistant",
      "clarifai.api.TaskConcept",
      "clarifai.api.TaskConceptAutoAnnotationConfig",
      "clarifai.api.ThresholdRange",
      "clarifai.api.TaskMetrics",
      "clarifai.api.TaskWorkMetrics",
      "clarifai.api.TaskReviewMetrics",
      "clarifai.api.TaskInputSourceMetrics",
      "clarifai.api.TaskStatusCountPerUser",
      "clarifai.api.AnnotationDataType",
      "clarifai.api.Worker",
      "clarifai.api.Collector",
      "clarifai.api.CollectorSource",
      "clarifai.api.APIPostModelOutputsCollectorSource",
      "clarifai.api.UserAppIDSet",
      "clarifai.api.User",
      "clarifai.api.Model",
      "clarifai.api.ModelVersion",
      "clarifai.api.Workflow",
      "clarifai.api.Concept",
      "clarifai.api.status.Status",
      "clarifai.api.status.BaseResponse",
      "clarifai.api.status.StatusCode",
      "clarifai.api.V2",
    ]) {
      expect(names, name).toContain(name);
    }
    // The full StatusCode list: aliases and all, exactly upstream's.
    expect(file_clarifai_api_status_status_code.enums[0]!.values.length).toBe(Object.keys(root.lookupEnum("clarifai.api.status.StatusCode").values).length);
  });

  test("service V2 declares exactly the RPCs in scope", () => {
    const v2 = file_clarifai_api_service.services.find((s) => s.name === "V2");
    expect(v2?.methods.map((m) => m.name).sort()).toEqual(
      [
        "PostCollectors",
        "GetCollector",
        "ListCollectors",
        "PatchCollectors",
        "DeleteCollectors",
        "PostTasks",
        "GetTask",
        "ListTasks",
        "PatchTasks",
        "DeleteTasks",
        "GetTaskAnnotationCount",
        "GetTaskInputCount",
      ].sort(),
    );
  });

  test("a faithful copy of our descriptors compares clean (the edit harness itself changes nothing)", () => {
    expect(compareWithUpstream(filesFrom(descriptorProtos()), root)).toEqual([]);
  });

  test("each kind of change is reported with its exact path", () => {
    const protos = descriptorProtos();
    const resources = findProto(protos, "clarifai/api/resources.proto");
    const service = findProto(protos, "clarifai/api/service.proto");
    const statusCode = findProto(protos, "clarifai/api/status/status_code.proto");

    const message = (name: string) => {
      const m = resources.messageType.find((x) => x.name === name);
      if (!m) throw new Error(`no message ${name}`);
      return m;
    };
    const field = (msg: string, name: string) => {
      const f = message(msg).field.find((x) => x.name === name);
      if (!f) throw new Error(`no field ${msg}.${name}`);
      return f;
    };

    // A field number (99 is free in Task, so the descriptor stays valid).
    field("Task", "sample_ms").number = 99;
    // A scalar type.
    field("Task", "name").type = FieldDescriptorProto_Type.BYTES;
    // Cardinality.
    field("Task", "description").label = FieldDescriptorProto_Label.REPEATED;
    // A referenced message type.
    field("Task", "metrics").typeName = ".clarifai.api.TaskWorkMetrics";
    // Oneof membership: Worker.user taken out of the `worker` oneof.
    field("Worker", "user").oneofIndex = undefined as unknown as number;
    // A renamed field (same number).
    field("Collector", "description").name = "summary";
    // A nested enum value's number.
    const strategy = message("TaskWorker").enumType.find((e) => e.name === "TaskWorkerStrategy")!;
    strategy.value.find((v) => v.name === "DYNAMIC")!.number = 5;
    // A value dropped from the full StatusCode list, and one invented.
    const codes = statusCode.enumType.find((e) => e.name === "StatusCode")!;
    codes.value = codes.value.filter((v) => v.name !== "TASK_DONE");
    codes.value.push({ ...codes.value[0]!, name: "TASK_HALF_DONE", number: 54999 } as (typeof codes.value)[number]);
    // An RPC's response type.
    service.service.find((s) => s.name === "V2")!.method.find((m) => m.name === "GetTask")!.outputType = ".clarifai.api.MultiTaskResponse";

    const mismatches = compareWithUpstream(filesFrom(protos), root);
    expect(mismatches.sort()).toEqual(
      [
        "clarifai.api.Task.sample_ms: number 99, upstream 9",
        "clarifai.api.Task.name: type bytes, upstream string",
        "clarifai.api.Task.description: cardinality repeated, upstream single",
        "clarifai.api.Task.metrics: type clarifai.api.TaskWorkMetrics, upstream clarifai.api.TaskMetrics",
        "clarifai.api.Worker.user: oneof (none), upstream worker",
        "clarifai.api.Collector.summary: no such field upstream (number 2 is upstream's description)",
        "clarifai.api.TaskWorker.TaskWorkerStrategy.DYNAMIC: number 5, upstream 4",
        "clarifai.api.status.StatusCode.TASK_DONE: upstream value 54002 missing",
        "clarifai.api.status.StatusCode.TASK_HALF_DONE: no such value upstream",
        "clarifai.api.V2.GetTask: response clarifai.api.MultiTaskResponse, upstream clarifai.api.SingleTaskResponse",
      ].sort(),
    );
  });
});
