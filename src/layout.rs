//! From recognised glyphs to document fields: each field is anchored on its printed label
//! (名称, 统一社会信用代码, 主办单位名称 …) and read from the region beside it, bounded by the
//! next label to its right and the next label below in its column. Labels are matched allowing
//! an OCR substitution in the longer ones; values are finished per field (dates to YYYY-MM-DD,
//! codes folded, brackets in names full-width as registered names print them).

use image::GrayImage;
use unicode_normalization::UnicodeNormalization;

use crate::i18n::Text;
use crate::ident;
use crate::ocr::{Glyph, Line, Rect};
use crate::reading::{DocKind, Reading};

pub struct Page<'a> {
    pub lines: Vec<Line>,
    pub image: &'a GrayImage,
}

/// Below this Tesseract confidence a character is reported as uncertain. Confidence alone misses
/// some errors (壹→过 came with 90, ocr.md §1), hence the second reads that also mark doubt.
const DOUBT_BELOW: f32 = 80.0;

/// A field's glyphs as read, row after row, with the characters it doubts.
#[derive(Clone, Debug)]
pub struct Extracted {
    pub key: &'static str,
    pub glyphs: Vec<Glyph>,
    doubt: Vec<bool>,
}

impl Extracted {
    fn new(key: &'static str, glyphs: Vec<Glyph>) -> Extracted {
        let doubt = glyphs.iter().map(|g| g.conf < DOUBT_BELOW).collect();
        Extracted { key, glyphs, doubt }
    }

    /// A field another reader found, with the characters it doubted: [`Extracted::finish`] then
    /// gives its value as qualkit stores it (dates as YYYY-MM-DD, Chinese punctuation
    /// full-width, codes upper case).
    pub fn found(key: &'static str, glyphs: Vec<Glyph>, doubt: Vec<bool>) -> Extracted {
        Extracted { key, glyphs, doubt }
    }

    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }

    /// The field's rows, as ranges of its glyphs: a value is read row by row, left to right, so
    /// a row ends where the next glyph lies wholly left of and below the one before it (within a
    /// row Tesseract's boxes jitter back).
    pub fn rows(&self) -> Vec<std::ops::Range<usize>> {
        let mut rows = Vec::new();
        let mut start = 0;
        for (i, pair) in self.glyphs.windows(2).enumerate() {
            if let [a, b] = pair
                && b.rect.right() <= a.rect.x
                && b.rect.centre_y() > a.rect.bottom()
            {
                rows.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < self.glyphs.len() {
            rows.push(start..self.glyphs.len());
        }
        rows
    }

    /// The crop worth a second read of a one-row value, with a margin of a third of its height.
    pub fn area(&self, limit: (u32, u32)) -> Option<Rect> {
        match self.rows().as_slice() {
            [row] => self.row_area(row.clone(), limit),
            _ => None,
        }
    }

    /// Whether every character of a row is doubted already, so a second read can add nothing.
    pub fn row_doubted(&self, row: std::ops::Range<usize>) -> bool {
        self.doubt.get(row).is_some_and(|d| d.iter().all(|d| *d))
    }

    /// The crop of one row of the value, with a margin of a third of its height.
    pub fn row_area(&self, row: std::ops::Range<usize>, limit: (u32, u32)) -> Option<Rect> {
        let glyphs = self.glyphs.get(row)?;
        let rect = glyphs.iter().fold(Rect::default(), |r, g| r.union(&g.rect));
        Some(rect.grown(rect.h / 3 + 2, limit)).filter(|r| r.w > 0 && r.h > 0 && !glyphs.is_empty())
    }

    /// Marks as doubtful every character a second read of the same crop disagrees on. A second
    /// read that shares less than half the text is a failed read, not evidence.
    pub fn compare_with(&mut self, second: &str) {
        self.compare_row(0..self.glyphs.len(), second);
    }

    /// [`Extracted::compare_with`] for the glyphs of one row and a read of that row alone. Width
    /// forms do not count as disagreement (the page may read ： where the crop reads :).
    pub fn compare_row(&mut self, row: std::ops::Range<usize>, second: &str) {
        let Some(glyphs) = self.glyphs.get(row.clone()) else { return };
        let first: Vec<char> = glyphs.iter().map(|g| comparable(g.ch)).collect();
        let second: Vec<char> = second.chars().filter(|c| !c.is_whitespace()).map(comparable).collect();
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &first, &second);
        if similar::diff_ratio(&ops, first.len(), second.len()) < 0.5 {
            return;
        }
        for op in ops {
            let (start, len) = match op {
                similar::DiffOp::Equal { .. } => continue,
                similar::DiffOp::Delete { old_index, old_len, .. } => (old_index, old_len),
                similar::DiffOp::Replace { old_index, old_len, .. } => (old_index, old_len),
                // Something the first read skipped: doubt its neighbours.
                similar::DiffOp::Insert { old_index, .. } => (old_index.saturating_sub(1), 2),
            };
            for d in self.doubt.iter_mut().skip(row.start + start).take(len.min(row.len().saturating_sub(start))) {
                *d = true;
            }
        }
    }

    /// Settles a name from its reading on the page and `reads` of its crop alone (best first):
    /// the text most reads agree on wins, ties going to the earlier crop read. A read whose
    /// brackets do not pair lost one (Tesseract drops a （ more often than it invents one), so it
    /// only wins when no read pairs them. Every character another read disagrees on is doubted.
    pub fn vote(&mut self, reads: &[String]) {
        let page = self.text();
        let normal =
            |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace()).map(full_width_bracket).collect() };
        // A crop read sharing less than half its text with the page's is a failed read (a crop
        // cut through an inverted header), not a vote. A trademark's mark is the exception when
        // two crop reads agree: printed large, it is read worse on the page than on its crop.
        let page_chars: Vec<char> = normal(&page).chars().collect();
        let reads: Vec<String> = reads.iter().map(|r| normal(r)).collect();
        let plausible = |read: &String| {
            let chars: Vec<char> = read.chars().collect();
            let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &page_chars, &chars);
            similar::diff_ratio(&ops, page_chars.len(), chars.len()) >= 0.5
                || (self.key == "mark" && reads.iter().filter(|other| *other == read).count() >= 2)
        };
        let candidates: Vec<String> = reads
            .iter()
            .filter(|r| plausible(r))
            .cloned()
            .chain(std::iter::once(normal(&page)))
            .filter(|r| !r.is_empty())
            .collect();
        let paired =
            |text: &String| text.chars().filter(|c| *c == '（').count() == text.chars().filter(|c| *c == '）').count();
        let any_paired = candidates.iter().any(paired);
        let winner = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| paired(c) || !any_paired)
            .max_by_key(|(i, c)| (candidates.iter().filter(|o| o == c).count(), std::cmp::Reverse(*i)))
            .map(|(_, c)| c.clone());
        let Some(winner) = winner else { return };
        if winner != normal(&page) {
            // A character the page read too keeps the doubt its confidence gave it there.
            let chars: Vec<char> = winner.chars().collect();
            let mut doubt = vec![false; chars.len()];
            for op in similar::capture_diff_slices(similar::Algorithm::Myers, &page_chars, &chars) {
                if let similar::DiffOp::Equal { old_index, new_index, len } = op {
                    for i in 0..len {
                        if let (Some(d), Some(&was)) = (doubt.get_mut(new_index + i), self.doubt.get(old_index + i)) {
                            *d = was;
                        }
                    }
                }
            }
            self.replace_chars(&chars, doubt);
        }
        for other in candidates.iter().filter(|c| **c != winner) {
            self.compare_with(other);
        }
        if !paired(&winner) {
            for (d, g) in self.doubt.iter_mut().zip(&self.glyphs) {
                if matches!(full_width_bracket(g.ch), '（' | '）') {
                    *d = true;
                }
            }
        }
    }

    /// Replaces the characters with `chars` (a settled code), keeping the boxes where the
    /// lengths agree and spreading the field's box evenly where they do not.
    fn replace_chars(&mut self, chars: &[char], doubt: Vec<bool>) {
        let rect = self.glyphs.iter().fold(Rect::default(), |r, g| r.union(&g.rect));
        let conf = self.glyphs.iter().map(|g| g.conf).fold(100.0f32, f32::min);
        let each = rect.w / chars.len().max(1) as u32;
        self.glyphs = chars
            .iter()
            .enumerate()
            .map(|(i, &ch)| match self.glyphs.get(i) {
                Some(g) if self.glyphs.len() == chars.len() => Glyph { ch, ..g.clone() },
                _ => Glyph { ch, conf, rect: Rect { x: rect.x + each * i as u32, w: each.max(1), ..rect } },
            })
            .collect();
        self.doubt = doubt;
    }

    /// The value as the reading reports it and the indices of its uncertain characters; empty
    /// when nothing usable was read.
    pub fn finish(&self) -> (String, Vec<usize>) {
        let pairs: Vec<(char, bool)> = self.glyphs.iter().map(|g| g.ch).zip(self.doubt.iter().copied()).collect();
        // A business scope is a sentence and ends with its full stop; elsewhere one is noise.
        let trimmed = trim_punctuation(&pairs, self.key == "scope");
        let (value, uncertain): (String, Vec<bool>) = match self.key {
            "established" | "approved" | "valid_from" | "valid_to" => {
                let text: String = trimmed.iter().map(|p| p.0).collect();
                match iso_date(&text) {
                    Some(date) => {
                        // A date prints digits and 年月日 (or - . /) only: anything else read
                        // inside it stands for a digit misread (11月 read as 1]月 → 2019-01-19).
                        let date_char = |c: char| half_width(c).is_ascii_digit() || "年月日-./".contains(c);
                        let doubtful = trimmed.iter().any(|p| p.1 || !date_char(p.0));
                        let n = date.chars().count();
                        (date, vec![doubtful; n])
                    }
                    None => (String::new(), Vec::new()),
                }
            }
            "uscc" | "reg_number" | "classes" => trimmed
                .iter()
                .flat_map(|&(c, d)| c.to_string().nfkc().collect::<Vec<char>>().into_iter().map(move |c| (c, d)))
                .filter(|(c, _)| c.is_ascii_alphanumeric())
                .map(|(c, d)| (c.to_ascii_uppercase(), d))
                .unzip(),
            "domain" => trimmed
                .iter()
                .flat_map(|&(c, d)| c.to_string().nfkc().collect::<Vec<char>>().into_iter().map(move |c| (c, d)))
                .map(|(c, d)| (c.to_ascii_lowercase(), d))
                .unzip(),
            "icp_number" => trimmed
                .iter()
                .map(|&(c, d)| (if c.is_ascii() { c } else { half_width(c) }, d))
                .map(|(c, d)| (if matches!(c, '—' | '–' | '‐' | '一') { '-' } else { c }, d))
                .unzip(),
            // A registered name holds no quotation marks or sentence punctuation, only brackets
            // (企业名称登记管理规定); one read inside it is a stray mark.
            key if is_organisation(key) => {
                let folded: Vec<(char, bool)> = trimmed.iter().map(|&(c, d)| (full_width_bracket(c), d)).collect();
                drop_stray(&folded, |_, c| is_stray_mark(c) && !matches!(c, '（' | '）' | '·')).into_iter().unzip()
            }
            // Chinese text prints full-width punctuation; a quotation mark without its partner is
            // one Tesseract read into a gap (技术推”广).
            _ => {
                let chinese = trimmed.iter().any(|(c, _)| crate::text::is_han(*c));
                let fold = |c: char| if chinese { full_width_punctuation(c) } else { full_width_bracket(c) };
                let folded: Vec<(char, bool)> = trimmed.iter().map(|&(c, d)| (fold(c), d)).collect();
                let unpaired = unpaired_quotes(&folded);
                drop_stray(&folded, |i, _| unpaired.contains(&i)).into_iter().unzip()
            }
        };
        // A character outside the only ones a field can print is misread, however sure
        // Tesseract was (壹 read as 过 with confidence 90, ocr.md §1).
        let printable = printable_chars(self.key);
        let uncertain = value
            .chars()
            .zip(uncertain)
            .enumerate()
            .filter(|(_, (c, d))| *d || printable.is_some_and(|p| !p.contains(*c)))
            .map(|(i, _)| i)
            .collect();
        (value, uncertain)
    }
}

