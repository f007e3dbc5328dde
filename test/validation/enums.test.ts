import { describe, expect, test } from "vitest";
import {
  AnnotationDataTypeSchema,
  TaskWorker_TaskWorkerStrategy,
  TaskWorker_TaskWorkerStrategySchema,
} from "../../gen/clarifai/api/resources_pb.js";
import { StatusCodeSchema } from "../../gen/clarifai/api/status/status_code_pb.js";
import { describeEnum, enumValue, enumValueName, isKnownEnumValue } from "../../src/validation/index.js";

describe("enum names", () => {
  test("name ↔ number", () => {
    expect(enumValueName(TaskWorker_TaskWorkerStrategySchema, 4)).toBe("DYNAMIC");
    expect(enumValueName(TaskWorker_TaskWorkerStrategySchema, 1)).toBeUndefined();
    expect(enumValue(TaskWorker_TaskWorkerStrategySchema, "DYNAMIC")).toBe(TaskWorker_TaskWorkerStrategy.DYNAMIC);
    expect(enumValue(TaskWorker_TaskWorkerStrategySchema, TaskWorker_TaskWorkerStrategy.FULL)).toBe(3);
    expect(enumValueName(StatusCodeSchema, 54002)).toBe("TASK_DONE");
  });
  test("unknown values are refused with the list of names", () => {
    expect(() => enumValue(TaskWorker_TaskWorkerStrategySchema, "DYNAMC")).toThrow(
      new RangeError('"DYNAMC" is not a TaskWorkerStrategy (WORKER_STRATEGY_NOT_SET, PARTITIONED, FULL, DYNAMIC); did you mean "DYNAMIC"?'),
    );
    expect(() => enumValue(TaskWorker_TaskWorkerStrategySchema, 7 as TaskWorker_TaskWorkerStrategy)).toThrow(
      new RangeError("7 is not a TaskWorkerStrategy (WORKER_STRATEGY_NOT_SET, PARTITIONED, FULL, DYNAMIC)"),
    );
    expect(() => enumValue(AnnotationDataTypeSchema, "BOX")).toThrow(/^"BOX" is not an AnnotationDataType \([^)]*\)$/);
  });
  test("isKnownEnumValue", () => {
    expect(isKnownEnumValue(AnnotationDataTypeSchema, 32)).toBe(true);
    expect(isKnownEnumValue(AnnotationDataTypeSchema, 34)).toBe(false);
    // Numbers only, for JavaScript callers too: the index by number would also answer to "32".
    expect(isKnownEnumValue(AnnotationDataTypeSchema, "32" as never)).toBe(false);
  });
  test("describeEnum", () => {
    expect(describeEnum(AnnotationDataTypeSchema)).toBe(
      "AnnotationDataType (ANNOTATION_DATA_TYPE_NOT_SET, TAG, BOUNDING_BOX, POLYGON, POINT, SPAN, MASK)",
    );
  });
});
