//! The portfolio: every client's case with what comes due next — the licence's term, the
//! authorization letter's and the trademark's validity, the MIIT verification SMS's 24 hours,
//! the carriers' real-name reporting after an approval — and where each vendor's submission
//! stands. What no vendor console offers a firm: one view of all its clients.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

use crate::case::{Role, Vendor, kebab_enum};
use crate::error::Result;
use crate::i18n::{Lang, Text};
use crate::icp::MessageStatus;
use crate::store::Store;
use crate::submission::{Item, Outcome, Submission};

kebab_enum!(
    /// What comes due.
    DeadlineKind {
        LicenceTerm = "licence-term",
        OwnerLicenceTerm = "owner-licence-term",
        LetterValidity = "letter-validity",
        TrademarkValidity = "trademark-validity",
        IcpSms = "icp-sms",
        CarrierReporting = "carrier-reporting",
    }
);

impl DeadlineKind {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            DeadlineKind::LicenceTerm => ("营业执照营业期限届满", "licence term ends"),
            DeadlineKind::OwnerLicenceTerm => ("签名归属方营业执照届满", "owner's licence term ends"),
            DeadlineKind::LetterValidity => ("授权委托书到期", "authorization letter expires"),
            DeadlineKind::TrademarkValidity => ("商标注册有效期届满", "trademark registration expires"),
            DeadlineKind::IcpSms => ("工信部备案核验短信 24 小时截止", "MIIT verification SMS: 24 hours end"),
            DeadlineKind::CarrierReporting => ("运营商实名报备预计完成", "carrier real-name reporting expected done"),
        };
        Text::new(zh, en)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Deadline {
    pub what: DeadlineKind,
    pub label: Text,
    pub due: DateTime<Utc>,
    /// Whole days from now (negative: overdue).
    pub days: i64,
    pub vendor: Option<Vendor>,
}

/// Where a vendor's latest submission of the case stands.
#[derive(Clone, Debug, Serialize)]
pub struct VendorStatus {
    pub vendor: Vendor,
    /// `pending`, `approved` or `rejected`.
    pub status: &'static str,
    pub label: Text,
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub vendors: Vec<Vendor>,
    /// Soonest first.
    pub deadlines: Vec<Deadline>,
    pub submissions: Vec<VendorStatus>,
}

/// What to keep.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only deadlines due within this long from now (overdue ones included); cases left with
    /// none are dropped.
    pub due_within: Option<Duration>,
    /// Only cases for this vendor, and its deadlines (and those of no vendor).
    pub vendor: Option<Vendor>,
    /// Only cases whose latest submission (to `vendor`, or to any) has this status.
    pub status: Option<String>,
    /// Only cases this staff member changed or submitted.
    pub staff: Option<String>,
}

/// The carriers' real-name reporting takes 5–10 working days after approval (guide.toml
/// `after_approval`); the portfolio shows when the longest of them ends.
const REPORTING_WORKING_DAYS: u32 = 10;

/// Every case with its deadlines, the case due soonest first. A few queries for the whole store
/// (cases, dated readings, submissions), not a few per case: a firm's store holds thousands.
pub fn portfolio(store: &Store, now: DateTime<Utc>, filter: &Filter) -> Result<Vec<Entry>> {
    let roles =
        [Role::BusinessLicense, Role::OwnerBusinessLicense, Role::AuthorizationLetter, Role::TrademarkCertificate];
    let mut deadlines: HashMap<String, Vec<Deadline>> = HashMap::new();
    let mut add = |case: &str, what: DeadlineKind, due: DateTime<Utc>, vendor: Option<Vendor>| {
        let days = (due - now).num_days();
        deadlines.entry(case.to_string()).or_default().push(Deadline { what, label: what.label(), due, days, vendor });
    };
    for (case, role, reading) in store.readings_of_roles(&roles)? {
        let date = |key: &str| {
            let field = reading.field(key).filter(|f| f.uncertain.is_empty())?;
            match key {
                "term" => crate::checks::term_end(&field.value),
                _ => NaiveDate::parse_from_str(field.value.trim(), "%Y-%m-%d").ok(),
            }
        };
        let (what, date) = match role {
            Role::BusinessLicense => (DeadlineKind::LicenceTerm, date("term")),
            Role::OwnerBusinessLicense => (DeadlineKind::OwnerLicenceTerm, date("term")),
            Role::AuthorizationLetter => (DeadlineKind::LetterValidity, date("valid_to")),
            _ => (DeadlineKind::TrademarkValidity, date("valid_to")),
        };
        if let Some(day) = date {
            add(&case, what, end_of(day), None);
        }
    }
    for case in store.cases_with_icp_plans()? {
        let Some(tracker) = store.icp_tracker(&case)? else { continue };
        for message in tracker.messages.iter().filter(|m| m.status != MessageStatus::Verified) {
            if let Some(deadline) = message.deadline {
                add(&case, DeadlineKind::IcpSms, deadline, None);
            }
        }
    }
    let mut submissions: HashMap<String, Vec<Submission>> = HashMap::new();
    for (case, submission) in store.all_submissions()? {
        if submission.outcome == Some(Outcome::Approved)
            && submission.items.contains(&Item::Signature)
            && let Some(approved) = submission.decided_at
        {
            let due = after_working_days(approved, REPORTING_WORKING_DAYS);
            add(&case, DeadlineKind::CarrierReporting, due, Some(submission.vendor));
        }
        submissions.entry(case).or_default().push(submission);
    }
    let touched: Option<Vec<String>> = filter.staff.as_deref().map(|who| store.cases_touched_by(who)).transpose()?;

    let mut entries = Vec::new();
    for summary in store.list_cases()? {
        if filter.vendor.is_some_and(|v| !summary.vendors.contains(&v))
            || touched.as_ref().is_some_and(|ids| !ids.contains(&summary.id))
        {
            continue;
        }
        let statuses = latest_statuses(submissions.get(&summary.id).map(Vec::as_slice).unwrap_or_default());
        if let Some(wanted) = &filter.status {
            let any =
                statuses.iter().filter(|s| filter.vendor.is_none_or(|v| v == s.vendor)).any(|s| s.status == wanted);
            if !any {
                continue;
            }
        }
        let mut dues = deadlines.remove(&summary.id).unwrap_or_default();
        if let Some(v) = filter.vendor {
            dues.retain(|d| d.vendor.is_none_or(|dv| dv == v));
        }
        if let Some(within) = filter.due_within {
            dues.retain(|d| d.due <= now + within);
            if dues.is_empty() {
                continue;
            }
        }
        dues.sort_by_key(|d| d.due);
        entries.push(Entry {
            id: summary.id,
            name: summary.applicant_name,
            vendors: summary.vendors,
            deadlines: dues,
            submissions: statuses,
        });
    }
    // The case due soonest first; cases without a deadline last, most recently changed first.
    entries.sort_by_key(|e| e.deadlines.first().map_or(DateTime::<Utc>::MAX_UTC, |d| d.due));
    Ok(entries)
}

