// Plain-text tables for the CLI's default output: one header row, columns padded to their widest cell.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";

/** A column: its header and how to render one item's cell. */
export interface Column<T> {
  readonly header: string;
  cell(item: T): string;
}

/** Renders `items` under `columns`, one line per row, cells separated by two spaces; no trailing blanks. */
export function formatTable<T>(columns: readonly Column<T>[], items: readonly T[]): string[] {
  const rows = [columns.map((c) => c.header), ...items.map((item) => columns.map((c) => c.cell(item).replace(/\s+/g, " ")))];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
}

/** A time cell, `2024-05-01 12:00:00Z`, or empty when the server set no time. */
export function shortTime(t: Timestamp | undefined): string {
  return t ? timestampDate(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}
