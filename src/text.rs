//! Text primitives the rules share: folding for word search, traditional-character detection,
//! SMS length counting, links and mobile numbers. Spans are `[start, end)` in characters of the
//! text as written, so the UI can highlight exactly what a finding is about.

use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use unicode_normalization::UnicodeNormalization;

/// A domestic SMS up to this many characters is billed as one message.
pub const SINGLE_SMS_CHARS: usize = 70;
/// A longer one is billed per this many characters (identifiers-and-text.md §5).
pub const SEGMENT_CHARS: usize = 67;

/// Characters as the vendors count them: each Han character, letter, digit or punctuation
/// mark is one, and an emoji (outside the Basic Multilingual Plane) is two — UTF-16 code units
/// (identifiers-and-text.md §5).
pub fn sms_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Billed messages for a whole SMS of `chars` characters: ≤70 is one, then 67 per segment.
pub fn segments(chars: usize) -> usize {
    if chars <= SINGLE_SMS_CHARS { 1 } else { chars.div_ceil(SEGMENT_CHARS) }
}

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

fn t2s() -> Option<&'static OpenCC> {
    static CONVERTER: OnceLock<Option<OpenCC>> = OnceLock::new();
    CONVERTER.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok()).as_ref()
}

/// The text in simplified characters (OpenCC's phrase-aware conversion, so 乾坤 stays 乾坤
/// while 乾淨 becomes 干净).
pub fn to_simplified(text: &str) -> String {
    match t2s() {
        Some(cc) => cc.convert(text),
        None => text.to_string(),
    }
}

/// Traditional characters in `text`: (character index, the character, its simplified form).
pub fn traditional_chars(text: &str) -> Vec<(usize, char, char)> {
    let simplified: Vec<char> = to_simplified(text).chars().collect();
    let original: Vec<char> = text.chars().collect();
    // OpenCC's T2S keeps the length for Chinese; if a phrase ever changed it, compare nothing
    // rather than misalign.
    if simplified.len() != original.len() {
        return Vec::new();
    }
    original
        .iter()
        .zip(&simplified)
        .enumerate()
        .filter(|(_, (o, s))| o != s && is_han(**o))
        .map(|(i, (o, s))| (i, *o, *s))
        .collect()
}

/// A full-width form (U+FF01–U+FFEE: ＃, ￥, ［) as its half-width character; every other
/// character as it is.
pub fn fold_width(c: char) -> char {
    if !('\u{FF01}'..='\u{FFEE}').contains(&c) {
        return c;
    }
    let mut nfkc = std::iter::once(c).nfkc();
    match (nfkc.next(), nfkc.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

/// One folded character per character of `text`: full-width forms to half-width (NFKC when it
/// yields one character), Latin letters to lower case, traditional to simplified.
fn fold(text: &str) -> Vec<char> {
    let simplified: Vec<char> = to_simplified(text).chars().collect();
    let original: Vec<char> = text.chars().collect();
    let source = if simplified.len() == original.len() { simplified } else { original };
    source
        .into_iter()
        .map(|c| {
            let mut nfkc = std::iter::once(c).nfkc();
            match (nfkc.next(), nfkc.next()) {
                (Some(single), None) => single.to_ascii_lowercase(),
                _ => c.to_ascii_lowercase(),
            }
        })
        .collect()
}

/// Occurrences of `words` in `text` after folding both: `([start, end), word index)`, leftmost
/// first and the longest word at each position, without overlaps.
pub fn find_words(text: &str, words: &[String]) -> Vec<([usize; 2], usize)> {
    let haystack = fold(text);
    let needles: Vec<Vec<char>> = words.iter().map(|w| fold(w)).collect();
    let mut hits = Vec::new();
    let mut at = 0;
    while at < haystack.len() {
        // A Latin word matches whole words only: "test" is not in "fastest".
        let bounded = |n: &Vec<char>| {
            let alnum = |i: Option<usize>| i.and_then(|i| haystack.get(i)).is_some_and(|c| c.is_ascii_alphanumeric());
            let starts_latin = n.first().is_some_and(|c| c.is_ascii_alphanumeric());
            let ends_latin = n.last().is_some_and(|c| c.is_ascii_alphanumeric());
            !(starts_latin && alnum(at.checked_sub(1)) || ends_latin && alnum(Some(at + n.len())))
        };
        let best = needles
            .iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty() && haystack.get(at..at + n.len()) == Some(n.as_slice()) && bounded(n))
            .max_by_key(|(_, n)| n.len());
        match best {
            Some((index, needle)) => {
                hits.push(([at, at + needle.len()], index));
                at += needle.len();
            }
            None => at += 1,
        }
    }
    hits
}

/// The characters of `text` at `span`.
pub fn slice(text: &str, span: [usize; 2]) -> String {
    text.chars().skip(span[0]).take(span[1].saturating_sub(span[0])).collect()
}

fn is_link_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#@!$&'*+,;=%".contains(c)
}

