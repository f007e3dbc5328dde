// "Did you mean …?": the name a caller most likely meant, for field names and enum value names.

/**
 * A name reduced to what spelling variants share: lower case, without `_` and `-`, so that
 * `input_source`, `inputSource` and `INPUT_SOURCE` are one name. @internal
 */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/**
 * The candidate that `word` most likely meant: one spelled the same up to case and `_` (snake_case for
 * camelCase), else the nearest by edit distance when it is close enough to be a typo (at most 2 edits,
 * and at most one in three letters). `undefined` when nothing is that close, or when two candidates
 * are equally close (a guess would be a coin toss). @internal
 */
export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  const w = normalizeName(word);
  let best: string | undefined;
  let bestNormal: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const c of candidates) {
    const n = normalizeName(c);
    const d = editDistance(w, n);
    if (d < bestDistance) {
      best = c;
      bestNormal = n;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance && n !== bestNormal) {
      tie = true;
    }
  }
  // The same name spelled otherwise (distance 0) passes both tests; no candidates leave the distance infinite.
  return !tie && bestDistance <= 2 && bestDistance * 3 <= w.length ? best : undefined;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours
// (the typo a keyboard makes most: "sampleMs" → "smapleMs") each cost 1.
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      // At the first letter of either word the letter before it is undefined, so this fails there.
      if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
