/** How numbers, times and money read in the dashboard. */

export function fmtCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "—";
  if (usd === 0) return "$0";
  if (Math.abs(usd) < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(usd < 100 ? 4 : 2).replace(/\.?0+$/, "")}`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function fmtInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return Math.round(n).toLocaleString("en-US");
}

export function fmtPct(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function fmtTime(t: string | number | Date | null | undefined): string {
  if (t === null || t === undefined || t === "") return "—";
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  return d.toLocaleString("en-GB", { hour12: false });
}

/** "3 s ago", "5 min ago", "in 2 h". */
export function fmtRelative(t: string | number | Date | null | undefined, now = Date.now()): string {
  if (t === null || t === undefined || t === "") return "—";
  const ms = (t instanceof Date ? t : new Date(t)).getTime();
  if (Number.isNaN(ms)) return "—";
  const d = ms - now;
  const a = Math.abs(d);
  const s = a < 60_000 ? `${Math.round(a / 1000)} s` : a < 3_600_000 ? `${Math.round(a / 60_000)} min` : a < 86_400_000 ? `${Math.round(a / 3_600_000)} h` : `${Math.round(a / 86_400_000)} d`;
  return d < 0 ? `${s} ago` : `in ${s}`;
}