/// One block per case: its name, each deadline with the days left, each vendor's status.
pub fn text(entries: &[Entry], lang: Lang) -> String {
    if entries.is_empty() {
        return pick(lang, "没有符合条件的案卷。\n", "No case matches.\n");
    }
    let mut out = String::new();
    for entry in entries {
        out.push_str(&format!("{}  {}\n", entry.id, entry.name));
        for d in &entry.deadlines {
            let when = d.due.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
            let left = match (d.days, lang) {
                (n, Lang::Zh) if n < 0 => format!("已过 {} 天", -n),
                (n, Lang::Zh) => format!("还有 {n} 天"),
                (n, Lang::En) if n < 0 => format!("{} days overdue", -n),
                (n, Lang::En) => format!("in {n} days"),
            };
            let vendor = d.vendor.map(|v| format!(" [{v}]")).unwrap_or_default();
            out.push_str(&format!("  {when}  {left}  {}{vendor}\n", d.label.get(lang)));
        }
        for s in &entry.submissions {
            let at = s.at.with_timezone(&chrono::Local).format("%Y-%m-%d");
            let status = s.label.get(lang).to_string();
            out.push_str(&format!("  {}: {status} ({at})\n", s.vendor));
        }
    }
    out
}

/// `id,name,what,due,days,vendor`, one deadline a row (a case without one: a row of its own).
pub fn csv(entries: &[Entry], lang: Lang) -> String {
    let field = |v: &str| {
        if v.contains([',', '"', '\n']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_string() }
    };
    let mut out = String::from("id,name,what,label,due,days,vendor\n");
    for e in entries {
        if e.deadlines.is_empty() {
            out.push_str(&format!("{},{},,,,,\n", field(&e.id), field(&e.name)));
        }
        for d in &e.deadlines {
            out.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                field(&e.id),
                field(&e.name),
                d.what,
                field(d.label.get(lang)),
                d.due.to_rfc3339(),
                d.days,
                d.vendor.map(|v| v.as_str()).unwrap_or_default()
            ));
        }
    }
    out
}

fn pick(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// Each vendor's latest submission of a case.
fn latest_statuses(submissions: &[Submission]) -> Vec<VendorStatus> {
    let mut out: Vec<VendorStatus> = Vec::new();
    for s in submissions {
        let entry = VendorStatus {
            vendor: s.vendor,
            status: crate::submission::status(s.outcome).0,
            label: crate::submission::status(s.outcome).1,
            at: s.decided_at.unwrap_or(s.submitted_at),
            reason: s.reason.clone(),
        };
        match out.iter_mut().find(|o| o.vendor == s.vendor) {
            Some(existing) => *existing = entry,
            None => out.push(entry),
        }
    }
    out
}

/// The last moment of a day, in China's time (UTC+8), where the documents' dates are meant.
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    crate::submission::china_time(day.and_hms_opt(23, 59, 59).unwrap_or_default())
}

/// `days` working days (Monday to Friday) after `from`.
fn after_working_days(from: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let mut at = from;
    let mut left = days;
    while left > 0 {
        at += Duration::days(1);
        if !matches!(at.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    at
}

/// `--due`'s text as a duration, or the error that says how to write it.
pub fn due_within(text: Option<&str>) -> Result<Option<Duration>> {
    text.map(|text| {
        parse_duration(text).ok_or_else(|| {
            crate::Error::input(
                format!("期限应写作 30d、48h 或 2w：{text}"),
                format!("a duration is 30d, 48h or 2w: {text}"),
            )
        })
    })
    .transpose()
}

/// `30d`, `48h`, `2w` as a duration.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = number.parse().ok()?;
    match unit {
        "h" => Some(Duration::hours(n)),
        "d" => Some(Duration::days(n)),
        "w" => Some(Duration::weeks(n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn durations_and_working_days() {
        assert_eq!(parse_duration("30d"), Some(Duration::days(30)));
        assert_eq!(parse_duration("48h"), Some(Duration::hours(48)));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("d"), None);
        // Friday 2026-12-04 + 10 working days = Friday 2026-12-18.
        let friday = Utc.with_ymd_and_hms(2026, 12, 4, 2, 0, 0).single().unwrap_or_default();
        assert_eq!(
            after_working_days(friday, 10).date_naive(),
            NaiveDate::from_ymd_opt(2026, 12, 18).unwrap_or_default()
        );
    }
}
