//! The letters a package needs: the authorization letter (授权委托书) for third-party use and
//! the compliance commitment letter (合规使用承诺函). Each is a plain-text template
//! (assets/letters/, syntax in its README) filled from the case and laid out on A4.
//!
//! A template a user got from the vendor goes through the same path: its fixed text is printed
//! character for character; only `{{placeholders}}` change.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use crate::case::{ApplicantKind, CaseData, SignatureUse, Vendor};
use crate::error::{Error, Result};
use crate::font::Fonts;
use crate::i18n::Text;
use crate::pdf::{Align, GREY, Layout, Style};
use crate::profile::VendorProfile;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LetterKind {
    Authorization,
    Commitment,
}

/// What the command line (or the app) adds to the case for one letter.
#[derive(Clone, Debug)]
pub struct LetterOptions {
    /// The signing date printed on the letter.
    pub date: NaiveDate,
    /// The authorization's validity; by default from `date`, for twelve months.
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// Signatures authorised besides the case's own (one letter may cover several).
    pub extra_signatures: Vec<String>,
    /// A template text to fill instead of the built-in one (the vendor's own letter).
    pub template: Option<String>,
    /// The owner's credit code as the owner's licence reads, used (and said to be read) when
    /// the case declares none.
    pub owner_uscc_read: Option<String>,
}

impl LetterOptions {
    pub fn new(date: NaiveDate) -> LetterOptions {
        LetterOptions {
            date,
            valid_from: None,
            valid_to: None,
            extra_signatures: Vec::new(),
            template: None,
            owner_uscc_read: None,
        }
    }
}

/// One laid-out piece of a letter.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    Centre(String),
    Right(String),
    Small(String),
    Boxes(Vec<String>),
    Gap,
}

/// A filled letter, ready to lay out.
#[derive(Clone, Debug)]
pub struct Letter {
    pub title: String,
    pub blocks: Vec<Block>,
    /// Source ids named by the template's `@source` lines.
    pub sources: Vec<String>,
    /// What the user should know before printing (e.g. the vendor wants its own template).
    pub warnings: Vec<Text>,
}

/// A `{{key}}` a template may use: its English key, its Chinese alias, and the case field
/// (or option) that fills it, named in errors.
pub struct Placeholder {
    pub key: &'static str,
    pub alias: &'static str,
    pub from: &'static str,
}

pub const PLACEHOLDERS: &[Placeholder] = &[
    Placeholder { key: "vendor", alias: "厂商", from: "--vendor" },
    Placeholder { key: "applicant_name", alias: "申请方", from: "applicant.name" },
    Placeholder { key: "applicant_uscc", alias: "申请方统一社会信用代码", from: "applicant.uscc" },
    Placeholder { key: "applicant_id_number", alias: "身份证号码", from: "applicant.id_number" },
    Placeholder { key: "legal_rep", alias: "法定代表人", from: "applicant.legal_rep" },
    Placeholder { key: "owner_name", alias: "授权方", from: "signature.owner" },
    Placeholder { key: "owner_uscc", alias: "授权方统一社会信用代码", from: "signature.owner_uscc" },
    Placeholder { key: "signatures", alias: "签名", from: "signature.name (--signature)" },
    Placeholder { key: "valid_from", alias: "有效期起", from: "--valid-from" },
    Placeholder { key: "valid_to", alias: "有效期止", from: "--valid-to" },
    Placeholder { key: "date", alias: "日期", from: "--date" },
    Placeholder { key: "handler_name", alias: "经办人", from: "handler.name" },
    Placeholder { key: "handler_phone", alias: "经办人手机", from: "handler.phone" },
    Placeholder { key: "landing_name", alias: "应用名称", from: "landing.name" },
    Placeholder { key: "landing_domain", alias: "域名", from: "landing.domain" },
    Placeholder { key: "icp_number", alias: "备案号", from: "landing.icp_number" },
    Placeholder { key: "scenario", alias: "使用场景", from: "landing.scenario" },
];

