// annotationDataTypes, the helper and the spec field, given values TypeScript would refuse: a
// ValidationError naming the field, never a RangeError or a string split into letters.

import { describe, expect, test } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { annotationDataTypes, autoAnnotationTask } from "../../src/builders/index.js";
import { issuesOf } from "./issues-of.js";
import { auto, js } from "./specs.js";

describe("annotationDataTypes", () => {
  test("a single name as a string, not a list, is refused: it is not split into letters", () => {
    expect(issuesOf(() => autoAnnotationTask({ ...auto, concepts: [{ id: "water", annotationDataTypes: js("TAG") }] }))).toEqual([
      {
        path: "task.concepts[0].autoAnnotationConfig.annotationDataTypes",
        message: 'annotationDataTypes must be a list of names such as ["TAG"] or a bit set such as 1; it is the string "TAG" (write ["TAG"])',
      },
    ]);
  });

  test("any other value that is neither a list nor a number is refused the same way", () => {
    expect(issuesOf(() => autoAnnotationTask({ ...auto, concepts: [{ id: "water", annotationDataTypes: js({ TAG: true }) }] }))).toEqual([
      {
        path: "task.concepts[0].autoAnnotationConfig.annotationDataTypes",
        message: 'annotationDataTypes must be a list of names such as ["TAG"] or a bit set such as 1; it is an object',
      },
    ]);
  });

  test("the helper refuses a value that is not an AnnotationDataType with a ValidationError naming the field", () => {
    const names = "AnnotationDataType (ANNOTATION_DATA_TYPE_NOT_SET, TAG, BOUNDING_BOX, POLYGON, POINT, SPAN, MASK)";
    expect(issuesOf(() => annotationDataTypes(js("BOX")))).toEqual([{ path: "annotationDataTypes", message: `"BOX" is not an ${names}` }]);
    // 34 is a bit set, not one type: each argument must be a single value. Every bad argument is listed.
    expect(issuesOf(() => annotationDataTypes("TAG", js(34), js("MASKK")))).toEqual([
      { path: "annotationDataTypes", message: `34 is not an ${names}` },
      { path: "annotationDataTypes", message: `"MASKK" is not an ${names}; did you mean "MASK"?` },
    ]);
    expect(() => annotationDataTypes(js(["TAG"]))).toThrow(ValidationError);
  });

  test("a value JSON cannot write (a bigint, a symbol, NaN) is named in the issue, not a TypeError or `undefined`", () => {
    const names = "AnnotationDataType (ANNOTATION_DATA_TYPE_NOT_SET, TAG, BOUNDING_BOX, POLYGON, POINT, SPAN, MASK)";
    expect(issuesOf(() => annotationDataTypes(js(1n), js(Symbol("TAG")), js(Number.NaN)))).toEqual([
      { path: "annotationDataTypes", message: `the bigint 1n is not an ${names}` },
      { path: "annotationDataTypes", message: `a symbol is not an ${names}` },
      { path: "annotationDataTypes", message: `NaN is not an ${names}` },
    ]);
  });
});
