import { inspect } from "node:util";
import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ClarifaiError,
  InvalidArgumentError,
  NotFoundError,
  RateLimitError,
  UnavailableError,
  ValidationError,
  createClarifaiError,
} from "../../src/errors.js";
import { StatusCode } from "../../gen/clarifai/api/status/status_code_pb.js";

describe("ClarifaiError", () => {
  it("formats the message with code name, code, method and req_id", () => {
    const e = createClarifaiError({ method: "PostTasks", code: StatusCode.CONN_KEY_INVALID, description: "Invalid API key", reqId: "r1" });
    expect(e.message).toBe("[CONN_KEY_INVALID 11008] PostTasks: Invalid API key (req_id r1)");
    expect(e).toBeInstanceOf(AuthenticationError);
    expect(e).toBeInstanceOf(ClarifaiError);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(NotFoundError);
    expect(e.name).toBe("AuthenticationError");
    expect(e.codeName).toBe("CONN_KEY_INVALID");
  });

  it("picks categories from Clarifai codes first, then gRPC codes", () => {
    expect(createClarifaiError({ code: StatusCode.TASK_MISSING })).toBeInstanceOf(NotFoundError);
    expect(createClarifaiError({ code: StatusCode.CONN_THROTTLED })).toBeInstanceOf(RateLimitError);
    expect(createClarifaiError({ code: StatusCode.TRY_AGAIN })).toBeInstanceOf(UnavailableError);
    expect(createClarifaiError({ code: StatusCode.CONN_INVALID_REQUEST })).toBeInstanceOf(InvalidArgumentError);
    expect(createClarifaiError({ grpcCode: Code.Unavailable })).toBeInstanceOf(UnavailableError);
    expect(createClarifaiError({ grpcCode: Code.Unauthenticated })).toBeInstanceOf(AuthenticationError);
    const other = createClarifaiError({ code: StatusCode.FAILURE });
    expect(other.constructor).toBe(ClarifaiError);
    expect(createClarifaiError({ grpcCode: Code.DeadlineExceeded }).codeName).toBe("DEADLINE_EXCEEDED");
  });

  it("recognises errors from another copy of the package by brand", () => {
    const brand = Symbol.for("clarifai-grpc-es/ClarifaiError");
    const foreign = Object.defineProperty(new Error("x"), brand, { value: ["ClarifaiError", "NotFoundError"] });
    expect(foreign instanceof ClarifaiError).toBe(true);
    expect(foreign instanceof NotFoundError).toBe(true);
    expect(foreign instanceof RateLimitError).toBe(false);
  });

  it("ValidationError lists every issue and is an InvalidArgumentError", () => {
    const e = new ValidationError([{ path: "tasks[0].id", message: "required" }, { path: "tasks[0].type", message: "unset" }], "PostTasks");
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues).toHaveLength(2);
    expect(e.message).toContain("tasks[0].id: required; tasks[0].type: unset");
    expect(e.message.startsWith("[INVALID_ARGUMENT] PostTasks:")).toBe(true);
  });

  it("records attempts and serialises to JSON", () => {
    const e = createClarifaiError({ method: "GetTask", grpcCode: Code.Unavailable, description: "down" });
    const again = e.withAttempts(3, [e, e]);
    expect(again).toBeInstanceOf(UnavailableError);
    expect(again.attempts).toBe(3);
    expect(again.message).toContain("after 3 attempts");
    expect(JSON.parse(JSON.stringify(again)).codeName).toBe("UNAVAILABLE");
    expect(inspect(again)).toContain("UNAVAILABLE");
  });

  it("keeps earlier attempts on previousErrors without printing them: one error per console.error", () => {
    const first = createClarifaiError({ method: "GetTask", grpcCode: Code.Unavailable, description: "first attempt's failure" });
    const last = createClarifaiError({ method: "GetTask", grpcCode: Code.Unavailable, description: "down", attempts: 2, previousErrors: [first] });
    expect(last.previousErrors).toEqual([first]);
    expect(inspect(last)).not.toContain("first attempt's failure");
    expect(last.withAttempts(3, [first, last]).previousErrors).toHaveLength(2);
    expect(inspect(last.withAttempts(3, [first, last]))).not.toContain("first attempt's failure");
  });
});
