//! Exact comparison of a declared value with what a document shows. Vendors compare literally
//! (identifiers-and-text.md §7), so any difference is reported; this module says which kind of
//! difference it is and where, so the fix can be precise.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use unicode_normalization::UnicodeNormalization;

use crate::i18n::Text;
use crate::text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// Full- vs half-width forms, e.g. （ vs ( — equal after NFKC.
    Width,
    /// Spaces added or missing.
    Whitespace,
    /// Upper vs lower case Latin letters.
    Case,
    /// 有限公司 vs 有限责任公司, 股份公司 vs 股份有限公司: both legal, never interchangeable.
    CompanyForm,
    /// Traditional vs simplified characters.
    Script,
    /// Characters missing from the document's value.
    MissingChars,
    /// Characters the document has that the declared value does not.
    ExtraChars,
    /// Characters replaced by others.
    DifferentChars,
}

impl DifferenceKind {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            DifferenceKind::Width => ("全角/半角不同", "full- vs half-width"),
            DifferenceKind::Whitespace => ("空格不同", "spaces differ"),
            DifferenceKind::Case => ("大小写不同", "upper vs lower case"),
            DifferenceKind::CompanyForm => ("“有限公司”与“有限责任公司”不同", "有限公司 vs 有限责任公司"),
            DifferenceKind::Script => ("繁体/简体不同", "traditional vs simplified"),
            DifferenceKind::MissingChars => ("少了字", "characters missing"),
            DifferenceKind::ExtraChars => ("多了字", "extra characters"),
            DifferenceKind::DifferentChars => ("有字不同", "different characters"),
        };
        Text::new(zh, en)
    }
}

/// One step of a character diff from the declared value to the document's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffOp {
    /// `equal`, `delete` (declared only) or `insert` (document only).
    pub op: &'static str,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    pub kinds: Vec<DifferenceKind>,
    pub diff: Vec<DiffOp>,
    /// Every character that differs on the document's side is one the reader was unsure of.
    pub only_uncertain: bool,
}

/// Compares `expected` (declared) with `found` (the document); `None` when identical.
/// `uncertain` lists character indices of `found` that OCR was unsure of.
pub fn compare(expected: &str, found: &str, uncertain: &[usize]) -> Option<Difference> {
    if expected == found {
        return None;
    }
    let diff = char_diff(expected, found);
    let kinds = classify(expected, found, &diff);
    let only_uncertain = !uncertain.is_empty()
        && changed_in_found(&diff, found.chars().count())
            .iter()
            .all(|blamed| blamed.iter().any(|i| uncertain.contains(i)));
    Some(Difference { kinds, diff, only_uncertain })
}

fn char_diff(expected: &str, found: &str) -> Vec<DiffOp> {
    let diff = TextDiff::from_chars(expected, found);
    let mut ops: Vec<DiffOp> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => "delete",
            ChangeTag::Insert => "insert",
        };
        match ops.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => ops.push(DiffOp { op, text: change.value().to_string() }),
        }
    }
    ops
}

/// Each change the diff makes, as the indices in `found` it may be blamed on: a character
/// inserted or substituted is its own; a deletion lies between two characters and is explained
/// by doubt on either (at the end of the text, the last one: 伍佰万元 for 伍佰万元整).
fn changed_in_found(diff: &[DiffOp], found_len: usize) -> Vec<Vec<usize>> {
    let mut at = 0;
    let mut changed = Vec::new();
    for op in diff {
        let n = op.text.chars().count();
        match op.op {
            "equal" => at += n,
            "insert" => {
                changed.extend((at..at + n).map(|i| vec![i]));
                at += n;
            }
            _ => changed.push(at.checked_sub(1).into_iter().chain((at < found_len).then_some(at)).collect()),
        }
    }
    changed
}

