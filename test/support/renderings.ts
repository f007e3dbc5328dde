// Every way a caller or a logger can turn an error into text, enumerated rather than trusted to one
// Node's `util.inspect` (Node 20 does not print a nested `cause`'s stack; 22 and 24 do).
import { inspect } from "node:util";

/** Errors reachable from `error`: itself, its `cause` chain and an AggregateError's `errors`, deeply. */
export function errorGraph(error: unknown): Error[] {
  const out: Error[] = [];
  const visit = (e: unknown) => {
    if (!(e instanceof Error) || out.includes(e) || out.length > 50) return;
    out.push(e);
    visit(e.cause);
    if (e instanceof AggregateError) for (const inner of e.errors as unknown[]) visit(inner);
    for (const p of (e as { previousErrors?: unknown[] }).previousErrors ?? []) visit(p);
  };
  visit(error);
  return out;
}

/** The texts of one value as a logger may print it (string, inspect in several modes, JSON). */
function texts(value: unknown): string[] {
  const out: string[] = [];
  const attempt = (f: () => unknown) => {
    try {
      const t = f();
      if (typeof t === "string") out.push(t);
    } catch {
      // A value that cannot be rendered one way renders no secret that way.
    }
  };
  attempt(() => String(value));
  attempt(() => inspect(value));
  attempt(() => inspect(value, { depth: Infinity, showHidden: true, getters: true }));
  attempt(() => JSON.stringify(value));
  if (value instanceof Uint8Array) attempt(() => Buffer.from(value).toString("latin1"));
  return out;
}

/** Header-like containers as their entries (fetch `Headers`, grpc-js `Metadata`). */
function headerTexts(value: unknown): string[] {
  if (value instanceof Headers) return [...value.entries()].flat();
  const md = value as { getMap?: () => Record<string, unknown>; toJSON?: () => unknown } | null;
  if (md && typeof md.getMap === "function") {
    return Object.entries(md.getMap()).flatMap(([k, v]) => [k, typeof v === "string" ? v : Buffer.from(v as Uint8Array).toString("latin1")]);
  }
  return [];
}

/**
 * Every byte array reachable from `value` (a detail's bytes inside `statusDetails`, grpc-js' binary
 * metadata, …) as text, latin1 and utf8: the renderings above print nested bytes as numbers, in which no
 * search for a secret can find it.
 */
function byteTexts(value: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<object>();
  const visit = (v: unknown) => {
    if (typeof v !== "object" || v === null || seen.has(v) || seen.size > 100_000) return;
    seen.add(v);
    if (v instanceof Uint8Array) {
      out.push(Buffer.from(v).toString("latin1"), Buffer.from(v).toString("utf8"));
      return;
    }
    if (ArrayBuffer.isView(v)) return;
    if (v instanceof Map) {
      for (const [k, x] of v) (visit(k), visit(x));
      return;
    }
    for (const key of Reflect.ownKeys(v)) {
      try {
        visit((v as Record<string | symbol, unknown>)[key]);
      } catch {
        // A getter that throws holds nothing to find.
      }
    }
  };
  visit(value);
  return out;
}

/**
 * The forms in which `secret` can be found in a text: itself, and base64 of it and of `Key <secret>`
 * (a `-bin` header's value) at each of the three alignments a string can have inside base64 — the
 * characters that encode only its own bytes, whatever surrounds it.
 */
export function secretForms(secret: string): string[] {
  const forms = [secret];
  for (const text of [secret, `Key ${secret}`]) {
    for (let align = 0; align < 3; align++) {
      const bytes = Buffer.concat([Buffer.alloc(align), Buffer.from(text)]);
      forms.push(bytes.toString("base64").slice(align === 0 ? 0 : 4, Math.floor(bytes.length / 3) * 4));
    }
  }
  return forms;
}

/** Fails when any text holds any form of `secret` ({@link secretForms}), naming the form and the text. */
export function expectNoSecret(texts: readonly string[], secret: string): void {
  const forms = secretForms(secret);
  for (const text of texts) {
    const found = forms.find((f) => text.includes(f));
    if (found !== undefined) throw new Error(`the secret (as ${JSON.stringify(found)}) is in: ${text.slice(0, 2000)}`);
  }
}

/**
 * Every rendering of `error` and of every error reachable from it: `String`, `message`, `stack`,
 * `toJSON`, `JSON.stringify`, `inspect` (default and at full depth with hidden and symbol properties and
 * getters), and each own property (string- and symbol-keyed) rendered the same ways, header-like
 * values by their entries, byte values (at any depth) as text.
 */
export function renderings(error: unknown): string[] {
  const out = [...texts(error), ...byteTexts(error)];
  for (const e of errorGraph(error)) {
    out.push(e.message, e.stack ?? "", ...texts(e));
    const json = (e as { toJSON?: () => unknown }).toJSON;
    if (typeof json === "function") out.push(...texts(json.call(e)));
    for (const key of Reflect.ownKeys(e)) {
      let value: unknown;
      try {
        value = (e as unknown as Record<string | symbol, unknown>)[key];
      } catch {
        continue;
      }
      out.push(...texts(value), ...headerTexts(value));
      if (Array.isArray(value)) for (const item of value) out.push(...texts(item), ...headerTexts(item));
    }
  }
  return out;
}
