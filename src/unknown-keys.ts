// Options objects are checked for keys we do not know: a typo (`timeout` for `timeoutMs`) would
// otherwise silently do nothing.

/** Throws a TypeError naming any key not in `known`. `undefined`/`null` pass. @internal */
export function rejectUnknownKeys(what: string, value: object | undefined, known: ReadonlySet<string>): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "object") throw new TypeError(`${what} must be an object`);
  // Every call checks its options: the keys are listed only when one is unknown.
  if (!hasUnknownKey(value, known)) return;
  const unknown = Object.keys(value).filter((k) => !known.has(k));
  throw new TypeError(`${what}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")}; known: ${[...known].join(", ")}`);
}

// Object.keys' keys (own, enumerable, string), without the array.
function hasUnknownKey(value: object, known: ReadonlySet<string>): boolean {
  for (const key in value) if (Object.hasOwn(value, key) && !known.has(key)) return true;
  return false;
}
