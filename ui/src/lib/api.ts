// The one module that talks to the Rust backend. Every command is a typed function here;
// components never call `invoke` with a raw string.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";

export type Vendor = "aliyun" | "tencent" | "huawei" | "volcengine" | "baidu";
export const VENDORS: Vendor[] = ["aliyun", "tencent", "huawei", "volcengine", "baidu"];
export type ApplicantKind = "enterprise" | "individual";
export type IdKind = "uscc" | "ric" | "icp" | "trademark";

/** A user-facing string in both languages, as the core sends it. */
export interface Text {
  zh: string;
  en: string;
}

export interface CaseOverview {
  id: string;
  applicant_kind: ApplicantKind;
  applicant_name: string;
  vendors: Vendor[];
  material_count: number;
  updated_at: string;
  ready: Partial<Record<Vendor, boolean>>;
}

export interface Material {
  id: number;
  role: string;
  original_name: string;
  size: number;
  mime: string;
  sha256: string;
}

export type SignatureSource = "company" | "app" | "trademark" | "website";
export type SignatureUse = "self" | "third-party";
export type LandingKind = "website" | "app" | "mini-program";

export interface Applicant {
  kind: ApplicantKind;
  name: string;
  uscc?: string;
  legal_rep?: string;
  legal_rep_id_number?: string;
  id_number?: string;
  phone?: string;
  established?: string;
  status?: "normal" | "abnormal-list" | "revoked";
  industry?: Industry;
}

/** The industries some vendors restrict (case::Industry); `other` is none of them. */
export const INDUSTRIES = [
  "finance", "real-estate", "education", "games", "social", "recruitment", "immigration", "other",
] as const;
export type Industry = (typeof INDUSTRIES)[number];

export interface Person {
  name: string;
  id_number?: string;
  phone?: string;
}

export interface Signature {
  name: string;
  source: SignatureSource;
  use: SignatureUse;
  owner?: string;
  owner_uscc?: string;
}

/** What a template variable holds, in qualkit's one vocabulary (assets/variables.toml). */
export type VarType = "code" | "alnum-code" | "phone" | "time" | "money" | "name" | "number" | "text";
export const VAR_TYPES: VarType[] = ["code", "alnum-code", "phone", "time", "money", "name", "number", "text"];

export interface Template {
  type: TemplateType;
  text: string;
  name?: string;
  /** Declared variable types; the lint infers the others. */
  variables?: Record<string, VarType>;
  /** Example values, checked against each vendor's rules. */
  examples?: Record<string, string>;
}

export interface Landing {
  kind: LandingKind;
  name: string;
  domain?: string;
  icp_number?: string;
  scenario?: string;
  test_account?: string;
  operator?: string;
  store_url?: string;
}

/** What a case declares; the core trims it and drops blank values when it is saved. */
export interface CaseData {
  vendors: Vendor[];
  applicant: Applicant;
  handler?: Person;
  signature?: Signature;
  templates: Template[];
  landing?: Landing;
}

export interface Case {
  id: string;
  data: CaseData;
  materials: Material[];
  created_at: string;
  updated_at: string;
  /** Counts the saves of `data`; a save based on an older one is refused (code "conflict"). */
  version: number;
}

/** One entry of a case's history (history::Event). */
export interface CaseEvent {
  at: string;
  who: string;
  what:
    | "created" | "imported" | "duplicated" | "changed" | "material-added" | "material-removed"
    | "reading-confirmed" | "exported" | "submitted" | "decided" | "copied";
  version: number;
  field?: string;
  old?: string;
  new?: string;
  detail?: string;
}

export type SubmissionItem = "qualification" | "signature" | "templates";

/** One submission of a case to a vendor and the answer (submission::Submission). */
export interface Submission {
  id: number;
  vendor: Vendor;
  items: SubmissionItem[];
  submitted_at: string;
  submitted_by: string;
  outcome?: "approved" | "rejected";
  reason?: string;
  decided_at?: string;
  /** For a rejection: the published reasons found in it, with the rules that catch them. */
  matched?: { pattern: string; rules: string[]; source: string; note?: Text }[];
}