/// The built-in template for a letter.
pub fn builtin_template(kind: LetterKind, vendor: Vendor, applicant: ApplicantKind) -> &'static str {
    match (kind, vendor, applicant) {
        (LetterKind::Authorization, Vendor::Aliyun, _) => include_str!("../assets/letters/authorization-aliyun.txt"),
        (LetterKind::Authorization, Vendor::Tencent, _) => include_str!("../assets/letters/authorization-tencent.txt"),
        (LetterKind::Authorization, Vendor::Huawei, _) => include_str!("../assets/letters/authorization-huawei.txt"),
        (LetterKind::Authorization, Vendor::Volcengine, _) => {
            include_str!("../assets/letters/authorization-volcengine.txt")
        }
        (LetterKind::Authorization, Vendor::Baidu, _) => include_str!("../assets/letters/authorization-baidu.txt"),
        (LetterKind::Commitment, _, ApplicantKind::Enterprise) => {
            include_str!("../assets/letters/commitment-enterprise.txt")
        }
        (LetterKind::Commitment, _, ApplicantKind::Individual) => {
            include_str!("../assets/letters/commitment-individual.txt")
        }
    }
}

/// The authorization letter: the signature's owner authorises the applicant to use it with
/// `profile`'s vendor, within the vendor's rules for third-party use.
pub fn authorization_letter(case: &CaseData, profile: &VendorProfile, options: &LetterOptions) -> Result<Letter> {
    let rule = &profile.signature.third_party;
    let vendor = &profile.name.zh;
    let cite = profile.cite(&rule.source);
    let signature = case.signature.as_ref().ok_or_else(|| {
        Error::input(
            "案卷没有填写签名（[signature]），无法生成授权委托书",
            "the case has no [signature]: nothing to authorise",
        )
    })?;
    if signature.usage != SignatureUse::ThirdParty {
        return Err(Error::input(
            "案卷的签名为自用（use = \"self\"），自用不需要授权委托书；他用时请设 use = \"third-party\" 并填写 owner",
            "the case's signature is for its own use (use = \"self\"), which needs no authorization letter; for third-party use set use = \"third-party\" and owner",
        ));
    }
    if !rule.accepted || !rule.applicant_kinds.contains(&case.applicant.kind) {
        return Err(Error::input(
            format!("{vendor}不接受{}申请他用签名（{cite}）", case.applicant.kind.label().zh),
            format!(
                "{} does not take third-party signatures from {} applicants ({cite})",
                profile.name.en,
                case.applicant.kind.as_str()
            ),
        ));
    }
    let signatures = signature_list(case, options);
    if let Some(max) = rule.max_signatures.filter(|max| signatures.len() > *max as usize) {
        return Err(Error::input(
            format!("{vendor}一份授权委托书最多授权 {max} 个签名，这里有 {} 个（{cite}）", signatures.len()),
            format!(
                "{} allows at most {max} signatures per letter; this one has {} ({cite})",
                profile.name.en,
                signatures.len()
            ),
        ));
    }
    let (from, to) = validity(options);
    if to <= from {
        return Err(Error::input(
            format!("授权有效期的结束日 {to} 不晚于开始日 {from}"),
            format!("the authorization ends ({to}) no later than it starts ({from})"),
        ));
    }
    if let Some(months) = rule.min_validity_months {
        let shortest = from.checked_add_months(Months::new(months)).unwrap_or(from);
        if to < shortest {
            return Err(Error::input(
                format!("{vendor}要求授权有效期不少于 {months} 个月：{from} 至 {to} 不够，至少到 {shortest}（{cite}）"),
                format!(
                    "{} requires at least {months} months of validity: {from} to {to} is shorter; extend it to {shortest} ({cite})",
                    profile.name.en
                ),
            ));
        }
    }
    let mut letter = fill_letter(LetterKind::Authorization, case, profile, options)?;
    let declared = case.signature.as_ref().and_then(|s| s.owner_uscc.as_deref()).is_some_and(|c| !c.trim().is_empty());
    if let (false, Some(read)) = (declared, &options.owner_uscc_read) {
        letter.warnings.push(Text::new(
            format!("授权方统一社会信用代码 {read} 取自授权方营业执照的识别结果：打印前请与执照核对，或在案卷中填写 signature.owner_uscc。"),
            format!("The owner's credit code {read} was read from the owner's licence: check it against the licence before printing, or declare signature.owner_uscc in the case."),
        ));
    }
    if rule.vendor_template && options.template.is_none() {
        let note = rule.note.clone().unwrap_or_else(|| Text::new("", ""));
        letter.warnings.push(Text::new(
            format!("{vendor}要求使用其官方授权委托书模板（{cite}）。内置模板含该厂商要求的字段；若已从控制台下载官方模板，请加占位符后用 --template 填写。{}", note.zh),
            format!("{} wants its own letter template ({cite}). The built-in letter carries the fields it names; if you have the official template, add placeholders and fill it with --template. {}", profile.name.en, note.en),
        ));
    }
    Ok(letter)
}

