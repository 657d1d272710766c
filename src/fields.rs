//! The field sheet: every field of a vendor's console form and API request, with the value the
//! case holds for it, so the user copies values instead of retyping them (and a script can call
//! the API with them). The fields themselves are data, in each profile's `[[form]]` list; this
//! module resolves their `value` expressions against the case:
//!
//! - a case path: `applicant.name`, `handler.phone`, `signature.source`, `landing.icp_number` …
//! - `subject.*`: the company the qualification is for, the signature's owner when the use is
//!   third-party (Aliyun A6 `UseBySelf`), else the applicant;
//! - `template.*`: per template, for `template` fields; `templates.kind` for a signature's type;
//! - `letter.*`: the authorization letter's name, signatures and validity;
//! - `file:<role>`: the bundle path of that material (or of the generated letter);
//! - `read:<role>.<field>`: what OCR read from that material (status `check` until confirmed);
//! - `=text`: a constant such as `=identityCard`.

use serde::{Deserialize, Serialize};

use crate::case::{ApplicantKind, CaseData, Role, SignatureSource, SignatureUse, Template, TemplateType, Vendor};
use crate::i18n::{Lang, Text};
use crate::letter::LetterOptions;
use crate::profile::{FormField, FormStep, VendorProfile};
use crate::reading::{DocKind, Field, Reading};

pub const FORMAT: &str = "qualkit-fields/1";

/// The expressions a profile's `value` may use, besides `file:`, `read:` and `=`.
const PATHS: &[&str] = &[
    "applicant.kind",
    "applicant.name",
    "applicant.uscc",
    "applicant.legal_rep",
    "applicant.legal_rep_id_number",
    "applicant.id_number",
    "applicant.phone",
    "applicant.established",
    "subject.name",
    "subject.uscc",
    "subject.legal_rep",
    "subject.legal_rep_id_number",
    "subject.qualification_name",
    "applicant.organisation",
    "handler.name",
    "handler.id_number",
    "handler.phone",
    "handler.id_validity",
    "subject.legal_rep_id_validity",
    "signature.name",
    "signature.source",
    "signature.type",
    "signature.use",
    "signature.owner",
    "signature.owner_uscc",
    "landing.kind",
    "landing.name",
    "landing.domain",
    "landing.icp_number",
    "landing.scenario",
    "landing.test_account",
    "templates.kind",
    "letter.name",
    "letter.signatures",
    "letter.validity",
    "letter.valid_from",
    "letter.valid_to",
];
const TEMPLATE_PATHS: &[&str] =
    &["template.name", "template.text", "template.type", "template.variables", "template.remark"];

crate::case::kebab_enum!(
    /// What the user still has to do with a field: nothing (`filled`); compare an OCR value
    /// with the document (`check`); print, sign and stamp a generated letter (`sign-first`);
    /// shorten it (`too-long`); type it in the console (`to-fill`).
    FieldStatus { Filled = "filled", Check = "check", SignFirst = "sign-first", TooLong = "too-long", ToFill = "to-fill" }
);

impl FieldStatus {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            FieldStatus::Filled => ("已填", "filled"),
            FieldStatus::Check => ("请核对", "check"),
            FieldStatus::SignFirst => ("盖章后上传", "stamp first"),
            FieldStatus::TooLong => ("超长", "too long"),
            FieldStatus::ToFill => ("待填写", "to fill"),
        };
        Text::new(zh, en)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SheetField {
    pub step: FormStep,
    pub api: String,
    pub field: String,
    pub label: Text,
    /// For `template` fields: which of the case's templates (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<usize>,
    pub value: Option<String>,
    pub status: FieldStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    pub source: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FieldSheet {
    pub format: &'static str,
    pub vendor: Vendor,
    pub profile_version: String,
    pub fields: Vec<SheetField>,
    /// What follows the approval (the carriers' real-name reporting), so nobody plans a launch
    /// on the approval date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_approval: Option<crate::guide::Fact>,
}

/// A file of the bundle and the role it stands for.
#[derive(Clone, Debug)]
pub struct BundlePath {
    pub role: Role,
    pub path: String,
    /// A letter qualkit generated: it still has to be signed and stamped.
    pub generated: bool,
}

/// What the sheet is made from.
pub struct SheetInput<'a> {
    pub case: &'a CaseData,
    pub profile: &'a VendorProfile,
    pub files: &'a [BundlePath],
    pub readings: &'a [(Role, Reading)],
    pub letter: &'a LetterOptions,
}