/// The characters a field can hold, where they are few: a registered capital is an amount in
/// capital numerals (壹佰万元整, ocr.md §5) or digits, with its currency.
fn printable_chars(key: &str) -> Option<&'static str> {
    match key {
        "registered_capital" => {
            Some("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元整角分人民币美港欧日英镑加拿大澳新坡瑞士法郎0123456789.,，（）")
        }
        _ => None,
    }
}

/// `pairs` without the marks `stray` picks (by index and character); the characters beside
/// each are doubted.
fn drop_stray(pairs: &[(char, bool)], stray: impl Fn(usize, char) -> bool) -> Vec<(char, bool)> {
    let mut kept: Vec<(char, bool)> = Vec::with_capacity(pairs.len());
    let mut doubt_next = false;
    for (i, &(c, d)) in pairs.iter().enumerate() {
        if stray(i, c) {
            if let Some(last) = kept.last_mut() {
                last.1 = true;
            }
            doubt_next = true;
            continue;
        }
        kept.push((c, d || std::mem::take(&mut doubt_next)));
    }
    kept
}

/// The indices of quotation marks without a partner: a closing mark before any opening one, an
/// opening one never closed, or an odd one of the straight marks.
fn unpaired_quotes(pairs: &[(char, bool)]) -> Vec<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut unpaired = Vec::new();
    for (i, (c, _)) in pairs.iter().enumerate() {
        match c {
            '“' | '‘' => open.push(i),
            // A closing mark takes the last opening one; without one, it is stray.
            '”' | '’' if open.pop().is_none() => unpaired.push(i),
            _ => {}
        }
    }
    unpaired.extend(open);
    let straight: Vec<usize> =
        pairs.iter().enumerate().filter(|(_, (c, _))| matches!(c, '"' | '\'')).map(|(i, _)| i).collect();
    if straight.len() % 2 == 1 {
        unpaired.extend(straight);
    }
    unpaired
}

/// Fields that name a party or a product: compared character by character with the case, so
/// worth a second read.
pub fn is_name(key: &str) -> bool {
    matches!(key, "name" | "legal_rep" | "registrant" | "developer" | "app_name" | "site_name" | "mark")
}

/// Fields that hold a registered organisation's name.
pub fn is_organisation(key: &str) -> bool {
    matches!(key, "name" | "registrant" | "developer")
}

fn trim_punctuation(pairs: &[(char, bool)], keep_full_stop: bool) -> &[(char, bool)] {
    let noise =
        |c: char| matches!(c, ':' | '：' | '|' | '_' | '-' | '.' | '。' | '、' | ',' | '，' | ';' | '；' | '\'' | '"');
    let start = pairs.iter().position(|p| !noise(p.0)).unwrap_or(pairs.len());
    let ends = |c: char| !noise(c) || (keep_full_stop && c == '。');
    let end = pairs.iter().rposition(|p| ends(p.0) && p.0 != '）' && p.0 != ')').map_or(start, |i| i + 1);
    // A closing bracket ends many names (…（厦门）有限公司 does not, but 某某（个体） does); keep one
    // only when it closes an opening bracket in the value.
    let end = match pairs.get(end) {
        Some(p) if matches!(p.0, '）' | ')') && pairs.iter().take(end).any(|q| full_width_bracket(q.0) == '（') => {
            end + 1
        }
        _ => end,
    };
    pairs.get(start..end.max(start)).unwrap_or(&[])
}

fn half_width(c: char) -> char {
    c.to_string().nfkc().next().filter(char::is_ascii).unwrap_or(c)
}

/// A character as two reads are compared: width forms and bracket shapes alike.
fn comparable(c: char) -> char {
    match full_width_bracket(c) {
        '（' => '(',
        '）' => ')',
        c => half_width(c),
    }
}

/// Registered names print full-width brackets; Tesseract returns ( 〈 《 for them (ocr.md §3).
fn full_width_bracket(c: char) -> char {
    match c {
        '(' | '〈' | '《' | '<' | '［' | '[' | '{' | '｛' => '（',
        ')' | '〉' | '》' | '>' | '］' | ']' | '}' | '｝' => '）',
        _ => c,
    }
}

