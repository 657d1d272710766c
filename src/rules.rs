//! The rule catalog (`assets/rules.toml`) and word lists (`assets/words.toml`): what each
//! finding says, in Chinese and English, its severity and its public sources (ids of
//! `assets/sources.toml`). The functions that decide
//! when a rule fires live in `lint` (signatures, templates) and `checks` (the whole case); they
//! only name a rule id and fill in its placeholders.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::case::{Industry, Role, TemplateType, Vendor};
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::profile::VendorProfile;
use crate::requirements::{Finding, Severity};
use crate::text;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub message: Text,
    pub fix: Text,
    pub source: String,
}

/// How a document's field is compared with the value the case declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CompareMode {
    /// Names: character for character; every difference is reported and classified.
    Exact,
    /// Identifiers: exact after trimming and upper-casing (OCR may print full-width digits).
    Code,
    /// ICP numbers: the site number `…号-N` also matches its subject number `…号`.
    Icp,
    /// The declared domain is the filed domain or one of its subdomains.
    Domain,
    /// A date, compared as YYYY-MM-DD.
    Date,
}

/// A field a document shows that must equal a value the case declares.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub material: Role,
    pub field: String,
    pub label: Text,
    /// A case key (`applicant.name`, `landing.domain`, …) or `subject.name` / `subject.uscc`.
    pub declared: String,
    pub compare: CompareMode,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    rule: Vec<Rule>,
    comparison: Vec<Comparison>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordList {
    pub source: String,
    pub words: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub category: Text,
    pub source: String,
    /// The vendors that refuse these words (empty: every vendor).
    #[serde(default)]
    pub vendors: Vec<Vendor>,
    /// The template types they are refused in (empty: every type).
    #[serde(default)]
    pub types: Vec<TemplateType>,
    pub words: Vec<String>,
}

impl Category {
    /// Whether the category applies to `vendor`'s templates of `kind`.
    pub fn applies(&self, vendor: Vendor, kind: TemplateType) -> bool {
        (self.vendors.is_empty() || self.vendors.contains(&vendor))
            && (self.types.is_empty() || self.types.contains(&kind))
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub neutral_signatures: WordList,
    pub test_words: WordList,
    pub generic_name_parts: WordList,
    pub member_words: WordList,
    /// Opt-out wording (拒收请回复R, 回TD退订 …), which belongs in marketing templates only.
    pub opt_out: WordList,
    pub short_link_hosts: WordList,
    pub link_tlds: WordList,
    /// Invitations and joining groups or private accounts, refused in every template type.
    pub invitations: WordList,
    /// Contacts other than phone numbers (QQ, 微信 …).
    pub contact_words: WordList,
    /// What states a verification template's purpose or expiry.
    pub verification_context: WordList,
    /// Variant spellings and the words they stand for (威信 → 微信).
    pub variants: Variants,
    /// App beta-distribution hosts (fir.im, pgyer.com).
    pub beta_hosts: WordList,
    /// Finance wording (贷款, 信用卡, 理财 …).
    pub finance_words: WordList,
    /// What in a business scope suggests an industry.
    pub industries: Vec<IndustryWords>,
    pub marketing: Vec<Category>,
    pub redline: Vec<Category>,
    /// Topics refused per vendor (and template type).
    pub banned: Vec<Category>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variants {
    pub source: String,
    /// `[variant, word]`.
    pub pairs: Vec<[String; 2]>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustryWords {
    pub industry: Industry,
    pub source: String,
    pub words: Vec<String>,
}

/// A word found in a text: the word as written there and its span in characters.
#[derive(Clone, Debug)]
pub struct WordHit {
    pub word: String,
    pub span: [usize; 2],
}

impl Words {
    /// Every occurrence of a word of `list` in `text`, longest first where they overlap.
    pub fn find(text: &str, list: &[String]) -> Vec<WordHit> {
        text::find_words(text, list)
            .into_iter()
            .map(|(span, _)| WordHit { word: text::slice(text, span), span })
            .collect()
    }

    /// Every occurrence of a categorised word in `text`, with its category, in text order.
    pub fn find_in<'a>(text: &str, categories: &'a [Category]) -> Vec<(WordHit, &'a Category)> {
        let mut hits: Vec<(WordHit, &Category)> = categories
            .iter()
            .flat_map(|category| Words::find(text, &category.words).into_iter().map(move |hit| (hit, category)))
            .collect();
        hits.sort_by_key(|(hit, _)| hit.span);
        hits
    }
}

pub struct Catalog {
    rules: BTreeMap<String, Rule>,
    pub comparisons: Vec<Comparison>,
    pub words: Words,
}

const RULES_TOML: &str = include_str!("../assets/rules.toml");
const WORDS_TOML: &str = include_str!("../assets/words.toml");

impl Catalog {
    /// The bundled catalog, parsed once per process.
    pub fn get() -> Result<&'static Catalog> {
        static PARSED: OnceLock<std::result::Result<Catalog, (String, String)>> = OnceLock::new();
        let parsed = PARSED.get_or_init(|| {
            Catalog::parse(RULES_TOML, WORDS_TOML).map_err(|e| match e {
                Error::Asset { name, detail } => (name, detail),
                other => ("rules".to_string(), other.to_string()),
            })
        });
        parsed.as_ref().map_err(|(name, detail)| Error::Asset { name: name.clone(), detail: detail.clone() })
    }

    pub fn parse(rules: &str, words: &str) -> Result<Catalog> {
        let asset = |name: &str, e: toml::de::Error| Error::Asset { name: name.into(), detail: e.to_string() };
        let file: CatalogFile = toml::from_str(rules).map_err(|e| asset("rules.toml", e))?;
        let words: Words = toml::from_str(words).map_err(|e| asset("words.toml", e))?;
        let mut map = BTreeMap::new();
        for rule in file.rule {
            if let Some(id) = crate::sources::undefined(&rule.source) {
                return Err(Error::Asset {
                    name: "rules.toml".into(),
                    detail: format!("rule {} cites `{id}`, which assets/sources.toml does not define", rule.id),
                });
            }
            if let Some(old) = map.insert(rule.id.clone(), rule) {
                return Err(Error::Asset {
                    name: "rules.toml".into(),
                    detail: format!("duplicate rule id {}", old.id),
                });
            }
        }
        Ok(Catalog { rules: map, comparisons: file.comparison, words })
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values()
    }
}

/// Collects findings for one vendor: looks a rule up, fills in its placeholders, and lets the
/// caller add `span`, `field`, `material`, `expected` and `found`.
pub struct Findings<'a> {
    pub catalog: &'a Catalog,
    pub profile: &'a VendorProfile,
    pub list: Vec<Finding>,
}

