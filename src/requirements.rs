//! The requirements engine: case + vendor profile → checklist. Each item says what the vendor
//! needs, whether the case has it, why, and where the rule comes from.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::{ApplicantKind, CompanyStatus, LandingKind, Role, SignatureSource, SignatureUse, Vendor};
use crate::i18n::Text;
use crate::icp::normalize_mobile;
use crate::ident::{self, IdKind, Validation};
use crate::profile::VendorProfile;
use crate::store::Case;

/// Source ids (assets/sources.toml) of the checks no vendor profile holds: the 2026 audit-rules
/// article, and the standards identifiers follow.
pub(crate) const SEED_000: &str = "seed-000";
const IDS_USCC: &str = "gb32100";
const IDS_RIC: &str = "gb11643";
const IDS_ICP: &str = "icp-format";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Missing,
    Invalid,
    Warn,
}

impl Status {
    /// The mark reports put before an item: ✓ ok, ! warn, ○ missing, ✗ invalid.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Ok => "✓",
            Status::Warn => "!",
            Status::Missing => "○",
            Status::Invalid => "✗",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ChecklistItem {
    /// Stable id, e.g. `material.business-license`, `applicant.uscc`.
    pub item: String,
    pub label: Text,
    pub status: Status,
    pub why: Text,
    pub source: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Block,
    Warn,
    Info,
}

impl Severity {
    pub fn label(self) -> Text {
        match self {
            Severity::Block => Text::new("阻断", "block"),
            Severity::Warn => Text::new("警告", "warn"),
            Severity::Info => Text::new("提示", "info"),
        }
    }
}

/// A rule's verdict on something in the case (shared/spec/cli.md, "A finding is …").
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: Text,
    pub fix: Text,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub material: Option<Role>,
    /// For a finding about one material: which one (its id in the case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub material_id: Option<i64>,
    /// For a mismatch: the case field the declared value comes from (`applicant.name` …), so a
    /// fix can set it to what the document shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found: Option<String>,
    /// For a mismatch: the kinds of difference (width, company_form, script, missing_chars …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<Vec<crate::matching::DifferenceKind>>,
    /// For a mismatch: the character diff from `expected` to `found`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<crate::matching::DiffOp>>,
    /// Where on the material the value was read, `[x, y, w, h]` in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[u32; 4]>,
}

