//! SMS templates: parsed into fixed text and variables, and rendered in each vendor's syntax.
//! A case writes every template once with named variables (`${code}`); Tencent receives `{1}`,
//! Huawei `${1}`, the others `${code}` (vendors.md §0, "Variable syntax").

use std::collections::BTreeMap;

use crate::profile::VariableSyntax;

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
    fn keeps_text_and_reports_broken_variables() {
        let t = parse("价格{a} ${co de} ${x");
        assert_eq!(t.variables().count(), 0);
        assert_eq!(t.fixed_text(), "价格{a} ${co de} ${x");
        assert_eq!(t.malformed.len(), 2);
        let tencent = parse("验证码{1}，{2}分钟");
        assert_eq!(tencent.names(), ["1", "2"]);
    }
}
