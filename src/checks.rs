//! Every rule over a whole case, for one vendor: the signature and templates linted in the
//! case's context, names and numbers compared across documents, the four-way binding of seed
//! 000, red-line industries, risk flags, and the material files themselves.

use chrono::NaiveDate;

use crate::case::{
    ApplicantKind, CaseData, CompanyStatus, Industry, LandingKind, Person, Role, SignatureSource, SignatureUse,
    TemplateType,
};
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::ident::{self, Organisation};
use crate::lint::{self, SignatureContext, TemplateInput};
use crate::matching::{self, DifferenceKind};
use crate::profile::VendorProfile;
use crate::reading::{DocKind, Reading};
use crate::requirements::{Finding, established_within_a_month};
use crate::rules::{Catalog, CompareMode, Comparison, Findings, Words, arg, arg_text};
use crate::scan::{ColourStats, RED_SEAL_MIN};
use crate::store::{Case, HandlerElsewhere, Material};
use crate::text;

/// What the checks know besides the case: the readings of its materials, and the colour of
/// its licence and letter images (measured by the caller, which caches them).
pub struct Evidence<'a> {
    pub readings: &'a [(Material, Reading)],
    pub colours: &'a [(Material, ColourStats)],
    pub today: NaiveDate,
    /// Other cases of the store whose handler has this case's handler's ID number.
    pub handler_elsewhere: &'a [HandlerElsewhere],
}

/// An application description shorter than this cannot name page, user and purpose.
const MIN_SCENARIO_CHARS: usize = 10;

pub fn case_findings(case: &Case, profile: &VendorProfile, evidence: &Evidence<'_>) -> Result<Vec<Finding>> {
    let catalog = Catalog::get()?;
    let mut out = Findings::new(catalog, profile);
    applicant(&mut out, case, evidence);
    signature(&mut out, case, evidence);
    templates(&mut out, case);
    templates_in_context(&mut out, case, evidence);
    industries(&mut out, case, evidence);
    documents(&mut out, case, evidence);
    binding(&mut out, case);
    red_lines(&mut out, case, evidence);
    risk(&mut out, case, evidence);
    handler_elsewhere(&mut out, case, evidence);
    expiries(&mut out, evidence);
    id_cards(&mut out, case, evidence);
    materials(&mut out, case, evidence);
    landing(&mut out, case);
    Ok(out.into_vec())
}

/// The qualified company: the applicant, or the signature's owner for third-party use.
fn subject(case: &Case) -> (Option<&str>, Option<&str>) {
    let data = &case.data;
    match &data.signature {
        Some(s) if s.usage == SignatureUse::ThirdParty => (s.owner.as_deref(), s.owner_uscc.as_deref()),
        _ if data.applicant.kind == ApplicantKind::Enterprise => {
            (Some(data.applicant.name.as_str()), data.applicant.uscc.as_deref())
        }
        _ => (None, None),
    }
}

fn first_field<'a>(evidence: &'a Evidence<'_>, role: Role, key: &str) -> Option<&'a str> {
    evidence.readings.iter().filter(|(m, _)| m.role == role).find_map(|(_, r)| r.field(key)).map(|f| f.value.as_str())
}

fn signature(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let Some(signature) = &case.data.signature else { return };
    let app_name = first_field(evidence, Role::IcpRecord, "site_name")
        .or_else(|| first_field(evidence, Role::AppListing, "app_name"))
        .or_else(|| case.data.landing.as_ref().filter(|l| l.kind == LandingKind::App).map(|l| l.name.as_str()));
    let context = SignatureContext {
        source: Some(signature.source),
        company: subject(case).0,
        app_name: if signature.source == SignatureSource::App { app_name } else { None },
        mark: first_field(evidence, Role::TrademarkCertificate, "mark"),
    };
    let start = out.list.len();
    lint::signature_findings(out, &signature.name, &context);
    personal_name(out, case, evidence, &signature.name);
    for finding in out.list.iter_mut().skip(start) {
        finding.field = Some("signature.name".to_string());
    }
    one_template_type(out, case);
    app_download_link(out, case, evidence, signature.source);
    acceptance_notice(out, evidence, signature.source);
}

/// A signature that is the name of a person in the case: the legal representative (as declared
/// or read), the handler, or the individual applicant.
fn personal_name(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>, name: &str) {
    let Some(rule) = out.profile.signature.personal_names_allowed.clone().filter(|r| !r.value) else { return };
    let data = &case.data;
    let legal_rep = Text::new("法定代表人", "legal representative");
    let mut people: Vec<(&str, Text)> = Vec::new();
    people.extend(data.applicant.legal_rep.as_deref().map(|n| (n, legal_rep.clone())));
    people.extend(first_field(evidence, Role::BusinessLicense, "legal_rep").map(|n| (n, legal_rep.clone())));
    people.extend(data.handler.as_ref().map(|h| (h.name.as_str(), Text::new("经办人", "handler"))));
    if data.applicant.kind == ApplicantKind::Individual {
        people.push((data.applicant.name.as_str(), Text::new("申请人", "applicant")));
    }
    let name = name.trim();
    if let Some((_, who)) = people.into_iter().find(|(person, _)| !name.is_empty() && person.trim() == name) {
        let source = out.cite(&rule.source);
        let args = [arg("name", name), arg("who", &who.zh), arg("who_en", &who.en)];
        out.add("signature.personal_name", &args).source = source;
    }
}

/// Huawei's signatures are of one type each (验证码类, 通知类, 推广类): a case whose templates
/// are of several types needs as many signatures.
fn one_template_type(out: &mut Findings<'_>, case: &Case) {
    let Some(rule) = out.profile.signature.one_template_type.clone().filter(|r| r.value) else { return };
    let mut kinds: Vec<TemplateType> = case.data.templates.iter().map(|t| t.kind).collect();
    kinds.sort();
    kinds.dedup();
    if kinds.len() > 1 {
        let types = kinds.iter().map(|k| k.label()).collect::<Vec<_>>();
        let zh = types.iter().map(|t| t.zh.as_str()).collect::<Vec<_>>().join("、");
        let en = types.iter().map(|t| t.en.as_str()).collect::<Vec<_>>().join(", ");
        let source = out.cite(&rule.source);
        let f = out.add("signature.mixed_types", &[arg_text("types", Text::new(zh, en))]);
        f.source = source;
        f.field = Some("templates".into());
    }
}

