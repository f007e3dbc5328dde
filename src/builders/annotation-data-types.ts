// AnnotationDataType values are bits: `annotation_data_types = 34` means MASK | BOUNDING_BOX.

import { AnnotationDataType, AnnotationDataTypeSchema } from "../../gen/clarifai/api/resources_pb.js";
import { throwIfInvalid } from "../validation/assert.js";
import { findEnumValue, notAValueMessage } from "../validation/enums.js";
import type { ValidationIssue } from "../validation/issue.js";
import { describe } from "../validation/shape.js";
import { givenValueText, type AnnotationDataTypeName, type NameOrValue } from "./names.js";

/**
 * The bit set of the given annotation data types, for `autoAnnotationConfig.annotationDataTypes`.
 * Order and repetition do not matter; no argument gives 0 (not set).
 *
 * @example annotationDataTypes("MASK", "BOUNDING_BOX") // 34
 * @example annotationDataTypes(AnnotationDataType.TAG) // 1
 * @throws ValidationError (path `annotationDataTypes`, one issue per bad argument) for a name or number
 *   that is not an AnnotationDataType value (JavaScript callers). A bit set such as 34 is not one value.
 */
export function annotationDataTypes(
  ...types: readonly NameOrValue<typeof AnnotationDataType, AnnotationDataTypeName>[]
): number {
  const issues: ValidationIssue[] = [];
  const bits = annotationDataTypeBits(types, "annotationDataTypes", issues);
  throwIfInvalid(issues);
  return bits;
}

/**
 * The spec field `annotationDataTypes` (a list of names or values, or the bit set itself) as the bit
 * set; anything else is an issue at `path`. A single name written without its list (`"TAG"`) is
 * refused rather than taken as `["TAG"]`: the type does not allow it, and accepting it would make
 * JavaScript callers rely on a form TypeScript callers cannot write. @internal
 */
export function annotationDataTypesField(types: unknown, path: string, issues: ValidationIssue[]): number {
  if (typeof types === "number") return types;
  if (Array.isArray(types)) return annotationDataTypeBits(types, path, issues);
  const hint = typeof types === "string" ? ` (write [${JSON.stringify(types)}])` : "";
  issues.push({ path, message: `annotationDataTypes must be a list of names such as ["TAG"] or a bit set such as 1; it is ${describe(types)}${hint}` });
  return 0;
}

// The OR of the values; each one that is not an AnnotationDataType value is an issue at `path` and adds no bit.
function annotationDataTypeBits(types: readonly unknown[], path: string, issues: ValidationIssue[]): number {
  let bits = 0;
  for (const t of types) {
    const value = typeof t === "string" || typeof t === "number" ? findEnumValue(AnnotationDataTypeSchema, t) : undefined;
    if (value === undefined) {
      issues.push({ path, message: notAValueMessage(givenValueText(t), AnnotationDataTypeSchema, typeof t === "string" ? t : undefined) });
    } else {
      bits |= value;
    }
  }
  return bits;
}

/**
 * The names of the bits set in `bits`, lowest first: the inverse of {@link annotationDataTypes}.
 * Bits that no AnnotationDataType value names are left out (validation reports them).
 *
 * @example annotationDataTypeNames(34) // ["BOUNDING_BOX", "MASK"]
 */
export function annotationDataTypeNames(bits: number): AnnotationDataTypeName[] {
  return AnnotationDataTypeSchema.values
    .filter((v) => v.number !== AnnotationDataType.ANNOTATION_DATA_TYPE_NOT_SET && (bits & v.number) === v.number)
    .map((v) => v.name as AnnotationDataTypeName);
}
