//! The case wizard's guide: the checks' verdicts regrouped by the step of the wizard where the
//! user fixes them (applicant → vendors → signature → landing → materials → templates → review →
//! documents → export), each item with why and the rule's source for every vendor that asks.
//! It adds no rule of its own: the checklist and findings come from `requirements` and `checks`,
//! the per-kind facts from `assets/guide.toml` and the vendor profiles.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::case::{ApplicantKind, CaseData, Vendor, kebab_enum};
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::profile::VendorProfile;
use crate::requirements::{CheckReport, Finding, SEED_000, Severity, Status};

kebab_enum!(
    /// The wizard's steps, in order.
    Step {
        Applicant = "applicant",
        Vendors = "vendors",
        Signature = "signature",
        Landing = "landing",
        Materials = "materials",
        Templates = "templates",
        Review = "review",
        Documents = "documents",
        Export = "export",
    }
);

impl Step {
    /// The step where a checklist item is filled in.
    pub fn of_item(item: &str) -> Step {
        match item {
            // Whether a vendor takes this kind of applicant is settled by choosing vendors.
            "applicant.kind" | "vendor.status" => Step::Vendors,
            "material.trademark-certificate" | "material.owner-business-license" | "material.authorization-letter" => {
                Step::Signature
            }
            "material.icp-record" | "material.app-listing" => Step::Landing,
            _ => match item.split(['.', '[']).next().unwrap_or_default() {
                "applicant" | "handler" => Step::Applicant,
                "signature" => Step::Signature,
                "landing" => Step::Landing,
                "material" => Step::Materials,
                "templates" => Step::Templates,
                _ => Step::Review,
            },
        }
    }

    /// The step where a finding is fixed; every finding is also listed under review.
    pub fn of_finding(finding: &Finding) -> Step {
        match finding.rule.split('.').next().unwrap_or_default() {
            "signature" | "binding" => Step::Signature,
            "template" | "redline" => Step::Templates,
            "landing" => Step::Landing,
            "match" | "material" => Step::Materials,
            "risk" => Step::Applicant,
            _ => Step::Review,
        }
    }
}

/// One checklist item across the case's vendors.
#[derive(Clone, Debug, Serialize)]
pub struct GuideItem {
    pub item: String,
    pub label: Text,
    /// The worst status any vendor gives it.
    pub status: Status,
    /// Why, per group of vendors that say the same thing on the same source.
    pub reasons: Vec<Reason>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    pub vendors: Vec<Vendor>,
    pub status: Status,
    pub why: Text,
    pub source: String,
}

