// Whether a value plainly fits its message schema: the shape check's fast path (shape.ts). Nearly
// every message a client sends is well-formed, and a task walks about a hundred keys in fifteen
// messages, so this runs on every write and is worth compiling. A walk that reads the descriptors as
// it goes sees every message type at the same property reads and stays megamorphic (the docs' task:
// about 2.5 µs in a loop, several times that inside real calls); one function per message type,
// generated from its descriptor with `new Function` as protobufjs generates its codecs, reads each
// field at its own site (0.7 µs). What it accepts, the full check (shape.ts' checkMessage) accepts
// too; what it does not vouch for (a 64-bit integer as a number or a string, bytes as an array, an
// infinite float, anything malformed) goes to the full check, which may still find it fine. It never
// decides an issue on its own.
//
// Where code generation from strings is refused (`node --disallow-code-generation-from-strings`, an
// embedder's policy), there is no fast path: every value gets the full check, slower but the same
// answers.

import { type DescField, type DescMessage, ScalarType, isMessage } from "@bufbuild/protobuf";
import { FLOAT32_MAX, FLOAT32_MIN } from "@bufbuild/protobuf/wire";
import { INT64_RANGES } from "./int-ranges.js";

/** `true` when `value` is well-formed for the schema; `false` when it needs the full check. @internal */
export type Fits = (value: unknown) => boolean;

/** A message's value as protobuf-es takes one: a plain object, or a message (of any prototype). @internal */
export function isPlainObject(v: unknown): v is object {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  // Messages of proto2 files carry a prototype with their defaults; ours are proto3, but accept both.
  return proto === Object.prototype || proto === null || isMessage(v);
}

let compiled = new WeakMap<DescMessage, Fits>();
// Set once the runtime has refused to generate code (an EvalError): no schema will get a fast path.
let refused = false;
// What a schema whose function could not be made for another reason checks with: it vouches for
// nothing, so its values get the full check, and the attempt is not repeated per call.
const vouchesForNothing: Fits = () => false;

/**
 * The fast check of `desc`'s messages, made on first use and kept, or `undefined` where code
 * generation is refused.
 * @internal
 */
export function fitsOf(desc: DescMessage): Fits | undefined {
  const known = compiled.get(desc);
  if (known !== undefined || refused) return known;
  let fits: Fits;
  try {
    fits = compile(desc);
  } catch (error) {
    // Refused code generation holds for every schema; anything else (a descriptor the generator
    // cannot handle, a stack overflow while compiling deep in a call) only for this one.
    if (error instanceof EvalError) {
      refused = true;
      return undefined;
    }
    fits = vouchesForNothing;
  }
  compiled.set(desc, fits);
  return fits;
}

/**
 * Forgets every compiled check, so that each type compiles again on its next use. For the generator's
 * tests: a mutation tester that swaps code within one process would otherwise only ever run the
 * functions compiled before the swap. @internal
 */
export function forgetCompiledChecks(): void {
  compiled = new WeakMap();
}

