// Small, dependency-free statistics for the bench. Medians everywhere: on a shared machine the mean is
// dragged by the one round that collided with someone else's build; the median is not.

/** A value measured over several rounds: the median, and the range it moved in. */
export interface Spread {
  /** Median over the rounds. */
  median: number;
  /** Smallest round. */
  min: number;
  /** Largest round. */
  max: number;
  /** Number of rounds. */
  n: number;
  /** Half the range relative to the median, in percent: the "±" printed next to the median. */
  spreadPct: number;
}

/** The `q`-quantile (0..1) of already sorted values, nearest-rank (no interpolation: a p99 is a real sample). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** Median of unsorted values. */
export function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Summarises one number per round into a {@link Spread}. */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  const m = median(finite);
  const min = finite.length ? Math.min(...finite) : Number.NaN;
  const max = finite.length ? Math.max(...finite) : Number.NaN;
  return { median: m, min, max, n: finite.length, spreadPct: m ? ((max - min) / 2 / Math.abs(m)) * 100 : 0 };
}

/**
 * A 95% bootstrap interval of the median of `values`: the 2.5th and 97.5th percentiles of the medians of
 * `resamples` resamples drawn with replacement. Seeded (a linear congruential generator), so that a
 * report rendered twice from the same results says the same. `null` for fewer than two values.
 */
export function medianInterval(values: readonly number[], resamples = 2000, seed = 1): [number, number] | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return null;
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const medians = new Float64Array(resamples);
  const sample = new Array<number>(finite.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < finite.length; i++) sample[i] = finite[Math.floor(random() * finite.length)]!;
    medians[r] = median(sample);
  }
  medians.sort();
  return [quantileSorted(medians, 0.025), quantileSorted(medians, 0.975)];
}

/** Latency percentiles of one sample set, in milliseconds. */
export interface Percentiles {
  p50: number;
  p99: number;
  samples: number;
}

/** p50/p99 of latencies given in milliseconds. */
export function percentiles(latenciesMs: Float64Array | number[]): Percentiles {
  const sorted = Float64Array.from(latenciesMs).sort();
  return { p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99), samples: sorted.length };
}

/** `a[i] / b[i]` for each round i: a ratio taken within rounds, so that load common to a round cancels. */
export function ratiosPerRound(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v / (b[i] as number));
}

/** The smallest value of each round over several series (the best of a group, round by round). */
export function minPerRound(series: readonly (readonly number[])[]): number[] {
  if (!series.length) return [];
  return series[0]!.map((_, i) => Math.min(...series.map((s) => s[i] as number)));
}