/// A placeholder value in both languages.
pub type Arg = (&'static str, Text);

pub fn arg(key: &'static str, value: impl ToString) -> Arg {
    let value = value.to_string();
    (key, Text::new(value.clone(), value))
}

pub fn arg_text(key: &'static str, value: Text) -> Arg {
    (key, value)
}

impl<'a> Findings<'a> {
    pub fn new(catalog: &'a Catalog, profile: &'a VendorProfile) -> Self {
        Findings { catalog, profile, list: Vec::new() }
    }

    /// Adds the finding of rule `id`. The vendor's name is always available as `{vendor}`.
    /// An id missing from the catalog is a programming error caught by tests/rules.rs; at run
    /// time it still yields a finding rather than losing one.
    pub fn add(&mut self, id: &str, args: &[Arg]) -> &mut Finding {
        let vendor = ("vendor", self.profile.name.clone());
        let fill = |text: &Text| Text::new(fill(&text.zh, args, &vendor, true), fill(&text.en, args, &vendor, false));
        let finding = match self.catalog.rule(id) {
            Some(rule) => Finding {
                rule: rule.id.clone(),
                severity: rule.severity,
                message: fill(&rule.message),
                fix: fill(&rule.fix),
                // A rule whose limit is a vendor's cites the profile value's source where it
                // fires; here, what else it rests on.
                source: crate::sources::cite(&rule.source),
                ..Finding::empty()
            },
            None => Finding {
                rule: id.to_string(),
                severity: Severity::Warn,
                message: Text::new(format!("未登记的规则 {id}"), format!("unregistered rule {id}")),
                ..Finding::empty()
            },
        };
        self.list.push(finding);
        let last = self.list.len() - 1;
        // The index is the element just pushed.
        #[allow(clippy::indexing_slicing)]
        &mut self.list[last]
    }

    /// Expands a profile source (`"A10 A11"`) into the citation the finding carries.
    pub fn cite(&self, ids: &str) -> String {
        self.profile.cite(ids)
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}

fn fill(template: &str, args: &[Arg], vendor: &Arg, zh: bool) -> String {
    let mut out = template.to_string();
    for (key, value) in args.iter().chain(std::iter::once(vendor)) {
        let pattern = format!("{{{key}}}");
        if out.contains(&pattern) {
            out = out.replace(&pattern, if zh { &value.zh } else { &value.en });
        }
    }
    out
}

/// One line of `qualkit rules`: a rule, or a vendor's limit, with the public sources it rests
/// on and the oldest date among them.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Listed {
    /// The rule's stable id, or a profile key (`templates.max_chars`) for a vendor limit no rule
    /// names.
    pub rule: String,
    pub severity: Severity,
    /// Set for a vendor's own value; null for a rule that holds for every vendor.
    pub vendor: Option<crate::case::Vendor>,
    /// The vendor's value (`2–16`, `拒收请回复R`), where the entry is one.
    pub value: Option<String>,
    pub source: String,
    pub checked: Option<chrono::NaiveDate>,
}

/// Every rule and every vendor limit (`vendor` keeps one vendor's), as `qualkit rules` lists
/// them. A rule that reads a profile value (`profile:KEY` in its source) is listed once per
/// vendor that holds the value, with that vendor's source.
pub fn listing(vendor: Option<crate::case::Vendor>) -> Result<Vec<Listed>> {
    let catalog = Catalog::get()?;
    let vendors: Vec<crate::case::Vendor> = match vendor {
        Some(v) => vec![v],
        None => crate::case::Vendor::ALL.to_vec(),
    };
    let profiles = vendors.iter().map(|v| VendorProfile::get(*v)).collect::<Result<Vec<_>>>()?;
    // Each profile's limits once, not once per rule.
    let limits: Vec<_> = profiles.iter().map(|p| (p.vendor, p.limits())).collect();
    let mut listed = Vec::new();
    let mut covered: Vec<(crate::case::Vendor, String)> = Vec::new();
    for rule in catalog.rules() {
        let keys: Vec<&str> = rule.source.split_whitespace().filter_map(|w| w.strip_prefix("profile:")).collect();
        if keys.is_empty() {
            listed.push(Listed {
                rule: rule.id.clone(),
                severity: rule.severity,
                vendor: None,
                value: None,
                source: crate::sources::cite(&rule.source),
                checked: crate::sources::checked(&rule.source),
            });
            continue;
        }
        for (vendor, limits) in &limits {
            let held: Vec<_> = limits
                .iter()
                .filter(|l| keys.iter().any(|k| l.key == *k || l.key.starts_with(&format!("{k}."))))
                .collect();
            if held.is_empty() {
                continue;
            }
            // Each source once, though several values of the vendor rest on it.
            let mut ids: Vec<&str> = Vec::new();
            for id in held
                .iter()
                .map(|l| l.source)
                .chain(std::iter::once(rule.source.as_str()))
                .flat_map(str::split_whitespace)
            {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let sources = ids.join(" ");
            covered.extend(held.iter().map(|l| (*vendor, l.key.clone())));
            listed.push(Listed {
                rule: rule.id.clone(),
                severity: rule.severity,
                vendor: Some(*vendor),
                value: Some(held.iter().map(|l| l.value.as_str()).collect::<Vec<_>>().join("; ")),
                source: crate::sources::cite(&sources),
                checked: crate::sources::checked(&sources),
            });
        }
    }
    // The limits no rule reads directly (which sources a vendor takes, its status …).
    for (vendor, limits) in &limits {
        for limit in limits {
            if covered.iter().any(|(v, k)| v == vendor && *k == limit.key) {
                continue;
            }
            listed.push(Listed {
                rule: limit.key.clone(),
                severity: Severity::Info,
                vendor: Some(*vendor),
                value: Some(limit.value.clone()),
                source: crate::sources::cite(limit.source),
                checked: crate::sources::checked(limit.source),
            });
        }
    }
    Ok(listed)
}

/// Whether an entry's sources were last checked more than `months` before `today` (or never).
pub fn stale(entry: &Listed, months: u32, today: chrono::NaiveDate) -> bool {
    let cutoff = today.checked_sub_months(chrono::Months::new(months)).unwrap_or(today);
    entry.checked.is_none_or(|checked| checked < cutoff)
}