/// An App signature with neither the App's store link nor a store listing screenshot.
fn app_download_link(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>, source: SignatureSource) {
    let Some(rule) = out.profile.signature.app_download_link_required.clone().filter(|r| r.value) else { return };
    let has_link = case.data.landing.as_ref().is_some_and(|l| l.store_url.is_some());
    let has_listing = evidence.readings.iter().any(|(m, _)| m.role == Role::AppListing)
        || case.materials.iter().any(|m| m.role == Role::AppListing);
    if source == SignatureSource::App && !has_link && !has_listing {
        let cite = out.cite(&rule.source);
        let f = out.add("landing.app_download_link", &[]);
        f.source = cite;
        f.field = Some("landing.store_url".into());
    }
}

/// A trademark signature proved by the acceptance notice instead of the registration certificate.
fn acceptance_notice(out: &mut Findings<'_>, evidence: &Evidence<'_>, source: SignatureSource) {
    let Some(rule) = out.profile.signature.acceptance_notice_accepted.clone().filter(|r| !r.value) else { return };
    if source != SignatureSource::Trademark {
        return;
    }
    for (material, reading) in evidence.readings.iter().filter(|(m, _)| m.role == Role::TrademarkCertificate) {
        if reading.field("document").is_some_and(|f| f.value.contains("受理通知书")) {
            let cite = out.cite(&rule.source);
            let f = out.add("trademark.acceptance_notice", &[arg("file", &material.original_name)]);
            f.source = cite;
            f.material = Some(material.role);
            f.material_id = Some(material.id);
            f.field = Some("document".into());
        }
    }
}

/// What the applicant is and how its name and licence must look: a sole proprietorship or
/// partnership where only legal-person enterprises are taken; a government body, public
/// institution or social organisation, which applies as a type of its own; the symbols the
/// vendor's company-name field takes; the fields the licence image must show.
fn applicant(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let applicant = &case.data.applicant;
    if applicant.kind != ApplicantKind::Enterprise {
        return;
    }
    // The profile outlives `out`'s borrow: no copy of its rules.
    let rules = &out.profile.applicants;
    let licence_type = first_field(evidence, Role::BusinessLicense, "type");
    let organisation = Organisation::of(applicant.uscc.as_deref(), &applicant.name, licence_type);
    let refused = match organisation {
        Some(Organisation::SoleProprietorship) => rules.sole_proprietorship.as_ref(),
        Some(Organisation::Partnership) => rules.partnership.as_ref(),
        _ => None,
    };
    if let (Some(rule), Some(form)) = (refused.filter(|r| !r.value), organisation) {
        let why = match licence_type {
            Some(t) if Organisation::of(None, "", Some(t)) == Some(form) => {
                Text::new(format!("营业执照类型为“{t}”"), format!("the licence's type is “{t}”"))
            }
            _ => Text::new(format!("名称为“{}”", applicant.name), format!("the name is “{}”", applicant.name)),
        };
        let label = form.label();
        let args = [arg("form", &label.zh), arg("form_en", &label.en), arg("why", &why.zh), arg("why_en", &why.en)];
        let source = out.cite(&rule.source);
        let f = out.add("applicant.business_form", &args);
        f.source = source;
        f.field = Some("applicant.name".into());
    }
    if let (Some(rule), Some(form)) = (rules.public_body.as_ref().filter(|r| r.value), organisation)
        && form.public_body()
    {
        let prefix: String =
            applicant.uscc.as_deref().map(ident::fold_code).unwrap_or_default().chars().take(2).collect();
        let label = form.label();
        let how = rule.note.clone().unwrap_or_else(|| Text::new("按机关事业单位类型申请", "apply as a public body"));
        let args = [arg("prefix", prefix), arg("form", &label.zh), arg("form_en", &label.en), arg_text("how", how)];
        let source = out.cite(&rule.source);
        let f = out.add("applicant.public_body", &args);
        f.source = source;
        f.field = Some("applicant.uscc".into());
    }
    if let Some(rule) = &rules.name_symbols
        && let Some(name) = subject(case).0
    {
        let allowed = &rule.value;
        let mut bad: Vec<char> =
            name.chars().filter(|c| !(text::is_han(*c) || c.is_alphanumeric() || allowed.contains(*c))).collect();
        bad.dedup();
        if !bad.is_empty() {
            let chars = bad.iter().map(|c| format!("“{c}”")).collect::<Vec<_>>().join(" ");
            let shown = allowed.chars().filter(|c| *c != ' ').collect::<String>() + " 空格";
            let source = out.cite(&rule.source);
            let f = out.add("applicant.name_symbols", &[arg("chars", chars), arg("allowed", shown)]);
            f.source = source;
            f.field = Some("applicant.name".into());
        }
    }
    if let Some(rule) = &rules.licence_fields {
        for (material, reading) in evidence.readings.iter().filter(|(m, _)| m.role == Role::BusinessLicense) {
            let missing: Vec<Text> = rule
                .value
                .iter()
                .filter(|key| reading.field(key).is_none() && !(*key == "uscc" && reading.field("reg_no").is_some()))
                .map(|key| match key.as_str() {
                    "name" => Text::new("企业名称", "the company name"),
                    "uscc" => Text::new("统一社会信用代码", "the credit code"),
                    "term" => Text::new("营业期限（证件有效期）", "the term (validity)"),
                    other => Text::new(other, other),
                })
                .collect();
            if missing.is_empty() {
                continue;
            }
            let zh = missing.iter().map(|t| t.zh.as_str()).collect::<Vec<_>>().join("、");
            let en = missing.iter().map(|t| t.en.as_str()).collect::<Vec<_>>().join(", ");
            let en = format!("{}{}", en.get(..1).unwrap_or_default().to_uppercase(), en.get(1..).unwrap_or_default());
            let source = out.cite(&rule.source);
            let f = out.add("material.licence_fields", &[arg("fields", zh), arg("fields_en", en)]);
            f.source = source;
            f.material = Some(material.role);
            f.material_id = Some(material.id);
        }
    }
}