/// Checks a profile's `value` expression when the profile is loaded, so a typo in the data
/// fails every test instead of leaving a field silently empty.
pub fn check_expression(expression: Option<&str>, step: FormStep) -> Result<(), String> {
    let Some(expression) = expression else { return Ok(()) };
    if expression.starts_with('=') || PATHS.contains(&expression) {
        return Ok(());
    }
    if TEMPLATE_PATHS.contains(&expression) {
        return if step == FormStep::Template {
            Ok(())
        } else {
            Err(format!("`{expression}` only in template fields"))
        };
    }
    if let Some(role) = expression.strip_prefix("file:") {
        return Role::parse(role).map(|_| ()).ok_or_else(|| format!("unknown role `{role}`"));
    }
    if let Some(rest) = expression.strip_prefix("read:") {
        let (role, key) = rest.split_once('.').ok_or_else(|| format!("`{expression}`: read:<role>.<field>"))?;
        let role = Role::parse(role).ok_or_else(|| format!("unknown role `{role}`"))?;
        let kind = DocKind::for_role(role).ok_or_else(|| format!("qualkit does not read `{role}`"))?;
        return if kind.fields().contains(&key) { Ok(()) } else { Err(format!("`{role}` has no field `{key}`")) };
    }
    Err(format!("unknown value `{expression}`"))
}

/// The vendor's fields for this case, in the order they are submitted: qualification first,
/// templates last, one block of template fields per template.
pub fn field_sheet(input: &SheetInput) -> FieldSheet {
    let case = input.case;
    let applies = |field: &FormField| {
        (field.applicants.is_empty() || field.applicants.contains(&case.applicant.kind))
            && (field.uses.is_empty() || field.uses.contains(&signature_use(case)))
            && (field.signature_sources.is_empty()
                || case.signature.as_ref().is_some_and(|s| field.signature_sources.contains(&s.source)))
    };
    let mut fields = Vec::new();
    for step in FormStep::ALL {
        let form = input.profile.form.iter().filter(|f| f.step == *step && applies(f));
        if *step == FormStep::Template {
            for (index, template) in case.templates.iter().enumerate() {
                for field in form.clone() {
                    fields.push(sheet_field(input, field, Some((index + 1, template))));
                }
            }
        } else {
            fields.extend(form.map(|field| sheet_field(input, field, None)));
        }
    }
    FieldSheet {
        format: FORMAT,
        vendor: input.profile.vendor,
        profile_version: input.profile.version.clone(),
        fields,
        // A compiled-in asset that tests parse; were it broken, the sheet would still be written.
        after_approval: crate::guide::after_approval().ok(),
    }
}

fn signature_use(case: &CaseData) -> SignatureUse {
    case.signature.as_ref().map_or(SignatureUse::SelfUse, |s| s.usage)
}

/// A value as resolved, before the vendor's code map, and how sure it is.
struct Resolved {
    value: String,
    status: FieldStatus,
    /// Replaces the profile's hint: what this value rests on.
    hint: Option<Text>,
}

impl Resolved {
    fn filled(value: impl Into<String>) -> Resolved {
        Resolved { value: value.into(), status: FieldStatus::Filled, hint: None }
    }
}