fn classify(expected: &str, found: &str, diff: &[DiffOp]) -> Vec<DifferenceKind> {
    type Normalizer = fn(&str) -> String;
    let normalizers: [(DifferenceKind, Normalizer); 5] = [
        (DifferenceKind::Width, |s| s.nfkc().collect()),
        (DifferenceKind::Whitespace, |s| s.chars().filter(|c| !c.is_whitespace()).collect()),
        (DifferenceKind::Case, |s| s.to_lowercase()),
        (DifferenceKind::CompanyForm, company_form),
        (DifferenceKind::Script, text::to_simplified),
    ];
    // A single normalisation that makes them equal names the difference exactly.
    if let Some((kind, _)) = normalizers.iter().find(|(_, f)| f(expected) == f(found)) {
        return vec![*kind];
    }
    // Otherwise apply them in turn; each that changes something is part of the difference.
    let (mut e, mut f) = (expected.to_string(), found.to_string());
    let mut kinds = Vec::new();
    for (kind, normalize) in normalizers {
        let (ne, nf) = (normalize(&e), normalize(&f));
        if ne != e || nf != f {
            let before = (e.clone(), f.clone());
            (e, f) = (ne, nf);
            if before.0 != before.1 && char_diff(&e, &f).len() < char_diff(&before.0, &before.1).len() {
                kinds.push(kind);
            }
        }
    }
    if e != f {
        let residual = char_diff(&e, &f);
        let has = |op: &str| residual.iter().any(|d| d.op == op);
        kinds.push(match (has("delete"), has("insert")) {
            (true, false) => DifferenceKind::MissingChars,
            (false, true) => DifferenceKind::ExtraChars,
            _ => DifferenceKind::DifferentChars,
        });
    }
    if kinds.is_empty() {
        let has = |op: &str| diff.iter().any(|d| d.op == op);
        kinds.push(if has("insert") { DifferenceKind::ExtraChars } else { DifferenceKind::MissingChars });
    }
    kinds
}

/// Maps the long legal forms to the short ones so that only the form differs.
fn company_form(name: &str) -> String {
    name.replace("股份有限公司", "股份公司").replace("有限责任公司", "有限公司")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(e: &str, f: &str) -> Vec<DifferenceKind> {
        compare(e, f, &[]).map(|d| d.kinds).unwrap_or_default()
    }

    #[test]
    fn names_the_kind_of_difference() {
        use DifferenceKind::*;
        assert_eq!(kinds("锤子科贸（上海）有限公司", "锤子科贸(上海)有限公司"), [Width]);
        assert_eq!(kinds("小米科技有限责任公司", "小米科技有限公司"), [CompanyForm]);
        assert_eq!(kinds("云帆网络科技有限公司", "雲帆網絡科技有限公司"), [Script]);
        assert_eq!(kinds("云帆网络科技有限公司", "云帆科技有限公司"), [MissingChars]);
        assert_eq!(kinds("云帆科技有限公司", "云帆网络科技有限公司"), [ExtraChars]);
        assert_eq!(kinds("云帆网络科技有限公司", "云航网络科技有限公司"), [DifferentChars]);
        assert_eq!(kinds("云帆（厦门）网络有限责任公司", "云帆(厦门)网络有限公司"), [Width, CompanyForm]);
        assert!(compare("同一", "同一", &[]).is_none());
    }

    #[test]
    fn diff_and_uncertainty() {
        let d = compare("云帆网络", "云航网络", &[1]);
        let expected = vec![
            DiffOp { op: "equal", text: "云".into() },
            DiffOp { op: "delete", text: "帆".into() },
            DiffOp { op: "insert", text: "航".into() },
            DiffOp { op: "equal", text: "网络".into() },
        ];
        assert_eq!(d.as_ref().map(|d| &d.diff), Some(&expected));
        assert_eq!(d.map(|d| d.only_uncertain), Some(true));
        assert_eq!(compare("云帆网络", "云航网终", &[1]).map(|d| d.only_uncertain), Some(false));
        // A character missing at the end is explained by doubt on the last one read; one missing
        // inside, by doubt on either neighbour; undoubted neighbours explain nothing.
        assert_eq!(compare("伍佰万元整", "伍佰万元", &[3]).map(|d| d.only_uncertain), Some(true));
        assert_eq!(compare("伍佰万元整", "伍佰万元", &[0]).map(|d| d.only_uncertain), Some(false));
        assert_eq!(compare("云帆网络", "云网络", &[1]).map(|d| d.only_uncertain), Some(true));
        assert_eq!(compare("云帆网络", "云网络", &[2]).map(|d| d.only_uncertain), Some(false));
    }
}
