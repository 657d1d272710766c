// Pure helpers behind the materials viewer, kept out of components so Vitest can test them.
import type { Finding, MaterialView } from "./api";

export interface Box {
  key: string;
  value: string;
  /** Percentages of the image, so the boxes follow the image at any displayed size. */
  left: number;
  top: number;
  width: number;
  height: number;
  state: "ok" | "mismatch" | "unsure";
}

/** The field boxes of a material as percentages of its image, marked where a finding says the
 *  value differs from the case (or OCR was unsure of it). */
export function fieldBoxes(view: MaterialView, findings: Finding[]): Box[] {
  if (!view.reading || !view.width || !view.height) return [];
  const { width, height } = view;
  const flagged = new Map<string, Box["state"]>();
  for (const f of findings) {
    if (f.material_id !== view.id || !f.field) continue;
    if (f.rule === "match.mismatch") flagged.set(f.field, "mismatch");
    else if (f.rule === "match.unsure" && !flagged.has(f.field)) flagged.set(f.field, "unsure");
  }
  return Object.entries(view.reading.fields)
    .filter(([, field]) => field.bbox)
    .map(([key, field]) => {
      const [x, y, w, h] = field.bbox!;
      return {
        key,
        value: field.value,
        left: (x / width) * 100,
        top: (y / height) * 100,
        width: (w / width) * 100,
        height: (h / height) * 100,
        state: flagged.get(key) ?? (field.uncertain?.length ? "unsure" : "ok"),
      };
    });
}

/** A value split into runs of sure and unsure characters, for highlighting. */
export function uncertainRuns(value: string, uncertain: number[] = []): { text: string; unsure: boolean }[] {
  const chars = Array.from(value);
  const marked = new Set(uncertain);
  const runs: { text: string; unsure: boolean }[] = [];
  chars.forEach((c, i) => {
    const unsure = marked.has(i);
    const last = runs[runs.length - 1];
    if (last && last.unsure === unsure) last.text += c;
    else runs.push({ text: c, unsure });
  });
  return runs;
}