/// The full-width form Chinese text prints of punctuation Tesseract returns as ASCII; hyphens,
/// full stops and slashes stay as they are (1-2号, B座).
fn full_width_punctuation(c: char) -> char {
    match c {
        ':' => '：',
        ';' => '；',
        ',' => '，',
        '!' => '！',
        '?' => '？',
        c => full_width_bracket(c),
    }
}

/// 2020年10月01日, 2020-10-01 or 2020.10.1 → 2020-10-01, when it is a real date.
pub fn iso_date(text: &str) -> Option<String> {
    let folded: String = text.nfkc().collect();
    let numbers: Vec<u32> =
        folded.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
    let (year, month, day) = match numbers.as_slice() {
        [y, m, d, ..] if (1949..=2200).contains(y) => (*y, *m, *d),
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.format("%Y-%m-%d").to_string())
}

// ---------------------------------------------------------------------------------------------
// Labels

#[derive(Clone, Copy, PartialEq)]
enum Extent {
    One,
    /// Up to this many rows (an address or a business scope wraps).
    Rows(usize),
}

struct Label {
    /// The field this label introduces; `None` for printed text that only ends other fields.
    key: Option<&'static str>,
    texts: &'static [&'static str],
    extent: Extent,
}

const fn field(key: &'static str, texts: &'static [&'static str], extent: Extent) -> Label {
    Label { key: Some(key), texts, extent }
}

const fn stop(texts: &'static [&'static str]) -> Label {
    Label { key: None, texts, extent: Extent::One }
}

/// Company and individual-business licences (ocr.md §5): the 个体工商户 variant prints
/// 经营者, 组成形式, 经营场所 and 注册日期 where companies print 法定代表人, 类型, 住所, 成立日期.
const LICENCE: &[Label] = &[
    field("uscc", &["统一社会信用代码"], Extent::One),
    field("name", &["名称"], Extent::Rows(2)),
    field("type", &["类型", "组成形式"], Extent::One),
    field("legal_rep", &["法定代表人", "经营者", "负责人", "执行事务合伙人", "投资人"], Extent::One),
    field("registered_capital", &["注册资本"], Extent::One),
    field("established", &["成立日期", "注册日期"], Extent::One),
    field("term", &["营业期限"], Extent::Rows(2)),
    field("address", &["住所", "经营场所", "主要经营场所"], Extent::Rows(3)),
    field("scope", &["经营范围"], Extent::Rows(12)),
    stop(&["登记机关", "国家企业信用信息公示系统", "市场主体应当"]),
];

const TRADEMARK: &[Label] = &[
    field("registrant", &["注册人"], Extent::Rows(2)),
    field("address", &["注册地址", "注册人地址"], Extent::Rows(2)),
    field("validity", &["注册有效期限", "有效期限"], Extent::Rows(2)),
    stop(&["核定使用商品/服务", "核定使用商品", "核定服务项目"]),
];

const ICP_RECORD: &[Label] = &[
    field("name", &["主办单位名称"], Extent::One),
    field("icp_number", &["ICP备案/许可证号", "ICP备案号", "网站备案号"], Extent::One),
    field("site_name", &["网站名称"], Extent::One),
    field("domain", &["网站域名"], Extent::One),
    field("approved", &["审核日期", "审核通过日期"], Extent::One),
    stop(&["主办单位性质", "网站首页网址", "网站负责人"]),
];

const APP_LISTING: &[Label] = &[
    field("developer", &["开发者", "开发商", "供应商"], Extent::One),
    stop(&["版本", "更新时间", "应用介绍", "应用信息", "大小"]),
];

/// The fields a document of `kind` shows, as read from its glyphs.
pub fn extract(kind: DocKind, page: &Page) -> Vec<Extracted> {
    let labels = match kind {
        DocKind::BusinessLicense => LICENCE,
        DocKind::TrademarkCertificate => TRADEMARK,
        DocKind::IcpRecord => ICP_RECORD,
        DocKind::AppListing => APP_LISTING,
        DocKind::AuthorizationLetter => return Vec::new(),
    };
    let mut anchors = find_anchors(&page.lines, labels);
    if kind == DocKind::BusinessLicense {
        anchors.extend(unread_name_label(&page.lines, &anchors));
        anchors.extend(unread_individual_scope_label(&page.lines, &anchors));
    }
    // Licences print every value beside its label; certificates, filing pages and listings
    // also print them under it (注册人 above the registrant, a console's header row above its
    // values). A licence label with nothing beside it has lost its value, not moved it.
    let below_too = kind != DocKind::BusinessLicense;
    let mut fields: Vec<Extracted> = anchors
        .iter()
        .filter(|a| a.key.is_some_and(|k| k != "uscc"))
        .filter_map(|a| {
            let rows = value_rows(&page.lines, &anchors, a, below_too);
            let glyphs: Vec<Glyph> = rows.into_iter().flatten().collect();
            (!glyphs.is_empty()).then(|| Extracted::new(a.key.unwrap_or_default(), glyphs))
        })
        .collect();
    match kind {
        DocKind::BusinessLicense => fields.extend(uscc(&page.lines, &anchors)),
        DocKind::TrademarkCertificate => {
            fields.extend(trademark_number_and_mark(&page.lines, &anchors));
            fields.extend(trademark_class(&page.lines));
            fields.extend(trademark_document(&page.lines));
            fields = split_validity(fields);
        }
        DocKind::AppListing => fields.extend(app_name(&page.lines, page.image.height())),
        _ => {}
    }
    fields
}

struct Anchor {
    key: Option<&'static str>,
    /// The label text it was found by (经营者 tells an individual business from a company).
    text: &'static str,
    extent: Extent,
    rect: Rect,
}

/// Labels printed on the page, longest first so 名称 is not found inside 主办单位名称. A label
/// starts a column (first on its line, or after a gap), which keeps 经营者 from matching 经营活
/// inside a business scope. Every label read exactly is taken before any is matched loosely:
/// 注册人地址 is near enough to 注册人西安 at the head of a line, whose 注册人 is the label.
fn find_anchors(lines: &[Line], labels: &[Label]) -> Vec<Anchor> {
    let mut texts: Vec<(&Label, &'static str, Vec<char>)> =
        labels.iter().flat_map(|l| l.texts.iter().map(move |t| (l, *t, t.chars().collect()))).collect();
    texts.sort_by_key(|(_, _, t)| std::cmp::Reverse(t.len()));
    let mut used: Vec<Vec<bool>> = lines.iter().map(|l| vec![false; l.glyphs.len()]).collect();
    let mut anchors: Vec<Anchor> = Vec::new();
    for ((label, printed, text), exact) in
        [true, false].into_iter().flat_map(|exact| texts.iter().map(move |t| (t, exact)))
    {
        let printed: &'static str = printed;
        if label.key.is_some() && anchors.iter().any(|a| a.key == label.key) {
            continue;
        }
        let allowed = match text.len() {
            _ if exact => 0,
            0..=3 => 0,
            4..=6 => 1,
            _ => 2,
        };
        'lines: for (line, used) in lines.iter().zip(used.iter_mut()) {
            // Between the characters of a spread label Tesseract reads stray marks (名。称,
            // 名“称); they are skipped when matching, and covered by the label once found.
            let (at, chars): (Vec<usize>, Vec<char>) =
                line.glyphs.iter().map(|g| half_width(g.ch)).enumerate().filter(|(_, c)| !is_stray_mark(*c)).unzip();
            for start in 0..chars.len().saturating_sub(text.len() - 1) {
                let end = start + text.len();
                let Some(window) = chars.get(start..end) else { continue };
                let (Some(&first), Some(&last)) = (at.get(start), at.get(end - 1)) else { continue };
                let Some(taken) = used.get(first..=last) else { continue };
                let apart = |label: &[char]| window.iter().zip(label).filter(|(a, b)| a != b).count();
                let differences = apart(text);
                // Near enough to this label is not enough when it is as near another field's
                // label, one not found elsewhere on the page (经营范围 is two characters from
                // 经营场所, and 经营浊天 two from both).
                let ambiguous = texts.iter().any(|(other_label, _, other)| {
                    let found_elsewhere = other_label.key.is_some() && anchors.iter().any(|a| a.key == other_label.key);
                    other_label.key != label.key
                        && !found_elsewhere
                        && other.len() == window.len()
                        && apart(other) <= differences
                });
                if differences > 0 && ambiguous {
                    continue;
                }
                // A label spread across its cell (名　　称, 组 成 形 式) is read glyph by glyph,
                // without the context that corrects it: at the head of a line, half its
                // characters may be wrong as long as its first or last one is right (类理 for
                // 类型), and a gap must still separate it from its value.
                let loose = !exact && start == 0 && differences * 2 <= text.len();
                let ends_right = window.first() == text.first() || (loose && window.last() == text.last());
                if taken.iter().any(|t| *t) || !(differences <= allowed || loose) || !ends_right {
                    continue;
                }
                if !starts_column(line, first) || !ends_column(line, last + 1) {
                    continue;
                }
                used.iter_mut().take(last + 1).skip(first).for_each(|u| *u = true);
                let rect = line.glyphs.iter().take(last + 1).skip(first).fold(Rect::default(), |r, g| r.union(&g.rect));
                anchors.push(Anchor { key: label.key, text: printed, extent: label.extent, rect });
                if label.key.is_some() {
                    break 'lines;
                }
            }
        }
    }
    anchors
}

