//! Signature and template lint: what a vendor's reviewer rejects in a signature name or a
//! template text, before the vendor sees it (`qualkit lint`, shared/spec/cli.md). Limits come
//! from the vendor profile; the wording of each finding from the rule catalog.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::case::{ApplicantKind, SignatureSource, TemplateType, Vendor};
use crate::error::Result;
use crate::i18n::Text;
use crate::profile::{ValueContent, ValueFormat, VariableSyntax, VariableTypeRule, VendorProfile};
use crate::requirements::Finding;
use crate::rules::{Catalog, Findings, Words, arg, arg_text};
use crate::template::{self, Part, TypedBy, VarType, Written};
use crate::text;

/// What the signature is checked against. Standalone lint knows only what the user passes.
#[derive(Clone, Debug, Default)]
pub struct SignatureContext<'a> {
    pub source: Option<SignatureSource>,
    /// The company the signature must come from (the applicant, or the owner for third-party use).
    pub company: Option<&'a str>,
    /// The App's service name (ICP record or store listing), for an App signature.
    pub app_name: Option<&'a str>,
    /// The registered mark, for a trademark signature.
    pub mark: Option<&'a str>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SignatureLint {
    pub vendor: Vendor,
    pub findings: Vec<Finding>,
}

pub fn lint_signature(profile: &VendorProfile, name: &str, context: &SignatureContext<'_>) -> Result<SignatureLint> {
    let catalog = Catalog::get()?;
    let mut out = Findings::new(catalog, profile);
    signature_findings(&mut out, name, context);
    Ok(SignatureLint { vendor: profile.vendor, findings: out.into_vec() })
}

/// Adds the findings about signature `name` to `out`.
pub fn signature_findings(out: &mut Findings<'_>, name: &str, context: &SignatureContext<'_>) {
    let rules = &out.profile.signature;
    let words = &out.catalog.words;
    let len = name.chars().count();
    let length = rules.length.clone();
    if len < length.min as usize || len > length.max as usize {
        let source = out.cite(&length.source);
        let f = out.add(
            "signature.length",
            &[arg("name", name), arg("len", len), arg("min", length.min), arg("max", length.max)],
        );
        f.source = source;
    }

    let bad: Vec<(usize, char)> =
        name.chars().enumerate().filter(|(_, c)| !(text::is_han(*c) || c.is_ascii_alphanumeric())).collect();
    if let (Some(first), Some(last)) = (bad.first(), bad.last()) {
        let chars: String = bad.iter().map(|(_, c)| format!("“{c}”")).collect::<Vec<_>>().join(" ");
        let source = out.cite(&rules.charset.source);
        let f = out.add("signature.charset", &[arg("chars", chars)]);
        f.span = Some([first.0, last.0 + 1]);
        f.source = source;
    }

    let has_han = name.chars().any(text::is_han);
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_digit()) {
        out.add("signature.all_digits", &[]);
    } else if !has_han && name.chars().any(|c| c.is_ascii_alphabetic()) {
        out.add("signature.latin_only", &[]);
    }
    // Initials in capitals (YFWL for 云帆网络), unless they are the registered mark itself.
    if let Some(rule) = rules.acronyms_allowed.as_ref().filter(|r| !r.value)
        && (2..=6).contains(&len)
        && name.chars().all(|c| c.is_ascii_uppercase())
        && context.mark != Some(name)
    {
        let source = out.cite(&rule.source);
        out.add("signature.acronym", &[arg("name", name)]).source = source;
    }

    if !rules.traditional_allowed.value {
        let traditional = text::traditional_chars(name);
        if let (Some(first), Some(last)) = (traditional.first(), traditional.last()) {
            let chars = describe_traditional(&traditional);
            let source = out.cite(&rules.traditional_allowed.source);
            let f =
                out.add("signature.traditional", &[arg("chars", chars), arg("simplified", text::to_simplified(name))]);
            f.span = Some([first.0, last.0 + 1]);
            f.source = source;
        }
    }

    // Neutral: the name is made only of neutral words (客服通知, 温馨提示 …).
    let neutral = Words::find(name, &words.neutral_signatures.words);
    let covered: usize = neutral.iter().map(|h| h.span[1] - h.span[0]).sum();
    if !neutral.is_empty() && covered == len {
        out.add("signature.neutral", &[arg("word", name)]).span = Some([0, len]);
    }
    for hit in Words::find(name, &words.test_words.words) {
        out.add("signature.test_word", &[arg("word", &hit.word)]).span = Some(hit.span);
    }

    match context.source {
        Some(SignatureSource::Company) | None => {
            if let Some(company) = context.company.map(str::trim).filter(|c| !c.is_empty()) {
                company_part(out, name, company);
            }
        }
        Some(SignatureSource::App) => {
            if let Some(app) = context.app_name.filter(|a| *a != name) {
                out.add("signature.app_name", &[arg("name", name), arg("app", app)]).expected = Some(app.to_string());
            }
        }
        Some(SignatureSource::Trademark) => {
            if let Some(mark) = context.mark.filter(|m| *m != name) {
                out.add("signature.trademark_mark", &[arg("name", name), arg("mark", mark)]).expected =
                    Some(mark.to_string());
            }
        }
        Some(SignatureSource::Website) => {}
    }
}

