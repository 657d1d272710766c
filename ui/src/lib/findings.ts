// Ordering and counting findings for display; the rules themselves live in the Rust core.
import type { Finding, Severity } from "./api";

const ORDER: Record<Severity, number> = { block: 0, warn: 1, info: 2 };

/** Blocking findings first, then warnings, then information; stable within a severity. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => [f, i] as const)
    .sort(([a, i], [b, j]) => ORDER[a.severity] - ORDER[b.severity] || i - j)
    .map(([f]) => f);
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { block: 0, warn: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

/** The checked text cut into before / marked / after around a finding's span, for highlighting. */
export function highlight(text: string, span?: [number, number]): [string, string, string] | null {
  if (!span) return null;
  const chars = Array.from(text);
  const [start, end] = span;
  if (start < 0 || end > chars.length || start >= end) return null;
  return [chars.slice(0, start).join(""), chars.slice(start, end).join(""), chars.slice(end).join("")];
}