/// The 名称 label when OCR could not read it. Both licence styles justify their labels across one
/// width (名　　称), so Tesseract sees lone characters without context and misreads them (名称 as
/// 各 3 竹). The name is always the row directly above 类型 (a company) or 经营者 (an individual
/// business) in the same label column (ocr.md §5), and its label fills the same width; the
/// glyphs there are taken as the label, whatever they were read as.
fn unread_name_label(lines: &[Line], anchors: &[Anchor]) -> Option<Anchor> {
    if anchors.iter().any(|a| a.key == Some("name")) {
        return None;
    }
    let below = anchors
        .iter()
        .find(|a| a.key == Some("type") && a.text == "类型")
        .or_else(|| anchors.iter().find(|a| a.key == Some("legal_rep") && a.text == "经营者"))?;
    let rect = neighbouring_label_cell(lines, anchors, below.rect, Direction::Above)?;
    Some(Anchor { key: Some("name"), text: "名称", extent: Extent::Rows(2), rect })
}

/// The 经营范围 label of an individual business when OCR could not read it (经　营　范　围 read as
/// 经党池): on that licence the scope is the row directly below 经营场所 in the label column
/// (ocr.md §5), and is taken only when no other label was read there.
fn unread_individual_scope_label(lines: &[Line], anchors: &[Anchor]) -> Option<Anchor> {
    if anchors.iter().any(|a| a.key == Some("scope")) {
        return None;
    }
    let above = anchors.iter().find(|a| a.key == Some("address") && a.text == "经营场所")?;
    let rect = neighbouring_label_cell(lines, anchors, above.rect, Direction::Below)?;
    Some(Anchor { key: Some("scope"), text: "经营范围", extent: Extent::Rows(12), rect })
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Above,
    Below,
}

/// The cell of the label column next to `label` (the row directly above or below it, within
/// two rows) whose label was not read: the glyphs there, whatever they were read as.
fn neighbouring_label_cell(lines: &[Line], anchors: &[Anchor], label: Rect, direction: Direction) -> Option<Rect> {
    let h = label.h.max(8);
    let in_column = |g: &Glyph| g.rect.right() + h >= label.x && g.rect.x <= label.right() + h / 2;
    // Each line's glyphs in the label column, on the wanted side of the label.
    let rows = lines.iter().filter_map(|line| {
        let glyphs: Vec<Glyph> = line.glyphs.iter().filter(|g| in_column(g)).cloned().collect();
        let across = glyphs.iter().fold(Rect::default(), |r, g| r.union(&g.rect));
        let band = band(&glyphs);
        let rect = Rect { y: band.y, h: band.h, ..across };
        let side = match direction {
            Direction::Above => rect.bottom() <= label.y + h / 3,
            Direction::Below => rect.y + h / 3 >= label.bottom(),
        };
        (!glyphs.is_empty() && side).then_some(rect)
    });
    let rect = match direction {
        Direction::Above => rows.max_by_key(|r| r.bottom())?,
        Direction::Below => rows.min_by_key(|r| r.y)?,
    };
    // Not the next row when that lies more than two rows away: then its row was not read.
    if rect.y.abs_diff(label.y) > 4 * h {
        return None;
    }
    // A cell whose label was read belongs to that label.
    let overlaps =
        |a: &Rect| a.y < rect.bottom() && rect.y < a.bottom() && a.x < rect.right() + h && rect.x < a.right();
    (!anchors.iter().any(|a| overlaps(&a.rect))).then_some(rect)
}

/// Punctuation no label contains (labels hold only CJK, Latin letters and `/`).
fn is_stray_mark(c: char) -> bool {
    !c.is_alphanumeric() && c != '/'
}

/// A label begins after a gap (or the start of its line). Stray marks before it do not count:
/// Tesseract reads a ” into the space between a value and the next column's label.
fn starts_column(line: &Line, start: usize) -> bool {
    let before = line.glyphs.iter().take(start).rev().find(|g| !is_stray_mark(half_width(g.ch)));
    let (Some(before), Some(first)) = (before, line.glyphs.get(start)) else {
        return true;
    };
    first.rect.x.saturating_sub(before.rect.right()) as f32 >= first.rect.h as f32 * 0.8
}

/// A label is followed by a gap before its value, or ends the line (the value is below it):
/// this keeps ICP备案号 from matching the heading ICP备案主体信息. A colon or stray mark right
/// after the label (名称：) is part of the gap.
fn ends_column(line: &Line, end: usize) -> bool {
    let next = line.glyphs.iter().skip(end).find(|g| !is_stray_mark(half_width(g.ch)));
    let (Some(last), Some(next)) = (end.checked_sub(1).and_then(|i| line.glyphs.get(i)), next) else {
        return true;
    };
    next.rect.x.saturating_sub(last.rect.right()) as f32 >= last.rect.h as f32 * 0.4
}

/// The rows of glyphs beside an anchor: right of the label up to the next label on its row, and
/// down to the next label in its column, a blank gap, or the field's row limit. With
/// `below_too`, a label with nothing beside it takes the rows under it instead, in its column:
/// from its left edge to the next label on its row.
fn value_rows(lines: &[Line], anchors: &[Anchor], anchor: &Anchor, below_too: bool) -> Vec<Vec<Glyph>> {
    let beside = value_rows_at(lines, anchors, anchor, Placement::Beside);
    if beside.is_empty() && below_too { value_rows_at(lines, anchors, anchor, Placement::Below) } else { beside }
}

/// Where a value stands against its label.
#[derive(Clone, Copy, PartialEq)]
enum Placement {
    Beside,
    Below,
}