/// The compliance commitment letter: the applicant's promise, with boxes for the seal (an
/// enterprise) or the signature and fingerprint (an individual), per seed 001.
pub fn commitment_letter(case: &CaseData, profile: &VendorProfile, options: &LetterOptions) -> Result<Letter> {
    let mut letter = fill_letter(LetterKind::Commitment, case, profile, options)?;
    let asked = profile.materials.iter().any(|m| m.role == crate::case::Role::CommitmentLetter);
    if !asked {
        letter.warnings.push(Text::new(
            format!("{}的资料清单里没有合规使用承诺函；需要时可附上。", profile.name.zh),
            format!("{}'s list of materials has no commitment letter; attach it if asked.", profile.name.en),
        ));
    }
    Ok(letter)
}

fn fill_letter(kind: LetterKind, case: &CaseData, profile: &VendorProfile, options: &LetterOptions) -> Result<Letter> {
    let template = match &options.template {
        Some(text) => text.as_str(),
        None => builtin_template(kind, profile.vendor, case.applicant.kind),
    };
    fill(template, &values(case, profile, options))
}

fn signature_list(case: &CaseData, options: &LetterOptions) -> Vec<String> {
    let mut list: Vec<String> = Vec::new();
    let own = case.signature.iter().map(|s| s.name.trim().to_string());
    for name in own.chain(options.extra_signatures.iter().map(|s| s.trim().to_string())) {
        if !name.is_empty() && !list.contains(&name) {
            list.push(name);
        }
    }
    list
}

/// The authorization's validity: from the letter date for twelve months unless given.
pub fn validity(options: &LetterOptions) -> (NaiveDate, NaiveDate) {
    let from = options.valid_from.unwrap_or(options.date);
    let to = options.valid_to.unwrap_or_else(|| from.checked_add_months(Months::new(12)).unwrap_or(from));
    (from, to)
}

/// A date as Chinese letters print it: 2026年11月22日.
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// Every placeholder value the case and options can give; a key it cannot fill is absent.
pub fn values(case: &CaseData, profile: &VendorProfile, options: &LetterOptions) -> BTreeMap<&'static str, String> {
    let applicant = &case.applicant;
    let third_party = case.signature.as_ref().is_some_and(|s| s.usage == SignatureUse::ThirdParty);
    // For its own use, the signature belongs to the applicant.
    let (owner, owner_uscc) = match &case.signature {
        Some(s) if third_party => (s.owner.clone(), s.owner_uscc.clone().or_else(|| options.owner_uscc_read.clone())),
        _ => (Some(applicant.name.clone()), applicant.uscc.clone()),
    };
    let signatures = signature_list(case, options);
    let (from, to) = validity(options);
    let landing = case.landing.as_ref();
    let handler = case.handler.as_ref();
    let pairs: [(&'static str, Option<String>); 17] = [
        ("vendor", Some(profile.name.zh.clone())),
        ("applicant_name", Some(applicant.name.clone())),
        ("applicant_uscc", applicant.uscc.clone()),
        ("applicant_id_number", applicant.id_number.clone()),
        ("legal_rep", applicant.legal_rep.clone()),
        ("owner_name", owner),
        ("owner_uscc", owner_uscc),
        ("signatures", (!signatures.is_empty()).then(|| signatures.join("、"))),
        ("valid_from", Some(chinese_date(from))),
        ("valid_to", Some(chinese_date(to))),
        ("date", Some(chinese_date(options.date))),
        ("handler_name", handler.map(|h| h.name.clone())),
        ("handler_phone", handler.and_then(|h| h.phone.clone())),
        ("landing_name", landing.map(|l| l.name.clone())),
        ("landing_domain", landing.and_then(|l| l.domain.clone())),
        ("icp_number", landing.and_then(|l| l.icp_number.clone())),
        ("scenario", landing.and_then(|l| l.scenario.clone())),
    ];
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect()
}

/// A placeholder that could not be filled, and why.
struct Unfilled {
    line: usize,
    key: String,
    known: Option<&'static Placeholder>,
}