/// Links in `text`: a run of URL characters that starts with `http(s)://` or `www.`, or whose
/// host ends in one of `tlds` (`example.cn/x`, `t.cn/abc`). Returns spans and the link text.
pub fn find_links(text: &str, tlds: &[String]) -> Vec<([usize; 2], String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut links = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars.get(i).copied().is_some_and(is_link_char) {
            i += 1;
            continue;
        }
        let start = i;
        while chars.get(i).copied().is_some_and(is_link_char) {
            i += 1;
        }
        let run: String = chars.get(start..i).unwrap_or_default().iter().collect();
        // Trailing sentence punctuation is not part of a link.
        let trimmed = run.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
        if is_link(trimmed, tlds) {
            links.push(([start, start + trimmed.chars().count()], trimmed.to_string()));
        }
    }
    links
}

fn is_link(run: &str, tlds: &[String]) -> bool {
    let lower = run.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return true;
    }
    let host = lower.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or_default();
    let mut labels = host.split('.');
    let first = labels.next().unwrap_or_default();
    let Some(tld) = host.rsplit('.').next() else { return false };
    host.contains('.')
        && !first.is_empty()
        && host.split('.').all(|l| !l.is_empty())
        && !host.chars().all(|c| c.is_ascii_digit() || c == '.')
        && tlds.iter().any(|t| t == tld)
}

/// The host part of a link, lower-cased, without scheme or path.
pub fn link_host(link: &str) -> String {
    let lower = link.to_ascii_lowercase();
    let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or_default().to_string()
}

/// What kind of phone number a run of digits is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneKind {
    /// An 11-digit mainland mobile (1[3-9]…), with or without +86.
    Mobile,
    /// A landline with its area code (0…), a 400/800 number, or a 95/96 service number: the
    /// contacts vendors allow in notifications.
    Landline,
}

/// Mainland mobile numbers in `text`, as character spans (spaces and hyphens allowed between
/// digits, +86 optional); longer digit runs such as order numbers are not matched.
pub fn find_mobile_numbers(text: &str) -> Vec<[usize; 2]> {
    find_phone_numbers(text).into_iter().filter(|(_, k)| *k == PhoneKind::Mobile).map(|(span, _)| span).collect()
}

/// Phone numbers of either kind in `text`, as character spans.
pub fn find_phone_numbers(text: &str) -> Vec<([usize; 2], PhoneKind)> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_digit());
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit(i) || (i > 0 && digit(i - 1)) {
            i += 1;
            continue;
        }
        // Collect up to 13 digits allowing single separators between them.
        let start = i;
        let mut digits = String::new();
        let mut j = i;
        while j < chars.len() && digits.len() < 13 {
            match chars.get(j) {
                Some(c) if c.is_ascii_digit() => digits.push(*c),
                Some(' ' | '-') if digit(j + 1) && digit(j.saturating_sub(1)) => {}
                _ => break,
            }
            j += 1;
        }
        let national = digits.strip_prefix("86").filter(|d| d.len() == 11).unwrap_or(&digits);
        let is_mobile = national.len() == 11
            && national.starts_with('1')
            && national.chars().nth(1).is_some_and(|c| ('3'..='9').contains(&c));
        let n = national.len();
        // Area code 0xx(x) + 7–8 digits; 400/800 + 7 digits; 95xxx(xx) and 96xxx service numbers.
        let is_landline = (national.starts_with('0') && (10..=12).contains(&n))
            || ((national.starts_with("400") || national.starts_with("800")) && n == 10)
            || ((national.starts_with("95") || national.starts_with("96")) && (5..=8).contains(&n));
        if !digit(j) && (is_mobile || is_landline) {
            let start = if start > 0 && chars.get(start - 1) == Some(&'+') { start - 1 } else { start };
            found.push(([start, j], if is_mobile { PhoneKind::Mobile } else { PhoneKind::Landline }));
        }
        i = j.max(i + 1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_follow_70_then_67() {
        assert_eq!([70, 71, 134, 135, 150, 160].map(segments), [1, 2, 2, 3, 3, 3]);
        assert_eq!(sms_len("【华为云】"), 5);
        assert_eq!(sms_len("😀"), 2);
    }

    #[test]
    fn folded_search_matches_width_case_and_script() {
        let words = vec!["红包".to_string(), "vip".to_string()];
        let hits = find_words("領紅包，ＶＩＰ專享", &words);
        assert_eq!(hits, vec![([1, 3], 0), ([4, 7], 1)]);
    }

    #[test]
    fn links_and_mobiles() {
        let tlds = vec!["cn".to_string(), "com".to_string()];
        let links = find_links("详见 https://a.example.com/x。或 yunfan.cn 查看，版本 1.2.3", &tlds);
        assert_eq!(links.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(), ["https://a.example.com/x", "yunfan.cn"]);
        assert_eq!(
            find_mobile_numbers("请致电 138-0000-0000 或 4008001234 或 +8613900000000"),
            vec![[4, 17], [33, 47]]
        );
        assert!(find_mobile_numbers("订单号 213800000000").is_empty());
        let kinds: Vec<PhoneKind> =
            find_phone_numbers("客服 0592-5551234、400-800-1234、95588，手机 13800000000，订单 2026120100123")
                .into_iter()
                .map(|(_, k)| k)
                .collect();
        assert_eq!(kinds, [PhoneKind::Landline, PhoneKind::Landline, PhoneKind::Landline, PhoneKind::Mobile]);
    }
}
