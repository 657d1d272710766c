// The case wizard's logic: step order, the editable draft of a case, and a guess of a dropped
// file's role from its name.
import type { ApplicantKind, CaseData, Step, StepGuide } from "./api";

export const STEPS: Step[] = [
  "applicant",
  "vendors",
  "signature",
  "landing",
  "materials",
  "templates",
  "review",
  "documents",
  "export",
];

export function nextStep(step: Step): Step | null {
  return STEPS[STEPS.indexOf(step) + 1] ?? null;
}

export function previousStep(step: Step): Step | null {
  const i = STEPS.indexOf(step);
  return i > 0 ? STEPS[i - 1] : null;
}

/** The number of things a step still needs, from the guide (0 when the guide lacks it). */
export function todoOf(steps: StepGuide[], step: Step): number {
  return steps.find((s) => s.step === step)?.todo ?? 0;
}

/** A new case as the first step's form starts it. */
export function emptyCase(kind: ApplicantKind): CaseData {
  return { vendors: [], applicant: { kind, name: "" }, templates: [] };
}

/**
 * The case with every optional section present, so a form can bind to each input. The core
 * drops what stays blank when it is saved (`CaseData::tidy`), so nothing empty is stored.
 */
export function draftOf(data: CaseData): Required<Pick<CaseData, "handler" | "signature" | "landing">> & CaseData {
  // A JSON round trip, not structuredClone: the case may be a Svelte state proxy, which
  // structuredClone refuses.
  const copy: CaseData = JSON.parse(JSON.stringify(data));
  return {
    ...copy,
    handler: copy.handler ?? { name: "" },
    signature: copy.signature ?? { name: "", source: "company", use: "self" },
    landing: copy.landing ?? { kind: "website", name: "" },
  };
}

/** Name patterns, most specific first: a dropped file whose name says what it is. */
const ROLE_PATTERNS: [RegExp, string][] = [
  [/手持|handheld/i, "handler-id-handheld"],
  [/(经办|handler).*(国徽|背面|反面|back)/i, "handler-id-back"],
  [/(经办|handler)/i, "handler-id-front"],
  [/(法人|法定代表|legal).*(国徽|背面|反面|back)/i, "legal-rep-id-back"],
  [/(法人|法定代表|legal).*(身份证|id)/i, "legal-rep-id-front"],
  [/(责任人|responsible).*(国徽|背面|反面|back)/i, "responsible-id-back"],
  [/(责任人|responsible)/i, "responsible-id-front"],
  [/授权|authori[sz]ation/i, "authorization-letter"],
  [/承诺|commitment/i, "commitment-letter"],
  [/商标|trademark/i, "trademark-certificate"],
  [/备案|icp/i, "icp-record"],
  [/应用商店|app.?store|listing/i, "app-listing"],
  [/视频|video|\.(mp4|mov)$/i, "legal-rep-video"],
  [/归属|owner/i, "owner-business-license"],
  [/营业执照|执照|licen[cs]e/i, "business-license"],
];

/** The role a file's name suggests, or `fallback` (the role chosen in the form). */
export function roleFromFileName(path: string, fallback: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  return ROLE_PATTERNS.find(([pattern]) => pattern.test(name))?.[1] ?? fallback;
}