// The generated function of `desc`. Its source holds nothing but JSON-quoted type and field names from
// the descriptor and numbers, never a caller's value. The message types of its fields are reached
// through `sub`, compiled when a value first gets there, so a request that never sets a field costs
// nothing for its type.
function compile(desc: DescMessage): Fits {
  const subs: DescMessage[] = [];
  const sub: Fits[] = [];
  const ref = (d: DescMessage): string => {
    let i = subs.indexOf(d);
    if (i < 0) {
      i = subs.push(d) - 1;
      // Replaced by the compiled check on its first call. Code generation worked for this message, so
      // it works for the field's; should it not, the field's value is not vouched for.
      sub[i] = (v) => (sub[i] = fitsOf(d) ?? vouchesForNothing)(v);
    }
    return `sub[${i}]`;
  };
  // A set value `x` of a field (a field's, a oneof case's): statements that return false when it does
  // not fit. A list's items and a map's values are `y`; a oneof case's value is `z`, so that a list in a
  // oneof (which protoc refuses, a hand-built descriptor may not) still reads its own variables.
  const valueChecks = (field: DescField, x: string): string => {
    switch (field.fieldKind) {
      case "scalar":
        return failUnless(scalarTest(field.scalar, x));
      case "enum":
        return failUnless(enumTest(x));
      case "message":
        return failUnless(messageTest(field.message, x, ref));
      case "list": {
        const item =
          field.listKind === "scalar" ? scalarTest(field.scalar, "y") : field.listKind === "enum" ? enumTest("y") : messageTest(field.message, "y", ref);
        return `if (!Array.isArray(${x})) return false; for (let i = 0; i < ${x}.length; i++) { const y = ${x}[i]; ${failUnless(item)} }`;
      }
      case "map": {
        const item = field.mapKind === "scalar" ? scalarTest(field.scalar, "y") : field.mapKind === "enum" ? enumTest("y") : messageTest(field.message, "y", ref);
        return `if (!isPlainObject(${x}) || isMessage(${x})) return false; for (const k in ${x}) { const y = ${x}[k]; ${failUnless(item)} }`;
      }
    }
  };
  const cases: string[] = [];
  for (const member of desc.members) {
    const name = JSON.stringify(member.localName);
    if (member.kind === "field") {
      // A field's own null or undefined is unset, as `create` reads it.
      cases.push(`case ${name}: { const x = v[${name}]; if (x !== undefined && x !== null) { ${valueChecks(member, "x")} } break; }`);
      continue;
    }
    // A oneof is `{ case, value }`; unset as null, undefined or `{ case: undefined }`. A case's value is a
    // set value: its null or undefined does not fit.
    const options = member.fields.map((f) => `case ${JSON.stringify(f.localName)}: { const z = o.value; ${valueChecks(f, "z")} break; }`);
    cases.push(
      `case ${name}: { const o = v[${name}]; if (o === undefined || o === null) break; if (!isPlainObject(o) || !("case" in o)) return false; ` +
        `switch (o.case) { case undefined: break; ${options.join(" ")} default: return false; } break; }`,
    );
  }
  // Keys that are not fields (a oneof's case written flat among them) fit only when they hold undefined,
  // which `create` skips. protobuf-es' own keys: the type name, checked first, and the unknown fields a
  // decode kept. No Object.hasOwn per key: an inherited enumerable key, which the full check skips, is
  // looked at here as if it were the caller's, so at worst it sends the value on to the full check.
  const source = `"use strict";
return function fits(v) {
  if (!isPlainObject(v)) return false;
  const t = v.$typeName;
  if (typeof t === "string" && t !== ${JSON.stringify(desc.typeName)}) return false;
  for (const key in v) {
    switch (key) {
      case "$typeName": case "$unknown": break;
      ${cases.join("\n      ")}
      default: if (v[key] !== undefined) return false;
    }
  }
  return true;
};`;
  return new Function("sub", "isPlainObject", "isMessage", source)(sub, isPlainObject, isMessage) as Fits;
}

function failUnless(test: string): string {
  return `if (!(${test})) return false;`;
}

// 64-bit integers as `create` and the decoder hold them: a bigint in range. A number or a decimal
// string, which the encoder also takes, is left to the full check. 32-bit ones: the tests below are
// their ranges (`| 0` keeps an int32, `>>> 0` a uint32).
function scalarTest(type: ScalarType, x: string): string {
  const int64 = INT64_RANGES[type];
  if (int64 !== undefined) return `typeof ${x} === "bigint" && ${x} >= ${int64[0]}n && ${x} <= ${int64[1]}n`;
  switch (type) {
    case ScalarType.STRING:
      return `typeof ${x} === "string"`;
    case ScalarType.BOOL:
      return `typeof ${x} === "boolean"`;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return `typeof ${x} === "number" && (${x} | 0) === ${x}`;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return `typeof ${x} === "number" && ${x} >>> 0 === ${x}`;
    case ScalarType.DOUBLE:
      return `typeof ${x} === "number"`;
    case ScalarType.FLOAT:
      // An infinity fails here and is fine in the full check.
      return `typeof ${x} === "number" && !(${x} > ${FLOAT32_MAX} || ${x} < ${FLOAT32_MIN})`;
    case ScalarType.BYTES:
      // The full check also takes an array of numbers.
      return `${x} instanceof Uint8Array`;
    default:
      return "false";
  }
}

// Open enums: any int32 (the full check's checkEnum).
function enumTest(x: string): string {
  return `typeof ${x} === "number" && (${x} | 0) === ${x}`;
}

// protobuf-es writes a google.protobuf.Struct field as a plain JSON object, whatever it holds.
function messageTest(desc: DescMessage, x: string, ref: (d: DescMessage) => string): string {
  if (desc.typeName === "google.protobuf.Struct") return `isPlainObject(${x}) && !isMessage(${x})`;
  return `${ref(desc)}(${x})`;
}