/// A company signature is the full name or a contiguous part of it, and that part must carry
/// the trade name rather than only region, industry or legal-form words.
fn company_part(out: &mut Findings<'_>, name: &str, company: &str) {
    if name.is_empty() {
        return;
    }
    if !company.contains(name) {
        let max = out.profile.signature.length.max as usize;
        let suggestion = suggest_signature(company, max);
        let f = out.add(
            "signature.company_part",
            &[arg("name", name), arg("company", company), arg("suggestion", &suggestion)],
        );
        f.expected = Some(suggestion);
        return;
    }
    let hits = Words::find(name, &out.catalog.words.generic_name_parts.words);
    let mut specific: Vec<bool> = name.chars().map(text::is_han).collect();
    for hit in &hits {
        for flag in specific.iter_mut().take(hit.span[1]).skip(hit.span[0]) {
            *flag = false;
        }
    }
    if specific.iter().filter(|s| **s).count() < 2 {
        out.add("signature.company_generic", &[arg("name", name), arg("company", company)]);
    }
}

/// A contiguous part of the company name to suggest: the name without its leading region
/// (up to the last 省/市/区/县 near the start) and trailing legal form, cut to the vendor's limit.
pub fn suggest_signature(company: &str, max_chars: usize) -> String {
    let chars: Vec<char> = company.chars().collect();
    let region_end = chars
        .iter()
        .take(10)
        .enumerate()
        .filter(|(_, c)| matches!(c, '省' | '市' | '区' | '县'))
        .map(|(i, _)| i + 1)
        .next_back()
        .filter(|end| chars.len().saturating_sub(*end) >= 4)
        .unwrap_or(0);
    let mut core: String = chars.get(region_end..).unwrap_or_default().iter().collect();
    let forms = ["股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团", "公司"];
    while let Some(form) = forms.iter().find(|f| core.ends_with(**f) && core.chars().count() > f.chars().count() + 1) {
        core.truncate(core.len() - form.len());
    }
    // Brackets (a region after the trade name) are not allowed in signatures; stop before them.
    let core: String = core.chars().take_while(|c| !matches!(c, '(' | '（')).collect();
    let core = if core.chars().count() >= 2 { core } else { company.to_string() };
    core.chars().take(max_chars).collect()
}

/// A template to lint, with what the billed length depends on.
#[derive(Clone, Debug)]
pub struct TemplateInput<'a> {
    pub kind: TemplateType,
    pub text: &'a str,
    pub applicant: ApplicantKind,
    /// The signature the message is sent under, without 【】.
    pub signature: Option<&'a str>,
    /// Example values of variables, for the billed length and the vendors' value rules.
    pub values: &'a BTreeMap<String, String>,
    /// Declared variable types; undeclared ones are inferred ([`template::infer_type`]).
    pub types: &'a BTreeMap<String, VarType>,
}

impl<'a> TemplateInput<'a> {
    /// Template `t` of `case` as the lint reads it: under the case's signature, with its
    /// examples and declared types.
    pub fn of_case(case: &'a crate::case::CaseData, t: &'a crate::case::Template) -> TemplateInput<'a> {
        TemplateInput {
            kind: t.kind,
            text: &t.text,
            applicant: case.applicant.kind,
            signature: case.signature.as_ref().map(|s| s.name.as_str()),
            values: &t.examples,
            types: &t.variables,
        }
    }
}

