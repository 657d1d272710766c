//! A case's history: every change the store makes to a case, with who made it and when — the
//! case created or imported, a field's old and new value, a material added or removed, a
//! reading confirmed, an export made, a submission recorded and the vendor's answer. Staff of a
//! firm share cases; the history says who did what, and a save based on an old version of the
//! case is refused with what changed since (see `Store::update_case_from`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{CaseData, kebab_enum};
use crate::i18n::{Lang, Text, mask};

kebab_enum!(
    /// What happened to a case.
    EventKind {
        Created = "created",
        Imported = "imported",
        Duplicated = "duplicated",
        Changed = "changed",
        MaterialAdded = "material-added",
        MaterialRemoved = "material-removed",
        ReadingConfirmed = "reading-confirmed",
        Exported = "exported",
        Submitted = "submitted",
        Decided = "decided",
        Copied = "copied",
    }
);

impl EventKind {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            EventKind::Created => ("新建案卷", "case created"),
            EventKind::Imported => ("导入案卷", "case imported"),
            EventKind::Duplicated => ("复制自其他案卷", "copied from another case"),
            EventKind::Changed => ("修改", "changed"),
            EventKind::MaterialAdded => ("添加材料", "material added"),
            EventKind::MaterialRemoved => ("移除材料", "material removed"),
            EventKind::ReadingConfirmed => ("确认识别结果", "reading confirmed"),
            EventKind::Exported => ("导出提交包", "bundle exported"),
            EventKind::Submitted => ("记录提交", "submission recorded"),
            EventKind::Decided => ("记录审核结果", "review outcome recorded"),
            EventKind::Copied => ("从其他案卷库复制过来", "copied over from another store"),
        };
        Text::new(zh, en)
    }
}

/// One entry of a case's history, oldest first (`qualkit case history`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub who: String,
    pub what: EventKind,
    /// The case's version after this change.
    pub version: i64,
    /// For a change: the case field (`applicant.name`, `templates.0.text`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// What else identifies the change: a material's role and file, a vendor, a reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One field's change between two versions of a case; ID and phone numbers masked.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Who is making changes in `data_dir`: `QUALKIT_STAFF`, else the name saved in the data
/// folder's settings (the app's settings field), else the user the operating system says is
/// logged in.
pub fn staff(data_dir: &std::path::Path) -> String {
    let from_env = |var: &str| std::env::var(var).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    from_env("QUALKIT_STAFF")
        .or_else(|| crate::settings::Settings::load(data_dir).staff)
        .or_else(|| ["USER", "USERNAME", "LOGNAME"].iter().find_map(|var| from_env(var)))
        .or_else(account_name)
        .unwrap_or_else(|| "unknown".to_string())
}

/// The process's account name from the password database, where no variable names it (a
/// service or a CI job started without `USER`).
#[cfg(unix)]
fn account_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_string())
    })
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

/// The fields that differ between `old` and `new`, each a path of the case's JSON form
/// (`applicant.name`, `templates.0.text`), in path order.
pub fn changes(old: &CaseData, new: &CaseData) -> Vec<Change> {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    flatten("", &serde_json::to_value(old).unwrap_or_default(), &mut before);
    flatten("", &serde_json::to_value(new).unwrap_or_default(), &mut after);
    let mut fields: Vec<&String> = before.iter().chain(&after).map(|(k, _)| k).collect();
    fields.sort();
    fields.dedup();
    let value = |list: &[(String, String)], field: &str| list.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone());
    fields
        .into_iter()
        .filter_map(|field| {
            let (old, new) = (value(&before, field), value(&after, field));
            (old != new).then(|| Change {
                field: field.clone(),
                old: old.map(|v| shown(field, &v)),
                new: new.map(|v| shown(field, &v)),
            })
        })
        .collect()
}

/// A field's value as the history keeps it: ID and phone numbers masked (`138****0000`).
fn shown(field: &str, value: &str) -> String {
    if field.ends_with("id_number") || field.ends_with("phone") { mask(value) } else { value.to_string() }
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
    match value {
        serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| flatten(&join(k), v, out)),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, v)| flatten(&join(&i.to_string()), v, out))
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// `2026-12-02 15:20  李娜  修改 applicant.name：云帆 → 云帆网络`, one line an event.
pub fn text(events: &[Event], lang: Lang) -> String {
    let arrow = |old: &Option<String>, new: &Option<String>| {
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
        format!("{} → {}", shown(old), shown(new))
    };
    events
        .iter()
        .map(|e| {
            let at = e.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
            let mut line = format!("{at}  {}  {}", e.who, e.what.label().get(lang));
            if let Some(field) = &e.field {
                line.push_str(&format!(" {field}: {}", arrow(&e.old, &e.new)));
            }
            if let Some(detail) = &e.detail {
                line.push_str(&format!("  {detail}"));
            }
            line + "\n"
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_names_each_field_with_its_old_and_new_value_and_masks_numbers() {
        let mut old: CaseData = serde_json::from_value(serde_json::json!({
            "applicant": { "kind": "enterprise", "name": "云帆" },
            "handler": { "name": "李娜", "phone": "13800000000" },
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let mut new = old.clone();
        new.applicant.name = "云帆网络".into();
        if let Some(h) = new.handler.as_mut() {
            h.phone = Some("13900000000".into());
        }
        new.applicant.legal_rep = Some("王伟".into());
        let found = changes(&old, &new);
        let fields: Vec<&str> = found.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["applicant.legal_rep", "applicant.name", "handler.phone"]);
        assert_eq!(
            found.first(),
            Some(&Change { field: "applicant.legal_rep".into(), old: None, new: Some("王伟".into()) })
        );
        assert_eq!(found.get(2).and_then(|c| c.old.as_deref()), Some("138****0000"));
        old.applicant.name = "云帆网络".into();
        assert_eq!(changes(&old, &new).len(), 2);
    }
}
