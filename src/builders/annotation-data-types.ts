// AnnotationDataType values are bits: `annotation_data_types = 34` means MASK | BOUNDING_BOX.

import { AnnotationDataType, AnnotationDataTypeSchema } from "../../gen/clarifai/api/resources_pb.js";
import { enumValue } from "../validation/enums.js";
import type { AnnotationDataTypeName, NameOrValue } from "./names.js";

/**
 * The bit set of the given annotation data types, for `autoAnnotationConfig.annotationDataTypes`.
 * Order and repetition do not matter; no argument gives 0 (not set).
 *
 * @example annotationDataTypes("MASK", "BOUNDING_BOX") // 34
 * @example annotationDataTypes(AnnotationDataType.TAG) // 1
 * @throws RangeError for a name or number that is not an AnnotationDataType value (JavaScript callers).
 */
export function annotationDataTypes(
  ...types: readonly NameOrValue<typeof AnnotationDataType, AnnotationDataTypeName>[]
): number {
  let bits = 0;
  for (const t of types) bits |= enumValue(AnnotationDataTypeSchema, t);
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
