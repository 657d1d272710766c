//! Vendor rule profiles: one data file per vendor in `assets/vendors/`, holding what
//! shared/domain/vendors.md establishes. Every value names its source id, and every source id
//! is defined in the file's `[sources]` table (checked by [`VendorProfile::check_sources`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::case::{ApplicantKind, Role, SignatureSource, SignatureUse, TemplateType, Vendor};
use crate::error::{Error, Result};
use crate::i18n::Text;

/// A value with the source it comes from, and a note where the sources disagree.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
    #[serde(default)]
    pub note: Option<Text>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub min: u32,
    pub max: u32,
    pub source: String,
    #[serde(default)]
    pub note: Option<Text>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorProfile {
    pub vendor: Vendor,
    pub name: Text,
    /// Bumped whenever a rule changes; recorded in every export manifest.
    pub version: String,
    pub sources: BTreeMap<String, String>,
    pub applicants: Applicants,
    pub signature: SignatureRules,
    pub files: FileRules,
    pub templates: TemplateRules,
    pub materials: Vec<MaterialRule>,
    /// The vendor's form and API fields, and where each value comes from (the field sheet).
    pub form: Vec<FormField>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicants {
    pub enterprise: ApplicantRule,
    pub individual: ApplicantRule,
    /// Whether the qualification names a handler (经办人 / administrator) with ID and mobile.
    pub handler: Sourced<bool>,
    /// Whether an individual business (个体工商户, credit code 92…) may apply; absent where no
    /// source says otherwise.
    #[serde(default)]
    pub individual_business: Option<Sourced<bool>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantRule {
    pub accepted: bool,
    pub template_types: Vec<TemplateType>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Text>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureRules {
    pub length: Range,
    /// Which characters a signature may use: Han, Latin letters and digits for every vendor.
    pub charset: Sourced<String>,
    pub traditional_allowed: Sourced<bool>,
    pub case_sensitive: Sourced<bool>,
    pub sources: BTreeMap<SignatureSource, SourceRule>,
    pub third_party: ThirdPartyRule,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRule {
    pub accepted: bool,
    #[serde(default)]
    pub proof: Vec<Role>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Text>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThirdPartyRule {
    pub accepted: bool,
    pub applicant_kinds: Vec<ApplicantKind>,
    pub proof: Vec<Role>,
    /// The letter must be on the vendor's own template.
    pub vendor_template: bool,
    #[serde(default)]
    pub min_validity_months: Option<u32>,
    #[serde(default)]
    pub max_signatures: Option<u32>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Text>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRules {
    /// Lower-case file extensions the vendor accepts for images.
    pub formats: Sourced<Vec<String>>,
    pub max_bytes: Sourced<u64>,
    pub ascii_names: Sourced<bool>,
    #[serde(default)]
    pub max_name_chars: Option<Sourced<u32>>,
    /// Extra formats accepted for the authorization letter only (Huawei takes PDF).
    #[serde(default)]
    pub letter_formats: Option<Sourced<Vec<String>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VariableSyntax {
    /// `${name}`
    DollarNamed,
    /// `${1}`, `${2}` …
    DollarNumbered,
    /// `{1}`, `{2}` …
    BraceNumbered,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRules {
    pub variable_syntax: Sourced<VariableSyntax>,
    pub max_chars: Sourced<u32>,
    #[serde(default)]
    pub max_variables: Option<Sourced<u32>>,
    #[serde(default)]
    pub variable_value_max: Option<Sourced<u32>>,
    #[serde(default)]
    pub verification_code_length: Option<Range>,
    pub verification_keywords: Sourced<Vec<String>>,
    pub marketing_opt_out: Sourced<Vec<String>>,
    pub marketing_variables_allowed: Sourced<bool>,
    /// Symbols the vendor names as refused anywhere in a template (【】 is refused by all five).
    pub forbidden_symbols: Sourced<Vec<String>>,
    /// Absent where the vendor's pages say nothing about traditional characters in templates.
    #[serde(default)]
    pub traditional_allowed: Option<Sourced<bool>>,
    /// Tencent counts the whole SMS (signature and variable values) against `max_chars`.
    #[serde(default)]
    pub max_chars_includes_signature: Option<Sourced<bool>>,
    #[serde(default)]
    pub verification_single_variable: Option<Sourced<bool>>,
    #[serde(default)]
    pub repeated_variables_allowed: Option<Sourced<bool>>,
    /// Aliyun refuses `[` or `]` at the start or end of a template.
    #[serde(default)]
    pub edge_brackets_allowed: Option<Sourced<bool>>,
}

/// A qualification material the vendor asks for, for some applicant kinds and uses.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialRule {
    pub role: Role,
    pub applicants: Vec<ApplicantKind>,
    pub uses: Vec<SignatureUse>,
    /// Required (missing blocks readiness) or recommended (missing is a warning).
    pub required: bool,
    pub why: Text,
    pub source: String,
}

crate::case::kebab_enum!(
    /// The vendor form a field belongs to, in the order the user submits them.
    FormStep {
        Qualification = "qualification",
        Authorization = "authorization",
        Trademark = "trademark",
        AppIcp = "app-icp",
        Signature = "signature",
        Template = "template",
    }
);

impl FormStep {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            FormStep::Qualification => ("资质", "qualification"),
            FormStep::Authorization => ("授权委托书", "authorization letter"),
            FormStep::Trademark => ("商标", "trademark"),
            FormStep::AppIcp => ("App 备案", "App ICP filing"),
            FormStep::Signature => ("签名", "signature"),
            FormStep::Template => ("模板", "template"),
        };
        Text::new(zh, en)
    }
}

/// One field of a vendor's console form or API request. `value` says where the case holds it
/// (the expressions are listed in `fields.rs`); `map` turns the case's word into the vendor's
/// code; a field without a value is one the user types in the console, and `hint` says what.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub step: FormStep,
    /// The API action or console form, e.g. `SubmitSmsQualification`.
    pub api: String,
    pub field: String,
    pub label: Text,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub map: BTreeMap<String, String>,
    #[serde(default)]
    pub max_chars: Option<u32>,
    #[serde(default)]
    pub hint: Option<Text>,
    /// Only for these applicant kinds, signature uses and signature sources (empty: all).
    #[serde(default)]
    pub applicants: Vec<ApplicantKind>,
    #[serde(default)]
    pub uses: Vec<SignatureUse>,
    #[serde(default)]
    pub signature_sources: Vec<SignatureSource>,
    pub source: String,
}

const PROFILES: [(&str, &str); 5] = [
    ("aliyun.toml", include_str!("../assets/vendors/aliyun.toml")),
    ("tencent.toml", include_str!("../assets/vendors/tencent.toml")),
    ("huawei.toml", include_str!("../assets/vendors/huawei.toml")),
    ("volcengine.toml", include_str!("../assets/vendors/volcengine.toml")),
    ("baidu.toml", include_str!("../assets/vendors/baidu.toml")),
];

impl VendorProfile {
    /// The bundled profile of `vendor`, parsed once per process and shared.
    pub fn get(vendor: Vendor) -> Result<&'static VendorProfile> {
        static PARSED: OnceLock<std::result::Result<Vec<VendorProfile>, (String, String)>> = OnceLock::new();
        let parsed = PARSED.get_or_init(|| {
            VendorProfile::load_all().map_err(|e| match e {
                Error::Asset { name, detail } => (name, detail),
                other => ("vendor profiles".to_string(), other.to_string()),
            })
        });
        match parsed {
            Ok(profiles) => profiles
                .iter()
                .find(|p| p.vendor == vendor)
                .ok_or_else(|| Error::Asset { name: format!("{vendor}.toml"), detail: "no such profile".into() }),
            Err((name, detail)) => Err(Error::Asset { name: name.clone(), detail: detail.clone() }),
        }
    }

    /// Parses the bundled profile of `vendor` afresh (tests change their own copy).
    pub fn load(vendor: Vendor) -> Result<VendorProfile> {
        let file = format!("{vendor}.toml");
        let (_, text) = PROFILES
            .iter()
            .find(|(name, _)| *name == file)
            .ok_or_else(|| Error::Asset { name: file.clone(), detail: "no such profile".into() })?;
        let profile: VendorProfile =
            toml::from_str(text).map_err(|e| Error::Asset { name: file.clone(), detail: e.to_string() })?;
        if profile.vendor != vendor {
            return Err(Error::Asset { name: file, detail: format!("declares vendor {}", profile.vendor) });
        }
        profile.check_sources().map_err(|detail| Error::Asset { name: format!("{vendor}.toml"), detail })?;
        for field in &profile.form {
            crate::fields::check_expression(field.value.as_deref(), field.step).map_err(|detail| Error::Asset {
                name: format!("{vendor}.toml"),
                detail: format!("form field {}: {detail}", field.field),
            })?;
        }
        Ok(profile)
    }

    pub fn load_all() -> Result<Vec<VendorProfile>> {
        Vendor::ALL.iter().map(|v| VendorProfile::load(*v)).collect()
    }

    /// Every `source` in the profile must name ids defined in `[sources]`.
    pub fn check_sources(&self) -> std::result::Result<(), String> {
        let mut used: Vec<&str> = vec![
            &self.applicants.enterprise.source,
            &self.applicants.individual.source,
            &self.applicants.handler.source,
            &self.signature.length.source,
            &self.signature.charset.source,
            &self.signature.traditional_allowed.source,
            &self.signature.case_sensitive.source,
            &self.signature.third_party.source,
            &self.files.formats.source,
            &self.files.max_bytes.source,
            &self.files.ascii_names.source,
            &self.templates.variable_syntax.source,
            &self.templates.max_chars.source,
            &self.templates.verification_keywords.source,
            &self.templates.marketing_opt_out.source,
            &self.templates.marketing_variables_allowed.source,
            &self.templates.forbidden_symbols.source,
        ];
        used.extend(self.signature.sources.values().map(|s| s.source.as_str()));
        used.extend(self.materials.iter().map(|m| m.source.as_str()));
        used.extend(self.form.iter().map(|f| f.source.as_str()));
        used.extend(self.applicants.individual_business.iter().map(|s| s.source.as_str()));
        used.extend(self.files.max_name_chars.iter().map(|s| s.source.as_str()));
        used.extend(self.files.letter_formats.iter().map(|s| s.source.as_str()));
        used.extend(self.templates.max_variables.iter().map(|s| s.source.as_str()));
        used.extend(self.templates.variable_value_max.iter().map(|s| s.source.as_str()));
        used.extend(self.templates.verification_code_length.iter().map(|s| s.source.as_str()));
        let flags = [
            &self.templates.traditional_allowed,
            &self.templates.max_chars_includes_signature,
            &self.templates.verification_single_variable,
            &self.templates.repeated_variables_allowed,
            &self.templates.edge_brackets_allowed,
        ];
        used.extend(flags.into_iter().flatten().map(|s| s.source.as_str()));
        for source in used {
            let ids = source_ids(source);
            if ids.is_empty() {
                return Err("a rule has an empty source".into());
            }
            if let Some(unknown) = ids.iter().find(|id| !self.sources.contains_key(**id)) {
                return Err(format!("source id `{unknown}` is not defined in [sources]"));
            }
        }
        Ok(())
    }

    /// Expands a rule's source ids into a readable citation: `A6 <url>; A7 <url>`.
    pub fn cite(&self, source: &str) -> String {
        source_ids(source)
            .iter()
            .map(|id| match self.sources.get(*id) {
                Some(where_) => format!("{} {id}: {where_}", self.vendor),
                None => format!("{} {id}", self.vendor),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn applicant(&self, kind: ApplicantKind) -> &ApplicantRule {
        match kind {
            ApplicantKind::Enterprise => &self.applicants.enterprise,
            ApplicantKind::Individual => &self.applicants.individual,
        }
    }
}

fn source_ids(source: &str) -> Vec<&str> {
    source.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).collect()
}
