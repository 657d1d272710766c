//! Vendor rule profiles: one data file per vendor in `assets/vendors/`, holding what each
//! vendor publishes. Every value names the ids of its public sources, each defined in
//! `assets/sources.toml` (checked by [`VendorProfile::check_sources`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::case::{ApplicantKind, Industry, Role, SignatureSource, SignatureUse, TemplateType, VarType, Vendor};
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
    pub applicants: Applicants,
    pub signature: SignatureRules,
    pub files: FileRules,
    pub templates: TemplateRules,
    pub materials: Vec<MaterialRule>,
    /// The vendor's form and API fields, and where each value comes from (the field sheet).
    pub form: Vec<FormField>,
    /// Whether the vendor takes new customers; absent where it does as far as its pages say.
    #[serde(default)]
    pub status: Option<VendorStatus>,
    /// Industries the vendor takes only some template types from (none: no templates at all).
    #[serde(default)]
    pub industries: BTreeMap<Industry, IndustryRule>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustryRule {
    pub template_types: Vec<TemplateType>,
    pub source: String,
    #[serde(default)]
    pub note: Option<Text>,
}

/// A vendor that stopped taking new customers: since when, why, and what existing customers
/// may still do.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorStatus {
    pub new_customers: bool,
    pub since: String,
    pub note: Text,
    pub source: String,
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
    /// Whether sole proprietorships (个人独资企业) and partnerships (合伙企业) may apply.
    #[serde(default)]
    pub sole_proprietorship: Option<Sourced<bool>>,
    #[serde(default)]
    pub partnership: Option<Sourced<bool>>,
    /// Government bodies, public institutions and social organisations apply as a type of their
    /// own; the note says how.
    #[serde(default)]
    pub public_body: Option<Sourced<bool>>,
    /// The symbols the company name may hold besides Han characters, letters and digits.
    #[serde(default)]
    pub name_symbols: Option<Sourced<String>>,
    /// The fields the licence image must show (reading keys: name, uscc, term).
    #[serde(default)]
    pub licence_fields: Option<Sourced<Vec<String>>>,
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
    /// Whether a person's name may be a signature (the carriers refuse them).
    #[serde(default)]
    pub personal_names_allowed: Option<Sourced<bool>>,
    /// Whether initials in capitals (ABC for 爱佰诚) may be a signature.
    #[serde(default)]
    pub acronyms_allowed: Option<Sourced<bool>>,
    /// One signature serves one template type (Huawei: 验证码类, 通知类, 推广类).
    #[serde(default)]
    pub one_template_type: Option<Sourced<bool>>,
    /// Whether a third-party (他用) signature may carry finance templates.
    #[serde(default)]
    pub third_party_finance_allowed: Option<Sourced<bool>>,
    /// Whether a trademark's 注册申请受理通知书 proves a trademark signature (the registration
    /// certificate always does).
    #[serde(default)]
    pub acceptance_notice_accepted: Option<Sourced<bool>>,
    /// An App signature needs the App's download link in a store.
    #[serde(default)]
    pub app_download_link_required: Option<Sourced<bool>>,
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
    /// The opt-out must end the template (末尾 / 尾部), not stand anywhere in it.
    #[serde(default)]
    pub marketing_opt_out_at_end: Option<Sourced<bool>>,
    /// Whether opt-out wording (拒收请回复R, 退订) may appear in verification and notification
    /// templates; absent where the vendor says nothing.
    #[serde(default)]
    pub opt_out_outside_marketing_allowed: Option<Sourced<bool>>,
    pub marketing_variables_allowed: Sourced<bool>,
    /// Whether notification templates may take variables; absent where they may.
    #[serde(default)]
    pub notification_variables_allowed: Option<Sourced<bool>>,
    /// The verification code must be digits only (Tencent: 纯数字).
    #[serde(default)]
    pub verification_code_digits_only: Option<Sourced<bool>>,
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
    /// Each variable type's attribute in the vendor's form (Aliyun's TemplateRule, Huawei's
    /// PHONE/CHARDIGIT/…) and the values it takes; empty where the vendor names no attributes.
    #[serde(default)]
    pub variable_types: BTreeMap<VarType, VariableTypeRule>,
    /// A verification template must state its platform, purpose or expiry (Aliyun, Volcengine).
    #[serde(default)]
    pub verification_context_required: Option<Sourced<bool>>,
    /// Whether a verification template may carry a contact (a phone number, QQ, 微信 …).
    #[serde(default)]
    pub verification_contacts_allowed: Option<Sourced<bool>>,
    /// Whether a notification may name contacts other than an official landline, 400 or 95
    /// number (QQ, 微信群, 抖音, a mobile …).
    #[serde(default)]
    pub notification_contact_words_allowed: Option<Sourced<bool>>,
    /// The most phone numbers one notification template may carry.
    #[serde(default)]
    pub notification_max_contacts: Option<Sourced<u32>>,
    /// What no variable value may carry, whatever its type (links, phone numbers, currency signs).
    #[serde(default)]
    pub variable_values_refuse: Option<Sourced<Vec<ValueContent>>>,
    /// Whether misspelt or variant forms (威信 for 微信) and interference symbols (微-信) pass.
    #[serde(default)]
    pub variant_spellings_allowed: Option<Sourced<bool>>,
    /// The fewest characters of fixed text (outside variables) that show the scenario.
    #[serde(default)]
    pub min_fixed_chars: Option<Sourced<u32>>,
    /// Whether a template may speak for a company other than the signature's.
    #[serde(default)]
    pub other_company_allowed: Option<Sourced<bool>>,
    /// Links must be the signature company's own (its ICP-filed domain).
    #[serde(default)]
    pub links_owned_by_subject: Option<Sourced<bool>>,
    /// Whether links to app beta-distribution hosts (fir.im, 蒲公英) pass.
    #[serde(default)]
    pub beta_links_allowed: Option<Sourced<bool>>,
    /// Whether a notification may carry a link next to marketing wording.
    #[serde(default)]
    pub notification_marketing_links_allowed: Option<Sourced<bool>>,
    /// Marketing is sent to members only, and the vendor may ask for proof of membership.
    #[serde(default)]
    pub marketing_member_proof: Option<Sourced<bool>>,
    /// The hours marketing messages may be sent in (`08:00–22:00`): a sending rule, not a
    /// review rule, said at review so nobody schedules a campaign at night.
    #[serde(default)]
    pub marketing_send_window: Option<Sourced<String>>,
}

