//! SMS templates: parsed into fixed text and variables, and rendered in each vendor's syntax.
//! A case writes every template once with named variables (`${code}`); Tencent receives `{1}`,
//! Huawei `${1}`, the others `${code}` (vendors.md §0, "Variable syntax").

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use crate::case::VarType;
use crate::i18n::Text;
use crate::profile::VariableSyntax;

// The vocabulary's enum belongs to the case model; its words (labels, typical values, the clues
// inference looks for) are assets/variables.toml, read here.
impl VarType {
    /// `code, alnum-code, phone, …`: for errors that name the known types.
    pub fn known() -> String {
        VarType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
    }

    pub fn label(self) -> Text {
        vocabulary().get(self).map_or_else(|| Text::new(self.as_str(), self.as_str()), |d| d.label.clone())
    }

    /// The value a variable of this type is counted and checked at when no example is given.
    pub fn typical(self) -> &'static str {
        vocabulary().get(self).map_or("000000", |d| d.typical.as_str())
    }
}

/// How a variable's type was settled: declared by the case, or inferred (and from what).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by", content = "clue")]
pub enum TypedBy {
    Declared,
    /// A word of the variable's name (`order_no` → `no`).
    Name(String),
    /// A word just before the variable (`验证码${x}`).
    Before(String),
    /// A word just after it (`${x}元`).
    After(String),
    /// Nothing pointed anywhere: other text.
    Default,
}

impl TypedBy {
    pub fn describe(&self) -> Text {
        match self {
            TypedBy::Declared => Text::new("案卷中声明", "declared in the case"),
            TypedBy::Name(w) => Text::new(format!("由变量名中的“{w}”推断"), format!("inferred from “{w}” in its name")),
            TypedBy::Before(w) => Text::new(format!("由前文“{w}”推断"), format!("inferred from “{w}” before it")),
            TypedBy::After(w) => Text::new(format!("由后文“{w}”推断"), format!("inferred from “{w}” after it")),
            TypedBy::Default => Text::new("无线索，按其他文本", "no clue: other text"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeEntry {
    id: VarType,
    label: Text,
    typical: String,
    names: Vec<String>,
    before: Vec<String>,
    after: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct VocabularyFile {
    #[serde(rename = "type")]
    types: Vec<TypeEntry>,
}

struct Vocabulary(Vec<TypeEntry>);

impl Vocabulary {
    fn get(&self, kind: VarType) -> Option<&TypeEntry> {
        self.0.iter().find(|d| d.id == kind)
    }
}

const VARIABLES_TOML: &str = include_str!("../assets/variables.toml");

/// assets/variables.toml, parsed once. It is compiled in and checked by a test, so a broken
/// file cannot ship; should it fail anyway, inference finds nothing and every type is `text`.
fn vocabulary() -> &'static Vocabulary {
    static PARSED: OnceLock<Vocabulary> = OnceLock::new();
    PARSED.get_or_init(|| Vocabulary(parse_vocabulary().map(|f| f.types).unwrap_or_default()))
}

fn parse_vocabulary() -> Result<VocabularyFile, toml::de::Error> {
    toml::from_str(VARIABLES_TOML)
}

/// Checks assets/variables.toml: it parses and holds every type once.
pub fn check_vocabulary() -> Result<(), String> {
    let file = parse_vocabulary().map_err(|e| format!("variables.toml: {e}"))?;
    for kind in VarType::ALL {
        let n = file.types.iter().filter(|t| t.id == *kind).count();
        if n != 1 {
            return Err(format!("variables.toml: type {kind} defined {n} times"));
        }
    }
    Ok(())
}

/// The words of a variable name, lower-case, last first: `order_no` → no, order;
/// `userName` → name, user.
fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        let boundary = c == '_' || c.is_ascii_digit() || (c.is_ascii_uppercase() && previous_lower);
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_ascii_alphabetic() {
            current.push(c.to_ascii_lowercase());
        }
        previous_lower = c.is_ascii_lowercase();
    }
    if !current.is_empty() {
        words.push(current);
    }
    words.reverse();
    words
}

/// A variable's type: as declared, else from its name (the whole name, then its words from the
/// last, which in English names the thing), else from the text right before it, then after it.
pub fn infer_type(parsed: &Parsed, variable: &Variable, declared: Option<VarType>) -> (VarType, TypedBy) {
    if let Some(kind) = declared {
        return (kind, TypedBy::Declared);
    }
    let vocabulary = vocabulary();
    let whole = variable.name.to_ascii_lowercase().replace('_', "");
    let by_name = std::iter::once(whole).chain(name_words(&variable.name)).find_map(|word| {
        vocabulary.0.iter().find(|t| t.names.contains(&word)).map(|t| (t.id, TypedBy::Name(word.clone())))
    });
    if let Some(found) = by_name {
        return found;
    }
    let (before, after) = parsed.around(variable);
    // Filler between a clue and the variable: 验证码为：${code}, ${n} 分钟.
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || "：:为是，, ".contains(c));
    let after = after.trim_start_matches(|c: char| c.is_whitespace());
    for t in &vocabulary.0 {
        if let Some(w) = t.before.iter().filter(|w| before.ends_with(w.as_str())).max_by_key(|w| w.len()) {
            return (t.id, TypedBy::Before(w.clone()));
        }
    }
    for t in &vocabulary.0 {
        if let Some(w) = t.after.iter().filter(|w| after.starts_with(w.as_str())).max_by_key(|w| w.len()) {
            return (t.id, TypedBy::After(w.clone()));
        }
    }
    (VarType::Text, TypedBy::Default)
}

/// How a variable was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// `${name}` — the portable form, rendered per vendor.
    Dollar,
    /// `{1}` — Tencent's numbered form.
    Brace,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub written: Written,
    /// `[start, end)` in characters of the template text.
    pub span: [usize; 2],
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text { text: String, span: [usize; 2] },
    Var(Variable),
}

