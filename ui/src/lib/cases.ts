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
