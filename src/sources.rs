//! The public sources behind every rule, limit, word list and letter (`assets/sources.toml`):
//! a vendor's page or SDK file, a standard, a regulation or a named article, each with the date
//! its text was last checked. Assets cite sources by id (`"A11 T3"`); what a user sees is the
//! citation itself and that date, never an id or a path of our notes.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The URL with the page's title, the standard's number and name, or the article's title.
    pub cite: String,
    /// When the cited text was last compared with the value that cites it.
    pub checked: NaiveDate,
}

const SOURCES_TOML: &str = include_str!("../assets/sources.toml");

/// Every source, by id.
pub fn all() -> Result<&'static BTreeMap<String, Source>> {
    static PARSED: OnceLock<std::result::Result<BTreeMap<String, Source>, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| toml::from_str(SOURCES_TOML).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|detail| Error::Asset { name: "sources.toml".into(), detail: detail.clone() })
}

/// The ids of a `source` field: words separated by spaces or commas. A `profile:KEY` word
/// stands for a vendor profile's value, whose own source is cited where the rule fires.
pub fn ids(source: &str) -> impl Iterator<Item = &str> {
    source.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty() && !s.starts_with("profile:"))
}

/// The first id of `source` that names no source, if any; an empty `source` is one too.
pub fn undefined(source: &str) -> Option<String> {
    let known = all().ok()?;
    if source.trim().is_empty() {
        return Some(String::new());
    }
    ids(source).find(|id| !known.contains_key(*id)).map(str::to_string)
}

/// What a user reads for `source`: each cited source with the date it was checked,
/// `https://… (checked 2026-12-01)`, joined by "; ". Unknown ids are kept as they are, so a
/// finding never loses its citation (tests/rules.rs proves every asset's ids are known).
pub fn cite(source: &str) -> String {
    let known = all().ok();
    ids(source)
        .map(|id| match known.and_then(|k| k.get(id)) {
            Some(s) => format!("{} (checked {})", s.cite, s.checked),
            None => id.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The oldest date among the sources `source` cites: how stale the rule's footing is.
pub fn checked(source: &str) -> Option<NaiveDate> {
    let known = all().ok()?;
    ids(source).filter_map(|id| known.get(id)).map(|s| s.checked).min()
}
