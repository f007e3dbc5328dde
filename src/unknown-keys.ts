// Options objects are checked for keys we do not know: a typo (`timeout` for `timeoutMs`) would
// otherwise silently do nothing.

/** Throws a TypeError naming any key not in `known`. `undefined`/`null` pass. @internal */
export function rejectUnknownKeys(what: string, value: object | undefined, known: ReadonlySet<string>): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "object") throw new TypeError(`${what} must be an object`);
  const unknown = Object.keys(value).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new TypeError(`${what}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")}; known: ${[...known].join(", ")}`);
  }
}