/** The settings panel: who changes are recorded as, and the case store in use. */
export interface Settings {
  staff: string | null;
  recorded_as: string;
  /** The team store in use, its password masked; null: this desktop's own store. */
  team_store: string | null;
  /** The team store comes from QUALKIT_DATABASE_URL, which a saved one does not override. */
  team_store_from_env: boolean;
}

/** A case of the portfolio with what comes due (portfolio::Entry). */
export interface PortfolioEntry {
  id: string;
  name: string;
  vendors: Vendor[];
  deadlines: {
    what: "licence-term" | "owner-licence-term" | "letter-validity" | "trademark-validity" | "icp-sms" | "carrier-reporting";
    label: Text;
    due: string;
    days: number;
    vendor: Vendor | null;
  }[];
  submissions: { vendor: Vendor; status: "pending" | "approved" | "rejected"; at: string; reason?: string }[];
}

export type ItemStatus = "ok" | "missing" | "invalid" | "warn";

export interface ChecklistItem {
  item: string;
  label: Text;
  status: ItemStatus;
  why: Text;
  source: string;
}

export type Severity = "block" | "warn" | "info";
export type TemplateType = "verification" | "notification" | "marketing";

/** One step of a character diff from the declared value to what the document shows. */
export interface DiffOp {
  op: "equal" | "delete" | "insert";
  text: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: Text;
  fix: Text;
  source: string;
  span?: [number, number];
  field?: string;
  material?: string;
  material_id?: number;
  /** For a mismatch: the case field the declared value comes from. */
  declared?: string;
  expected?: string;
  found?: string;
  difference?: string[];
  diff?: DiffOp[];
  bbox?: [number, number, number, number];
}

export interface SignatureLint {
  vendor: Vendor;
  findings: Finding[];
}

/** One variable as the lint saw it: its type, how that was settled, the vendor's attribute. */
export interface VariableUse {
  name: string;
  type: VarType;
  label: Text;
  typed_by: { by: "declared" | "name" | "before" | "after" | "default"; clue?: string };
  how: Text;
  attribute?: string;
  value: string;
  /** The value is the case's example (else the type's typical value). */
  example: boolean;
}

export interface TemplateLint {
  vendor: Vendor;
  findings: Finding[];
  length: { chars: number; segments: number; assumed?: string[] };
  rendered: string;
  variables: VariableUse[];
}

export interface VendorReport {
  ready: boolean;
  profile_version: string;
  checklist: ChecklistItem[];
  findings: Finding[];
}

export interface CheckReport {
  id: string;
  vendors: Partial<Record<Vendor, VendorReport>>;
}

export interface Validation {
  kind: IdKind;
  input: string;
  normalized: string;
  valid: boolean;
  warnings: Text[];
  error: Text | null;
  details: Record<string, unknown>;
}

export interface AppInfo {
  version: string;
  data_dir: string;
  export_dir: string;
}

export interface Field {
  value: string;
  confidence: number;
  bbox?: [number, number, number, number];
  uncertain?: number[];
}

export interface Reading {
  kind: string;
  origin: "ocr" | "person";
  fields: Record<string, Field>;
}

/** A material with its pixel size (the frame of the field boxes) and what was read from it. */
export interface MaterialView extends Material {
  label: Text;
  width: number | null;
  height: number | null;
  reading: Reading | null;
  /** Each read field's name as the document prints it, in both languages. */
  labels: Record<string, Text>;
}

export interface RoleInfo {
  role: string;
  label: Text;
}

export type FilingType =
  | "first"
  | "new-site"
  | "access"
  | "change-subject"
  | "change-site"
  | "change-both"
  | "cancel-access"
  | "deregister-subject"
  | "deregister-site";
export const FILING_TYPES: FilingType[] = [
  "first",
  "new-site",
  "access",
  "change-subject",
  "change-site",
  "change-both",
  "cancel-access",
  "deregister-subject",
  "deregister-site",
];
export type Responsible = "subject" | "site";

export interface TrackedMessage {
  phone: string;
  first_sent_at: string | null;
  verified_at: string | null;
  resends_used: number;
  roles: Responsible[];
  status: "waiting" | "sent" | "verified" | "expired";
  deadline: string | null;
  seconds_left: number | null;
  resends_left: number;
}

