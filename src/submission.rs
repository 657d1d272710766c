//! The submission log: what was submitted to which vendor and when, then the vendor's answer —
//! approved, or rejected with the reviewer's reason as pasted. A reason is matched to the rules
//! that catch it where the vendors' published reasons allow (assets/rejections.toml); one that
//! nothing matches is kept verbatim and counted, so the rules can grow from it.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{Vendor, kebab_enum};
use crate::error::{Error, Result};
use crate::i18n::{Lang, Text};

kebab_enum!(
    /// What a submission to a vendor holds.
    Item { Qualification = "qualification", Signature = "signature", Templates = "templates" }
);

kebab_enum!(Outcome { Approved = "approved", Rejected = "rejected" });

/// One submission of a case to a vendor, with the answer once it came.
#[derive(Clone, Debug, Serialize)]
pub struct Submission {
    pub id: i64,
    pub vendor: Vendor,
    pub items: Vec<Item>,
    pub submitted_at: DateTime<Utc>,
    pub submitted_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The reviewer's words, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// For a rejection: the published reasons it matched, with the rules behind them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched: Vec<Matched>,
}

/// A rejection reason matched to what qualkit checks.
#[derive(Clone, Debug, Serialize)]
pub struct Matched {
    /// The published wording found in the reviewer's text.
    pub pattern: String,
    pub rules: Vec<String>,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// The longest reason kept: a reviewer's note, not a pasted page.
pub const MAX_REASON_CHARS: usize = 2000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reasons {
    reason: Vec<Reason>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    #[serde(default)]
    pub vendors: Vec<Vendor>,
    pub patterns: Vec<String>,
    pub rules: Vec<String>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Text>,
}

/// The published rejection reasons, parsed once.
pub fn reasons() -> Result<&'static [Reason]> {
    static PARSED: OnceLock<std::result::Result<Vec<Reason>, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            toml::from_str::<Reasons>(include_str!("../assets/rejections.toml"))
                .map(|r| r.reason)
                .map_err(|e| e.to_string())
        })
        .as_deref()
        .map_err(|detail| Error::Asset { name: "rejections.toml".into(), detail: detail.clone() })
}

/// Each published reason of `vendor` whose wording the reviewer's text holds, most specific
/// (longest wording) first.
pub fn match_reason(vendor: Vendor, text: &str) -> Result<Vec<Matched>> {
    let mut found: Vec<Matched> = Vec::new();
    for reason in reasons()?.iter().filter(|r| r.vendors.is_empty() || r.vendors.contains(&vendor)) {
        let hits = crate::text::find_words(text, &reason.patterns);
        let Some(pattern) = hits.iter().filter_map(|(_, i)| reason.patterns.get(*i)).max_by_key(|p| p.chars().count())
        else {
            continue;
        };
        found.push(Matched {
            pattern: pattern.clone(),
            rules: reason.rules.clone(),
            source: crate::sources::cite(&reason.source),
            note: reason.note.clone(),
        });
    }
    found.sort_by_key(|m| std::cmp::Reverse(m.pattern.chars().count()));
    Ok(found)
}

/// The reason as it is stored: trimmed, and refused when empty or longer than a note can be.
pub fn tidy_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::input(
            "驳回须写明审核意见（可直接粘贴）",
            "a rejection needs the reviewer's reason (paste it)",
        ));
    }
    let len = reason.chars().count();
    if len > MAX_REASON_CHARS {
        return Err(Error::input(
            format!("审核意见有 {len} 个字，最多 {MAX_REASON_CHARS} 个"),
            format!("the reason has {len} characters; at most {MAX_REASON_CHARS}"),
        ));
    }
    Ok(reason.to_string())
}

/// A time as the CLI takes it: RFC 3339, or a date (its start, China time).
pub fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Error::input(
            format!("时间应写作 2026-12-02 或 2026-12-02T10:30:00+08:00：{text}"),
            format!("a time is 2026-12-02 or 2026-12-02T10:30:00+08:00: {text}"),
        )
    })?;
    Ok(china_time(date.and_hms_opt(0, 0, 0).unwrap_or_default()))
}

/// A wall-clock time in China (UTC+8), where the documents' dates and the vendors' answers are
/// meant, as a moment.
pub fn china_time(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .and_then(|china| at.and_local_timezone(china).single())
        .map_or_else(|| at.and_utc(), |at| at.with_timezone(&Utc))
}

/// Where a submission stands: `pending` until the vendor answers, then its outcome; with its
/// label in both languages.
pub fn status(outcome: Option<Outcome>) -> (&'static str, Text) {
    match outcome {
        None => ("pending", Text::new("审核中", "pending")),
        Some(Outcome::Approved) => ("approved", Text::new("已通过", "approved")),
        Some(Outcome::Rejected) => ("rejected", Text::new("已驳回", "rejected")),
    }
}