fn sheet_field(input: &SheetInput, field: &FormField, template: Option<(usize, &Template)>) -> SheetField {
    let resolved = field.value.as_deref().and_then(|e| resolve(input, e, template));
    let mut hint = field.hint.clone();
    let missing_material = field.value.as_deref().and_then(|e| e.strip_prefix("file:")).and_then(Role::parse);
    if let (None, Some(role)) = (&resolved, missing_material) {
        let label = role.label();
        hint = Some(Text::new(
            format!("案卷里还没有“{}”：先添加这份材料", label.zh),
            format!("the case has no {} yet: add it first", label.en),
        ));
    }
    if let Some(own) = resolved.as_ref().and_then(|r| r.hint.clone()) {
        hint = Some(own);
    }
    let (value, mut status) = match resolved {
        None => (None, FieldStatus::ToFill),
        Some(r) if field.map.is_empty() => (Some(r.value), r.status),
        Some(r) => match field.map.get(&r.value) {
            Some(code) => (Some(code.clone()), r.status),
            None => {
                let known = field.map.keys().cloned().collect::<Vec<_>>().join("、");
                hint = Some(Text::new(
                    format!("{}没有对应的{}（它接受：{known}）", r.value, field.label.zh),
                    format!("{} has no {} code at this vendor (it takes: {known})", r.value, field.label.en),
                ));
                (None, FieldStatus::ToFill)
            }
        },
    };
    if let (Some(value), Some(max)) = (&value, field.max_chars)
        && value.chars().count() > max as usize
    {
        status = FieldStatus::TooLong;
    }
    if status == FieldStatus::SignFirst && hint.is_none() {
        hint = Some(Text::new(
            "这是 qualkit 生成的草稿：打印，签字并加盖公章后，扫描上传扫描件",
            "a draft qualkit generated: print it, sign and stamp it, then upload the scan",
        ));
    }
    SheetField {
        step: field.step,
        api: field.api.clone(),
        field: field.field.clone(),
        label: field.label.clone(),
        template: template.map(|(n, _)| n),
        value,
        status,
        max_chars: field.max_chars,
        hint,
        source: field.source.clone(),
    }
}