fn templates(out: &mut Findings<'_>, case: &Case) {
    for (i, template) in case.data.templates.iter().enumerate() {
        let input = TemplateInput::of_case(&case.data, template);
        let start = out.list.len();
        lint::template_findings(out, &input);
        for finding in out.list.iter_mut().skip(start) {
            finding.field = Some(format!("templates.{i}"));
        }
    }
}

/// Rules on a template that need the rest of the case: whose company it speaks for, whether a
/// third-party signature may carry it, and whether its links are the landing's own.
fn templates_in_context(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let data = &case.data;
    let (profile, catalog) = (out.profile, out.catalog);
    let (template_rules, signature_rules, words) = (&profile.templates, &profile.signature, &catalog.words);
    let subject_name = subject(case).0.unwrap_or(data.applicant.name.as_str()).to_string();
    let ours: Vec<&str> = [Some(subject_name.as_str()), data.signature.as_ref().map(|s| s.name.as_str())]
        .into_iter()
        .flatten()
        .chain(data.landing.as_ref().and_then(|l| l.operator.as_deref()))
        .collect();
    let mut domains: Vec<String> = data.landing.as_ref().and_then(|l| l.domain.clone()).into_iter().collect();
    domains.extend(
        evidence
            .readings
            .iter()
            .filter(|(m, _)| m.role == Role::IcpRecord)
            .filter_map(|(_, r)| r.field("domain"))
            .map(|f| f.value.clone()),
    );
    let third_party = data.signature.as_ref().is_some_and(|s| s.usage == SignatureUse::ThirdParty);
    for (i, template) in data.templates.iter().enumerate() {
        let field = format!("templates.{i}");
        if let Some(rule) = template_rules.other_company_allowed.as_ref().filter(|r| !r.value) {
            for (span, company) in company_names(&template.text) {
                if !ours.iter().any(|own| same_company(&company, own, &words.generic_name_parts.words)) {
                    let source = out.cite(&rule.source);
                    let f =
                        out.add("template.other_company", &[arg("company", &company), arg("subject", &subject_name)]);
                    f.source = source;
                    f.span = Some(span);
                    f.field = Some(field.clone());
                }
            }
        }
        if let Some(rule) = signature_rules.third_party_finance_allowed.as_ref().filter(|r| !r.value)
            && third_party
            && let Some(hit) = Words::find(&template.text, &words.finance_words.words).into_iter().next()
        {
            let source = out.cite(&rule.source);
            let f = out.add("template.third_party_finance", &[arg("word", &hit.word)]);
            f.source = source;
            f.span = Some(hit.span);
            f.field = Some(field.clone());
        }
        if let Some(rule) = template_rules.links_owned_by_subject.as_ref().filter(|r| r.value)
            && let Some(domain) = domains.first()
        {
            let parsed = crate::template::parse(&template.text);
            for (span, link, has_variable) in lint::template_links(&template.text, &parsed, &words.link_tlds.words) {
                let host = text::link_host(&link);
                if has_variable
                    || words.short_link_hosts.words.contains(&host)
                    || domains.iter().any(|d| lint::host_within(&host, d))
                {
                    continue;
                }
                let source = out.cite(&rule.source);
                let f = out.add("template.link_domain", &[arg("host", &host), arg("domain", domain)]);
                f.source = source;
                f.span = Some(span);
                f.field = Some(field.clone());
            }
        }
    }
}

/// Names of companies in a text: a run of Han characters ending in a legal form
/// (有限公司, 股份有限公司, 集团 …), with its span.
fn company_names(text: &str) -> Vec<([usize; 2], String)> {
    const FORMS: [&str; 4] = ["有限责任公司", "股份有限公司", "有限公司", "集团"];
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut end = 0;
    while end < chars.len() {
        let Some(form) = FORMS.iter().find(|f| {
            let form: Vec<char> = f.chars().collect();
            chars.get(end..end + form.len()) == Some(form.as_slice())
        }) else {
            end += 1;
            continue;
        };
        let form_len = form.chars().count();
        // The trade name and region before the form: at most 20 Han characters (or brackets).
        let mut start = end;
        while start > 0
            && end - start < 20
            && chars.get(start - 1).is_some_and(|c| text::is_han(*c) || matches!(c, '（' | '）' | '(' | ')'))
        {
            start -= 1;
        }
        if end - start >= 2 {
            found
                .push(([start, end + form_len], chars.get(start..end + form_len).unwrap_or_default().iter().collect()));
        }
        end += form_len;
    }
    found
}

/// Whether a company named in a template (with whatever words the sentence put before it) is
/// `own`: some tail of its trade name is part of `own` and holds two characters or more besides
/// region, industry and legal-form words (网络科技 alone is anybody's).
fn same_company(named: &str, own: &str, generic: &[String]) -> bool {
    let chars: Vec<char> = named.chars().collect();
    (0..chars.len()).any(|start| {
        let tail: String = chars.get(start..).unwrap_or_default().iter().collect();
        let mut distinctive = tail.clone();
        for (span, _) in text::find_words(&tail, generic).into_iter().rev() {
            let before: String = distinctive.chars().take(span[0]).collect();
            let after: String = distinctive.chars().skip(span[1]).collect();
            distinctive = before + &after;
        }
        distinctive.chars().count() >= 2 && own.contains(&tail)
    })
}