/// Fills a template's placeholders and reads its layout lines. Every placeholder the values
/// cannot fill is reported in one error, each with its line and the case field that fills it.
pub fn fill(template: &str, values: &BTreeMap<&'static str, String>) -> Result<Letter> {
    let mut blocks = Vec::new();
    let mut sources = Vec::new();
    let mut unfilled = Vec::new();
    for (index, raw) in template.lines().enumerate() {
        let number = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let (directive, rest) = match line.strip_prefix('@') {
            Some(escaped) if escaped.starts_with('@') => (None, escaped),
            Some(directive) => {
                let (name, rest) = directive.split_once(char::is_whitespace).unwrap_or((directive, ""));
                (Some(name), rest.trim())
            }
            None => (None, line),
        };
        if matches!(directive, Some("comment")) {
            continue;
        }
        if directive == Some("source") {
            sources.extend(rest.split_whitespace().map(str::to_string));
            continue;
        }
        let text = substitute(rest, number, values, &mut unfilled)?;
        let block = match directive {
            None if text.trim().is_empty() => Block::Gap,
            None => Block::Paragraph(text),
            Some("title") => Block::Title(text),
            Some("heading") => Block::Heading(text),
            Some("centre") | Some("center") => Block::Centre(text),
            Some("right") => Block::Right(text),
            Some("small") => Block::Small(text),
            Some("boxes") => {
                Block::Boxes(text.split('|').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            }
            Some(other) => {
                return Err(Error::input(
                    format!(
                        "模板第 {number} 行：不认识的排版指令 @{other}（可用：@title @heading @centre @right @small @boxes @source @comment；行首写 @@ 表示字面的 @）"
                    ),
                    format!(
                        "template line {number}: unknown layout line @{other} (known: @title @heading @centre @right @small @boxes @source @comment; start a line with @@ for a literal @)"
                    ),
                ));
            }
        };
        blocks.push(block);
    }
    if !unfilled.is_empty() {
        return Err(unfilled_error(&unfilled));
    }
    // Gaps at the start and end print nothing useful.
    while blocks.first() == Some(&Block::Gap) {
        blocks.remove(0);
    }
    while blocks.last() == Some(&Block::Gap) {
        blocks.pop();
    }
    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Title(t) => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_default();
    Ok(Letter { title, blocks, sources, warnings: Vec::new() })
}

fn placeholder(key: &str) -> Option<&'static Placeholder> {
    PLACEHOLDERS.iter().find(|p| p.key == key || p.alias == key)
}