/// A `${` without its `}` or with a name other than letters, digits and underscores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    pub span: [usize; 2],
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub parts: Vec<Part>,
    pub malformed: Vec<Malformed>,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits a template into text and variables. Anything that is not a well-formed variable stays
/// text (and a broken `${…` is also reported as malformed), so no character is ever lost.
pub fn parse(template: &str) -> Parsed {
    let chars: Vec<char> = template.chars().collect();
    let mut parsed = Parsed::default();
    let mut text = String::new();
    let mut text_start = 0;
    let mut i = 0;
    let flush = |parsed: &mut Parsed, text: &mut String, start: usize, end: usize| {
        if !text.is_empty() {
            parsed.parts.push(Part::Text { text: std::mem::take(text), span: [start, end] });
        }
    };
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or_default();
        let (open, written) = match (c, chars.get(i + 1)) {
            ('$', Some('{')) => (i + 2, Written::Dollar),
            ('{', Some(d)) if d.is_ascii_digit() => (i + 1, Written::Brace),
            _ => {
                text.push(c);
                i += 1;
                continue;
            }
        };
        let close = (open..chars.len()).find(|&j| chars.get(j) == Some(&'}'));
        let name: Option<String> = close.map(|end| chars.get(open..end).unwrap_or_default().iter().collect());
        let valid = match (&name, written) {
            (Some(n), Written::Dollar) => !n.is_empty() && n.chars().all(is_name_char),
            (Some(n), Written::Brace) => !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()),
            (None, _) => false,
        };
        match (close, name) {
            (Some(end), Some(name)) if valid => {
                flush(&mut parsed, &mut text, text_start, i);
                parsed.parts.push(Part::Var(Variable { name, written, span: [i, end + 1] }));
                i = end + 1;
                text_start = i;
            }
            _ => {
                if written == Written::Dollar {
                    let end = close.map_or(chars.len(), |e| e + 1).min(i + 24);
                    let snippet: String = chars.get(i..end).unwrap_or_default().iter().collect();
                    parsed.malformed.push(Malformed { span: [i, end], text: snippet });
                }
                text.push(c);
                i += 1;
            }
        }
    }
    flush(&mut parsed, &mut text, text_start, chars.len());
    parsed
}

impl Parsed {
    pub fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(v),
            Part::Text { .. } => None,
        })
    }

    /// Distinct variable names in order of first appearance.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for v in self.variables() {
            if !names.contains(&v.name.as_str()) {
                names.push(&v.name);
            }
        }
        names
    }

    /// The fixed text just before and just after `variable`'s first use.
    fn around(&self, variable: &Variable) -> (&str, &str) {
        let at = self.parts.iter().position(|p| matches!(p, Part::Var(v) if v.span == variable.span));
        let text_at = |i: Option<usize>| match i.and_then(|i| self.parts.get(i)) {
            Some(Part::Text { text, .. }) => text.as_str(),
            _ => "",
        };
        match at {
            Some(i) => (text_at(i.checked_sub(1)), text_at(Some(i + 1))),
            None => ("", ""),
        }
    }

    /// Each distinct variable with its type, in order of first appearance.
    pub fn typed(&self, declared: &BTreeMap<String, VarType>) -> Vec<(&Variable, VarType, TypedBy)> {
        let mut seen: Vec<&str> = Vec::new();
        let mut typed = Vec::new();
        for v in self.variables() {
            if seen.contains(&v.name.as_str()) {
                continue;
            }
            seen.push(&v.name);
            let (kind, by) = infer_type(self, v, declared.get(&v.name).copied());
            typed.push((v, kind, by));
        }
        typed
    }

    /// The fixed text alone, variables removed.
    pub fn fixed_text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Text { text, .. } => Some(text.as_str()),
                Part::Var(_) => None,
            })
            .collect()
    }

    /// The template with each variable replaced by its value; variables without a value keep
    /// their written form.
    pub fn fill(&self, values: &BTreeMap<String, String>) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text { text, .. } => text.clone(),
                Part::Var(v) => values.get(&v.name).cloned().unwrap_or_else(|| v.written_form()),
            })
            .collect()
    }

    /// The template in `syntax`: named variables numbered by first appearance where the vendor
    /// numbers them. Tencent's `{n}` stays as written for Tencent and cannot be rendered for the
    /// others (the lint reports it).
    pub fn render(&self, syntax: VariableSyntax) -> String {
        let names = self.names();
        let number = |name: &str| names.iter().position(|n| *n == name).map_or(0, |p| p + 1);
        self.parts
            .iter()
            .map(|p| match (p, syntax) {
                (Part::Text { text, .. }, _) => text.clone(),
                (Part::Var(v), _) if v.written == Written::Brace => v.written_form(),
                (Part::Var(v), VariableSyntax::DollarNamed) => v.written_form(),
                (Part::Var(v), VariableSyntax::DollarNumbered) if is_huawei_typed(&v.name) => v.written_form(),
                (Part::Var(v), VariableSyntax::DollarNumbered) => format!("${{{}}}", number(&v.name)),
                (Part::Var(v), VariableSyntax::BraceNumbered) => format!("{{{}}}", number(&v.name)),
            })
            .collect()
    }
}