export interface IcpTracker {
  plan: { filing_type: FilingType; sms_count: number; code_digits: number; deadline_hours: number; max_resends: number; notes: Text[]; source: string };
  messages: TrackedMessage[];
  now: string;
}

export type DocumentKind = "authorization-letter" | "commitment-letter" | "review-report";

export interface DocumentWritten {
  path: string;
  pages: number;
  bytes: number;
  warnings: Text[];
  /** Each page drawn as SVG, for the preview. */
  preview: string[];
}

/** What OCR made of one material. */
export interface MaterialRead {
  material: number;
  role: string;
  kind: string;
  fields: number;
  warnings: Text[];
  error: Text | null;
  elapsed_ms: number;
}

/** An export's step `done` of `total`, sent as the `export-progress` event. */
export interface Progress {
  done: number;
  total: number;
  what: Text;
}

export interface BundleFile {
  path: string;
  bytes: number;
  sha256: string;
  role?: string;
  original?: string;
}

export interface Manifest {
  format: string;
  case_id: string;
  vendor: Vendor;
  profile_version: string;
  date: string;
  ready: boolean;
  forced: boolean;
  files: BundleFile[];
  checklist: ChecklistItem[];
  findings: Finding[];
  notes: Text[];
}

export type ExportOutcome =
  | { outcome: "written"; path: string; manifest: Manifest }
  | { outcome: "refused"; report: VendorReport };

/** What a failed command rejects with. */
export type Step =
  | "applicant"
  | "vendors"
  | "signature"
  | "landing"
  | "materials"
  | "templates"
  | "review"
  | "documents"
  | "export";

export interface Reason {
  vendors: Vendor[];
  status: ItemStatus;
  why: Text;
  source: string;
}

export interface GuideItem {
  item: string;
  label: Text;
  status: ItemStatus;
  reasons: Reason[];
}

export interface StepGuide {
  step: Step;
  /** Missing or invalid items plus blocking findings. */
  todo: number;
  items: GuideItem[];
  findings: { vendors: Vendor[]; finding: Finding }[];
}

export interface CaseReview {
  report: CheckReport;
  guide: { steps: StepGuide[] };
}

export interface KindFacts {
  kind: ApplicantKind;
  label: Text;
  facts: { allowed: boolean; zh: string; en: string; source: string }[];
  vendors: {
    vendor: Vendor;
    accepted: boolean;
    template_types: TemplateType[];
    note: Text | null;
    source: string;
    /** Set where the vendor takes no new customers: only an existing account can apply. */
    closed: { since: string; note: Text; source: string } | null;
  }[];
}

/** Files dropped on the window (paths only: the backend reads them). */
export type FileDrop = { type: "over" } | { type: "drop"; paths: string[] } | { type: "leave" };