/// The industry the case declares, or the one its licence's business scope suggests, against
/// the template types the vendor opens to that industry.
fn industries(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let data = &case.data;
    let (industry, suggested_by) = match data.applicant.industry {
        Some(Industry::Other) => return,
        Some(industry) => (industry, None),
        None => {
            let Some(scope) = first_field(evidence, Role::BusinessLicense, "scope") else { return };
            let Some((industry, word)) = suggested_industry(&out.catalog.words.industries, scope) else { return };
            (industry, Some(word))
        }
    };
    let Some(rule) = out.profile.industries.get(&industry).cloned() else { return };
    let allowed = if rule.template_types.is_empty() {
        Text::new("（无）", "no")
    } else {
        let labels: Vec<Text> = rule.template_types.iter().map(|t| t.label()).collect();
        Text::new(
            labels.iter().map(|t| t.zh.as_str()).collect::<Vec<_>>().join("、"),
            labels.iter().map(|t| t.en.as_str()).collect::<Vec<_>>().join(", "),
        )
    };
    for (i, template) in data.templates.iter().enumerate().filter(|(_, t)| !rule.template_types.contains(&t.kind)) {
        let mut args = vec![
            arg_text("industry", industry.label()),
            arg_text("allowed", allowed.clone()),
            arg_text("type", template.kind.label()),
        ];
        let id = match &suggested_by {
            Some(word) => {
                args.extend([arg("word", word), arg("id", industry.as_str())]);
                "industry.suggested"
            }
            None => "industry.template_type",
        };
        let source = out.cite(&rule.source);
        let f = out.add(id, &args);
        f.source = source;
        f.field = Some(format!("templates.{i}"));
    }
}

/// The first industry whose words the scope holds, outside the brackets that exclude an
/// activity (（不含…）, （除…）).
pub fn suggested_industry(industries: &[crate::rules::IndustryWords], scope: &str) -> Option<(Industry, String)> {
    let mut kept = String::new();
    let mut excluded_depth = 0usize;
    let chars: Vec<char> = scope.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '（' | '(' => {
                let next: String = chars.iter().skip(i + 1).take(2).collect();
                if excluded_depth > 0 || next.starts_with("不含") || next.starts_with('除') {
                    excluded_depth += 1;
                }
                kept.push(*c);
            }
            '）' | ')' => {
                excluded_depth = excluded_depth.saturating_sub(1);
                kept.push(*c);
            }
            _ if excluded_depth > 0 => {}
            _ => kept.push(*c),
        }
    }
    industries
        .iter()
        .find_map(|entry| Words::find(&kept, &entry.words).into_iter().next().map(|hit| (entry.industry, hit.word)))
}

/// The case value a comparison checks against.
fn declared(case: &Case, key: &str) -> Option<String> {
    let data = &case.data;
    let signature = data.signature.as_ref();
    let landing = data.landing.as_ref();
    let value = match key {
        "applicant.name" => Some(data.applicant.name.clone()),
        "applicant.uscc" => data.applicant.uscc.clone(),
        "applicant.legal_rep" => data.applicant.legal_rep.clone(),
        "applicant.established" => data.applicant.established.map(|d| d.format("%Y-%m-%d").to_string()),
        // An individual applicant without a handler of their own is their own handler.
        "handler.name" => match &data.handler {
            Some(handler) => Some(handler.name.clone()),
            None if individual(data) => Some(data.applicant.name.clone()),
            None => None,
        },
        "handler.id_number" => match &data.handler {
            Some(handler) => handler.id_number.clone(),
            None if individual(data) => data.applicant.id_number.clone(),
            None => None,
        },
        // The qualified company's legal representative: the case declares only the applicant's,
        // so for third-party use (the owner's) there is nothing to compare with.
        "subject.legal_rep" if !third_party(data) => data.applicant.legal_rep.clone(),
        "subject.legal_rep_id_number" if !third_party(data) => data.applicant.legal_rep_id_number.clone(),
        "signature.name" => signature.map(|s| s.name.clone()),
        "signature.owner" => signature.and_then(|s| s.owner.clone()),
        "signature.owner_uscc" => signature.and_then(|s| s.owner_uscc.clone()),
        "subject.name" => subject(case).0.map(str::to_string),
        "subject.uscc" => subject(case).1.map(str::to_string),
        "landing.name" => landing.map(|l| l.name.clone()),
        "landing.domain" => landing.and_then(|l| l.domain.clone()),
        "landing.icp_number" => landing.and_then(|l| l.icp_number.clone()),
        _ => None,
    };
    value.filter(|v| !v.trim().is_empty())
}

fn individual(data: &CaseData) -> bool {
    data.applicant.kind == ApplicantKind::Individual
}

fn third_party(data: &CaseData) -> bool {
    data.signature.as_ref().is_some_and(|s| s.usage == SignatureUse::ThirdParty)
}

/// Sets the case field `key` (a `declared` path of the rule catalog) to `value`: the fix for a
/// mismatch where the document is right. `subject.*` is the signature's owner for third-party
/// use, else the applicant, as [`declared`] reads it.
pub fn set_declared(data: &mut CaseData, key: &str, value: &str) -> Result<()> {
    let value = value.trim().to_string();
    let key = match (key, third_party(data)) {
        ("subject.name", true) => "signature.owner",
        ("subject.uscc", true) => "signature.owner_uscc",
        ("subject.name", false) => "applicant.name",
        ("subject.uscc", false) => "applicant.uscc",
        ("subject.legal_rep", false) => "applicant.legal_rep",
        ("subject.legal_rep_id_number", false) => "applicant.legal_rep_id_number",
        // As `declared` reads them: an individual without a handler is their own.
        ("handler.name", _) if data.handler.is_none() && individual(data) => "applicant.name",
        ("handler.id_number", _) if data.handler.is_none() && individual(data) => "applicant.id_number",
        (other, _) => other,
    };
    let missing =
        |what: &str| Error::input(format!("案卷还没有{what}，无法修改"), format!("the case has no {what} to change"));
    match key {
        "applicant.name" => data.applicant.name = value,
        "applicant.uscc" => data.applicant.uscc = Some(value),
        "applicant.legal_rep" => data.applicant.legal_rep = Some(value),
        "applicant.legal_rep_id_number" => data.applicant.legal_rep_id_number = Some(value),
        "applicant.id_number" => data.applicant.id_number = Some(value),
        "handler.name" => {
            data.handler.get_or_insert_with(|| Person { name: String::new(), id_number: None, phone: None }).name =
                value
        }
        "handler.id_number" => {
            data.handler.get_or_insert_with(|| Person { name: String::new(), id_number: None, phone: None }).id_number =
                Some(value)
        }
        "applicant.established" => {
            let date = NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
                Error::input(format!("“{value}”不是 YYYY-MM-DD 日期"), format!("“{value}” is not a YYYY-MM-DD date"))
            })?;
            data.applicant.established = Some(date);
        }
        "signature.name" => data.signature.as_mut().ok_or_else(|| missing("签名"))?.name = value,
        "signature.owner" => data.signature.as_mut().ok_or_else(|| missing("签名"))?.owner = Some(value),
        "signature.owner_uscc" => data.signature.as_mut().ok_or_else(|| missing("签名"))?.owner_uscc = Some(value),
        "landing.name" => data.landing.as_mut().ok_or_else(|| missing("落地应用"))?.name = value,
        "landing.domain" => data.landing.as_mut().ok_or_else(|| missing("落地应用"))?.domain = Some(value),
        "landing.icp_number" => data.landing.as_mut().ok_or_else(|| missing("落地应用"))?.icp_number = Some(value),
        other => {
            return Err(Error::input(
                format!("案卷字段 {other} 不能这样修改"),
                format!("the case field {other} cannot be set this way"),
            ));
        }
    }
    Ok(())
}

