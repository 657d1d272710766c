// Every UI string in Chinese (default) and English.
import type { Text } from "./api";

export type Lang = "zh" | "en";

const strings = {
  appTitle: { zh: "资质助手", en: "qualkit" },
  tagline: { zh: "短信签名资质材料的整理与核对，全程离线", en: "Prepare and check SMS qualification packages, offline" },
  cases: { zh: "案卷", en: "Cases" },
  search: { zh: "搜索名称或编号", en: "Search by name or id" },
  noCases: { zh: "还没有案卷。输入案卷目录（含 case.toml）导入。", en: "No cases yet. Import a case folder (with case.toml)." },
  noMatch: { zh: "没有匹配的案卷", en: "No matching case" },
  importPlaceholder: { zh: "案卷目录的完整路径", en: "Full path of a case folder" },
  importButton: { zh: "导入案卷", en: "Import case" },
  imported: { zh: "已导入案卷", en: "Imported case" },
  applicant: { zh: "申请主体", en: "Applicant" },
  enterprise: { zh: "企业", en: "Enterprise" },
  individual: { zh: "个人", en: "Individual" },
  readiness: { zh: "各厂商就绪情况", en: "Readiness per vendor" },
  materials: { zh: "材料", en: "Materials" },
  updated: { zh: "最后修改", en: "Last change" },
  ready: { zh: "可提交", en: "ready" },
  notReady: { zh: "未就绪", en: "not ready" },
  checklist: { zh: "核对清单", en: "Checklist" },
  source: { zh: "依据", en: "Source" },
  delete: { zh: "删除案卷", en: "Delete case" },
  confirmDelete: { zh: "确定删除该案卷及其材料？此操作不能撤销。", en: "Delete this case and its materials? This cannot be undone." },
  cancel: { zh: "取消", en: "Cancel" },
  selectCase: { zh: "在左侧选择一个案卷查看核对清单", en: "Select a case on the left to see its checklist" },
  validator: { zh: "证照号码核验", en: "Identifier check" },
  validate: { zh: "核验", en: "Check" },
  valid: { zh: "有效", en: "valid" },
  invalid: { zh: "无效", en: "invalid" },
  uscc: { zh: "统一社会信用代码", en: "Credit code" },
  ric: { zh: "身份证号码", en: "ID number" },
  icp: { zh: "ICP 备案/许可证号", en: "ICP number" },
  trademark: { zh: "商标注册号", en: "Trademark number" },
  dataDir: { zh: "数据目录", en: "Data folder" },
  ok: { zh: "已具备", en: "OK" },
  missing: { zh: "缺少", en: "Missing" },
  invalidStatus: { zh: "有误", en: "Invalid" },
  warn: { zh: "注意", en: "Check" },
  block: { zh: "阻断", en: "Block" },
  info: { zh: "提示", en: "Info" },
  findings: { zh: "规则检查", en: "Findings" },
  noFindings: { zh: "没有发现问题", en: "No findings" },
  declared: { zh: "填写", en: "Declared" },
  document: { zh: "材料", en: "Document" },
  templateLint: { zh: "模板检查", en: "Template check" },
  templatePlaceholder: { zh: "输入模板，变量写作 ${code}", en: "Type a template; write variables as ${code}" },
  signature: { zh: "签名（不含【】）", en: "Signature (without 【】)" },
  verification: { zh: "验证码", en: "Verification" },
  notification: { zh: "通知", en: "Notification" },
  marketing: { zh: "推广", en: "Marketing" },
  chars: { zh: "字", en: "chars" },
  segments: { zh: "条计费", en: "billed" },
  materialPath: { zh: "材料文件的完整路径", en: "Full path of the material file" },
  addMaterial: { zh: "添加材料", en: "Add material" },
  readText: { zh: "识别文字", en: "Read text (OCR)" },
  reading: { zh: "识别中…", en: "Reading…" },
  fieldsRead: { zh: "个字段已识别", en: "fields read" },
  notRead: { zh: "尚未识别", en: "not read yet" },
  useDocument: { zh: "案卷改为材料上的", en: "Declare the document's " },
  ocrMisread: { zh: "识别有误，材料上确是", en: "Misread: the document says " },
  documentsAndExport: { zh: "文件与导出", en: "Documents and export" },
  vendor: { zh: "厂商", en: "Vendor" },
  reviewReport: { zh: "生成审核报告", en: "Review report" },
  authorizationLetter: { zh: "生成授权委托书", en: "Authorization letter" },
  commitmentLetter: { zh: "生成承诺函", en: "Commitment letter" },
  force: { zh: "有阻断项也导出", en: "Export despite blocks" },
  forceWhy: {
    zh: "阻断项会记录在 manifest.json 里；厂商很可能驳回这份材料",
    en: "The blocks are recorded in manifest.json; the vendor will probably reject the package",
  },
  exportButton: { zh: "导出提交包", en: "Export bundle" },
  refused: {
    zh: "未导出：这个厂商会驳回它。先处理下面的阻断项，或勾选“有阻断项也导出”。",
    en: "Not exported: this vendor would reject it. Fix the blocks below, or tick “Export despite blocks”.",
  },
  exported: { zh: "已导出到", en: "Exported to" },
  forcedNote: { zh: "带着阻断项导出，未解决的清单项：", en: "Exported despite blocks; open checklist items:" },
  files: { zh: "个文件", en: "files" },
  written: { zh: "已生成", en: "Wrote" },
  pages: { zh: "页", en: "pages" },
} satisfies Record<string, Text>;

export type Key = keyof typeof strings;

export function t(key: Key, lang: Lang): string {
  return strings[key][lang];
}

export function pick(text: Text, lang: Lang): string {
  return text[lang];
}
