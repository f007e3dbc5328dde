// Helpers that build the field paths of ValidationIssue: `tasks[0].worker.partitionedStrategyInfo.weights.u1`.

/** `base.key` for identifier-like keys, `base["odd key"]` for the rest (map keys are user ids, not names). @internal */
export function keyPath(base: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}