/// Whether a declared value agrees with the document under `mode`; exact names are handled by
/// the character diff instead.
fn agrees(mode: CompareMode, expected: &str, found: &str) -> bool {
    let fold = ident::fold_code;
    match mode {
        CompareMode::Exact => expected == found,
        CompareMode::Code | CompareMode::Date => fold(expected) == fold(found),
        // A site's number 闽ICP备12345678号-1 is filed under the subject number 闽ICP备12345678号.
        CompareMode::Icp => {
            let (e, f) = (fold(expected), fold(found));
            e == f || e.rsplit_once('-').is_some_and(|(subject, _)| subject == f)
        }
        CompareMode::Domain => {
            let clean = |s: &str| crate::text::link_host(s.trim()).trim_end_matches('.').to_string();
            let (e, f) = (clean(expected), clean(found.trim_start_matches("www.")));
            e == f || e.ends_with(&format!(".{f}"))
        }
    }
}

fn documents(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let comparisons: Vec<Comparison> = out.catalog.comparisons.clone();
    for comparison in &comparisons {
        let Some(expected) = declared(case, &comparison.declared) else { continue };
        for (material, reading) in evidence.readings.iter().filter(|(m, _)| m.role == comparison.material) {
            let Some(field) = reading.field(&comparison.field) else { continue };
            let found = field.value.as_str();
            if agrees(comparison.compare, &expected, found) {
                continue;
            }
            // A code OCR could not settle by its check character, or a date read with a doubtful
            // digit, is as much a question for a person as a doubtful name.
            let Some(difference) = matching::compare(&expected, found, &field.uncertain) else { continue };
            let kind = difference
                .kinds
                .iter()
                .map(|k| k.label())
                .reduce(|a, b| Text::new(format!("{}，{}", a.zh, b.zh), format!("{}, {}", a.en, b.en)))
                .unwrap_or_else(|| Text::new("不同", "different"));
            // An ID number is named masked, as everywhere it is listed.
            let shown = |value: &str| {
                if crate::reading::is_private(reading.kind, &comparison.field) {
                    crate::i18n::mask(value)
                } else {
                    value.to_string()
                }
            };
            let args = [
                arg_text("material", material.role.label()),
                arg_text("field", comparison.label.clone()),
                arg_text("kind", kind),
                arg("expected", shown(&expected)),
                arg("found", shown(found)),
                arg_text("fix", mismatch_fix(&difference.kinds, &shown(found))),
            ];
            let id = if difference.only_uncertain { "match.unsure" } else { "match.mismatch" };
            let f = out.add(id, &args);
            f.material = Some(material.role);
            f.material_id = Some(material.id);
            f.declared = Some(comparison.declared.clone());
            f.field = Some(comparison.field.clone());
            f.expected = Some(expected.clone());
            f.found = Some(found.to_string());
            f.difference = Some(difference.kinds);
            f.diff = Some(difference.diff);
            f.bbox = field.bbox;
        }
    }
}

fn mismatch_fix(kinds: &[DifferenceKind], found: &str) -> Text {
    match kinds {
        [DifferenceKind::Width] => Text::new(
            format!("按材料原样使用全角或半角符号，改为“{found}”；审核按字面比对"),
            format!("Use the document's full- or half-width forms exactly: “{found}”; reviewers compare literally"),
        ),
        [DifferenceKind::CompanyForm] => Text::new(
            format!("“有限公司”与“有限责任公司”都是合法写法但不能互换，按执照改为“{found}”"),
            format!("有限公司 and 有限责任公司 are both legal but not interchangeable; use the licence's “{found}”"),
        ),
        [DifferenceKind::Script] => Text::new(
            format!("按材料上的简繁写法改为“{found}”"),
            format!("Use the document's simplified or traditional form: “{found}”"),
        ),
        _ => Text::new(
            format!("逐字核对：若材料正确，把填写值改为“{found}”；若材料有误，先更换或更正材料"),
            format!(
                "Compare character by character: if the document is right, declare “{found}”; if it is wrong, replace or correct the document"
            ),
        ),
    }
}