export interface CommandError {
  code: "input" | "internal" | "conflict";
  message: Text;
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "message" in e && "code" in e;
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  listCases: () => invoke<CaseOverview[]>("list_cases"),
  getCase: (id: string) => invoke<Case>("get_case", { id }),
  importCase: (dir: string) => invoke<string>("import_case", { dir }),
  deleteCase: (id: string) => invoke<void>("delete_case", { id }),
  newCase: (data: CaseData) => invoke<string>("new_case", { data }),
  /** Saves if the case is still at `version`; the new version. */
  saveCase: (id: string, data: CaseData, version: number) => invoke<number>("save_case", { id, data, version }),
  caseHistory: (id: string) => invoke<CaseEvent[]>("case_history", { id }),
  portfolio: (filter: { due: string | null; vendor: Vendor | null; status: string | null; staff: string | null }) =>
    invoke<PortfolioEntry[]>("portfolio", filter),
  recordSubmission: (id: string, vendor: Vendor, items: SubmissionItem[]) =>
    invoke<Submission>("record_submission", { id, vendor, items }),
  recordOutcome: (id: string, vendor: Vendor, approved: boolean, reason: string | null) =>
    invoke<Submission>("record_outcome", { id, vendor, approved, reason }),
  caseSubmissions: (id: string) => invoke<Submission[]>("case_submissions", { id }),
  getSettings: () => invoke<Settings>("get_settings"),
  saveStaff: (name: string) => invoke<Settings>("save_staff", { name }),
  /** Connects to the team store at `url` and, once it answers, keeps the cases there; an empty
   * `url` goes back to this desktop's own store. */
  saveTeamStore: (url: string) => invoke<Settings>("save_team_store", { url }),
  duplicateCase: (id: string) => invoke<string>("duplicate_case", { id }),
  reviewCase: (id: string) => invoke<CaseReview>("review_case", { id }),
  applicantKinds: () => invoke<KindFacts[]>("applicant_kinds"),
  /** The native file dialog (run by the backend); the chosen paths, or none if cancelled. */
  pickFiles: (what: "materials" | "import") => invoke<string[]>("pick_files", { what }),
  revealPath: (path: string) => invoke<void>("reveal_path", { path }),
  onFileDrop: (handler: (drop: FileDrop) => void): Promise<UnlistenFn> =>
    getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === "drop") handler({ type: "drop", paths: p.paths });
      else if (p.type === "leave") handler({ type: "leave" });
      else handler({ type: "over" });
    }),
  acceptDocumentValue: (id: string, declared: string, value: string) =>
    invoke<void>("accept_document_value", { id, declared, value }),
  confirmReading: (id: string, materialId: number, field: string, value: string) =>
    invoke<void>("confirm_reading", { id, materialId, field, value }),
  readMaterials: (id: string) => invoke<MaterialRead[]>("read_materials", { id }),
  onOcrProgress: (handler: (p: Progress) => void): Promise<UnlistenFn> =>
    listen<Progress>("ocr-progress", (event) => handler(event.payload)),
  caseMaterials: (id: string) => invoke<MaterialView[]>("case_materials", { id }),
  /** The material as a JPEG, for an <img> through a blob: URL. */
  materialImage: async (id: string, materialId: number): Promise<Blob> =>
    new Blob([await invoke<ArrayBuffer>("material_image", { id, materialId })], { type: "image/jpeg" }),
  addMaterial: (id: string, role: string, path: string) => invoke<Material>("add_material", { id, role, path }),
  removeMaterial: (id: string, materialId: number) => invoke<void>("remove_material", { id, materialId }),
  materialRoles: () => invoke<RoleInfo[]>("material_roles"),
  generateDocument: (id: string, kind: DocumentKind, vendor: Vendor | null, out: string) =>
    invoke<DocumentWritten>("generate_document", { id, kind, vendor, out }),
  exportCase: (id: string, vendor: Vendor, out: string, force: boolean) =>
    invoke<ExportOutcome>("export_case", { id, vendor, out, force }),
  onExportProgress: (handler: (p: Progress) => void): Promise<UnlistenFn> =>
    listen<Progress>("export-progress", (event) => handler(event.payload)),
  icpPlan: (id: string, filingType: FilingType, subjectPhone: string, sitePhone: string) =>
    invoke<IcpTracker>("icp_plan", {
      id,
      filingType,
      subjectPhone: subjectPhone.trim() || null,
      sitePhone: sitePhone.trim() || null,
    }),
  icpStatus: (id: string) => invoke<IcpTracker | null>("icp_status", { id }),
  icpMark: (id: string, role: Responsible, event: "sent" | "resent" | "verified") =>
    invoke<IcpTracker>("icp_mark", { id, role, event }),
  validateIdentifier: (kind: IdKind, value: string) => invoke<Validation>("validate_identifier", { kind, value }),
  lintSignature: (vendor: Vendor, name: string, company?: string) =>
    invoke<SignatureLint>("lint_signature", { vendor, name, source: company ? "company" : null, company: company ?? null }),
  lintTemplate: (args: {
    vendor: Vendor;
    kind: TemplateType;
    applicant: ApplicantKind;
    signature?: string;
    text: string;
    values?: Record<string, string>;
    types?: Record<string, VarType>;
  }) =>
    invoke<TemplateLint>("lint_template", {
      vendor: args.vendor,
      kind: args.kind,
      applicant: args.applicant,
      signature: args.signature ?? null,
      text: args.text,
      values: args.values ?? {},
      types: args.types ?? {},
    }),
};
