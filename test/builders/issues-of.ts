// The issues of the ValidationError a builder call throws (failing the test when it throws anything
// else, or nothing).
import { expect } from "vitest";
import { ValidationError } from "../../src/errors.js";

export function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return [...(e as ValidationError).issues];
  }
  throw new Error("expected a ValidationError");
}