/// A finding to fix in this step, with the vendors that raise it.
#[derive(Clone, Debug, Serialize)]
pub struct GuideFinding {
    pub vendors: Vec<Vendor>,
    pub finding: Finding,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepGuide {
    pub step: Step,
    /// Items missing or invalid plus blocking findings: what stops the step being done.
    pub todo: usize,
    pub items: Vec<GuideItem>,
    pub findings: Vec<GuideFinding>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Guide {
    pub steps: Vec<StepGuide>,
}

/// Regroups a check report by wizard step. With no vendors chosen, the vendors step says so.
pub fn guide(data: &CaseData, report: &CheckReport) -> Guide {
    let mut steps: Vec<StepGuide> = Step::ALL
        .iter()
        .map(|step| StepGuide { step: *step, todo: 0, items: Vec::new(), findings: Vec::new() })
        .collect();
    if data.vendors.is_empty() {
        let item = GuideItem {
            item: "vendors".into(),
            label: Text::new("目标厂商", "target vendors"),
            status: Status::Missing,
            reasons: vec![Reason {
                vendors: Vec::new(),
                status: Status::Missing,
                why: Text::new(
                    "请选择要提交的厂商：每家厂商的资质、签名和模板要求不同，下面按全部五家检查",
                    "choose the vendors to submit to: each has its own rules; until then all five are checked",
                ),
                source: crate::sources::cite(SEED_000),
            }],
        };
        if let Some(target) = step_mut(&mut steps, Step::Vendors) {
            target.items.push(item);
        }
    }
    for (vendor, vendor_report) in &report.vendors {
        for entry in &vendor_report.checklist {
            let Some(target) = step_mut(&mut steps, Step::of_item(&entry.item)) else { continue };
            let reason = Reason {
                vendors: vec![*vendor],
                status: entry.status,
                why: entry.why.clone(),
                source: entry.source.clone(),
            };
            match target.items.iter_mut().find(|i| i.item == entry.item) {
                Some(existing) => {
                    existing.status = worst(existing.status, entry.status);
                    merge_reason(&mut existing.reasons, reason);
                }
                None => target.items.push(GuideItem {
                    item: entry.item.clone(),
                    label: entry.label.clone(),
                    status: entry.status,
                    reasons: vec![reason],
                }),
            }
        }
        for finding in &vendor_report.findings {
            // Listed where it is fixed, and under review (once, when that is the same step).
            let home = Step::of_finding(finding);
            let both = [home, Step::Review];
            let targets = if home == Step::Review { &both[1..] } else { &both[..] };
            for step in targets {
                let Some(target) = step_mut(&mut steps, *step) else { continue };
                match target.findings.iter_mut().find(|g| same_finding(&g.finding, finding)) {
                    Some(g) if !g.vendors.contains(vendor) => g.vendors.push(*vendor),
                    Some(_) => {}
                    None => target.findings.push(GuideFinding { vendors: vec![*vendor], finding: finding.clone() }),
                }
            }
        }
    }
    for step in &mut steps {
        step.todo = step.items.iter().filter(|i| matches!(i.status, Status::Missing | Status::Invalid)).count()
            + step.findings.iter().filter(|f| f.finding.severity == Severity::Block).count();
    }
    Guide { steps }
}

fn step_mut(steps: &mut [StepGuide], step: Step) -> Option<&mut StepGuide> {
    steps.iter_mut().find(|s| s.step == step)
}

/// Vendors that give the same verdict for the same reason on the same source share one line.
fn merge_reason(reasons: &mut Vec<Reason>, reason: Reason) {
    match reasons.iter_mut().find(|r| r.status == reason.status && r.why == reason.why && r.source == reason.source) {
        Some(r) => r.vendors.extend(reason.vendors),
        None => reasons.push(reason),
    }
}

fn worst(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Ok => 0,
        Status::Warn => 1,
        Status::Missing => 2,
        Status::Invalid => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// Two vendors' findings are one for the user when they flag the same thing the same way.
fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule
        && a.severity == b.severity
        && a.message == b.message
        && a.field == b.field
        && a.material_id == b.material_id
        && a.span == b.span
}

/// What one kind of applicant can and cannot do: the facts every vendor shares, then each
/// vendor's own stance (whether it accepts the kind, which template types, its note).
#[derive(Clone, Debug, Serialize)]
pub struct KindFacts {
    pub kind: ApplicantKind,
    pub label: Text,
    pub facts: Vec<Fact>,
    pub vendors: Vec<VendorStance>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// `false` marks a limit (something this kind cannot do).
    pub allowed: bool,
    #[serde(flatten)]
    pub text: Text,
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct VendorStance {
    pub vendor: Vendor,
    pub accepted: bool,
    pub template_types: Vec<crate::case::TemplateType>,
    pub note: Option<Text>,
    pub source: String,
    /// Set where the vendor takes no new customers (Huawei since 2025-01-10): whatever the
    /// applicant kind, only an account that already has the service can apply.
    pub closed: Option<Closed>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Closed {
    pub since: String,
    pub note: Text,
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    enterprise: Vec<Fact>,
    individual: Vec<Fact>,
    after_approval: Fact,
}

const GUIDE_FILE: &str = include_str!("../assets/guide.toml");

fn facts_file() -> Result<&'static FactsFile> {
    static PARSED: OnceLock<std::result::Result<FactsFile, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| toml::from_str(GUIDE_FILE).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|detail| Error::Asset { name: "guide.toml".into(), detail: detail.clone() })
}

/// What follows the vendor's approval: the carriers' real-name reporting of the signature, with
/// its public sources cited, for the review report and the field sheet.
pub fn after_approval() -> Result<Fact> {
    let fact = &facts_file()?.after_approval;
    Ok(Fact { source: crate::sources::cite(&fact.source), ..fact.clone() })
}

/// The facts for both kinds of applicant, for the wizard's first step.
pub fn applicant_kinds() -> Result<Vec<KindFacts>> {
    let file = facts_file()?;
    ApplicantKind::ALL
        .iter()
        .map(|kind| {
            let facts = match kind {
                ApplicantKind::Enterprise => &file.enterprise,
                ApplicantKind::Individual => &file.individual,
            };
            let facts = facts.iter().map(|f| Fact { source: crate::sources::cite(&f.source), ..f.clone() }).collect();
            let vendors = Vendor::ALL
                .iter()
                .map(|vendor| {
                    let profile = VendorProfile::get(*vendor)?;
                    let rule = profile.applicant(*kind);
                    Ok(VendorStance {
                        vendor: *vendor,
                        accepted: rule.accepted,
                        template_types: rule.template_types.clone(),
                        note: rule.note.clone(),
                        source: profile.cite(&rule.source),
                        closed: profile.status.as_ref().filter(|s| !s.new_customers).map(|s| Closed {
                            since: s.since.clone(),
                            note: s.note.clone(),
                            source: profile.cite(&s.source),
                        }),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(KindFacts { kind: *kind, label: kind.label(), facts, vendors })
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a test may panic on bad data
mod tests {
    use super::*;

    #[test]
    fn every_item_id_the_checklist_uses_has_a_step() {
        assert_eq!(Step::of_item("applicant.kind"), Step::Vendors);
        assert_eq!(Step::of_item("vendor.status"), Step::Vendors);
        assert_eq!(Step::of_item("handler.phone"), Step::Applicant);
        assert_eq!(Step::of_item("signature"), Step::Signature);
        assert_eq!(Step::of_item("material.trademark-certificate"), Step::Signature);
        assert_eq!(Step::of_item("material.icp-record"), Step::Landing);
        assert_eq!(Step::of_item("material.business-license"), Step::Materials);
        assert_eq!(Step::of_item("templates.0.type"), Step::Templates);
        assert_eq!(Step::of_item("landing"), Step::Landing);
    }

    #[test]
    fn the_facts_file_parses_and_cites_the_seed() {
        let kinds = applicant_kinds().expect("facts");
        let individual = kinds.iter().find(|k| k.kind == ApplicantKind::Individual).expect("individual");
        assert!(individual.facts.iter().any(|f| !f.allowed && f.text.zh.contains("第三方 App")));
        assert!(individual.facts.iter().all(|f| f.source.starts_with("“The latest audit specification")));
        assert_eq!(individual.vendors.len(), Vendor::ALL.len());
        // Huawei takes no new customers of either kind, and the vendors step says so.
        for kind in &kinds {
            let closed: Vec<Vendor> = kind.vendors.iter().filter(|v| v.closed.is_some()).map(|v| v.vendor).collect();
            assert_eq!(closed, [Vendor::Huawei]);
        }
    }
}