/// Seed 000's four-in-one: qualification subject = signature owner = ICP filing subject =
/// operator of the landing application. The documents are compared above; here, what the case
/// itself declares.
fn binding(out: &mut Findings<'_>, case: &Case) {
    let Some(subject) = subject(case).0.map(str::trim).filter(|s| !s.is_empty()) else { return };
    let signature = case.data.signature.as_ref();
    if let Some(owner) = signature
        .filter(|s| s.usage == SignatureUse::SelfUse)
        .and_then(|s| s.owner.as_deref())
        .filter(|o| !o.trim().is_empty() && *o != subject)
    {
        let f = out.add(
            "binding.subject",
            &[
                arg("subject", subject),
                arg_text("what", Text::new("签名归属方", "signature owner")),
                arg("other", owner),
            ],
        );
        f.field = Some("signature.owner".into());
        f.expected = Some(subject.to_string());
        f.found = Some(owner.to_string());
    }
    if let Some(operator) =
        case.data.landing.as_ref().and_then(|l| l.operator.as_deref()).filter(|o| !o.trim().is_empty() && *o != subject)
    {
        let what = Text::new("落地应用运营方", "operator of the landing application");
        let f = out.add("binding.subject", &[arg("subject", subject), arg_text("what", what), arg("other", operator)]);
        f.field = Some("landing.operator".into());
        f.expected = Some(subject.to_string());
        f.found = Some(operator.to_string());
    }
}

fn red_lines(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let mut places: Vec<(Text, String, Option<Role>, String)> = Vec::new();
    for (material, reading) in evidence.readings.iter().filter(|(m, _)| m.role == Role::BusinessLicense) {
        if let Some(scope) = reading.field("scope") {
            let place = Text::new("营业执照的经营范围", "The licence's business scope");
            places.push((place, "scope".into(), Some(material.role), scope.value.clone()));
        }
    }
    if let Some(landing) = &case.data.landing {
        if let Some(scenario) = &landing.scenario {
            let place = Text::new("应用场景说明", "The application description");
            places.push((place, "landing.scenario".into(), None, scenario.clone()));
        }
        let place = Text::new("落地应用名称", "The landing application's name");
        places.push((place, "landing.name".into(), None, landing.name.clone()));
    }
    for (place, field, material, text) in places {
        for f in lint::red_lines(out, &text, &place) {
            f.field = Some(field.clone());
            f.material = material;
        }
    }
}

fn risk(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let applicant = &case.data.applicant;
    if applicant.kind != ApplicantKind::Enterprise {
        return;
    }
    let has_video = case.has_material(Role::LegalRepVideo);
    match applicant.status {
        Some(CompanyStatus::Revoked) => {
            out.add("risk.revoked", &[]).field = Some("applicant.status".into());
            return;
        }
        Some(CompanyStatus::AbnormalList) if !has_video => {
            out.add("risk.abnormal_list", &[]).field = Some("applicant.status".into());
        }
        _ => {}
    }
    // The declared date, or the one the licence shows when the case does not say.
    let established = applicant.established.or_else(|| {
        first_field(evidence, Role::BusinessLicense, "established")
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
    });
    if let Some(date) = established
        && established_within_a_month(date, evidence.today)
        && !has_video
    {
        out.add("risk.new_company", &[arg("date", date.format("%Y-%m-%d"))]).field =
            Some("applicant.established".into());
    }
}

/// Carriers take one handler per company: the same handler on another company's case is a
/// warning naming that case. Cases of the same company (by credit code, else by name) may
/// share their handler.
fn handler_elsewhere(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let applicant = &case.data.applicant;
    if applicant.kind != ApplicantKind::Enterprise {
        return;
    }
    let same_company = |other: &HandlerElsewhere| match (applicant.uscc.as_deref(), other.uscc.as_deref()) {
        (Some(a), Some(b)) => ident::fold_code(a) == ident::fold_code(b),
        _ => other.applicant_name.trim() == applicant.name.trim(),
    };
    for other in evidence.handler_elsewhere.iter().filter(|o| !same_company(o)) {
        let id_number = case.data.handler.as_ref().and_then(|h| h.id_number.as_deref()).unwrap_or_default();
        let args = [
            arg("id", crate::i18n::mask(id_number)),
            arg("case", &other.case_id),
            arg("company", &other.applicant_name),
        ];
        out.add("handler.other_company", &args).field = Some("handler.id_number".into());
    }
}

/// A licence term, a trademark registration or a letter ending within this many days is a
/// warning: the review and the carriers' real-name reporting take weeks.
const EXPIRY_WARNING_DAYS: i64 = 60;

/// Dates that end, as the documents read: the licence's term, the trademark's registration, an
/// uploaded authorization letter's validity, each against today; and a licence still of the
/// old form, with a registration number and no credit code. A date read with a doubted
/// character is not trusted to refuse: the comparison asks a person about it instead.
fn expiries(out: &mut Findings<'_>, evidence: &Evidence<'_>) {
    let today = evidence.today;
    for (material, reading) in evidence.readings {
        let ends = match material.role {
            Role::BusinessLicense | Role::OwnerBusinessLicense => {
                if reading.field("reg_no").is_some() && reading.field("uscc").is_none() {
                    let f = out.add("expiry.old_licence", &[arg_text("material", material.role.label())]);
                    f.material = Some(material.role);
                    f.material_id = Some(material.id);
                    f.field = Some("reg_no".into());
                }
                reading.field("term").filter(|f| f.uncertain.is_empty()).map(|f| ("term", term_end(&f.value)))
            }
            // An ID card's 长期 never ends: it is no date.
            _ if material.role == Role::TrademarkCertificate
                || material.role == Role::AuthorizationLetter
                || reading.kind == DocKind::IdCard =>
            {
                reading
                    .field("valid_to")
                    .filter(|f| f.uncertain.is_empty())
                    .map(|f| ("valid_to", NaiveDate::parse_from_str(f.value.trim(), "%Y-%m-%d").ok()))
            }
            _ => None,
        };
        let Some((key, Some(end))) = ends else { continue };
        let days = (end - today).num_days();
        let args =
            [arg_text("material", material.role.label()), arg("date", end.format("%Y-%m-%d")), arg("days", days)];
        let card = reading.kind == DocKind::IdCard;
        let id = match days {
            d if d < 0 && card => "id_card.expired",
            d if d < 0 => "expiry.ended",
            d if d <= EXPIRY_WARNING_DAYS && card => "id_card.expiring",
            d if d <= EXPIRY_WARNING_DAYS => "expiry.ending",
            _ => {
                letter_validity(out, material, reading, end);
                continue;
            }
        };
        let f = out.add(id, &args);
        f.material = Some(material.role);
        f.material_id = Some(material.id);
        f.field = Some(key.into());
        f.found = Some(end.format("%Y-%m-%d").to_string());
    }
}