impl Variable {
    /// The variable as it is written in the template: `${name}` or `{1}`.
    pub fn written_form(&self) -> String {
        match self.written {
            Written::Dollar => format!("${{{}}}", self.name),
            Written::Brace => format!("{{{}}}", self.name),
        }
    }
}

/// Huawei's own variable names (`${1}`, `${TEXT}`, `${NUM_3}`, …) stay as written (vendors.md §3.4).
fn is_huawei_typed(name: &str) -> bool {
    const TYPED: [&str; 7] = ["PHONE", "CHARDIGIT", "DATETIME", "MONEY", "TEXT", "DATE", "TIME"];
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix).is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    name.chars().all(|c| c.is_ascii_digit()) || TYPED.contains(&name) || numbered("TXT_") || numbered("NUM_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_each_vendor_syntax() {
        let t = parse("您的验证码为${code}，${minutes}分钟内有效，验证码${code}");
        assert!(t.malformed.is_empty());
        assert_eq!(t.names(), ["code", "minutes"]);
        assert_eq!(t.render(VariableSyntax::BraceNumbered), "您的验证码为{1}，{2}分钟内有效，验证码{1}");
        assert_eq!(t.render(VariableSyntax::DollarNumbered), "您的验证码为${1}，${2}分钟内有效，验证码${1}");
        assert_eq!(t.render(VariableSyntax::DollarNamed), "您的验证码为${code}，${minutes}分钟内有效，验证码${code}");
    }

    #[test]
    fn the_vocabulary_holds_every_type_once() {
        assert_eq!(check_vocabulary(), Ok(()));
        assert_eq!(VarType::Money.typical(), "128.00");
    }

    #[test]
    fn infers_types_from_names_then_the_words_around() {
        let t = parse(
            "尊敬的${x}，您的订单${order_no}已支付${y}元，退款${amt_r}元，验证码为：${v}，${n}分钟内有效，${aa}，${shop_title}",
        );
        let typed: Vec<(String, VarType, TypedBy)> =
            t.typed(&BTreeMap::new()).into_iter().map(|(v, k, b)| (v.name.clone(), k, b)).collect();
        assert_eq!(
            typed,
            [
                ("x".to_string(), VarType::Name, TypedBy::Before("尊敬的".into())),
                ("order_no".to_string(), VarType::Number, TypedBy::Name("orderno".into())),
                ("y".to_string(), VarType::Money, TypedBy::Before("支付".into())),
                ("amt_r".to_string(), VarType::Money, TypedBy::Before("退款".into())),
                ("v".to_string(), VarType::Code, TypedBy::Before("验证码".into())),
                ("n".to_string(), VarType::Number, TypedBy::After("分钟".into())),
                ("aa".to_string(), VarType::Text, TypedBy::Default),
                ("shop_title".to_string(), VarType::Text, TypedBy::Name("title".into())),
            ]
        );
        // A declaration wins over every clue.
        let declared = BTreeMap::from([("x".to_string(), VarType::Text)]);
        assert_eq!(
            t.typed(&declared).first().map(|(_, k, b)| (*k, b.clone())),
            Some((VarType::Text, TypedBy::Declared))
        );
        assert_eq!(name_words("userName"), ["name", "user"]);
    }

    #[test]
    fn keeps_text_and_reports_broken_variables() {
        let t = parse("价格{a} ${co de} ${x");
        assert_eq!(t.variables().count(), 0);
        assert_eq!(t.fixed_text(), "价格{a} ${co de} ${x");
        assert_eq!(t.malformed.len(), 2);
        let tencent = parse("验证码{1}，{2}分钟");
        assert_eq!(tencent.names(), ["1", "2"]);
    }
}
