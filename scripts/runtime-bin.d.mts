/** The binary of a runtime from the npm registry (see runtime-bin.mjs). */
export function runtimeBin(name: "bun" | "deno"): string;
/** The pinned runtimes. */
export const RUNTIMES: Record<"bun" | "deno", { pkg: string; version: string; bin: string }>;