/// Whose card a material of `role` is, and whether that role is its photo side (`Some(true)`,
/// the handheld photo included), its emblem side (`Some(false)`), or neither.
fn card_side(role: Role) -> Option<(Text, bool)> {
    let (person, front) = match role {
        Role::HandlerIdFront | Role::HandlerIdHandheld => (Text::new("经办人", "handler"), true),
        Role::HandlerIdBack => (Text::new("经办人", "handler"), false),
        Role::LegalRepIdFront => (Text::new("法定代表人", "legal representative"), true),
        Role::LegalRepIdBack => (Text::new("法定代表人", "legal representative"), false),
        Role::ResponsibleIdFront => (Text::new("责任人", "responsible person"), true),
        Role::ResponsibleIdBack => (Text::new("责任人", "responsible person"), false),
        _ => return None,
    };
    Some((person, front))
}

/// What the ID cards show beyond the names and numbers compared above: another identity
/// document in an ID card's place, one side uploaded as the other, an emblem side whose photo
/// side is missing, and a number its check or its own card contradicts (GB 11643-1999: digits
/// 7–14 the birth date, digit 17 odd for men). A number read with doubted characters only asks
/// a person; one read or confirmed surely that fails its check blocks.
fn id_cards(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let shows = |reading: &Reading, keys: &[&str]| keys.iter().any(|k| reading.field(k).is_some());
    let cards = evidence.readings.iter().filter(|(_, r)| r.kind == DocKind::IdCard);
    for (material, reading) in cards.clone() {
        let mut add = |id: &str, args: &[crate::rules::Arg], field: Option<&str>| {
            let f = out.add(id, args);
            f.material = Some(material.role);
            f.material_id = Some(material.id);
            f.field = field.map(str::to_string);
            f.bbox = field.and_then(|k| reading.field(k)).and_then(|f| f.bbox);
        };
        let label = arg_text("material", material.role.label());
        if let Some(document) = reading.field("document").map(|f| f.value.as_str())
            && document != crate::ocr::RESIDENT_ID_CARD
        {
            let named = Text::new(document, crate::ocr::other_identity_english(document));
            add("id_card.other_document", &[label, arg_text("document", named)], Some("document"));
            continue;
        }
        let (front, back) = (shows(reading, &["name", "id_number"]), shows(reading, &["authority", "valid_to"]));
        let shown = match card_side(material.role) {
            Some((_, true)) if back && !front => Some(Text::new("国徽面", "emblem side")),
            Some((_, false)) if front && !back => Some(Text::new("人像面", "photo side")),
            _ => None,
        };
        if let Some(shown) = shown {
            add("id_card.wrong_side", &[label.clone(), arg_text("shown", shown)], None);
        }
        let Some(number) = reading.field("id_number") else { continue };
        let chars: Vec<char> = number.value.chars().collect();
        if !qualkit_ocr::codes::ric_valid(&number.value) {
            let expected = chars.get(..17).and_then(qualkit_ocr::codes::ric_check_char).map_or('—', |c| c);
            let id = if number.uncertain.is_empty() { "id_card.number_invalid" } else { "id_card.number_unsure" };
            let args = [label.clone(), arg("number", crate::i18n::mask(&number.value)), arg("expected", expected)];
            add(id, &args, Some("id_number"));
        }
        let in_number: String = chars.iter().skip(6).take(8).collect();
        if let Some(birth) = reading.field("birth")
            && in_number.len() == 8
            && birth.value.replace('-', "") != in_number
        {
            let args = [
                label.clone(),
                arg_text("what", Text::new("出生日期", "birth date")),
                arg("from_number", in_number),
                arg("printed", &birth.value),
            ];
            add("id_card.number_disagrees", &args, Some("birth"));
        }
        let odd = chars.get(16).and_then(|c| c.to_digit(10)).map(|d| d % 2 == 1);
        let printed = reading.field("sex").map(|f| f.value.as_str());
        if let (Some(odd), Some(printed @ ("男" | "女"))) = (odd, printed)
            && odd != (printed == "男")
        {
            let says = if odd { Text::new("男", "male") } else { Text::new("女", "female") };
            let args = [
                label,
                arg_text("what", Text::new("性别", "sex")),
                arg_text("from_number", says),
                arg("printed", printed),
            ];
            add("id_card.number_disagrees", &args, Some("sex"));
        }
    }
    // An emblem side names nobody: whose card it is shows on the photo side (or on a copy that
    // holds both).
    let mut people: Vec<Text> = Vec::new();
    for material in &case.materials {
        let Some((person, false)) = card_side(material.role) else { continue };
        if people.contains(&person) {
            continue;
        }
        let photo_side = case.materials.iter().any(|m| card_side(m.role).is_some_and(|(p, f)| f && p == person))
            || cards
                .clone()
                .any(|(m, r)| card_side(m.role).is_some_and(|(p, _)| p == person) && shows(r, &["name", "id_number"]));
        if !photo_side {
            let f = out.add("id_card.side_missing", &[arg_text("person", person.clone())]);
            f.material = Some(material.role);
            f.material_id = Some(material.id);
        }
        people.push(person);
    }
}

/// An uploaded letter's validity against the vendor's shortest: Huawei wants six months or more.
fn letter_validity(out: &mut Findings<'_>, material: &Material, reading: &Reading, end: NaiveDate) {
    let rule = &out.profile.signature.third_party;
    let (Some(months), Role::AuthorizationLetter) = (rule.min_validity_months, material.role) else { return };
    let Some(from) =
        reading.field("valid_from").and_then(|f| NaiveDate::parse_from_str(f.value.trim(), "%Y-%m-%d").ok())
    else {
        return;
    };
    if from.checked_add_months(chrono::Months::new(months)).is_some_and(|least| end < least) {
        let source = out.cite(&rule.source);
        let args = [arg("from", from.format("%Y-%m-%d")), arg("to", end.format("%Y-%m-%d")), arg("months", months)];
        let f = out.add("expiry.letter_too_short", &args);
        f.material = Some(material.role);
        f.material_id = Some(material.id);
        f.field = Some("valid_to".into());
        f.source = source;
    }
}