fn value_rows_at(lines: &[Line], anchors: &[Anchor], anchor: &Anchor, placement: Placement) -> Vec<Vec<Glyph>> {
    let label = anchor.rect;
    let h = label.h.max(8);
    // Tesseract's boxes for chi_sim words jump in height (a label 19 px high beside a value 36
    // px high on the same printed row): rows that overlap by half the smaller one are one row.
    let same_row = |r: &Rect| {
        let overlap = r.bottom().min(label.bottom()).saturating_sub(r.y.max(label.y));
        r.centre_y().abs_diff(label.centre_y()) < h / 2 + 2 || overlap * 2 >= r.h.min(label.h).max(1)
    };
    let right = anchors
        .iter()
        .filter(|b| same_row(&b.rect) && b.rect.x > label.right())
        .map(|b| b.rect.x)
        .min()
        .unwrap_or(u32::MAX);
    let below = anchors
        .iter()
        .filter(|b| b.rect.y > label.bottom().saturating_sub(h / 3) && !same_row(&b.rect))
        .filter(|b| b.rect.x + 2 * h >= label.x && b.rect.x < right)
        .map(|b| b.rect.y)
        .min()
        .unwrap_or(u32::MAX);
    let inside = |g: &Glyph| {
        let across = match placement {
            Placement::Beside => g.rect.x + h / 4 >= label.right() && g.rect.right() <= right.saturating_add(h / 2),
            // A column's values start where its label does, give or take a glyph, and end
            // before the next column's label starts.
            Placement::Below => {
                g.rect.x + h >= label.x && g.rect.centre_x() < right && g.rect.centre_y() > label.bottom()
            }
        };
        // A label's own glyphs are never a value (the next column's label may start within
        // the half glyph allowed for boxes that overhang).
        let labelled = anchors.iter().any(|b| b.rect.holds_centre_of(&g.rect));
        across && !labelled && g.rect.centre_y() + h / 2 >= label.y && g.rect.centre_y() < below.saturating_sub(h / 4)
    };
    // Each Tesseract line keeps its own reading order: its word boxes for Chinese overlap and
    // jitter, so sorting characters by x would shuffle them (投资或 → 投或资).
    let mut rows: Vec<Vec<Glyph>> = lines
        .iter()
        .map(|l| l.glyphs.iter().filter(|g| inside(g)).cloned().collect::<Vec<_>>())
        .filter(|row| !row.is_empty())
        .collect();
    let centre = |row: &Vec<Glyph>| {
        let mut ys: Vec<u32> = row.iter().map(|g| g.rect.centre_y()).collect();
        ys.sort_unstable();
        ys.get(ys.len() / 2).copied().unwrap_or(0)
    };
    rows.sort_by_key(|r| (centre(r), r.first().map_or(0, |g| g.rect.x)));
    let mut merged: Vec<Vec<Glyph>> = Vec::new();
    for row in rows {
        match merged.last_mut() {
            Some(last) if centre(last).abs_diff(centre(&row)) < h * 6 / 10 => last.extend(row),
            _ => merged.push(row),
        }
    }
    // A value has no wide gap inside it: what lies beyond one is the next column (whose label
    // OCR may have missed).
    let rows: Vec<Vec<Glyph>> = merged
        .into_iter()
        .map(|row| {
            let cut = row.windows(2).position(|pair| match pair {
                [a, b] => b.rect.x.saturating_sub(a.rect.right()) > 3 * h,
                _ => false,
            });
            match cut {
                Some(i) => row.into_iter().take(i + 1).collect(),
                None => row,
            }
        })
        .collect();
    let limit = match anchor.extent {
        Extent::One => 1,
        Extent::Rows(n) => n,
    };
    let mut taken: Vec<Vec<Glyph>> = Vec::new();
    for row in rows {
        let previous = taken.last().map_or(label.centre_y(), centre);
        let centre = centre(&row);
        // The first row sits beside the label; each next one within about two lines.
        let close = if taken.is_empty() {
            // A stray glyph above the label's row (a frame ornament read as text) is passed over.
            if !same_row(&band(&row)) && centre < label.centre_y() {
                continue;
            }
            match placement {
                Placement::Beside => same_row(&band(&row)),
                // The row under the label, as close as a wrapped line is to the one above it.
                Placement::Below => centre - label.centre_y() < h * 3,
            }
        } else {
            // A row with print under the label is the next field's, whose label OCR could not
            // read (经营范围 read as 经党池 below an address).
            let labelled = lines.iter().flat_map(|l| &l.glyphs).any(|g| {
                g.rect.centre_y().abs_diff(centre) < h / 2 && g.rect.right() > label.x && g.rect.x < label.right()
            });
            // The next line of a wrapped value: its centre within 2.2 glyph heights of the row
            // above, or within three when it starts where that row does, as a paragraph's lines
            // do (licences space their lines about 2.1 glyph heights apart).
            let start = |row: &Vec<Glyph>| row.first().map_or(0, |g| g.rect.x);
            let aligned = taken.last().is_some_and(|above| start(above).abs_diff(start(&row)) < h * 3 / 2);
            let pitch = if aligned { h * 3 } else { h * 22 / 10 };
            centre - previous < pitch && !labelled
        };
        if !close || taken.len() == limit {
            break;
        }
        taken.push(row);
    }
    taken
}

/// A row's vertical extent from the median top and bottom of its glyphs, which one tall box (a
/// bracket, a word box merged across two characters) does not stretch.
fn band(row: &[Glyph]) -> Rect {
    let median = |mut v: Vec<u32>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    let top = median(row.iter().map(|g| g.rect.y).collect());
    let bottom = median(row.iter().map(|g| g.rect.bottom()).collect()).max(top);
    Rect { x: 0, y: top, w: 1, h: bottom - top }
}

// ---------------------------------------------------------------------------------------------
// Fields found by their shape rather than a label beside them

/// Runs of code characters on one line, split where the gap is wider than a glyph.
fn code_runs(lines: &[Line]) -> Vec<Vec<Glyph>> {
    let mut runs = Vec::new();
    for line in lines {
        let mut run: Vec<Glyph> = Vec::new();
        for g in &line.glyphs {
            let code_like = half_width(g.ch).is_ascii_alphanumeric();
            let near = run.last().is_none_or(|p| g.rect.x.saturating_sub(p.rect.right()) < g.rect.h.max(8) * 12 / 10);
            if code_like && near {
                run.push(g.clone());
            } else {
                runs.push(std::mem::take(&mut run));
                if code_like {
                    run.push(g.clone());
                }
            }
        }
        runs.push(run);
    }
    runs.into_iter().filter(|r| (15..=21).contains(&r.len())).collect()
}

/// The credit code: the code-shaped run nearest its label (beside it on older licences, under
/// it on the 2019 style), or the only one on the page.
fn uscc(lines: &[Line], anchors: &[Anchor]) -> Option<Extracted> {
    let label = anchors.iter().find(|a| a.key == Some("uscc")).map(|a| a.rect);
    let runs = code_runs(lines);
    let distance = |run: &Vec<Glyph>| {
        let rect = run.iter().fold(Rect::default(), |r, g| r.union(&g.rect));
        let length_penalty = (rect.w / 18) * (run.len().abs_diff(18) as u32);
        match label {
            Some(l) => rect.y.abs_diff(l.y) + rect.x.abs_diff(l.right()) / 4 + length_penalty,
            None => rect.y + length_penalty,
        }
    };
    let best = runs.into_iter().min_by_key(distance)?;
    Some(Extracted::new("uscc", best))
}

/// Settles a credit code from the page read and a whitelisted second read: agreement with a
/// holding check character is certain; otherwise the only correction of known OCR confusions
/// that makes the check hold is taken, with the corrected characters marked uncertain. Some real
/// early codes fail the check (ocr.md §5), so a code no correction fixes is kept, all doubtful,
/// with a warning.
pub fn settle_uscc(field: &mut Extracted, second: &str, warnings: &mut Vec<Text>) {
    let first = fold_uscc(&field.text());
    let second = fold_uscc(second);
    let disagree = |code: &[char], other: &[char]| -> Vec<bool> {
        code.iter().enumerate().map(|(i, c)| other.get(i) != Some(c) || other.len() != code.len()).collect()
    };
    let (code, doubt) = match (check_holds(&first), check_holds(&second)) {
        (true, _) => (first.clone(), vec![false; first.len()]),
        (false, true) => {
            let doubt = disagree(&second, &first);
            (second.clone(), doubt)
        }
        (false, false) => {
            let mut corrections: Vec<(Vec<char>, Vec<usize>)> =
                corrections(&second).into_iter().chain(corrections(&first)).collect();
            corrections.sort();
            corrections.dedup_by(|a, b| a.0 == b.0);
            match corrections.as_slice() {
                [(code, changed)] => {
                    let code_text: String = code.iter().collect();
                    warnings.push(Text::new(
                        format!("统一社会信用代码按校验位更正为 {code_text}，请对照原件确认标出的字符"),
                        format!("the credit code was corrected by its check character to {code_text}; confirm the marked characters against the original"),
                    ));
                    let mut doubt = vec![false; code.len()];
                    for &i in changed {
                        if let Some(d) = doubt.get_mut(i) {
                            *d = true;
                        }
                    }
                    (code.clone(), doubt)
                }
                _ => {
                    let kept = if second.len() == 18 { second.clone() } else { first.clone() };
                    warnings.push(Text::new(
                        "统一社会信用代码的校验位不符，OCR 无法确定；请对照原件确认",
                        "the credit code fails its check character and OCR cannot settle it; confirm it against the original",
                    ));
                    let doubt = vec![true; kept.len()];
                    (kept, doubt)
                }
            }
        }
    };
    if code.is_empty() {
        return;
    }
    field.replace_chars(&code, doubt);
}

