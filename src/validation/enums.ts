// Enum-safe names for the generated enums: value names ↔ numbers, read from the enum descriptors that
// protoc-gen-es emits (`Task_TaskTypeSchema` …), so the lists can never drift from the proto.

import type { DescEnum } from "@bufbuild/protobuf";
import type { GenEnum } from "@bufbuild/protobuf/codegenv2";
import { withArticle } from "./article.js";
import { closestName } from "./suggest.js";

/**
 * The value names of a generated TypeScript enum as a string literal union,
 * e.g. `EnumName<typeof TaskWorker_TaskWorkerStrategy>` is `"WORKER_STRATEGY_NOT_SET" | "PARTITIONED" | "FULL" | "DYNAMIC"`.
 *
 * A misspelled name does not compile where this type is expected.
 */
export type EnumName<E extends Record<string, string | number>> = Extract<keyof E, string>;

/**
 * The name of `value` in `schema`, or `undefined` when the number is not one of the enum's values.
 *
 * @example enumValueName(TaskWorker_TaskWorkerStrategySchema, 4) // "DYNAMIC"
 */
export function enumValueName(schema: DescEnum, value: number): string | undefined {
  return declared(schema, value)?.name;
}

/** Whether `value` is one of the numbers declared by `schema`. */
export function isKnownEnumValue(schema: DescEnum, value: number): boolean {
  return declared(schema, value) !== undefined;
}

// The descriptor's own index by number: the rules look up several enum values of every task a client
// sends. Only numbers are looked up, as a search of `values` would find only numbers (not "1").
function declared(schema: DescEnum, value: number) {
  return typeof value === "number" ? schema.value[value] : undefined;
}

/**
 * The number for a value given by name or by number, or `undefined` when it is not a value of the enum.
 * The one lookup behind {@link enumValue} and the builders' name-or-number fields.
 *
 * @internal
 */
export function findEnumValue<E extends number>(schema: GenEnum<E>, nameOrValue: string | number): E | undefined {
  const found =
    typeof nameOrValue === "number"
      ? schema.values.find((v) => v.number === nameOrValue)
      : schema.values.find((v) => v.name === nameOrValue);
  return found?.number as E | undefined;
}

/**
 * The number for a value given by name or by number (the generated enum value), checked against the enum.
 *
 * @throws RangeError when the name or number is not a value of the enum; the message lists the known names.
 * @example enumValue(TaskWorker_TaskWorkerStrategySchema, "DYNAMIC") // 4 (TaskWorker_TaskWorkerStrategy.DYNAMIC)
 */
export function enumValue<E extends number>(schema: GenEnum<E>, nameOrValue: string | E): E {
  // Builders are typed to take only known names, but JavaScript callers and casts are not; fail loudly
  // instead of sending 0 (the "not set" value) for a typo.
  const found = findEnumValue(schema, nameOrValue);
  if (found === undefined) {
    throw new RangeError(notAValueMessage(JSON.stringify(nameOrValue), schema, typeof nameOrValue === "string" ? nameOrValue : undefined));
  }
  return found;
}

/**
 * The values a field takes where it takes only some of its enum's: their names, and where, for
 * messages (`{ names: ["EVENLY", "WEIGHTED"], of: "a partitioned worker" }`). @internal
 */
export interface EnumSubset {
  readonly names: readonly string[];
  readonly of: string;
}

/**
 * The message for something that is not a value of `schema`:
 * `"DYNAMC" is not a TaskWorkerStrategy (WORKER_STRATEGY_NOT_SET, PARTITIONED, FULL, DYNAMIC)`, or,
 * with `subset`, not one of the values the field takes there:
 * `"EVENLYY" is not a TaskWorkerPartitionedStrategy of a partitioned worker (EVENLY, WEIGHTED)`.
 *
 * @param subject - what is wrong, as it should appear (a quoted name, or a field and its number).
 * @param given - the name the caller wrote, to suggest the nearest of the names listed.
 * @internal
 */
export function notAValueMessage(subject: string, schema: DescEnum, given?: string, subset?: EnumSubset): string {
  const names = subset?.names ?? schema.values.map((v) => v.name);
  const guess = given === undefined ? undefined : closestName(given, names);
  const kind = subset === undefined ? describeEnum(schema) : `${schema.name} of ${subset.of} (${names.join(", ")})`;
  return `${subject} is not ${withArticle(kind)}${guess ? `; did you mean "${guess}"?` : ""}`;
}

/**
 * The name of the generated TypeScript enum of `schema`, as a caller imports it: `Task_TaskType` for
 * `clarifai.api.Task.TaskType`, `StatusCode` for `clarifai.api.status.StatusCode` (protoc-gen-es joins
 * the names of nested types with `_`).
 *
 * @internal
 */
export function enumConstant(schema: DescEnum): string {
  const pkg = schema.file.proto.package;
  // A type name never starts with ".", so an enum of a file without a package keeps its whole name.
  const local = schema.typeName.startsWith(`${pkg}.`) ? schema.typeName.slice(pkg.length + 1) : schema.typeName;
  return local.replace(/\./g, "_");
}

/**
 * The enum's name followed by its value names, for messages:
 * `TaskWorkerStrategy (WORKER_STRATEGY_NOT_SET, PARTITIONED, FULL, DYNAMIC)`.
 */
export function describeEnum(schema: DescEnum): string {
  return `${schema.name} (${schema.values.map((v) => v.name).join(", ")})`;
}

/**
 * The message used when a field holds a number that is not a value of its enum:
 * `strategy 7 is not a TaskWorkerStrategy (WORKER_STRATEGY_NOT_SET, PARTITIONED, FULL, DYNAMIC)`.
 *
 * @internal
 */
export function unknownEnumMessage(field: string, value: number, schema: DescEnum): string {
  return notAValueMessage(`${field} ${value}`, schema);
}

/** The value's name for messages, e.g. `DYNAMIC`; the bare number for values the enum does not declare. @internal */
export function enumLabel(schema: DescEnum, value: number): string {
  const name = enumValueName(schema, value);
  return name === undefined ? String(value) : name;
}
