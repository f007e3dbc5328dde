// The builders' own issues (what they could not read from a spec) and how they sit beside the issues
// of the rules that then run on the message they built.

import { throwIfInvalid } from "../validation/assert.js";
import type { ValidationIssue } from "../validation/issue.js";
import { describe, isWithin } from "../validation/shape.js";

/**
 * The builder's issues, then those of `ruled` that are not at or inside a field the builder already
 * reported. Such a field is left unset or holds a value outside its enum, and what the rules say of it
 * only echoes the builder's issue, which says what to write (one misspelled partition type was also
 * "partitioned strategy type must be EVENLY or WEIGHTED"). @internal
 */
export function withoutEchoes(own: readonly ValidationIssue[], ruled: readonly ValidationIssue[]): ValidationIssue[] {
  if (own.length === 0) return [...ruled];
  return [...own, ...ruled.filter((r) => !own.some((o) => isWithin(r.path, o.path)))];
}

// A JavaScript caller (or a cast, or JSON read at run time) can pass anything where a spec type asks
// for an object or a list; reading a field of `undefined` would throw a TypeError that names no field.

/** Whether `value` is an object that is not null or a list. @internal */
export function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `value` when it is an object; else an issue at `path` (`${field} must be an object such as ${example}`)
 * and `undefined`, for the builder to leave the field unset. @internal
 */
export function objectAt<T>(value: T, path: string, field: string, example: string, issues: ValidationIssue[]): (T & object) | undefined {
  if (isObject(value)) return value;
  issues.push({ path, message: `${field} must be an object such as ${example}; it is ${describe(value)}` });
  return undefined;
}

/** `value` when it is a list; else an issue at `path` and an empty list. @internal */
export function listAt<T>(value: readonly T[], path: string, field: string, example: string, issues: ValidationIssue[]): readonly T[] {
  if (Array.isArray(value)) return value;
  issues.push({ path, message: `${field} must be a list such as ${example}; it is ${describe(value)}` });
  return [];
}

/**
 * Throws a ValidationError at `path` (the message's name: `task`, `collector`) when a builder is given
 * no spec object: nothing else can be read. @internal
 */
export function requireSpec(spec: unknown, path: string, builder: string): void {
  if (!isObject(spec)) throwIfInvalid([{ path, message: `${builder} takes a spec object; it is ${describe(spec)}` }]);
}