impl Finding {
    /// A finding with only the required keys blank, for builders to fill.
    pub fn empty() -> Finding {
        Finding {
            rule: String::new(),
            severity: Severity::Info,
            message: Text::new("", ""),
            fix: Text::new("", ""),
            source: String::new(),
            span: None,
            field: None,
            material: None,
            material_id: None,
            declared: None,
            expected: None,
            found: None,
            difference: None,
            diff: None,
            bbox: None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct VendorReport {
    pub ready: bool,
    pub profile_version: String,
    pub checklist: Vec<ChecklistItem>,
    pub findings: Vec<Finding>,
}

impl VendorReport {
    pub fn new(profile: &VendorProfile, checklist: Vec<ChecklistItem>, findings: Vec<Finding>) -> Self {
        let ready = checklist.iter().all(|i| matches!(i.status, Status::Ok | Status::Warn))
            && findings.iter().all(|f| f.severity != Severity::Block);
        VendorReport { ready, profile_version: profile.version.clone(), checklist, findings }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub id: String,
    pub vendors: BTreeMap<Vendor, VendorReport>,
}

impl CheckReport {
    pub fn all_ready(&self) -> bool {
        self.vendors.values().all(|r| r.ready)
    }
}

/// Builds the checklist as of `today` (which decides whether a company is newly established).
pub fn checklist(case: &Case, profile: &VendorProfile, today: NaiveDate) -> Vec<ChecklistItem> {
    let mut list = Checklist { items: Vec::new(), profile };
    list.vendor_status();
    list.applicant(case, today);
    list.handler(case);
    list.signature(case);
    list.materials(case, today);
    list.templates(case);
    list.landing(case);
    list.items
}

struct Checklist<'a> {
    items: Vec<ChecklistItem>,
    profile: &'a VendorProfile,
}

impl Checklist<'_> {
    fn push(&mut self, item: &str, label: Text, status: Status, why: Text, source: impl Into<String>) {
        self.items.push(ChecklistItem { item: item.to_string(), label, status, why, source: source.into() });
    }

    fn vendor_source(&self, ids: &str) -> String {
        self.profile.cite(ids)
    }

    fn present_item(&mut self, item: &str, label: Text, source: &str) {
        self.push(item, label, Status::Ok, Text::new("已填写", "present"), source);
    }

    fn missing_item(&mut self, item: &str, label: Text, source: &str) {
        let why = Text::new(format!("请填写{}", label.zh), format!("fill in the {}", label.en));
        self.push(item, label, Status::Missing, why, source);
    }

    /// A text field: `ok` when filled in, `missing` when absent or blank.
    fn require_text(&mut self, item: &str, label: Text, value: Option<&str>, source: &str) {
        match present(value) {
            Some(_) => self.present_item(item, label, source),
            None => self.missing_item(item, label, source),
        }
    }

    /// An identifier field: `missing` when blank, otherwise the verdict of its check.
    fn require_identifier(
        &mut self,
        item: &str,
        label: Text,
        value: Option<&str>,
        kind: IdKind,
        source: &str,
    ) -> Option<Validation> {
        let Some(value) = present(value) else {
            self.missing_item(item, label, source);
            return None;
        };
        let validation = ident::validate(kind, value);
        self.identifier(item, label, &validation, source);
        Some(validation)
    }

    fn identifier(&mut self, item: &str, label: Text, validation: &Validation, source: &str) {
        let (status, why) = match (&validation.error, validation.warnings.first()) {
            (Some(error), _) => (Status::Invalid, error.clone()),
            (None, Some(warning)) => (Status::Warn, warning.clone()),
            (None, None) if validation.kind == IdKind::Icp || validation.kind == IdKind::Trademark => {
                (Status::Ok, Text::new("格式正确", "well-formed"))
            }
            (None, None) => (Status::Ok, Text::new("格式与校验位正确", "format and check character are correct")),
        };
        self.push(item, label, status, why, source);
    }

    /// A vendor that takes no new customers says so first: only an existing account can apply.
    fn vendor_status(&mut self) {
        if let Some(status) = self.profile.status.clone().filter(|s| !s.new_customers) {
            let source = self.vendor_source(&status.source);
            self.push("vendor.status", Text::new("厂商受理状态", "vendor status"), Status::Warn, status.note, source);
        }
    }

    fn applicant(&mut self, case: &Case, today: NaiveDate) {
        let applicant = &case.data.applicant;
        let rule = self.profile.applicant(applicant.kind);
        let kind_label = Text::new("申请主体类型", "applicant kind");
        let kind_source = self.vendor_source(&rule.source);
        if rule.accepted {
            let why =
                rule.note.clone().unwrap_or_else(|| Text::new("受理该类主体", "this kind of applicant is accepted"));
            self.push("applicant.kind", kind_label, Status::Ok, why, kind_source);
        } else {
            let why = rule
                .note
                .clone()
                .unwrap_or_else(|| Text::new("不受理该类主体", "this kind of applicant is not accepted"));
            self.push("applicant.kind", kind_label, Status::Invalid, why, kind_source);
        }
        self.require_text(
            "applicant.name",
            Text::new("申请主体名称", "applicant name"),
            Some(&applicant.name),
            &crate::sources::cite(SEED_000),
        );

        match applicant.kind {
            ApplicantKind::Enterprise => {
                let label = Text::new("统一社会信用代码", "unified social credit code");
                let validation = self.require_identifier(
                    "applicant.uscc",
                    label,
                    applicant.uscc.as_deref(),
                    IdKind::Uscc,
                    &crate::sources::cite(IDS_USCC),
                );
                // Category code 2 of authority 9 (工商) is the individual business, 个体工商户.
                let individual_business = validation.is_some_and(|v| v.normalized.starts_with("92"));
                if let Some(rule) = self.profile.applicants.individual_business.clone()
                    && individual_business
                    && !rule.value
                {
                    let why = rule
                        .note
                        .unwrap_or_else(|| Text::new("不受理个体工商户", "individual businesses are not accepted"));
                    let source = self.vendor_source(&rule.source);
                    self.push(
                        "applicant.business_kind",
                        Text::new("主体性质", "kind of business"),
                        Status::Invalid,
                        why,
                        source,
                    );
                }
                self.require_text(
                    "applicant.legal_rep",
                    Text::new("法定代表人", "legal representative"),
                    applicant.legal_rep.as_deref(),
                    &crate::sources::cite(SEED_000),
                );
                self.company_status(case, today);
            }
            ApplicantKind::Individual => {
                let label = Text::new("身份证号码", "ID number");
                self.require_identifier(
                    "applicant.id_number",
                    label,
                    applicant.id_number.as_deref(),
                    IdKind::Ric,
                    &crate::sources::cite(IDS_RIC),
                );
            }
        }
    }

    fn company_status(&mut self, case: &Case, today: NaiveDate) {
        let label = Text::new("经营状态", "business status");
        match case.data.applicant.status {
            Some(CompanyStatus::Revoked) => self.push(
                "applicant.status",
                label,
                Status::Invalid,
                Text::new(
                    "营业执照已注销或吊销，无法通过资质审核",
                    "the licence is cancelled or revoked; the qualification cannot pass review",
                ),
                crate::sources::cite(SEED_000),
            ),
            Some(CompanyStatus::AbnormalList) => self.push(
                "applicant.status",
                label,
                Status::Warn,
                Text::new(
                    "企业在经营异常名录中，会触发高风险预警，需补充法定代表人手持营业执照视频",
                    "the company is on the abnormal-operations list: a high-risk flag that needs the legal representative's video",
                ),
                crate::sources::cite(SEED_000),
            ),
            _ if newly_established(case, today) => self.push(
                "applicant.status",
                label,
                Status::Warn,
                Text::new(
                    "企业成立不满一个月，会触发高风险预警，需补充法定代表人手持营业执照视频",
                    "the company was established less than a month ago: a high-risk flag that needs the legal representative's video",
                ),
                crate::sources::cite(SEED_000),
            ),
            _ => {}
        }
    }

    fn handler(&mut self, case: &Case) {
        // An individual handles their own case; the handler section is for organisations.
        if case.data.applicant.kind == ApplicantKind::Individual && case.data.handler.is_none() {
            return;
        }
        let rule = self.profile.applicants.handler.clone();
        if !rule.value && case.data.handler.is_none() {
            return;
        }
        let handler = case.data.handler.as_ref();
        let source = self.vendor_source(&rule.source);
        self.require_text(
            "handler.name",
            Text::new("经办人姓名", "handler's name"),
            handler.map(|h| h.name.as_str()),
            &source,
        );
        let label = Text::new("经办人身份证号码", "handler's ID number");
        let id_number = handler.and_then(|h| h.id_number.as_deref());
        self.require_identifier("handler.id_number", label, id_number, IdKind::Ric, &crate::sources::cite(IDS_RIC));
        let label = Text::new("经办人手机号", "handler's mobile number");
        match present(handler.and_then(|h| h.phone.as_deref())) {
            None => self.missing_item("handler.phone", label, &source),
            Some(phone) if normalize_mobile(phone).is_none() => self.push(
                "handler.phone",
                label,
                Status::Invalid,
                Text::new(
                    "不是有效的中国大陆手机号（需接收短信验证码）",
                    "not a valid mainland mobile number (it receives a verification code)",
                ),
                source,
            ),
            Some(_) => self.present_item("handler.phone", label, &source),
        }
    }

    fn signature(&mut self, case: &Case) {
        let Some(signature) = &case.data.signature else {
            self.push(
                "signature",
                Text::new("短信签名", "SMS signature"),
                Status::Missing,
                Text::new("请填写签名名称、来源和用途", "fill in the signature's name, source and use"),
                crate::sources::cite(SEED_000),
            );
            return;
        };
        let label = Text::new("签名来源", "signature source");
        match self.profile.signature.sources.get(&signature.source) {
            Some(rule) if rule.accepted => {
                let why = rule.note.clone().unwrap_or_else(|| Text::new("受理该来源", "this source is accepted"));
                let source = self.vendor_source(&rule.source);
                self.push("signature.source", label, Status::Ok, why, source);
            }
            Some(rule) => {
                let why = rule
                    .note
                    .clone()
                    .unwrap_or_else(|| Text::new("不再受理该来源", "this source is no longer accepted"));
                let source = self.vendor_source(&rule.source);
                self.push("signature.source", label, Status::Invalid, why, source);
            }
            None => self.push(
                "signature.source",
                label,
                Status::Invalid,
                Text::new("该厂商资料中没有这种签名来源", "the vendor lists no such signature source"),
                crate::sources::cite(SEED_000),
            ),
        }
        let kind = case.data.applicant.kind;
        if kind == ApplicantKind::Individual
            && matches!(signature.source, SignatureSource::Company | SignatureSource::Trademark)
        {
            self.push(
                "signature.applicant_kind",
                Text::new("签名与主体类型", "signature and applicant kind"),
                Status::Invalid,
                Text::new(
                    "个人资质不能申请公司或商标类签名，也不能为任何公司或第三方 App 申请签名",
                    "an individual cannot apply for a company or trademark signature, nor for any company or third-party App",
                ),
                crate::sources::cite(SEED_000),
            );
        }
        if signature.usage == SignatureUse::ThirdParty {
            let rule = &self.profile.signature.third_party;
            let label = Text::new("他用（第三方授权）", "third-party use");
            let source = self.vendor_source(&rule.source);
            if !rule.accepted || !rule.applicant_kinds.contains(&kind) {
                self.push(
                    "signature.third_party",
                    label,
                    Status::Invalid,
                    rule.note
                        .clone()
                        .unwrap_or_else(|| Text::new("不受理他用签名", "third-party signatures are not accepted")),
                    source.clone(),
                );
            } else {
                let why = rule
                    .note
                    .clone()
                    .unwrap_or_else(|| Text::new("受理他用签名", "third-party signatures are accepted"));
                self.push("signature.third_party", label, Status::Ok, why, source.clone());
            }
            self.require_text(
                "signature.owner",
                Text::new("签名归属方", "signature owner"),
                signature.owner.as_deref(),
                &source,
            );
            if let Some(code) = present(signature.owner_uscc.as_deref()) {
                let label = Text::new("签名归属方统一社会信用代码", "owner's credit code");
                self.identifier("signature.owner_uscc", label, &ident::uscc(code), &crate::sources::cite(IDS_USCC));
            }
        }
    }

    fn materials(&mut self, case: &Case, today: NaiveDate) {
        let kind = case.data.applicant.kind;
        let usage = case.data.signature.as_ref().map(|s| s.usage).unwrap_or(SignatureUse::SelfUse);
        let mut listed: Vec<Role> = Vec::new();
        let rules: Vec<_> = self
            .profile
            .materials
            .iter()
            .filter(|m| m.applicants.contains(&kind) && m.uses.contains(&usage))
            .cloned()
            .collect();
        for rule in rules {
            let source = self.vendor_source(&rule.source);
            self.material(case, rule.role, rule.required, rule.why.clone(), source);
            listed.push(rule.role);
        }
        // The proof each signature source needs (company → licence, app → ICP record, …).
        let proof_rule = case.data.signature.as_ref().and_then(|signature| {
            let rule = self.profile.signature.sources.get(&signature.source).filter(|r| r.accepted)?;
            Some((signature.source, rule.clone()))
        });
        if let Some((signature_source, rule)) = proof_rule {
            for role in &rule.proof {
                if listed.contains(role) {
                    continue;
                }
                let why = Text::new(
                    format!("签名来源为{}时须提供{}作为证明", source_label(signature_source).zh, role.label().zh),
                    format!("a {} signature is proved with the {}", source_label(signature_source).en, role.label().en),
                );
                let source = self.vendor_source(&rule.source);
                self.material(case, *role, true, why, source);
                listed.push(*role);
            }
        }
        let high_risk =
            matches!(case.data.applicant.status, Some(CompanyStatus::AbnormalList)) || newly_established(case, today);
        if kind == ApplicantKind::Enterprise && high_risk {
            let why = Text::new(
                "经营异常或成立不满一个月的企业，需补充法定代表人手持营业执照的视频，用于人工二次实人认证",
                "a company on the abnormal list or less than a month old must add a video of the legal representative holding the licence",
            );
            self.material(case, Role::LegalRepVideo, true, why, crate::sources::cite(SEED_000));
        }
    }

    fn material(&mut self, case: &Case, role: Role, required: bool, why: Text, source: String) {
        let item = format!("material.{role}");
        let status = match (case.has_material(role), required) {
            (true, _) => Status::Ok,
            (false, true) => Status::Missing,
            (false, false) => Status::Warn,
        };
        self.push(&item, role.label(), status, why, source);
    }

    fn templates(&mut self, case: &Case) {
        if case.data.templates.is_empty() {
            self.push(
                "templates",
                Text::new("短信模板", "SMS templates"),
                Status::Missing,
                Text::new("至少需要一个模板，写明具体应用场景", "at least one template, naming the concrete scenario"),
                crate::sources::cite(SEED_000),
            );
            return;
        }
        let rule = self.profile.applicant(case.data.applicant.kind).clone();
        for (i, template) in case.data.templates.iter().enumerate() {
            let label = Text::new(format!("模板 {} 的类型", i + 1), format!("type of template {}", i + 1));
            let source = self.vendor_source(&rule.source);
            if rule.template_types.contains(&template.kind) {
                self.push(
                    &format!("templates.{i}.type"),
                    label,
                    Status::Ok,
                    Text::new("该主体可申请此类模板", "this applicant may use this type"),
                    source,
                );
            } else {
                let why = rule.note.clone().unwrap_or_else(|| {
                    Text::new(
                        format!("该主体不能申请 {} 类模板", template.kind),
                        format!("this applicant may not use {} templates", template.kind),
                    )
                });
                self.push(&format!("templates.{i}.type"), label, Status::Invalid, why, source);
            }
        }
    }

    fn landing(&mut self, case: &Case) {
        let Some(landing) = &case.data.landing else {
            self.push(
                "landing",
                Text::new("落地应用", "landing application"),
                Status::Missing,
                Text::new(
                    "短信的落地应用（网站、App 或小程序）必须已备案且可公开访问，审核人员会人工访问核验",
                    "the landing application (website, App or mini-program) must be filed and publicly reachable: reviewers visit it",
                ),
                crate::sources::cite(SEED_000),
            );
            return;
        };
        self.require_text(
            "landing.scenario",
            Text::new("应用场景说明", "application description"),
            landing.scenario.as_deref(),
            &crate::sources::cite(SEED_000),
        );
        self.require_text(
            "landing.test_account",
            Text::new("审核测试账号", "reviewer test account"),
            landing.test_account.as_deref(),
            &crate::sources::cite(SEED_000),
        );
        if landing.kind == LandingKind::Website {
            self.require_text(
                "landing.domain",
                Text::new("网站域名", "website domain"),
                landing.domain.as_deref(),
                &crate::sources::cite(SEED_000),
            );
        }
        let label = Text::new("ICP 备案号", "ICP filing number");
        let source = if present(landing.icp_number.as_deref()).is_some() { IDS_ICP } else { SEED_000 };
        self.require_identifier(
            "landing.icp_number",
            label,
            landing.icp_number.as_deref(),
            IdKind::Icp,
            &crate::sources::cite(source),
        );
    }
}

/// The trimmed value when it is there and not blank.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Established less than one calendar month before `today` (seed 000's "less than one month").
pub fn established_within_a_month(established: NaiveDate, today: NaiveDate) -> bool {
    let month_ago = today.checked_sub_months(chrono::Months::new(1));
    established <= today && month_ago.is_some_and(|m| established > m)
}

fn newly_established(case: &Case, today: NaiveDate) -> bool {
    case.data.applicant.established.is_some_and(|d| established_within_a_month(d, today))
}

fn source_label(source: SignatureSource) -> Text {
    match source {
        SignatureSource::Company => Text::new("企业名称", "company"),
        SignatureSource::App => Text::new("App", "App"),
        SignatureSource::Trademark => Text::new("商标", "trademark"),
        SignatureSource::Website => Text::new("网站", "website"),
    }
}
