// Pure helpers behind the documents and export panel, kept out of components so Vitest can
// test them.
import type { BundleFile, ChecklistItem, DocumentKind, Progress, Vendor } from "./api";

/** A file-name stem from a company name: no path separators or characters file systems refuse. */
export function fileStem(name: string): string {
  const stem = name
    .trim()
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, "")
    .replace(/\s+/g, "-")
    .replace(/^\.+/, "");
  return stem || "case";
}

/** `YYYYMMDD` of a date, in local time, as a file name carries it. */
export function compactDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}

function join(dir: string, name: string): string {
  return dir.endsWith("/") || dir.endsWith("\\") ? `${dir}${name}` : `${dir}/${name}`;
}

/** Where a bundle is suggested to go: `<dir>/<applicant>-<vendor>-<date>.zip`. */
export function bundlePath(dir: string, applicant: string, vendor: Vendor, date: Date, zip = true): string {
  return join(dir, `${fileStem(applicant)}-${vendor}-${compactDate(date)}${zip ? ".zip" : ""}`);
}

const DOCUMENT_NAMES: Record<DocumentKind, string> = {
  "authorization-letter": "授权委托书",
  "commitment-letter": "合规使用承诺函",
  "review-report": "审核报告",
};

/** Where a generated document is suggested to go. */
export function documentPath(dir: string, applicant: string, kind: DocumentKind, vendor: Vendor | null): string {
  const vendorPart = vendor ? `-${vendor}` : "";
  return join(dir, `${fileStem(applicant)}${vendorPart}-${DOCUMENT_NAMES[kind]}.pdf`);
}

/** 0–100 for a progress bar. */
export function percent(p: Progress | null): number {
  if (!p || p.total <= 0) return 0;
  return Math.min(100, Math.round((p.done / p.total) * 100));
}

/** "1.2 MB", "26 KB", "512 B". */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** The checklist items that keep a vendor from accepting the package. */
export function blockingItems(checklist: ChecklistItem[]): ChecklistItem[] {
  return checklist.filter((item) => item.status === "missing" || item.status === "invalid");
}

/** The bundle's total size. */
export function totalBytes(files: BundleFile[]): number {
  return files.reduce((sum, f) => sum + f.bytes, 0);
}