/// One variable as the lint saw it: its type and how it was settled, the vendor's attribute
/// for that type, and the value it was checked at.
#[derive(Clone, Debug, Serialize)]
pub struct VariableUse {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: VarType,
    /// The type's name in both languages.
    pub label: Text,
    pub typed_by: TypedBy,
    /// How the type was settled, readable (`由前文“验证码”推断`).
    pub how: Text,
    /// The vendor's attribute (Aliyun's TemplateRule value, Huawei's PHONE/CHARDIGIT/…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    pub value: String,
    /// The value is the case's example (`true`) or the type's typical value.
    pub example: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Length {
    /// The whole message as received, 【signature】 included.
    pub chars: usize,
    pub segments: usize,
    /// What was assumed because it was not given: variables counted at a typical length, and
    /// the signature when none was named.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TemplateLint {
    pub vendor: Vendor,
    pub findings: Vec<Finding>,
    pub length: Length,
    /// The template in the vendor's variable syntax.
    pub rendered: String,
    pub variables: Vec<VariableUse>,
}

pub fn lint_template(profile: &VendorProfile, input: &TemplateInput<'_>) -> Result<TemplateLint> {
    let catalog = Catalog::get()?;
    let mut out = Findings::new(catalog, profile);
    let (length, rendered) = template_findings(&mut out, input);
    let variables = variable_uses(profile, input);
    Ok(TemplateLint { vendor: profile.vendor, findings: out.into_vec(), length, rendered, variables })
}

/// Adds the findings about one template to `out`; returns its billed length and rendering.
pub fn template_findings(out: &mut Findings<'_>, input: &TemplateInput<'_>) -> (Length, String) {
    let profile = out.profile;
    let rules = &profile.templates;
    let parsed = template::parse(input.text);
    let kind_label = type_label(input.kind);

    let applicant_rule = profile.applicant(input.applicant);
    if !applicant_rule.template_types.contains(&input.kind) {
        let source = out.cite(&applicant_rule.source);
        out.add(
            "template.type_not_allowed",
            &[arg_text("applicant", applicant_label(input.applicant)), arg_text("type", kind_label.clone())],
        )
        .source = source;
    }

    for broken in &parsed.malformed {
        out.add("template.variable_malformed", &[arg("text", &broken.text)]).span = Some(broken.span);
    }
    variable_syntax(out, &parsed);

    let names = parsed.names();
    if let Some(max) = &rules.max_variables
        && names.len() > max.value as usize
    {
        let source = out.cite(&max.source);
        out.add("template.variable_count", &[arg("count", names.len()), arg("max", max.value)]).source = source;
    }
    if let Some(rule) = rules.repeated_variables_allowed.as_ref().filter(|r| !r.value) {
        for name in &names {
            let uses: Vec<_> = parsed.variables().filter(|v| v.name == *name).collect();
            if let Some(second) = uses.get(1) {
                let source = out.cite(&rule.source);
                let f = out.add("template.variable_repeated", &[arg("var", format!("${{{name}}}"))]);
                f.span = Some(second.span);
                f.source = source;
            }
        }
    }
    adjacency(out, &parsed);

    symbols(out, input.text);
    if let Some(rule) = rules.traditional_allowed.as_ref().filter(|r| !r.value) {
        let traditional = text::traditional_chars(&parsed.fixed_text());
        if !traditional.is_empty() {
            let chars = describe_traditional(&traditional);
            let source = out.cite(&rule.source);
            out.add("template.traditional", &[arg("chars", chars)]).source = source;
        }
    }

    let length = billed_length(out, input, &parsed);

    links_and_numbers(out, input, &parsed);
    match input.kind {
        TemplateType::Verification => {
            verification(out, input, &parsed);
            verification_context_and_contacts(out, input, &parsed);
        }
        TemplateType::Marketing => marketing(out, input, &parsed),
        TemplateType::Notification => {
            notification(out, &parsed);
            notification_contacts(out, input);
        }
    }
    invitations_and_banned_topics(out, input);
    variants_and_interference(out, input);
    fixed_text(out, &parsed);
    if input.kind != TemplateType::Marketing {
        opt_out_outside_marketing(out, input);
    }
    variable_values(out, input, &parsed);
    if input.kind != TemplateType::Marketing {
        let mut seen: Vec<String> = Vec::new();
        for (hit, category) in Words::find_in(input.text, &out.catalog.words.marketing) {
            if seen.contains(&hit.word) {
                continue;
            }
            seen.push(hit.word.clone());
            let args = [
                arg("word", &hit.word),
                arg_text("category", category.category.clone()),
                arg_text("type", kind_label.clone()),
            ];
            out.add("template.marketing_words", &args).span = Some(hit.span);
        }
    }
    red_lines(out, input.text, &Text::new("模板", "The template"));

    let rendered = parsed.render(rules.variable_syntax.value);
    if rendered != input.text && parsed.variables().all(|v| v.written == Written::Dollar) {
        let source = out.cite(&rules.variable_syntax.source);
        out.add("template.rendered", &[arg("text", &rendered)]).source = source;
    }
    (length, rendered)
}

fn variable_syntax(out: &mut Findings<'_>, parsed: &template::Parsed) {
    let syntax = out.profile.templates.variable_syntax.clone();
    let source = out.cite(&syntax.source);
    let braces: Vec<_> = parsed.variables().filter(|v| v.written == Written::Brace).collect();
    if syntax.value != VariableSyntax::BraceNumbered {
        for v in braces {
            let expected = match syntax.value {
                VariableSyntax::DollarNumbered => format!("${{{}}}", v.name),
                _ => "${name}".to_string(),
            };
            let f = out
                .add("template.variable_syntax", &[arg("text", format!("{{{}}}", v.name)), arg("expected", expected)]);
            f.span = Some(v.span);
            f.source = source.clone();
        }
        return;
    }
    // Tencent: {1}, {2} … numbered consecutively from 1.
    let mut numbers: Vec<u32> = braces.iter().filter_map(|v| v.name.parse().ok()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let consecutive = numbers.iter().enumerate().all(|(i, n)| *n as usize == i + 1);
    if !consecutive {
        let shown = numbers.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(" ");
        let expected = (1..=numbers.len()).map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(" ");
        let f = out.add("template.variable_numbering", &[arg("numbers", shown), arg("expected", expected)]);
        f.source = source;
    }
}

fn adjacency(out: &mut Findings<'_>, parsed: &template::Parsed) {
    let mut previous: Option<&template::Variable> = None;
    for part in &parsed.parts {
        match part {
            Part::Var(v) => {
                if let Some(p) = previous {
                    let text = format!("{}{}", p.written_form(), v.written_form());
                    out.add("template.adjacent_variables", &[arg("text", text)]).span = Some([p.span[0], v.span[1]]);
                }
                previous = Some(v);
            }
            Part::Text { text, .. } if text.trim().is_empty() => {}
            Part::Text { .. } => previous = None,
        }
    }
    let fixed = parsed.fixed_text();
    let meaningful = fixed.chars().any(|c| text::is_han(c) || c.is_alphanumeric());
    if parsed.variables().next().is_some() && !meaningful {
        out.add("template.all_variables", &[]);
    }
}

fn symbols(out: &mut Findings<'_>, template: &str) {
    let chars: Vec<char> = template.chars().collect();
    if let Some(at) = chars.iter().position(|c| matches!(c, '【' | '】')) {
        out.add("template.brackets", &[]).span = Some([at, at + 1]);
    }
    let forbidden = out.profile.templates.forbidden_symbols.clone();
    // Full-width forms match their half-width symbol: ￥ is the ¥ the vendors list.
    let folded: Vec<char> = chars.iter().map(|c| text::fold_width(*c)).collect();
    let mut found: Vec<(usize, String)> = Vec::new();
    for symbol in &forbidden.value {
        let needle: Vec<char> = symbol.chars().map(text::fold_width).collect();
        for start in 0..folded.len() {
            if folded.get(start..start + needle.len()) == Some(needle.as_slice()) {
                found.push((start, text::slice(template, [start, start + needle.len()])));
            }
        }
    }
    found.sort();
    if let (Some(first), Some(last)) = (found.first(), found.last()) {
        let mut shown: Vec<String> = found.iter().map(|(_, s)| format!("“{s}”")).collect();
        shown.dedup();
        let span = [first.0, last.0 + last.1.chars().count()];
        let source = out.cite(&forbidden.source);
        let f = out.add("template.symbols", &[arg("chars", shown.join(" "))]);
        f.span = Some(span);
        f.source = source;
    }
    if let Some(rule) = out.profile.templates.edge_brackets_allowed.clone().filter(|r| !r.value) {
        let trimmed = template.trim();
        if trimmed.starts_with(['[', '［']) || trimmed.ends_with([']', '］']) {
            let source = out.cite(&rule.source);
            out.add("template.edge_brackets", &[]).source = source;
        }
    }
}

/// The whole message as received: 【signature】 + the text with variable values. Variables
/// without an example count at their type's typical value (the code at the vendor's longest).
fn billed_length(out: &mut Findings<'_>, input: &TemplateInput<'_>, parsed: &template::Parsed) -> Length {
    let rules = &out.profile.templates;
    let mut assumed = Vec::new();
    let mut values = input.values.clone();
    // A verification template's lone variable is the code: count it at the vendor's longest.
    let code_chars = match (input.kind, &rules.verification_code_length, parsed.names().len()) {
        (TemplateType::Verification, Some(range), 1) => Some(range.max as usize),
        _ => None,
    };
    for (variable, kind, _) in parsed.typed(input.types) {
        if values.contains_key(&variable.name) {
            continue;
        }
        let value = match code_chars {
            Some(chars) => "0".repeat(chars),
            None => kind.typical().to_string(),
        };
        assumed.push(format!("${{{}}}={}", variable.name, value.chars().count()));
        values.insert(variable.name.clone(), value);
    }
    let body = parsed.fill(&values);
    let signature = match input.signature {
        Some(s) => format!("【{s}】"),
        None => {
            assumed.push("signature=0".to_string());
            "【】".to_string()
        }
    };
    let chars = text::sms_len(&signature) + text::sms_len(&body);
    let segments = text::segments(chars);

    let whole_message = rules.max_chars_includes_signature.as_ref().is_some_and(|r| r.value);
    let (counted, what) = if whole_message {
        (chars, Text::new("整条短信（含签名和变量值）", "The whole message (signature and values included)"))
    } else {
        (text::sms_len(&body), Text::new("模板内容（含变量值）", "The template (with variable values)"))
    };
    let max = rules.max_chars.clone();
    if counted > max.value as usize {
        let source = out.cite(&max.source);
        out.add("template.too_long", &[arg_text("what", what), arg("len", counted), arg("max", max.value)]).source =
            source;
    }
    if segments > 1 {
        out.add("template.segments", &[arg("chars", chars), arg("segments", segments)]);
    }
    Length { chars, segments, assumed }
}

/// The links of a template, each with its span in the template and whether a variable is part
/// of it. Links are found with each variable stood in for by one letter, so `www.${site}.com` is
/// seen as the link it becomes.
pub fn template_links(text: &str, parsed: &template::Parsed, tlds: &[String]) -> Vec<([usize; 2], String, bool)> {
    // `origin` maps each character of the stand-in text back to the template.
    let mut standin = String::new();
    let mut origin: Vec<(usize, bool)> = Vec::new();
    for part in &parsed.parts {
        match part {
            Part::Text { text, span } => {
                standin.push_str(text);
                origin.extend((span[0]..span[1]).map(|i| (i, false)));
            }
            Part::Var(v) => {
                standin.push('x');
                origin.push((v.span[0], true));
            }
        }
    }
    let back = |span: [usize; 2]| {
        let start = origin.get(span[0]).map_or(0, |o| o.0);
        let end = span[1].checked_sub(1).and_then(|i| origin.get(i)).map_or(start, |(i, is_var)| {
            if *is_var { parsed.variables().find(|v| v.span[0] == *i).map_or(i + 1, |v| v.span[1]) } else { i + 1 }
        });
        [start, end]
    };
    text::find_links(&standin, tlds)
        .into_iter()
        .map(|(span, link)| {
            let has_variable = origin.get(span[0]..span[1]).is_some_and(|o| o.iter().any(|(_, is_var)| *is_var));
            let span = back(span);
            let link = if has_variable { text::slice(text, span) } else { link };
            (span, link, has_variable)
        })
        .collect()
}

/// Whether `host` is `domain` or one of its subdomains.
pub fn host_within(host: &str, domain: &str) -> bool {
    let (host, domain) = (host.to_lowercase(), domain.trim().trim_start_matches("www.").to_lowercase());
    host == domain || host.ends_with(&format!(".{domain}"))
}

fn links_and_numbers(out: &mut Findings<'_>, input: &TemplateInput<'_>, parsed: &template::Parsed) {
    let words = &out.catalog.words;
    let (short_hosts, beta_hosts) = (&words.short_link_hosts.words, &words.beta_hosts.words);
    let rules = &out.profile.templates;
    let links = template_links(input.text, parsed, &words.link_tlds.words);
    for (span, link, has_variable) in &links {
        let host = text::link_host(link);
        let id = if *has_variable {
            "template.variable_in_link"
        } else if input.kind == TemplateType::Verification {
            "template.verification_link"
        } else if short_hosts.contains(&host) {
            "template.short_link"
        } else {
            "template.link"
        };
        out.add(id, &[arg("text", link)]).span = Some(*span);
        if let Some(rule) = rules.beta_links_allowed.as_ref().filter(|r| !r.value)
            && beta_hosts.iter().any(|beta| host_within(&host, beta))
        {
            let source = out.cite(&rule.source);
            let f = out.add("template.beta_link", &[arg("host", &host)]);
            f.span = Some(*span);
            f.source = source;
        }
    }
    if let Some(rule) = rules.notification_marketing_links_allowed.as_ref().filter(|r| !r.value)
        && input.kind == TemplateType::Notification
        && let Some((span, _, _)) = links.first()
        && let Some((hit, _)) = Words::find_in(input.text, &out.catalog.words.marketing).into_iter().next()
    {
        let source = out.cite(&rule.source);
        let f = out.add("template.notification_marketing_link", &[arg("word", &hit.word)]);
        f.span = Some(*span);
        f.source = source;
    }
    for span in text::find_mobile_numbers(input.text) {
        out.add("template.mobile_number", &[arg("text", text::slice(input.text, span))]).span = Some(span);
    }
}

/// Variant spellings (威信 for 微信) and symbols or spaces put between characters (加.微.信,
/// 免 费 领 取): ways of writing a word so that review misses it.
fn variants_and_interference(out: &mut Findings<'_>, input: &TemplateInput<'_>) {
    let Some(rule) = out.profile.templates.variant_spellings_allowed.clone().filter(|r| !r.value) else { return };
    let source = out.cite(&rule.source);
    let pairs = &out.catalog.words.variants.pairs;
    let variants: Vec<String> = pairs.iter().map(|[variant, _]| variant.clone()).collect();
    for (span, index) in text::find_words(input.text, &variants) {
        let right = pairs.get(index).map(|[_, right]| right.clone()).unwrap_or_default();
        let f =
            out.add("template.variant_spelling", &[arg("word", text::slice(input.text, span)), arg("right", right)]);
        f.span = Some(span);
        f.source = source.clone();
    }
    if let Some(span) = interference(input.text) {
        let f = out.add("template.interference_symbols", &[arg("text", text::slice(input.text, span))]);
        f.span = Some(span);
        f.source = source;
    }
}

/// The first run of three or more single Han characters each parted from the next by the same
/// separator (a space or one of `*.-_|/~#+^=·`): 加.微.信, 免 费 领 取. Punctuation that
/// sentences use (，、。) never counts.
fn interference(text: &str) -> Option<[usize; 2]> {
    const SEPARATORS: &str = " \u{3000}*.-_|/~#+^=·";
    let chars: Vec<char> = text.chars().collect();
    let han = |i: usize| chars.get(i).copied().is_some_and(text::is_han);
    for start in (0..chars.len()).filter(|i| han(*i)) {
        let Some(separator) = chars.get(start + 1).copied().filter(|c| SEPARATORS.contains(*c)) else { continue };
        let (mut end, mut singles) = (start, 1);
        while chars.get(end + 1) == Some(&separator) && han(end + 2) {
            end += 2;
            singles += 1;
        }
        if singles >= 3 {
            return Some([start, end + 1]);
        }
    }
    None
}

/// Too little fixed text for its variables: the scenario cannot be read from the template.
fn fixed_text(out: &mut Findings<'_>, parsed: &template::Parsed) {
    let Some(min) = out.profile.templates.min_fixed_chars.clone() else { return };
    let variables = parsed.variables().count();
    if variables == 0 {
        return;
    }
    let fixed = parsed.fixed_text().chars().filter(|c| c.is_alphanumeric()).count();
    if fixed == 0 {
        return; // template.all_variables says it
    }
    if fixed < min.value as usize || fixed < 2 * variables {
        let source = out.cite(&min.source);
        let args = [arg("len", fixed), arg("vars", variables), arg("min", min.value.max(2 * variables as u32))];
        out.add("template.little_fixed_text", &args).source = source;
    }
}

fn verification(out: &mut Findings<'_>, input: &TemplateInput<'_>, parsed: &template::Parsed) {
    let rules = out.profile.templates.clone();
    let keywords = &rules.verification_keywords;
    if text::find_words(&parsed.fixed_text(), &keywords.value).is_empty() {
        let source = out.cite(&keywords.source);
        out.add("template.verification_keyword", &[arg("keywords", keywords.value.join("、"))]).source = source;
    }
    let names = parsed.names();
    if let Some(rule) = rules.verification_single_variable.as_ref().filter(|r| r.value)
        && names.len() != 1
    {
        let source = out.cite(&rule.source);
        out.add("template.verification_variables", &[arg("count", names.len())]).source = source;
    }
    if let (Some(range), [code]) = (&rules.verification_code_length, names.as_slice())
        && let Some(value) = input.values.get(*code)
    {
        let len = value.chars().count();
        if len < range.min as usize || len > range.max as usize {
            let source = out.cite(&range.source);
            let args = [arg("value", value), arg("len", len), arg("min", range.min), arg("max", range.max)];
            out.add("template.verification_code_length", &args).source = source;
        }
    }
    if let (Some(rule), [code]) = (rules.verification_code_digits_only.as_ref().filter(|r| r.value), names.as_slice())
        && let Some(value) = input.values.get(*code)
        && !value.chars().all(|c| c.is_ascii_digit())
    {
        let source = out.cite(&rule.source);
        out.add("template.verification_code_digits", &[arg("value", value)]).source = source;
    }
}

/// A verification template states its platform, purpose or expiry, and carries no contact.
fn verification_context_and_contacts(out: &mut Findings<'_>, input: &TemplateInput<'_>, parsed: &template::Parsed) {
    let rules = out.profile.templates.clone();
    let fixed = parsed.fixed_text();
    if let Some(rule) = rules.verification_context_required.as_ref().filter(|r| r.value) {
        let words = out.catalog.words.verification_context.words.clone();
        let names_platform = input.signature.is_some_and(|s| !s.is_empty() && fixed.contains(s));
        if !names_platform && text::find_words(&fixed, &words).is_empty() {
            let source = out.cite(&rule.source);
            out.add("template.verification_context", &[]).source = source;
        }
    }
    if let Some(rule) = rules.verification_contacts_allowed.as_ref().filter(|r| !r.value) {
        let mut contacts: Vec<[usize; 2]> =
            text::find_phone_numbers(input.text).into_iter().map(|(span, _)| span).collect();
        contacts.extend(
            text::find_words(input.text, &out.catalog.words.contact_words.words).into_iter().map(|(span, _)| span),
        );
        contacts.extend(find_emails(input.text));
        contacts.sort_unstable();
        if let Some(span) = contacts.first() {
            let source = out.cite(&rule.source);
            let f = out.add("template.verification_contact", &[arg("text", text::slice(input.text, *span))]);
            f.span = Some(*span);
            f.source = source;
        }
    }
}

/// `name@host.tld` in `text`, as character spans.
fn find_emails(text: &str) -> Vec<[usize; 2]> {
    let chars: Vec<char> = text.chars().collect();
    let part = |c: &char| c.is_ascii_alphanumeric() || "._-+".contains(*c);
    let mut found = Vec::new();
    for (at, _) in chars.iter().enumerate().filter(|(_, c)| **c == '@') {
        let start = (0..at).rev().take_while(|i| chars.get(*i).is_some_and(part)).last();
        let end = (at + 1..chars.len()).take_while(|i| chars.get(*i).is_some_and(part)).last();
        if let (Some(start), Some(end)) = (start, end)
            && chars.get(at + 1..=end).is_some_and(|host| host.contains(&'.'))
        {
            found.push([start, end + 1]);
        }
    }
    found
}

/// A notification's contacts: only official landline, 400 and 95 numbers where the vendor says
/// so, and at most its number of them.
fn notification_contacts(out: &mut Findings<'_>, input: &TemplateInput<'_>) {
    let rules = out.profile.templates.clone();
    let phones = text::find_phone_numbers(input.text);
    if let Some(rule) = rules.notification_contact_words_allowed.as_ref().filter(|r| !r.value) {
        let words = out.catalog.words.contact_words.words.clone();
        if let Some((span, _)) = text::find_words(input.text, &words).first() {
            let source = out.cite(&rule.source);
            let f = out.add("template.notification_contact", &[arg("text", text::slice(input.text, *span))]);
            f.span = Some(*span);
            f.source = source;
        }
    }
    if let Some(max) = &rules.notification_max_contacts
        && phones.len() > max.value as usize
    {
        let source = out.cite(&max.source);
        let f = out.add("template.contact_count", &[arg("count", phones.len()), arg("max", max.value)]);
        f.span = phones.get(max.value as usize).map(|(span, _)| *span);
        f.source = source;
    }
}

/// Invitations and joining a group are refused in every type; each vendor's refused topics in
/// the types it names.
fn invitations_and_banned_topics(out: &mut Findings<'_>, input: &TemplateInput<'_>) {
    let words = &out.catalog.words;
    let invitation = Words::find(input.text, &words.invitations.words).into_iter().next();
    let source = crate::sources::cite(&words.invitations.source);
    if let Some(hit) = invitation {
        let f = out.add("template.invitation", &[arg("word", &hit.word)]);
        f.span = Some(hit.span);
        f.source = source;
    }
    let banned: Vec<crate::rules::Category> =
        words.banned.iter().filter(|c| c.applies(out.profile.vendor, input.kind)).cloned().collect();
    let mut seen: Vec<String> = Vec::new();
    for (hit, category) in Words::find_in(input.text, &banned) {
        if seen.contains(&hit.word) {
            continue;
        }
        seen.push(hit.word.clone());
        let source = crate::sources::cite(&category.source);
        let f = out
            .add("template.banned_topic", &[arg("word", &hit.word), arg_text("category", category.category.clone())]);
        f.span = Some(hit.span);
        f.source = source;
    }
}

fn notification(out: &mut Findings<'_>, parsed: &template::Parsed) {
    let rule = out.profile.templates.notification_variables_allowed.clone();
    if let Some(rule) = rule.filter(|r| !r.value)
        && let Some(first) = parsed.variables().next()
    {
        let source = out.cite(&rule.source);
        let f = out.add("template.notification_variables", &[]);
        f.span = Some(first.span);
        f.source = source;
    }
}

/// Opt-out wording belongs to marketing: a verification or notification template that carries
/// it is refused where the vendor says so.
fn opt_out_outside_marketing(out: &mut Findings<'_>, input: &TemplateInput<'_>) {
    let rule = out.profile.templates.opt_out_outside_marketing_allowed.clone();
    let Some(rule) = rule.filter(|r| !r.value) else { return };
    let words = out.catalog.words.opt_out.words.clone();
    if let Some((span, _)) = text::find_words(input.text, &words).first() {
        let source = out.cite(&rule.source);
        let args = [arg("text", text::slice(input.text, *span)), arg_text("type", type_label(input.kind))];
        let f = out.add("template.opt_out_not_marketing", &args);
        f.span = Some(*span);
        f.source = source;
    }
}

/// The message as a recipient reads it, each variable at its example or typical value, for the
/// remark reviewers read (`【云帆网络】您的验证码为123456，…`).
pub fn example_message(input: &TemplateInput<'_>) -> String {
    let parsed = template::parse(input.text);
    let mut values = input.values.clone();
    for (v, kind, _) in parsed.typed(input.types) {
        values.entry(v.name.clone()).or_insert_with(|| kind.typical().to_string());
    }
    let signature = input.signature.map(|s| format!("【{s}】")).unwrap_or_default();
    format!("{signature}{}", parsed.fill(&values))
}

/// Each variable of `input` with its type, the vendor's attribute and the value it is checked at.
pub fn variable_uses(profile: &VendorProfile, input: &TemplateInput<'_>) -> Vec<VariableUse> {
    let parsed = template::parse(input.text);
    parsed
        .typed(input.types)
        .into_iter()
        .map(|(v, kind, typed_by)| {
            let example = input.values.get(&v.name);
            VariableUse {
                name: v.name.clone(),
                kind,
                label: kind.label(),
                how: typed_by.describe(),
                typed_by,
                attribute: profile.templates.variable_types.get(&kind).and_then(|r| r.attribute.clone()),
                value: example.cloned().unwrap_or_else(|| kind.typical().to_string()),
                example: example.is_some(),
            }
        })
        .collect()
}

/// Each variable's value (the case's example, else its type's typical value) against what the
/// vendor takes for that type, or against its one limit for all variables where it names no
/// types. A verification template's code has its own rules (`verification`). A typical value
/// that does not fit is a warning: the real values may be shorter.
fn variable_values(out: &mut Findings<'_>, input: &TemplateInput<'_>, parsed: &template::Parsed) {
    let rules = out.profile.templates.clone();
    let uses = variable_uses(out.profile, input);
    let lone_code = input.kind == TemplateType::Verification && uses.len() == 1;
    let described: std::collections::BTreeSet<&String> = input.values.keys().chain(input.types.keys()).collect();
    for name in described {
        if !parsed.names().contains(&name.as_str()) {
            out.add("template.variable_not_in_template", &[arg("var", format!("${{{name}}}"))]);
        }
    }
    for used in &uses {
        let span = parsed.variables().find(|v| v.name == used.name).map(|v| v.span);
        let var = format!("${{{}}}", used.name);
        let type_rule = rules.variable_types.get(&used.kind);
        if !rules.variable_types.is_empty() && type_rule.is_none_or(|r| r.attribute.is_none()) {
            let source = type_rule.map_or_else(String::new, |r| out.cite(&r.source));
            let f =
                out.add("template.variable_type_unmapped", &[arg("var", &var), arg_text("type", used.kind.label())]);
            f.span = span;
            f.source = source;
        }
        if let Some(refused) = &rules.variable_values_refuse {
            let carried = value_contents(out, &used.value, used.kind);
            if let Some(content) = carried.iter().find(|c| refused.value.contains(c)) {
                let source = out.cite(&refused.source);
                let args = [arg("var", &var), arg("value", &used.value), arg_text("what", content_label(*content))];
                let f = out.add("template.variable_value_content", &args);
                f.span = span;
                f.source = source;
            }
        }
        if lone_code {
            continue;
        }
        let (limit, source) = match (type_rule, &rules.variable_value_max) {
            (Some(rule), _) => ((rule.min, rule.max, rule.format), rule.source.clone()),
            // A vendor that names no types has one limit for every value.
            (None, Some(max)) if used.example => {
                let len = used.value.chars().count();
                if len > max.value as usize {
                    let source = out.cite(&max.source);
                    let args = [arg("var", &var), arg("len", len), arg("max", max.value)];
                    let f = out.add("template.variable_value_length", &args);
                    f.span = span;
                    f.source = source;
                }
                continue;
            }
            (None, Some(max)) => ((1, max.value, ValueFormat::Any), max.source.clone()),
            (None, None) => continue,
        };
        let Some(problem) = value_problem(&used.value, limit) else { continue };
        let wants = value_wants(limit, type_rule);
        let args = [
            arg("var", &var),
            arg_text("type", used.kind.label()),
            arg("value", &used.value),
            arg_text("problem", problem),
            arg_text("wants", wants),
        ];
        let id = if used.example { "template.variable_value" } else { "template.variable_typical" };
        let source = out.cite(&source);
        let f = out.add(id, &args);
        f.span = span;
        f.source = source;
    }
}

/// What is wrong with `value` for a type taking `min`–`max` characters of `format`, if anything.
fn value_problem(value: &str, (min, max, format): (u32, u32, ValueFormat)) -> Option<Text> {
    let len = value.chars().count();
    if len < min as usize || len > max as usize {
        return Some(Text::new(format!("有 {len} 个字"), format!("has {len} characters")));
    }
    if let Some(c) = value.chars().find(|c| !fits(format, *c)) {
        return Some(Text::new(format!("含“{c}”"), format!("holds “{c}”")));
    }
    let shaped = match format {
        ValueFormat::Phone => value.ends_with(|c: char| c.is_ascii_digit()),
        ValueFormat::Datetime | ValueFormat::Money => value.chars().any(|c| c.is_ascii_digit() || is_cn_numeral(c)),
        _ => true,
    };
    (!shaped).then(|| Text::new("不像这一类型的值", "does not look like a value of this type"))
}

/// Whether `c` may stand in a value of `format`.
fn fits(format: ValueFormat, c: char) -> bool {
    match format {
        ValueFormat::Any => true,
        ValueFormat::Digits => c.is_ascii_digit(),
        ValueFormat::Alnum => c.is_ascii_alphanumeric(),
        ValueFormat::Word => c.is_ascii_alphanumeric() || c == '_',
        ValueFormat::Phone => c.is_ascii_digit() || c == '-' || c == '+',
        ValueFormat::Datetime => c.is_ascii_digit() || "-/:. 年月日号时点分秒上下中午晚凌晨".contains(c),
        ValueFormat::Money => c.is_ascii_digit() || c == '.' || c == ',' || is_cn_numeral(c),
        ValueFormat::PlainText => !".。'<>{}".contains(c),
    }
}

fn is_cn_numeral(c: char) -> bool {
    "零〇一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟元角分整".contains(c)
}

/// `4–6 位数字（numberCaptcha）`: what the vendor takes, for the message.
fn value_wants((min, max, format): (u32, u32, ValueFormat), rule: Option<&VariableTypeRule>) -> Text {
    let (zh, en) = match format {
        ValueFormat::Any => ("字", "characters"),
        ValueFormat::Digits => ("位数字", "digits"),
        ValueFormat::Alnum => ("位字母或数字", "letters or digits"),
        ValueFormat::Word => ("位字母、数字或下划线", "letters, digits or underscores"),
        ValueFormat::Phone => ("位数字（可含 - 和开头的 +）", "digits (with - or a leading +)"),
        ValueFormat::Datetime => ("字的日期或时间", "characters of a date or time"),
        ValueFormat::Money => ("字的数字金额，不带货币符号", "characters of an amount, no currency sign"),
        ValueFormat::PlainText => ("字，不含 . 。 ' < > { }", "characters without . 。 ' < > { }"),
    };
    let attribute = rule.and_then(|r| r.attribute.as_deref()).map(|a| format!("（{a}）")).unwrap_or_default();
    let attribute_en = rule.and_then(|r| r.attribute.as_deref()).map(|a| format!(" ({a})")).unwrap_or_default();
    Text::new(format!("{min}–{max} {zh}{attribute}"), format!("{min}–{max} {en}{attribute_en}"))
}

/// The contacts and signs a value carries. A phone-typed variable carries a phone number by
/// definition, whatever its example.
fn value_contents(out: &Findings<'_>, value: &str, kind: VarType) -> Vec<ValueContent> {
    let mut found = Vec::new();
    if !text::find_links(value, &out.catalog.words.link_tlds.words).is_empty() {
        found.push(ValueContent::Link);
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let phone_like = value.chars().all(|c| c.is_ascii_digit() || "-+ ".contains(c)) && (5..=15).contains(&digits);
    if kind == VarType::Phone || !text::find_mobile_numbers(value).is_empty() || (phone_like && value.contains('-')) {
        found.push(ValueContent::Phone);
    }
    if value.chars().any(|c| "¥￥$＄€£".contains(c)) {
        found.push(ValueContent::Currency);
    }
    found
}

fn content_label(content: ValueContent) -> Text {
    match content {
        ValueContent::Link => Text::new("链接", "a link"),
        ValueContent::Phone => Text::new("电话号码", "a phone number"),
        ValueContent::Currency => Text::new("货币符号", "a currency sign"),
    }
}

fn marketing(out: &mut Findings<'_>, input: &TemplateInput<'_>, parsed: &template::Parsed) {
    let rules = out.profile.templates.clone();
    let opt_out = &rules.marketing_opt_out;
    if text::find_words(input.text, &opt_out.value).is_empty() {
        let suggestion = opt_out.value.first().cloned().unwrap_or_default();
        let source = out.cite(&opt_out.source);
        let f = out.add(
            "template.marketing_opt_out",
            &[arg("accepted", opt_out.value.join(" / ")), arg("suggestion", suggestion)],
        );
        f.source = source;
    }
    // 末尾: nothing but punctuation or space may follow the opt-out.
    if let Some(rule) = rules.marketing_opt_out_at_end.as_ref().filter(|r| r.value)
        && let Some((span, _)) = text::find_words(input.text, &opt_out.value).last()
    {
        let after = text::slice(input.text, [span[1], input.text.chars().count()]);
        if after.chars().any(|c| c.is_alphanumeric() || c == '$' || c == '{') {
            let source = out.cite(&rule.source);
            let f = out.add("template.marketing_opt_out_position", &[arg("text", text::slice(input.text, *span))]);
            f.span = Some(*span);
            f.source = source;
        }
    }
    if text::find_words(input.text, &out.catalog.words.member_words.words).is_empty() {
        out.add("template.marketing_member", &[]);
    }
    if let Some(rule) = rules.marketing_member_proof.as_ref().filter(|r| r.value) {
        let source = out.cite(&rule.source);
        out.add("template.member_proof", &[]).source = source;
    }
    if let Some(window) = &rules.marketing_send_window {
        let source = out.cite(&window.source);
        out.add("template.send_window", &[arg("window", &window.value)]).source = source;
    }
    if !rules.marketing_variables_allowed.value && parsed.variables().next().is_some() {
        let source = out.cite(&rules.marketing_variables_allowed.source);
        out.add("template.marketing_variables", &[]).source = source;
    }
}

/// `雲→云 網→网`: each traditional character with its simplified form.
fn describe_traditional(found: &[(usize, char, char)]) -> String {
    found.iter().map(|(_, t, s)| format!("{t}→{s}")).collect::<Vec<_>>().join(" ")
}

/// Adds a `redline.industry` finding for each red-line word in `text`, which `place` names; returns
/// the findings added, for the caller to say which field or material they are about.
pub fn red_lines<'f>(out: &'f mut Findings<'_>, text: &str, place: &Text) -> &'f mut [Finding] {
    let start = out.list.len();
    for (hit, category) in Words::find_in(text, &out.catalog.words.redline) {
        let args =
            [arg_text("where", place.clone()), arg("word", &hit.word), arg_text("category", category.category.clone())];
        let f = out.add("redline.industry", &args);
        f.span = Some(hit.span);
        f.found = Some(hit.word);
    }
    out.list.get_mut(start..).unwrap_or_default()
}

pub fn type_label(kind: TemplateType) -> Text {
    match kind {
        TemplateType::Verification => Text::new("验证码", "verification"),
        TemplateType::Notification => Text::new("通知", "notification"),
        TemplateType::Marketing => Text::new("推广", "marketing"),
    }
}

fn applicant_label(kind: ApplicantKind) -> Text {
    match kind {
        ApplicantKind::Enterprise => Text::new("企业", "enterprise"),
        ApplicantKind::Individual => Text::new("个人", "individual"),
    }
}
