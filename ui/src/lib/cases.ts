// Pure helpers behind the case list, kept out of components so Vitest can test them.
import type { CaseOverview, Vendor } from "./api";

/** Cases whose applicant name or id contains every whitespace-separated term of `query`. */
export function filterCases(cases: CaseOverview[], query: string): CaseOverview[] {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return cases;
  return cases.filter((c) => {
    const haystack = `${c.applicant_name} ${c.id}`.toLowerCase();
    return terms.every((term) => haystack.includes(term));
  });
}

/** "3/5": how many of the case's vendors are ready. */
export function readinessSummary(c: CaseOverview): { ready: number; total: number } {
  const entries = Object.entries(c.ready) as [Vendor, boolean][];
  return { ready: entries.filter(([, r]) => r).length, total: entries.length };
}

/** A list shows this much of a name; the case itself, and the tooltip, show it whole. */
export const LIST_NAME_CHARS = 60;

/** `text` cut to `max` characters (code points, as the backend counts), the cut marked "…". */
export function shortened(text: string, max: number = LIST_NAME_CHARS): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
}