fn resolve(input: &SheetInput, expression: &str, template: Option<(usize, &Template)>) -> Option<Resolved> {
    let case = input.case;
    if let Some(literal) = expression.strip_prefix('=') {
        return Some(Resolved::filled(literal));
    }
    if let Some(role) = expression.strip_prefix("file:") {
        return bundle_file(input.files, Role::parse(role)?);
    }
    if let Some(rest) = expression.strip_prefix("read:") {
        let (role, key) = rest.split_once('.')?;
        return read(input.readings, Role::parse(role)?, key);
    }
    let third_party = signature_use(case) == SignatureUse::ThirdParty;
    let applicant = &case.applicant;
    let individual = applicant.kind == ApplicantKind::Individual;
    let signature = case.signature.as_ref();
    let landing = case.landing.as_ref();
    let text = |value: Option<&String>| value.filter(|v| !v.trim().is_empty()).map(|v| Resolved::filled(v.as_str()));
    match expression {
        "applicant.kind" => Some(Resolved::filled(applicant.kind.as_str())),
        "applicant.name" => text(Some(&applicant.name)),
        "applicant.uscc" => text(applicant.uscc.as_ref()),
        "applicant.legal_rep" => text(applicant.legal_rep.as_ref()),
        "applicant.legal_rep_id_number" => text(applicant.legal_rep_id_number.as_ref()),
        "applicant.id_number" => text(applicant.id_number.as_ref()),
        "applicant.phone" => text(applicant.phone.as_ref()),
        "applicant.established" => applicant.established.map(|d| Resolved::filled(d.to_string())),
        "subject.name" if third_party => text(signature.and_then(|s| s.owner.as_ref())),
        "subject.name" => text(Some(&applicant.name)),
        "subject.uscc" if third_party => text(signature.and_then(|s| s.owner_uscc.as_ref())),
        "subject.uscc" => text(applicant.uscc.as_ref()),
        "subject.legal_rep" if third_party => read(input.readings, Role::OwnerBusinessLicense, "legal_rep"),
        "subject.legal_rep" => text(applicant.legal_rep.as_ref()),
        // Aliyun's QualificationName takes no symbols: the company name without its brackets
        // and dots.
        "subject.qualification_name" => {
            let name = if third_party { signature.and_then(|s| s.owner.as_ref()) } else { Some(&applicant.name) };
            let name: String = name?.chars().filter(|c| crate::text::is_han(*c) || c.is_alphanumeric()).collect();
            (!name.is_empty()).then(|| Resolved::filled(name))
        }
        "applicant.organisation" => Some(Resolved::filled(organisation(input))),
        // A company signature of a public body is a type of its own (Tencent's SignType 5).
        "signature.type" => signature.map(|s| match (s.source, organisation(input)) {
            (SignatureSource::Company, "public-body") => Resolved::filled("public-body"),
            (source, _) => Resolved::filled(source.as_str()),
        }),
        "subject.legal_rep_id_number" if third_party => None,
        "subject.legal_rep_id_number" => text(applicant.legal_rep_id_number.as_ref()),
        // An individual is their own handler.
        "handler.name" => text(case.handler.as_ref().map(|h| &h.name).or(individual.then_some(&applicant.name))),
        "handler.id_number" => text(
            case.handler
                .as_ref()
                .and_then(|h| h.id_number.as_ref())
                .or(applicant.id_number.as_ref().filter(|_| individual)),
        ),
        "handler.id_validity" => id_validity(input.readings, &[Role::HandlerIdBack, Role::HandlerIdFront]),
        "subject.legal_rep_id_validity" if third_party => None,
        "subject.legal_rep_id_validity" => id_validity(input.readings, &[Role::LegalRepIdBack, Role::LegalRepIdFront]),
        "handler.phone" => text(
            case.handler.as_ref().and_then(|h| h.phone.as_ref()).or(applicant.phone.as_ref().filter(|_| individual)),
        ),
        "signature.name" => text(signature.map(|s| &s.name)),
        "signature.source" => signature.map(|s| Resolved::filled(s.source.as_str())),
        "signature.use" => Some(Resolved::filled(signature_use(case).as_str())),
        "signature.owner" => text(signature.and_then(|s| s.owner.as_ref())),
        "signature.owner_uscc" => text(signature.and_then(|s| s.owner_uscc.as_ref())),
        "landing.kind" => landing.map(|l| Resolved::filled(l.kind.as_str())),
        "landing.name" => text(landing.map(|l| &l.name)),
        "landing.domain" => text(landing.and_then(|l| l.domain.as_ref())),
        "landing.icp_number" => text(landing.and_then(|l| l.icp_number.as_ref())),
        "landing.scenario" => text(landing.and_then(|l| l.scenario.as_ref())),
        "landing.test_account" => text(landing.and_then(|l| l.test_account.as_ref())),
        "templates.kind" => templates_kind(case).map(|k| Resolved::filled(k.as_str())),
        "letter.name" => {
            let owner = signature.and_then(|s| s.owner.as_ref())?;
            Some(Resolved::filled(format!("{owner}授权委托书{}", input.letter.date.format("%Y%m%d"))))
        }
        "letter.signatures" => {
            let mut names: Vec<&str> = signature.map(|s| s.name.as_str()).into_iter().collect();
            names.extend(input.letter.extra_signatures.iter().map(String::as_str));
            (!names.is_empty()).then(|| Resolved::filled(names.join(",")))
        }
        "letter.validity" => {
            let (from, to) = crate::letter::validity(input.letter);
            Some(Resolved::filled(format!("{from}~{to}")))
        }
        "letter.valid_from" => Some(Resolved::filled(crate::letter::validity(input.letter).0.to_string())),
        "letter.valid_to" => Some(Resolved::filled(crate::letter::validity(input.letter).1.to_string())),
        "template.name" => template.map(|(n, t)| match &t.name {
            Some(name) if !name.trim().is_empty() => Resolved::filled(name.as_str()),
            _ => {
                let signature = signature.map_or("", |s| s.name.as_str());
                Resolved::filled(format!("{signature}{}模板{n}", t.kind.label().zh))
            }
        }),
        "template.text" => template.map(|(_, t)| {
            Resolved::filled(crate::template::parse(&t.text).render(input.profile.templates.variable_syntax.value))
        }),
        "template.type" => template.map(|(_, t)| Resolved::filled(t.kind.as_str())),
        "template.variables" => template.and_then(|(_, t)| variable_attributes(input, t)),
        "template.remark" => template.map(|(_, t)| {
            let example = crate::lint::example_message(&crate::lint::TemplateInput::of_case(case, t));
            let scenario = landing.and_then(|l| l.scenario.as_deref()).filter(|s| !s.trim().is_empty());
            Resolved::filled(match scenario {
                Some(scenario) => format!("{scenario}。示例：{example}"),
                None => format!("示例：{example}"),
            })
        }),
        _ => None,
    }
}

/// `public-body` for a government body, public institution or social organisation, else
/// `company`, from the credit code and the licence's type as read.
fn organisation(input: &SheetInput) -> &'static str {
    let applicant = &input.case.applicant;
    let licence_type = read(input.readings, Role::BusinessLicense, "type").map(|r| r.value);
    let form = crate::ident::Organisation::of(applicant.uscc.as_deref(), &applicant.name, licence_type.as_deref());
    if form.is_some_and(crate::ident::Organisation::public_body) { "public-body" } else { "company" }
}