/// The last day of a licence's term: `2019年03月12日至2039年03月11日` → 2039-03-11; `长期`,
/// `永久` and `不约定期限` end never (`None`), as does a term whose end cannot be read.
pub fn term_end(term: &str) -> Option<NaiveDate> {
    if ["长期", "永久", "不约定"].iter().any(|w| term.contains(w)) {
        return None;
    }
    let digits: Vec<char> = term.chars().collect();
    let mut dates = Vec::new();
    let mut i = 0;
    while i < digits.len() {
        let number = |at: usize| -> (u32, usize) {
            let run: String = digits.iter().skip(at).take_while(|c| c.is_ascii_digit()).collect();
            (run.parse().unwrap_or(0), run.len())
        };
        let (year, n) = number(i);
        if n == 4 {
            let (month, m) = number(i + n + 1);
            let (day, d) = number(i + n + 1 + m + 1);
            if m > 0
                && d > 0
                && let Some(date) = NaiveDate::from_ymd_opt(year as i32, month, day)
            {
                dates.push(date);
                i += n + m + d + 2;
                continue;
            }
        }
        i += n.max(1);
    }
    dates.last().copied()
}

fn materials(out: &mut Findings<'_>, case: &Case, evidence: &Evidence<'_>) {
    let files = out.profile.files.clone();
    for material in &case.materials {
        if matches!(material.role, Role::LegalRepVideo | Role::Other) {
            continue;
        }
        let format = format_of(material);
        let mut accepted = files.formats.value.clone();
        if material.role == Role::AuthorizationLetter
            && let Some(extra) = &files.letter_formats
        {
            accepted.extend(extra.value.iter().cloned());
        }
        let label = material.role.label();
        if !accepted.contains(&format) {
            let args = [
                arg_text("material", label.clone()),
                arg("file", &material.original_name),
                arg("format", format.to_uppercase()),
                arg("accepted", accepted.join("/").to_uppercase()),
                arg("target", if material.mime == "application/pdf" { "PNG" } else { "JPG" }),
            ];
            let source = out.cite(&files.formats.source);
            let f = out.add("material.format", &args);
            f.material = Some(material.role);
            f.source = source;
        }
        if material.size > files.max_bytes.value {
            let args = [
                arg_text("material", label.clone()),
                arg("file", &material.original_name),
                arg("size", megabytes(material.size)),
                arg("max", megabytes(files.max_bytes.value)),
            ];
            let source = out.cite(&files.max_bytes.source);
            let f = out.add("material.size", &args);
            f.material = Some(material.role);
            f.source = source;
        }
        if let Some(problem) = name_problem(&material.original_name, &files) {
            let f =
                out.add("material.file_name", &[arg("file", &material.original_name), arg_text("problem", problem)]);
            f.material = Some(material.role);
        }
    }
    for (material, stats) in evidence.colours {
        if matches!(material.role, Role::BusinessLicense | Role::OwnerBusinessLicense)
            && stats.is_monochrome_without_seal()
        {
            let args = [arg_text("material", material.role.label()), arg("file", &material.original_name)];
            let f = out.add("material.monochrome_licence", &args);
            f.material = Some(material.role);
        }
        if material.role == Role::AuthorizationLetter && stats.red_fraction < RED_SEAL_MIN {
            let f = out.add("material.letter_seal", &[arg("file", &material.original_name)]);
            f.material = Some(material.role);
            f.material_id = Some(material.id);
        }
    }
}

fn format_of(material: &Material) -> String {
    match material.mime.as_str() {
        "image/jpeg" => "jpg".to_string(),
        "application/pdf" => "pdf".to_string(),
        mime => mime.rsplit('/').next().unwrap_or(mime).to_string(),
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// Why a vendor would not take this file name, if it would not.
fn name_problem(name: &str, files: &crate::profile::FileRules) -> Option<Text> {
    if files.ascii_names.value && !name.is_ascii() {
        return Some(Text::new("含非 ASCII 字符，该厂商要求英文文件名", "is not ASCII, which this vendor requires"));
    }
    if let Some(max) = &files.max_name_chars
        && name.chars().count() > max.value as usize
    {
        return Some(Text::new(
            format!("超过 {} 个字符", max.value),
            format!("is longer than {} characters", max.value),
        ));
    }
    // The name-length rule and this character rule come from the same page (Huawei, H7).
    if files.max_name_chars.is_some() && name.chars().any(|c| crate::upload::NAME_CHARS_REFUSED.contains(c)) {
        return Some(Text::new("含空格或特殊字符", "contains spaces or special characters"));
    }
    None
}

fn landing(out: &mut Findings<'_>, case: &Case) {
    let Some(landing) = &case.data.landing else { return };
    if let Some(scenario) = landing.scenario.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let len = scenario.chars().count();
        if len < MIN_SCENARIO_CHARS {
            out.add("landing.scenario_vague", &[arg("len", len)]).field = Some("landing.scenario".into());
        }
    }
    if case.data.templates.iter().any(|t| t.kind == TemplateType::Verification) {
        out.add("landing.anti_abuse", &[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_ends_on_its_last_date_or_never() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(term_end("2019年03月12日至2039年03月11日"), day(2039, 3, 11));
        assert_eq!(term_end("自2007年1月2日至2011年1月12日"), day(2011, 1, 12));
        assert_eq!(term_end("2017-10-07至2027-10-06"), day(2027, 10, 6));
        assert_eq!(term_end("2019年03月12日至长期"), None);
        assert_eq!(term_end("长期"), None);
        assert_eq!(term_end("2019年13月40日"), None);
    }
}