/// Upper-case ASCII; letters the code's alphabet lacks become the digits they are mistaken for.
fn fold_uscc(read: &str) -> Vec<char> {
    ident::fold_code(read)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| match c {
            'O' => '0',
            'I' => '1',
            'Z' => '2',
            'S' => '5',
            'V' => 'U',
            c => c,
        })
        .collect()
}

fn check_holds(code: &[char]) -> bool {
    code.len() == 18
        && code.iter().all(|c| ident::USCC_CHARSET.contains(*c))
        && code.split_last().is_some_and(|(check, body)| ident::uscc_check_char(body) == Some(*check))
}

/// Characters Tesseract confuses inside codes (ocr.md §3: 9→2, Y→7, an extra O; and the usual
/// 0/D/Q, 1/L/T, 6/G, 8/B/3).
const CONFUSIONS: &[(char, char)] = &[
    ('0', 'D'),
    ('0', 'Q'),
    ('0', 'U'),
    ('0', '8'),
    ('0', '9'),
    ('1', 'L'),
    ('1', 'T'),
    ('1', 'J'),
    ('1', '7'),
    ('2', '7'),
    ('2', '9'),
    ('3', '8'),
    ('5', '6'),
    ('5', '8'),
    ('6', 'G'),
    ('6', '8'),
    ('8', 'B'),
    ('4', 'A'),
    ('7', 'Y'),
    ('7', 'T'),
    ('C', 'G'),
    ('E', 'F'),
    ('H', 'N'),
    ('M', 'N'),
    ('M', 'W'),
    ('P', 'R'),
    ('U', 'W'),
    ('K', 'X'),
    ('X', 'Y'),
];

/// Codes one confusion (or one stray character, for a 19-character read) away from `read` whose
/// check character holds, with the positions changed.
fn corrections(read: &[char]) -> Vec<(Vec<char>, Vec<usize>)> {
    let mut found = Vec::new();
    if read.len() == 19 {
        for i in 0..read.len() {
            let candidate: Vec<char> = read.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| *c).collect();
            if check_holds(&candidate) {
                found.push((candidate, vec![i.min(17)]));
            }
        }
    }
    if read.len() == 18 {
        for (i, c) in read.iter().enumerate() {
            let swaps = CONFUSIONS.iter().filter_map(|&(a, b)| match *c {
                x if x == a => Some(b),
                x if x == b => Some(a),
                _ => None,
            });
            for swap in swaps {
                let mut candidate = read.to_vec();
                if let Some(slot) = candidate.get_mut(i) {
                    *slot = swap;
                }
                if check_holds(&candidate) {
                    found.push((candidate, vec![i]));
                }
            }
        }
    }
    found
}

/// 第12345678号 above the mark, and the mark: the largest text between that line and 注册人.
fn trademark_number_and_mark(lines: &[Line], anchors: &[Anchor]) -> Vec<Extracted> {
    let registrant_y = anchors.iter().find(|a| a.key == Some("registrant")).map_or(u32::MAX, |a| a.rect.y);
    let mut out = Vec::new();
    let mut number_bottom = 0;
    for line in lines.iter().filter(|l| l.rect().y < registrant_y) {
        let chars: Vec<char> = line.glyphs.iter().map(|g| half_width(g.ch)).collect();
        // 第12345678号 under the title, or 注册号：12345678 where the certificate labels it.
        let labelled = chars.windows(3).position(|w| w == ['注', '册', '号']).map(|at| (at + 2, chars.len()));
        let numbered = match (chars.iter().position(|c| *c == '第'), chars.iter().rposition(|c| *c == '号')) {
            (Some(open), Some(close)) if close > open => Some((open, close)),
            _ => None,
        };
        let Some((open, close)) = labelled.or(numbered) else {
            continue;
        };
        let digits: Vec<Glyph> = line
            .glyphs
            .iter()
            .skip(open + 1)
            .take(close.saturating_sub(open + 1))
            .filter(|g| half_width(g.ch).is_ascii_digit())
            .cloned()
            .collect();
        if digits.len() >= 6 {
            number_bottom = line.rect().bottom();
            out.push(Extracted::new("reg_number", digits));
            break;
        }
    }
    let mark = lines
        .iter()
        .filter(|l| l.rect().y > number_bottom && l.rect().bottom() < registrant_y && number_bottom > 0)
        .filter(|l| l.glyphs.iter().any(|g| !g.ch.is_ascii_punctuation()))
        .max_by_key(|l| l.rect().h);
    if let Some(line) = mark {
        out.push(Extracted::new("mark", line.glyphs.clone()));
    }
    out
}

/// The document's title: 商标注册证, or the 注册申请受理通知书 that some upload in its place and
/// that proves no registration.
fn trademark_document(lines: &[Line]) -> Option<Extracted> {
    ["受理通知书", "商标注册证"].iter().find_map(|title| {
        let wanted: Vec<char> = title.chars().collect();
        lines.iter().find_map(|line| {
            let chars: Vec<char> = line.glyphs.iter().map(|g| g.ch).collect();
            let at = chars.windows(wanted.len()).position(|w| w == wanted.as_slice())?;
            let glyphs = line.glyphs.get(at..at + wanted.len())?.to_vec();
            Some(Extracted::new("document", glyphs))
        })
    })
}

/// 核定使用商品/服务（第9类）: the Nice class number.
fn trademark_class(lines: &[Line]) -> Option<Extracted> {
    for line in lines {
        let chars: Vec<char> = line.glyphs.iter().map(|g| half_width(g.ch)).collect();
        for (open, _) in chars.iter().enumerate().filter(|(_, c)| **c == '第') {
            let digits: Vec<Glyph> =
                line.glyphs.iter().skip(open + 1).take_while(|g| half_width(g.ch).is_ascii_digit()).cloned().collect();
            let after = chars.get(open + 1 + digits.len());
            if !digits.is_empty() && digits.len() <= 2 && after == Some(&'类') {
                return Some(Extracted::new("classes", digits));
            }
        }
    }
    None
}

/// 自2017年10月07日至2027年10月06日 → valid_from and valid_to.
fn split_validity(fields: Vec<Extracted>) -> Vec<Extracted> {
    let mut out = Vec::new();
    for field in fields {
        if field.key != "validity" {
            out.push(field);
            continue;
        }
        let split = field.glyphs.iter().position(|g| g.ch == '至');
        if let Some(split) = split {
            let (from, to) = field.glyphs.split_at(split);
            out.push(Extracted::new("valid_from", from.to_vec()));
            out.push(Extracted::new("valid_to", to.iter().skip(1).cloned().collect()));
        }
    }
    out
}

/// The app's name: the first line of the listing's header (the top of the page) that is not a
/// button, a version or a status-bar clock. Tesseract's line heights are too unsteady across
/// an inverted header to pick the name by size.
fn app_name(lines: &[Line], page_height: u32) -> Option<Extracted> {
    const NOT_A_NAME: [&str; 10] =
        ["安装", "打开", "获取", "下载", "更新", "版本", "评分", "广告", "应用介绍", "应用信息"];
    let mut header: Vec<&Line> = lines.iter().filter(|l| l.rect().y < page_height * 45 / 100).collect();
    header.sort_by_key(|l| l.rect().y);
    header
        .into_iter()
        .find(|l| {
            let text = l.text();
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            letters >= 2 && !NOT_A_NAME.iter().any(|w| text.starts_with(w))
        })
        .map(|l| Extracted::new("app_name", l.glyphs.clone()))
}