/// Each variable's attribute in the vendor's terms: Aliyun's TemplateRule JSON
/// (`{"code":"numberCaptcha"}`), Huawei's attributes in position order (`${1}=CHARDIGIT`). To be
/// checked when a type was inferred or the vendor has no attribute for it; the hint says which.
fn variable_attributes(input: &SheetInput, t: &Template) -> Option<Resolved> {
    let uses = crate::lint::variable_uses(input.profile, &crate::lint::TemplateInput::of_case(input.case, t));
    if uses.is_empty() {
        return None;
    }
    let attribute = |u: &crate::lint::VariableUse| u.attribute.clone().unwrap_or_else(|| "?".to_string());
    let value = match input.profile.templates.variable_syntax.value {
        crate::profile::VariableSyntax::DollarNamed => {
            let pairs: serde_json::Map<String, serde_json::Value> =
                uses.iter().map(|u| (u.name.clone(), serde_json::Value::String(attribute(u)))).collect();
            serde_json::Value::Object(pairs).to_string()
        }
        _ => uses
            .iter()
            .enumerate()
            .map(|(i, u)| format!("${{{}}}={}", i + 1, attribute(u)))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let unsettled: Vec<&crate::lint::VariableUse> =
        uses.iter().filter(|u| u.attribute.is_none() || u.typed_by != crate::template::TypedBy::Declared).collect();
    if unsettled.is_empty() {
        return Some(Resolved::filled(value));
    }
    let describe = |lang: Lang| {
        unsettled
            .iter()
            .map(|u| format!("${{{}}} {}（{}）", u.name, u.kind.label().get(lang), u.typed_by.describe().get(lang)))
            .collect::<Vec<_>>()
            .join("；")
    };
    Some(Resolved {
        value,
        status: FieldStatus::Check,
        hint: Some(Text::new(
            format!(
                "请核对变量类型：{}。在 case.toml 的模板下写 variables = {{ 名称 = \"类型\" }} 即可声明",
                describe(Lang::Zh)
            ),
            format!(
                "check the variable types: {}. Declare them under the template in case.toml: variables = {{ name = \"type\" }}",
                describe(Lang::En)
            ),
        )),
    })
}

/// The strictest kind among the case's templates: a signature that sends marketing is a
/// marketing signature; one that sends only codes is a verification signature.
fn templates_kind(case: &CaseData) -> Option<TemplateType> {
    let kinds: Vec<TemplateType> = case.templates.iter().map(|t| t.kind).collect();
    [TemplateType::Marketing, TemplateType::Notification, TemplateType::Verification]
        .into_iter()
        .find(|k| kinds.contains(k))
}

/// The bundle path of a role's files: the user's own scans first; a generated letter only when
/// there is no scan, and then it must be stamped first.
fn bundle_file(files: &[BundlePath], role: Role) -> Option<Resolved> {
    let scans: Vec<&str> = files.iter().filter(|f| f.role == role && !f.generated).map(|f| f.path.as_str()).collect();
    if !scans.is_empty() {
        return Some(Resolved::filled(scans.join("; ")));
    }
    files.iter().find(|f| f.role == role && f.generated).map(|f| Resolved {
        value: f.path.clone(),
        status: FieldStatus::SignFirst,
        hint: None,
    })
}

fn read(readings: &[(Role, Reading)], role: Role, key: &str) -> Option<Resolved> {
    let field: &Field = readings.iter().filter(|(r, _)| *r == role).find_map(|(_, reading)| reading.field(key))?;
    let confirmed = field.confidence >= 1.0 && field.uncertain.is_empty();
    let status = if confirmed { FieldStatus::Filled } else { FieldStatus::Check };
    Some(Resolved { value: field.value.clone(), status, hint: None })
}

/// An ID card's validity as Aliyun's forms take it, from the emblem side read (or a copy of both
/// sides uploaded as either): `2020-01-01~2040-01-01`, a card that never expires (长期) ending
/// 2099-12-31 as Aliyun writes a long term. A value read by OCR is to be checked until a person
/// confirms it.
fn id_validity(readings: &[(Role, Reading)], roles: &[Role]) -> Option<Resolved> {
    let (from, to) = roles.iter().find_map(|role| {
        readings
            .iter()
            .filter(|(r, _)| r == role)
            .find_map(|(_, reading)| Some((reading.field("valid_from")?, reading.field("valid_to")?)))
    })?;
    let end = if to.value == "长期" { "2099-12-31" } else { to.value.as_str() };
    let confirmed = [from, to].iter().all(|f| f.confidence >= 1.0 && f.uncertain.is_empty());
    let status = if confirmed { FieldStatus::Filled } else { FieldStatus::Check };
    let hint = (to.value == "长期").then(|| {
        Text::new(
            "身份证有效期限为“长期”：按阿里云长期的写法填 2099-12-31",
            "The card never expires (长期): written 2099-12-31, as Aliyun writes a long term",
        )
    });
    Some(Resolved { value: format!("{}~{end}", from.value), status, hint })
}

/// The sheet as a reader copies from it: one block per form, each field with its value, or
/// what to type where the case has none.
pub fn sheet_text(sheet: &FieldSheet, profile: &VendorProfile, lang: Lang) -> String {
    let pick = |zh: &str, en: &str| crate::i18n::pick(lang, zh, en);
    let mut out = format!(
        "{} {}（{} {}）\n",
        profile.name.get(lang),
        pick("表单字段", "form fields"),
        pick("规则版本", "profile version"),
        sheet.profile_version
    );
    let counts: Vec<String> = FieldStatus::ALL
        .iter()
        .map(|status| {
            let n = sheet.fields.iter().filter(|f| f.status == *status).count();
            format!("{} {n}", status.label().get(lang))
        })
        .collect();
    out.push_str(&counts.join(&pick("，", ", ")));
    out.push('\n');
    let mut heading = None;
    for field in &sheet.fields {
        let this = (field.step, field.api.as_str(), field.template);
        if heading != Some(this) {
            heading = Some(this);
            let number = field.template.map(|n| format!(" {n}")).unwrap_or_default();
            out.push_str(&format!("\n== {}{number} · {} ==\n", field.step.label().get(lang), field.api));
        }
        let value = field.value.as_deref().unwrap_or("");
        let mark = match (field.status, value.is_empty()) {
            (FieldStatus::Filled, _) => String::new(),
            (other, true) => format!("[{}]", other.label().get(lang)),
            (other, false) => format!("  [{}]", other.label().get(lang)),
        };
        let label = field.label.get(lang);
        // Console forms are keyed by their Chinese labels; say the name once.
        let name = if label == field.field { label.to_string() } else { format!("{label}（{}）", field.field) };
        out.push_str(&format!("{name}：{value}{mark}\n"));
        if let Some(max) = field.max_chars.filter(|_| field.status == FieldStatus::TooLong) {
            out.push_str(&format!(
                "    ↳ {}\n",
                pick(
                    &format!("最多 {max} 个字符，现有 {} 个", value.chars().count()),
                    &format!("at most {max} characters, this has {}", value.chars().count())
                )
            ));
        }
        if let Some(hint) = &field.hint {
            out.push_str(&format!("    ↳ {}\n", hint.get(lang)));
        }
    }
    // Approval is not the launch date: the carriers' reporting follows it.
    if let Some(after) = &sheet.after_approval {
        out.push_str(&format!(
            "\n== {} ==\n{}\n    ↳ {}\n",
            pick("审核通过之后", "after approval"),
            after.text.get(lang),
            after.source
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_typo_is_caught_when_the_profile_loads() {
        assert!(check_expression(Some("applicant.name"), FormStep::Qualification).is_ok());
        assert!(check_expression(Some("read:trademark-certificate.reg_number"), FormStep::Signature).is_ok());
        assert!(check_expression(Some("=identityCard"), FormStep::Qualification).is_ok());
        assert!(check_expression(Some("read:handler-id-front.name"), FormStep::Qualification).is_ok());
        assert!(check_expression(None, FormStep::Qualification).is_ok());
        for (bad, step) in [
            ("applicant.nmae", FormStep::Qualification),
            ("template.text", FormStep::Signature),
            ("file:licence", FormStep::Qualification),
            ("read:icp-record.registrant", FormStep::AppIcp),
            ("read:handler-id-front.registrant", FormStep::Qualification),
        ] {
            assert!(check_expression(Some(bad), step).is_err(), "{bad}");
        }
        // Every bundled profile's form passes.
        for vendor in Vendor::ALL {
            let profile = VendorProfile::load(*vendor).unwrap_or_else(|e| panic!("{e}"));
            assert!(profile.form.iter().any(|f| f.step == FormStep::Template), "{vendor}");
        }
    }
}