/// One block per submission: when, by whom, what; the answer; the rules a rejection matched.
pub fn text(submissions: &[Submission], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    if submissions.is_empty() {
        out.push_str(if zh { "还没有提交记录。\n" } else { "No submission recorded yet.\n" });
    }
    for s in submissions {
        let items: Vec<&str> = s.items.iter().map(|i| i.as_str()).collect();
        let at = s.submitted_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
        out.push_str(&format!("#{} {} {at} {} [{}]\n", s.id, s.vendor, s.submitted_by, items.join(", ")));
        let label = status(s.outcome).1;
        match (s.outcome, &s.reason) {
            (Some(Outcome::Rejected), reason) => {
                let reason = reason.as_deref().unwrap_or_default();
                out.push_str(&format!("  {}：{reason}\n", label.get(lang)));
                if s.matched.is_empty() {
                    out.push_str(if zh {
                        "  （没有对应的规则：已记录原文，供规则补充）\n"
                    } else {
                        "  (no rule matches it: kept verbatim for the rules to learn)\n"
                    });
                }
                for m in &s.matched {
                    out.push_str(&format!("  → “{}”: {}\n", m.pattern, m.rules.join(", ")));
                    if let Some(note) = &m.note {
                        out.push_str(&format!("    {}\n", note.get(lang)));
                    }
                }
            }
            _ => out.push_str(&format!("  {}\n", label.get(lang))),
        }
    }
    out
}

/// One distinct rejection reason of the store: how often it was given, by which vendors, and
/// the rules it matched (none: a reason the rules do not know yet).
#[derive(Clone, Debug, Serialize)]
pub struct Counted {
    pub reason: String,
    pub count: usize,
    pub vendors: Vec<Vendor>,
    pub rules: Vec<String>,
}

/// Every rejection reason of the store, the unknown ones first, then by how often.
pub fn counted_reasons(store: &crate::store::Store) -> Result<Vec<Counted>> {
    let mut out: Vec<Counted> = Vec::new();
    for (_, s) in store.all_submissions()? {
        let (Some(Outcome::Rejected), Some(reason)) = (s.outcome, &s.reason) else { continue };
        let mut rules: Vec<String> = s.matched.iter().flat_map(|m| m.rules.iter().cloned()).collect();
        rules.sort();
        rules.dedup();
        match out.iter_mut().find(|c| &c.reason == reason) {
            Some(c) => {
                c.count += 1;
                if !c.vendors.contains(&s.vendor) {
                    c.vendors.push(s.vendor);
                }
            }
            None => out.push(Counted { reason: reason.clone(), count: 1, vendors: vec![s.vendor], rules }),
        }
    }
    out.sort_by_key(|c| (!c.rules.is_empty(), std::cmp::Reverse(c.count)));
    Ok(out)
}

pub fn counted_text(counted: &[Counted], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    if counted.is_empty() {
        return if zh { "还没有驳回记录。\n".into() } else { "No rejection recorded yet.\n".into() };
    }
    counted
        .iter()
        .map(|c| {
            let vendors: Vec<&str> = c.vendors.iter().map(|v| v.as_str()).collect();
            let rules = if c.rules.is_empty() {
                (if zh { "未知原因" } else { "unknown" }).to_string()
            } else {
                c.rules.join(", ")
            };
            format!("{}×  [{}]  {}\n    → {rules}\n", c.count, vendors.join(","), c.reason)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_names_rules_and_sources_that_exist() {
        let catalog = crate::rules::Catalog::get().unwrap_or_else(|e| panic!("{e}"));
        for reason in reasons().unwrap_or_else(|e| panic!("{e}")) {
            assert!(!reason.patterns.is_empty());
            for rule in &reason.rules {
                assert!(catalog.rule(rule).is_some(), "rejections.toml names {rule}, which rules.toml does not define");
            }
            assert_eq!(crate::sources::undefined(&reason.source), None, "{}", reason.source);
        }
    }

    #[test]
    fn a_reviewers_words_find_the_rule_behind_them() {
        let found =
            match_reason(Vendor::Huawei, "模板驳回：固定文本太少，变量过多，请修改后重新提交").unwrap_or_default();
        assert!(
            found.first().is_some_and(|m| m.rules.contains(&"template.little_fixed_text".to_string())),
            "{found:?}"
        );
        assert!(match_reason(Vendor::Aliyun, "资料不清晰").unwrap_or_default().is_empty());
        // Tencent's error codes are matched where only Tencent gives them.
        assert!(
            !match_reason(Vendor::Tencent, "FailedOperation.QualificationIdNotApproved").unwrap_or_default().is_empty()
        );
        assert!(
            match_reason(Vendor::Aliyun, "FailedOperation.QualificationIdNotApproved").unwrap_or_default().is_empty()
        );
    }
}