/// A warning per essential field that could not be read.
pub fn missing_warnings(kind: DocKind, reading: &Reading) -> Vec<Text> {
    let essential: &[(&str, &str, &str)] = match kind {
        DocKind::BusinessLicense => &[
            ("name", "名称", "name"),
            ("uscc", "统一社会信用代码", "credit code"),
            ("legal_rep", "法定代表人/经营者", "legal representative"),
        ],
        DocKind::TrademarkCertificate => {
            &[("reg_number", "注册号", "registration number"), ("registrant", "注册人", "registrant")]
        }
        DocKind::IcpRecord => &[("name", "主办单位名称", "sponsor name"), ("icp_number", "ICP 备案号", "ICP number")],
        DocKind::AppListing => &[("app_name", "应用名称", "app name"), ("developer", "开发者", "developer")],
        DocKind::AuthorizationLetter => &[],
    };
    essential
        .iter()
        // A licence from before 2016 prints a 注册号 where later ones print the credit code.
        .filter(|(key, _, _)| reading.field(key).is_none() && !(*key == "uscc" && reading.field("reg_no").is_some()))
        .map(|(_, zh, en)| {
            Text::new(
                format!("未能读出“{zh}”：请换一张更清晰的图片，或手动确认"),
                format!("could not read the {en}: use a clearer image or confirm it by hand"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn one_confusion_is_corrected_only_when_the_check_holds() {
        // 91350100M000100Y43 is the GB 32100 worked example (ocr.md §5).
        assert!(check_holds(&chars("91350100M000100Y43")));
        // Y read as 7: the only confusion that makes the check hold is 7 → Y, at index 15.
        let found = corrections(&chars("91350100M000100743"));
        assert!(found.iter().any(|(code, at)| code == &chars("91350100M000100Y43") && at == &vec![15]), "{found:?}");
        // An inserted stray character (the measured extra O, folded to 0) is dropped.
        let found = corrections(&chars("913501000M000100Y43"));
        assert!(found.iter().any(|(code, _)| code == &chars("91350100M000100Y43")), "{found:?}");
        // A code whose check holds needs nothing.
        assert!(fold_uscc("9l35O1OOMOOO1OOY43").len() == 18);
    }

    /// A line of 20 px glyphs from `x`; each space leaves a gap of three glyphs.
    fn line(text: &str, x: u32, y: u32) -> Line {
        let mut at = x;
        let mut glyphs = Vec::new();
        for ch in text.chars() {
            if ch == ' ' {
                at += 60;
                continue;
            }
            glyphs.push(Glyph { ch, conf: 95.0, rect: Rect { x: at, y, w: 20, h: 20 } });
            at += 22;
        }
        Line { glyphs }
    }

    #[test]
    fn a_trademark_document_says_whether_it_is_the_certificate_or_the_acceptance_notice() {
        let image = GrayImage::new(1000, 600);
        let title = |lines: Vec<Line>| {
            let page = Page { lines, image: &image };
            extract(DocKind::TrademarkCertificate, &page).iter().find(|f| f.key == "document").map(|f| f.finish().0)
        };
        let notice =
            vec![line("商标注册申请受理通知书", 300, 40), line("注册人 厦门市海沧区云帆网络科技有限公司", 80, 200)];
        assert_eq!(title(notice).as_deref(), Some("受理通知书"));
        let certificate = vec![line("商标注册证", 400, 40), line("第12345678号", 420, 100)];
        assert_eq!(title(certificate).as_deref(), Some("商标注册证"));
        assert_eq!(title(vec![line("注册人 厦门市海沧区云帆网络科技有限公司", 80, 200)]), None);
    }

    fn fields(lines: Vec<Line>) -> Vec<(String, String)> {
        let image = GrayImage::new(1000, 600);
        let page = Page { lines, image: &image };
        let mut found: Vec<(String, String)> =
            extract(DocKind::BusinessLicense, &page).iter().map(|f| (f.key.to_string(), f.finish().0)).collect();
        found.sort();
        found
    }

    #[test]
    fn a_misread_name_label_is_the_row_above_the_type() {
        // As Tesseract read a 2015 licence: 名　　称 as 各 3 竹 and 类　　型 as 类理, both labels
        // spread over the width of 法定代表人 (100–210), values from x = 300.
        let spread = |label: &[(char, u32)], value: &str, y: u32| {
            let mut row = line(value, 300, y);
            let head = label.iter().map(|&(ch, x)| Glyph { ch, conf: 40.0, rect: Rect { x, y, w: 20, h: 20 } });
            row.glyphs.splice(0..0, head);
            row
        };
        let found = fields(vec![
            spread(&[('各', 100), ('3', 124), ('竹', 190)], "杭州蓝海物流有限公司", 100),
            spread(&[('类', 100), ('理', 190)], "有限责任公司", 160),
            line("法定代表人 杨帆", 100, 220),
        ]);
        assert!(found.contains(&("name".into(), "杭州蓝海物流有限公司".into())), "{found:?}");
        assert!(found.contains(&("type".into(), "有限责任公司".into())), "{found:?}");
        // A stray mark inside a spread label is skipped: 名。称.
        let found = fields(vec![line("名 。 称 杭州蓝海物流有限公司", 100, 100), line("法定代表人 杨帆", 100, 160)]);
        assert!(found.contains(&("name".into(), "杭州蓝海物流有限公司".into())), "{found:?}");
        // Nothing is inferred without the row below to place it.
        let found = fields(vec![
            spread(&[('各', 100), ('3', 124), ('竹', 190)], "杭州蓝海物流有限公司", 100),
            line("法定代表人 杨帆", 100, 160),
        ]);
        assert!(!found.iter().any(|(k, _)| k == "name"), "{found:?}");
    }

    fn extracted(text: &str) -> Extracted {
        Extracted::new("name", line(text, 0, 0).glyphs)
    }

    #[test]
    fn crop_reads_outvote_the_page_and_disagreements_are_doubted() {
        let mut field = extracted("杭州云由科技有限公司");
        field.vote(&["杭州云帆科技有限公司".into(), "杭州云帆科技有限公司".into()]);
        assert_eq!(field.finish(), ("杭州云帆科技有限公司".into(), vec![3]));
        // All reads agree: certain.
        let mut field = extracted("杭州云帆科技有限公司");
        field.vote(&["杭州云帆科技有限公司".into(), "杭州云帆 科技有限公司".into()]);
        assert_eq!(field.finish(), ("杭州云帆科技有限公司".into(), vec![]));
        // A read that lost its opening bracket does not win over one that pairs them, even
        // outnumbered; brackets are folded to the full-width ones names print.
        let mut field = extracted("天成武汉)电子商务有限公司");
        field.vote(&["天成武汉)电子商务有限公司".into(), "天成《武汉)电子商务有限公司".into()]);
        let (value, uncertain) = field.finish();
        assert_eq!(value, "天成（武汉）电子商务有限公司");
        assert!(!uncertain.is_empty());
        // Crop reads that share little with the page are failed reads, not votes.
        let mut field = extracted("新锐课堂");
        field.vote(&["eg".into(), "eg".into()]);
        assert_eq!(field.finish(), ("新锐课堂".into(), vec![]));
        // When no read pairs them, the brackets are doubted rather than trusted.
        let mut field = extracted("天成武汉)电子商务有限公司");
        field.vote(&["天成武汉)电子商务有限公司".into()]);
        let (value, uncertain) = field.finish();
        assert_eq!(value, "天成武汉）电子商务有限公司");
        assert_eq!(uncertain, vec![4]);
    }

    #[test]
    fn a_stray_quotation_mark_in_a_company_name_is_dropped_and_doubted() {
        let (value, uncertain) = extracted("瑞丰“（厦门）信息技术有限公司").finish();
        assert_eq!(value, "瑞丰（厦门）信息技术有限公司");
        assert_eq!(uncertain, vec![1, 2]);
    }

    fn read(kind: DocKind, lines: Vec<Line>) -> Vec<(String, String, Vec<usize>)> {
        let image = GrayImage::new(1000, 600);
        let page = Page { lines, image: &image };
        let mut found: Vec<(String, String, Vec<usize>)> = extract(kind, &page)
            .iter()
            .map(|f| {
                let (value, uncertain) = f.finish();
                (f.key.to_string(), value, uncertain)
            })
            .collect();
        found.sort();
        found
    }

    /// The value `read` found for `key`.
    fn value(found: &[(String, String, Vec<usize>)], key: &str) -> Option<String> {
        found.iter().find(|f| f.0 == key).map(|f| f.1.clone())
    }

    #[test]
    fn an_exact_label_is_taken_before_a_near_one() {
        // As Tesseract read a trademark certificate: 注册人 and the registrant's first two
        // characters, then a gap. 注册人西安 is two characters from 注册人地址 at the head of a
        // line, near enough for a spread label, but 注册人 is printed there exactly.
        let mut registrant = line("注册人 西安睿智餐饮管理股份有限公司", 100, 100);
        for g in registrant.glyphs.iter_mut().skip(5) {
            g.rect.x += 10;
        }
        let found = read(
            DocKind::TrademarkCertificate,
            vec![registrant, line("注册地址 陕西省西安市雁塔区科技路48号", 100, 160)],
        );
        assert_eq!(value(&found, "registrant").as_deref(), Some("西安睿智餐饮管理股份有限公司"), "{found:?}");
        assert_eq!(value(&found, "address").as_deref(), Some("陕西省西安市雁塔区科技路48号"), "{found:?}");
    }

    #[test]
    fn a_label_read_as_near_two_labels_names_neither() {
        // An individual business's 经营范围 read as 经营浊天: two characters from 经营场所 (the
        // address) as from 经营范围. The address is not the scope's value.
        let found = read(
            DocKind::BusinessLicense,
            vec![line("经营者 王芳", 100, 100), line("经营浊天 食品销售；日用百货销售。", 100, 160)],
        );
        assert!(!found.iter().any(|f| f.0 == "address"), "{found:?}");
        // With the address's own label read (经阁允所), the near one can only be the scope's.
        let found = read(
            DocKind::BusinessLicense,
            vec![
                line("经营者 王芳", 100, 100),
                line("经阁允所 四川省成都市高新区天府大道北段1700号", 100, 160),
                line("经营浊天 食品销售；日用百货销售。", 100, 220),
            ],
        );
        assert_eq!(value(&found, "address").as_deref(), Some("四川省成都市高新区天府大道北段1700号"), "{found:?}");
        assert_eq!(value(&found, "scope").as_deref(), Some("食品销售；日用百货销售。"), "{found:?}");
    }

    #[test]
    fn an_individual_business_scope_is_the_row_below_its_premises() {
        // As Tesseract read an individual business's licence: 经　营　范　围 as 经党池.
        let lines = |scope_label: &str| {
            vec![
                line("经营者 黄敏", 100, 100),
                line("经营声所 浙江省杭州市西湖区文三路259号", 100, 160),
                line(&format!("{scope_label} 食品销售；日用百货销售。"), 100, 220),
            ]
        };
        let found = read(DocKind::BusinessLicense, lines("经党池"));
        assert_eq!(value(&found, "scope").as_deref(), Some("食品销售；日用百货销售。"), "{found:?}");
        assert_eq!(value(&found, "address").as_deref(), Some("浙江省杭州市西湖区文三路259号"), "{found:?}");
        // A row whose label was read is that label's, not the scope's.
        let found = read(DocKind::BusinessLicense, lines("注册日期"));
        assert_eq!(value(&found, "scope"), None, "{found:?}");
    }

    #[test]
    fn a_wrapped_value_keeps_its_lines() {
        // A business scope whose lines are 2.6 glyphs apart, each starting where the first does;
        // a line below that starts elsewhere, as far down, is not the scope's.
        let found = read(
            DocKind::BusinessLicense,
            vec![
                line("经营范围 一般项目：技术服务、", 100, 100),
                line("软件开发；信息系统集成服务。", 240, 152),
                line("登记机关 市场监督管理局", 500, 204),
            ],
        );
        assert_eq!(
            value(&found, "scope").as_deref(),
            Some("一般项目：技术服务、软件开发；信息系统集成服务。"),
            "{found:?}"
        );
        let found = read(
            DocKind::BusinessLicense,
            vec![line("经营范围 一般项目：技术服务、", 100, 100), line("国家企业信用信息", 520, 152)],
        );
        assert_eq!(value(&found, "scope").as_deref(), Some("一般项目：技术服务"), "{found:?}");
    }

    #[test]
    fn chinese_text_is_returned_with_the_punctuation_it_prints() {
        // ASCII punctuation back to full width; an unpaired quotation mark (read into a gap) is
        // dropped and its neighbours doubted; the scope's closing full stop is kept.
        let field = Extracted::new("scope", line("一般项目:技术推”广;软件开发(除许可)。", 0, 0).glyphs);
        assert_eq!(field.finish(), ("一般项目：技术推广；软件开发（除许可）。".into(), vec![7, 8]));
        // Paired quotation marks are the document's own.
        let field = Extracted::new("scope", line("销售“云帆”牌产品", 0, 0).glyphs);
        assert_eq!(field.finish(), ("销售“云帆”牌产品".into(), vec![]));
        // Text without Chinese keeps its ASCII marks.
        let field = Extracted::new("app_name", line("Yunfan: Travel", 0, 0).glyphs);
        assert_eq!(field.finish().0, "Yunfan:Travel");
    }

    #[test]
    fn a_character_a_field_cannot_print_is_doubted_however_sure_the_read() {
        // 壹 read as 过 with confidence 95: no capital amount holds 过.
        let field = Extracted::new("registered_capital", line("过佰万元整", 0, 0).glyphs);
        assert_eq!(field.finish(), ("过佰万元整".into(), vec![0]));
        let field = Extracted::new("registered_capital", line("人民币壹仟万元整", 0, 0).glyphs);
        assert_eq!(field.finish(), ("人民币壹仟万元整".into(), vec![]));
    }

    #[test]
    fn a_value_under_its_label_is_read_in_the_labels_column() {
        // A console's filing list: the labels in a header row, each value under its own.
        let header = vec![line("主办单位名称", 40, 100), line("ICP备案号", 400, 100), line("网站域名", 900, 100)];
        let values = vec![line("厦门某某网络科技有限公司", 42, 150), line("闽ICP备12345678号-1", 402, 150)];
        let found = read(DocKind::IcpRecord, [header, values, vec![line("example.com", 901, 150)]].concat());
        assert_eq!(value(&found, "name").as_deref(), Some("厦门某某网络科技有限公司"), "{found:?}");
        assert_eq!(value(&found, "icp_number").as_deref(), Some("闽ICP备12345678号-1"), "{found:?}");
        assert_eq!(value(&found, "domain").as_deref(), Some("example.com"), "{found:?}");
        // A licence prints its values beside their labels: one with nothing beside it has lost
        // its value, and the row under it is the next field's.
        let found = read(DocKind::BusinessLicense, vec![line("名称", 100, 100), line("有限责任公司", 100, 140)]);
        assert_eq!(value(&found, "name"), None, "{found:?}");
    }

    #[test]
    fn a_date_with_a_stray_character_is_doubted() {
        let field = Extracted::new("established", line("2019年1]月19日", 0, 0).glyphs);
        assert_eq!(field.finish(), ("2019-01-19".into(), (0..10).collect::<Vec<_>>()));
        let field = Extracted::new("established", line("2019年11月19日", 0, 0).glyphs);
        assert_eq!(field.finish(), ("2019-11-19".into(), vec![]));
    }

    #[test]
    fn dates_become_iso_only_when_real() {
        assert_eq!(iso_date("2020年10月01日").as_deref(), Some("2020-10-01"));
        assert_eq!(iso_date("２０２１-３-５").as_deref(), Some("2021-03-05"));
        assert_eq!(iso_date("2021年02月30日"), None);
        assert_eq!(iso_date("长期"), None);
    }

    #[test]
    fn names_keep_a_closing_bracket_only_when_it_closes() {
        let pairs: Vec<(char, bool)> = "：有限责任公司〈自然人投资或控股)。".chars().map(|c| (c, false)).collect();
        let kept: String = trim_punctuation(&pairs, false).iter().map(|p| p.0).collect();
        assert_eq!(kept, "有限责任公司〈自然人投资或控股)");
        let pairs: Vec<(char, bool)> = "某某科技有限公司)".chars().map(|c| (c, false)).collect();
        let kept: String = trim_punctuation(&pairs, false).iter().map(|p| p.0).collect();
        assert_eq!(kept, "某某科技有限公司");
    }
}