/// One variable type as a vendor takes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableTypeRule {
    /// The vendor's own name for the attribute; absent where the vendor publishes none for it.
    #[serde(default)]
    pub attribute: Option<String>,
    pub min: u32,
    pub max: u32,
    pub format: ValueFormat,
    pub source: String,
    #[serde(default)]
    pub note: Option<Text>,
}

crate::case::kebab_enum!(
    /// The characters a variable value may hold (checked by `lint`): `any` within the length;
    /// `digits`; `alnum`, letters and digits (Aliyun's characterWithNumber2); `word`, letters,
    /// digits and underscores (Huawei's CHARDIGIT); `phone`, digits with `-` or a leading `+`,
    /// ending in a digit; `datetime`, a date or time as Chinese text writes it (2026-12-01,
    /// 2026年12月1日, 10:30); `money`, digits and a decimal point or Chinese numerals, no
    /// currency sign; `plain-text`, without the characters Huawei's TEXT refuses (. 。 ' < > { }).
    ValueFormat {
        Any = "any",
        Digits = "digits",
        Alnum = "alnum",
        Word = "word",
        Phone = "phone",
        Datetime = "datetime",
        Money = "money",
        PlainText = "plain-text",
    }
);

crate::case::kebab_enum!(
    /// Something a vendor refuses inside any variable value.
    ValueContent { Link = "link", Phone = "phone", Currency = "currency" }
);

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

    /// Every limit and flag of the profile, keyed as the rules name them
    /// (`signature.length`, `templates.max_chars` …), with its value and its source ids: what
    /// `qualkit rules` lists per vendor.
    pub fn limits(&self) -> Vec<Limit<'_>> {
        let t = &self.templates;
        let mut limits = vec![
            Limit::new(
                "signature.length",
                format!("{}–{}", self.signature.length.min, self.signature.length.max),
                &self.signature.length.source,
            ),
            Limit::new("signature.charset", &self.signature.charset.value, &self.signature.charset.source),
            Limit::of("signature.traditional_allowed", &self.signature.traditional_allowed),
            Limit::of("signature.case_sensitive", &self.signature.case_sensitive),
            Limit::new("files.formats", self.files.formats.value.join(", "), &self.files.formats.source),
            Limit::of("files.max_bytes", &self.files.max_bytes),
            Limit::of("files.ascii_names", &self.files.ascii_names),
            Limit::new(
                "templates.variable_syntax",
                format!("{:?}", t.variable_syntax.value),
                &t.variable_syntax.source,
            ),
            Limit::of("templates.max_chars", &t.max_chars),
            Limit::new(
                "templates.verification_keywords",
                t.verification_keywords.value.join("、"),
                &t.verification_keywords.source,
            ),
            Limit::new(
                "templates.marketing_opt_out",
                t.marketing_opt_out.value.join(" / "),
                &t.marketing_opt_out.source,
            ),
            Limit::of("templates.marketing_variables_allowed", &t.marketing_variables_allowed),
            Limit::new("templates.forbidden_symbols", t.forbidden_symbols.value.join(" "), &t.forbidden_symbols.source),
        ];
        let optional = [
            ("files.max_name_chars", self.files.max_name_chars.as_ref().map(|v| (v.value.to_string(), &v.source))),
            ("files.letter_formats", self.files.letter_formats.as_ref().map(|v| (v.value.join(", "), &v.source))),
            ("templates.max_variables", t.max_variables.as_ref().map(|v| (v.value.to_string(), &v.source))),
            ("templates.variable_value_max", t.variable_value_max.as_ref().map(|v| (v.value.to_string(), &v.source))),
            (
                "templates.notification_max_contacts",
                t.notification_max_contacts.as_ref().map(|v| (v.value.to_string(), &v.source)),
            ),
            (
                "templates.verification_code_length",
                t.verification_code_length.as_ref().map(|r| (format!("{}–{}", r.min, r.max), &r.source)),
            ),
            (
                "applicants.individual_business",
                self.applicants.individual_business.as_ref().map(|v| (v.value.to_string(), &v.source)),
            ),
            ("applicants.name_symbols", self.applicants.name_symbols.as_ref().map(|v| (v.value.clone(), &v.source))),
            (
                "applicants.licence_fields",
                self.applicants.licence_fields.as_ref().map(|v| (v.value.join(", "), &v.source)),
            ),
            ("templates.min_fixed_chars", t.min_fixed_chars.as_ref().map(|v| (v.value.to_string(), &v.source))),
            ("templates.marketing_send_window", t.marketing_send_window.as_ref().map(|v| (v.value.clone(), &v.source))),
        ];
        limits.extend(
            optional.into_iter().filter_map(|(key, v)| v.map(|(value, source)| Limit::new(key, value, source))),
        );
        let flags = [
            ("templates.traditional_allowed", &t.traditional_allowed),
            ("templates.max_chars_includes_signature", &t.max_chars_includes_signature),
            ("templates.verification_single_variable", &t.verification_single_variable),
            ("templates.repeated_variables_allowed", &t.repeated_variables_allowed),
            ("templates.edge_brackets_allowed", &t.edge_brackets_allowed),
            ("templates.marketing_opt_out_at_end", &t.marketing_opt_out_at_end),
            ("templates.opt_out_outside_marketing_allowed", &t.opt_out_outside_marketing_allowed),
            ("templates.notification_variables_allowed", &t.notification_variables_allowed),
            ("templates.verification_code_digits_only", &t.verification_code_digits_only),
            ("templates.verification_context_required", &t.verification_context_required),
            ("templates.verification_contacts_allowed", &t.verification_contacts_allowed),
            ("templates.notification_contact_words_allowed", &t.notification_contact_words_allowed),
            ("templates.variant_spellings_allowed", &t.variant_spellings_allowed),
            ("templates.other_company_allowed", &t.other_company_allowed),
            ("templates.links_owned_by_subject", &t.links_owned_by_subject),
            ("templates.beta_links_allowed", &t.beta_links_allowed),
            ("templates.notification_marketing_links_allowed", &t.notification_marketing_links_allowed),
            ("templates.marketing_member_proof", &t.marketing_member_proof),
            ("applicants.sole_proprietorship", &self.applicants.sole_proprietorship),
            ("applicants.partnership", &self.applicants.partnership),
            ("applicants.public_body", &self.applicants.public_body),
            ("signature.personal_names_allowed", &self.signature.personal_names_allowed),
            ("signature.acronyms_allowed", &self.signature.acronyms_allowed),
            ("signature.one_template_type", &self.signature.one_template_type),
            ("signature.third_party_finance_allowed", &self.signature.third_party_finance_allowed),
            ("signature.acceptance_notice_accepted", &self.signature.acceptance_notice_accepted),
            ("signature.app_download_link_required", &self.signature.app_download_link_required),
        ];
        limits.extend(flags.into_iter().filter_map(|(key, flag)| flag.as_ref().map(|f| Limit::of(key, f))));
        limits.push(Limit::new(
            "applicants.enterprise",
            self.applicants.enterprise.accepted.to_string(),
            &self.applicants.enterprise.source,
        ));
        limits.push(Limit::new(
            "applicants.individual",
            self.applicants.individual.accepted.to_string(),
            &self.applicants.individual.source,
        ));
        limits.push(Limit::of("applicants.handler", &self.applicants.handler));
        for (source, rule) in &self.signature.sources {
            limits.push(Limit::new(format!("signature.sources.{source}"), rule.accepted.to_string(), &rule.source));
        }
        limits.push(Limit::new(
            "signature.third_party",
            self.signature.third_party.accepted.to_string(),
            &self.signature.third_party.source,
        ));
        for (kind, rule) in &t.variable_types {
            let attribute = rule.attribute.as_deref().unwrap_or("—");
            let value = format!("{attribute} {}–{} {}", rule.min, rule.max, rule.format);
            limits.push(Limit::new(format!("templates.variable_types.{kind}"), value, &rule.source));
        }
        if let Some(refused) = &t.variable_values_refuse {
            let value = refused.value.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
            limits.push(Limit::new("templates.variable_values_refuse", value, &refused.source));
        }
        for (industry, rule) in &self.industries {
            let types: Vec<&str> = rule.template_types.iter().map(|t| t.as_str()).collect();
            let value = format!("{industry}: {}", if types.is_empty() { "none".to_string() } else { types.join(", ") });
            limits.push(Limit::new(format!("industries.{industry}"), value, &rule.source));
        }
        if let Some(status) = &self.status {
            limits.push(Limit::new("status.new_customers", status.new_customers.to_string(), &status.source));
        }
        limits
    }

    /// Every `source` in the profile must name ids defined in `assets/sources.toml`.
    pub fn check_sources(&self) -> std::result::Result<(), String> {
        let limits = self.limits();
        let mut used: Vec<&str> = limits.iter().map(|l| l.source).collect();
        used.extend(self.materials.iter().map(|m| m.source.as_str()));
        used.extend(self.form.iter().map(|f| f.source.as_str()));
        for source in used {
            match crate::sources::undefined(source) {
                Some(id) if id.is_empty() => return Err("a rule has an empty source".into()),
                Some(id) => return Err(format!("source id `{id}` is not defined in assets/sources.toml")),
                None => {}
            }
        }
        Ok(())
    }

    /// Expands a rule's source ids into a readable citation: `A6 <url>; A7 <url>`.
    /// What a user reads for a profile value's source ids: each public source with the date it
    /// was checked.
    pub fn cite(&self, source: &str) -> String {
        crate::sources::cite(source)
    }

    pub fn applicant(&self, kind: ApplicantKind) -> &ApplicantRule {
        match kind {
            ApplicantKind::Enterprise => &self.applicants.enterprise,
            ApplicantKind::Individual => &self.applicants.individual,
        }
    }
}

/// A limit or flag of a vendor's profile, for listing (`qualkit rules`).
#[derive(Clone, Debug)]
pub struct Limit<'a> {
    pub key: String,
    pub value: String,
    pub source: &'a str,
}

impl<'a> Limit<'a> {
    fn new(key: impl Into<String>, value: impl ToString, source: &'a str) -> Self {
        Limit { key: key.into(), value: value.to_string(), source }
    }

    fn of<T: ToString>(key: &str, sourced: &'a Sourced<T>) -> Self {
        Limit::new(key, sourced.value.to_string(), &sourced.source)
    }
}
