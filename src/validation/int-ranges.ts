// The range of each integer scalar type, for the shape check (shape.ts) and its compiled fast path
// (fits.ts), which must agree on them.

import { ScalarType } from "@bufbuild/protobuf";
import { INT32_MAX, INT32_MIN, UINT32_MAX } from "@bufbuild/protobuf/wire";

/** The 32-bit integer types: least, greatest, and the type's name for messages. @internal */
export const INT_RANGES: Partial<Record<ScalarType, readonly [number, number, string]>> = {
  [ScalarType.INT32]: [INT32_MIN, INT32_MAX, "int32"],
  [ScalarType.SINT32]: [INT32_MIN, INT32_MAX, "sint32"],
  [ScalarType.SFIXED32]: [INT32_MIN, INT32_MAX, "sfixed32"],
  [ScalarType.UINT32]: [0, UINT32_MAX, "uint32"],
  [ScalarType.FIXED32]: [0, UINT32_MAX, "fixed32"],
};

/** The 64-bit integer types, as bigints: least, greatest, and the type's name for messages. @internal */
export const INT64_RANGES: Partial<Record<ScalarType, readonly [bigint, bigint, string]>> = {
  [ScalarType.INT64]: [-(2n ** 63n), 2n ** 63n - 1n, "int64"],
  [ScalarType.SINT64]: [-(2n ** 63n), 2n ** 63n - 1n, "sint64"],
  [ScalarType.SFIXED64]: [-(2n ** 63n), 2n ** 63n - 1n, "sfixed64"],
  [ScalarType.UINT64]: [0n, 2n ** 64n - 1n, "uint64"],
  [ScalarType.FIXED64]: [0n, 2n ** 64n - 1n, "fixed64"],
};