/// Replaces each `{{key}}` in `text`; a key without a value is recorded in `unfilled` and left
/// as written so the other lines can still be checked.
fn substitute(
    text: &str,
    line: usize,
    values: &BTreeMap<&'static str, String>,
    unfilled: &mut Vec<Unfilled>,
) -> Result<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let (before, after_open) = rest.split_at(open);
        out.push_str(before);
        let inner_start = after_open.get(2..).unwrap_or_default();
        let Some(close) = inner_start.find("}}") else {
            return Err(Error::input(
                format!("模板第 {line} 行：占位符 {{{{ 没有对应的 }}}}"),
                format!("template line {line}: a {{{{ without its }}}}"),
            ));
        };
        let key = inner_start.get(..close).unwrap_or_default().trim();
        let known = placeholder(key);
        match known.and_then(|p| values.get(p.key)) {
            Some(value) => out.push_str(value),
            None => {
                unfilled.push(Unfilled { line, key: key.to_string(), known });
                out.push_str(&format!("{{{{{key}}}}}"));
            }
        }
        rest = inner_start.get(close + 2..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

fn unfilled_error(unfilled: &[Unfilled]) -> Error {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for u in unfilled {
        match u.known {
            Some(p) => {
                zh.push(format!("第 {} 行的占位符 {{{{{}}}}} 无法填写：案卷缺少 {}", u.line, u.key, p.from));
                en.push(format!(
                    "line {}: placeholder {{{{{}}}}} cannot be filled: the case has no {}",
                    u.line, u.key, p.from
                ));
            }
            None => {
                zh.push(format!("第 {} 行的占位符 {{{{{}}}}} 不认识", u.line, u.key));
                en.push(format!("line {}: unknown placeholder {{{{{}}}}}", u.line, u.key));
            }
        }
    }
    let known: Vec<String> = PLACEHOLDERS.iter().map(|p| format!("{}/{}", p.key, p.alias)).collect();
    if unfilled.iter().any(|u| u.known.is_none()) {
        zh.push(format!("可用的占位符：{}", known.join("、")));
        en.push(format!("known placeholders: {}", known.join(", ")));
    }
    Error::input(
        format!("模板无法填写：{}", zh.join("；")),
        format!("the template cannot be filled: {}", en.join("; ")),
    )
}

/// Lays a letter out on A4 pages.
pub fn layout(letter: &Letter, fonts: Fonts) -> Layout {
    let mut page = Layout::new(fonts, letter.title.clone());
    let body = Style::body();
    for block in &letter.blocks {
        match block {
            Block::Title(text) => {
                page.paragraph(text, Style::title());
                page.space(14.0);
            }
            Block::Heading(text) => page.paragraph(text, Style::heading()),
            Block::Paragraph(text) => page.paragraph(text, body),
            Block::Centre(text) => page.paragraph(text, body.aligned(Align::Centre)),
            Block::Right(text) => page.paragraph(text, body.aligned(Align::Right)),
            Block::Small(text) => page.paragraph(text, Style::small().coloured(GREY)),
            Block::Boxes(captions) => {
                page.space(8.0);
                let captions: Vec<&str> = captions.iter().map(String::as_str).collect();
                page.boxes(&captions, 96.0);
                page.space(8.0);
            }
            Block::Gap => page.space(body.size * 0.9),
        }
    }
    page
}

/// The text of a letter as it prints (for checks and previews): each block's text in order.
pub fn printed_text(letter: &Letter) -> String {
    let mut out = String::new();
    for block in &letter.blocks {
        match block {
            Block::Title(t)
            | Block::Heading(t)
            | Block::Paragraph(t)
            | Block::Centre(t)
            | Block::Right(t)
            | Block::Small(t) => {
                out.push_str(t);
                out.push('\n');
            }
            Block::Boxes(captions) => {
                out.push_str(&captions.join(" "));
                out.push('\n');
            }
            Block::Gap => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values_of(pairs: &[(&'static str, &str)]) -> BTreeMap<&'static str, String> {
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    #[test]
    fn fixed_text_is_kept_and_aliases_fill() {
        let letter = fill(
            "@title 授权书\n　　兹授权{{ applicant_name }}使用「{{签名}}」。\n\n@@开头",
            &values_of(&[("applicant_name", "甲公司"), ("signatures", "云帆网络")]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(letter.title, "授权书");
        assert_eq!(
            letter.blocks,
            vec![
                Block::Title("授权书".into()),
                Block::Paragraph("　　兹授权甲公司使用「云帆网络」。".into()),
                Block::Gap,
                Block::Paragraph("@开头".into()),
            ]
        );
    }

    #[test]
    fn every_unfillable_placeholder_is_named() {
        let Err(e) = fill("{{owner_uscc}}\n{{no_such_key}}", &values_of(&[])) else { panic!("filled") };
        let zh = e.message(crate::Lang::Zh);
        assert!(zh.contains("第 1 行的占位符 {{owner_uscc}} 无法填写：案卷缺少 signature.owner_uscc"), "{zh}");
        assert!(zh.contains("第 2 行的占位符 {{no_such_key}} 不认识"), "{zh}");
    }

    #[test]
    fn every_built_in_letter_names_sources_its_vendor_defines() {
        let empty = BTreeMap::new();
        for profile in VendorProfile::load_all().unwrap_or_else(|e| panic!("{e}")) {
            for (kind, applicant) in [
                (LetterKind::Authorization, ApplicantKind::Enterprise),
                (LetterKind::Commitment, ApplicantKind::Enterprise),
                (LetterKind::Commitment, ApplicantKind::Individual),
            ] {
                let template = builtin_template(kind, profile.vendor, applicant);
                // Parse the layout lines only: the placeholders are checked by the CLI tests.
                let sources: Vec<String> = template
                    .lines()
                    .filter_map(|l| l.strip_prefix("@source "))
                    .flat_map(|l| l.split_whitespace().map(str::to_string))
                    .collect();
                assert!(!sources.is_empty(), "{kind:?} for {} names no source", profile.vendor);
                let defined = |id: &str| crate::sources::undefined(id).is_none();
                for id in &sources {
                    assert!(defined(id), "{kind:?} for {}: source {id} is not defined", profile.vendor);
                }
                let _ = fill(template, &empty);
            }
        }
    }

    #[test]
    fn unknown_layout_lines_and_open_braces_are_errors() {
        assert!(fill("@tilte 授权书", &values_of(&[])).is_err());
        assert!(fill("授权 {{applicant_name", &values_of(&[])).is_err());
    }
}
