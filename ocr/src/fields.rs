//! Fields from text lines: a licence's values found by their printed labels, wherever the value
//! stands — after the label in the same detected line, in a line of its own to the right, or
//! wrapped onto the rows below.
//!
//! The reading is character-level. Every character has a place on the page (its line's quad cut
//! at its span), so a label printed with wide letter-spacing (名　　称) or split by the detector
//! into pieces of neighbouring lines still reads as one label once its characters are put back
//! into rows. A value is what follows its label in the row up to the next label; long values
//! continue on the rows below that start in the value's column. Codes are found by their check
//! characters wherever they are printed, nearest their label.

use crate::detect::Quad;
use crate::{Char, TextLine};

/// A field read from the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The model's probability for each character of `value`.
    pub probs: Vec<f32>,
    /// The key, as qualkit's readings name it (`name`, `uscc`, `reg_no`, `legal_rep` …).
    pub key: &'static str,
    /// The value as printed, whitespace removed.
    pub value: String,
    /// The characters of `value` (by index) the model was unsure of.
    pub uncertain: Vec<usize>,
    /// Where each row of the value stands on the page.
    pub quads: Vec<Quad>,
}

/// A character the model is less sure of than this is doubted (the checks then ask a person
/// rather than claim a mismatch).
pub const UNSURE_BELOW: f32 = 0.9;

/// Lines less high than this (glyphs of about ten pixels, enlarged more than three times for the
/// recogniser) hold too few pixels to tell some characters apart (译 from 泽: 讠 and 氵 are two
/// or three pixels wide), and the model is sure of such misreads more often: a character of
/// one is doubted below [`SMALL_TEXT_UNSURE_BELOW`]. Measured on rendered licences shrunk to
/// 10–14 px lines, 3 of 158 characters read at 0.9–0.99 were wrong and none of 4,800 at 0.99
/// or more; on 14–18 px lines none of 107 at 0.9–0.99 (docs/PERFORMANCE.md).
pub const SMALL_TEXT_PX: f32 = 14.0;
pub const SMALL_TEXT_UNSURE_BELOW: f32 = 0.99;

/// Whether a character read with `prob` on a line `height` pixels high is doubted.
pub fn is_unsure(prob: f32, height: f32) -> bool {
    prob < UNSURE_BELOW || (height < SMALL_TEXT_PX && prob < SMALL_TEXT_UNSURE_BELOW)
}

/// The labels a business licence prints, per field key, longest first where one contains
/// another: the 2019 form (国市监注〔2018〕253号), the earlier 企业法人营业执照 and 个体工商户 forms,
/// branches (负责人) and partnerships (执行事务合伙人).
pub const LICENCE_LABELS: &[(&str, &[&str])] = &[
    ("name", &["字号名称", "企业名称", "名称"]),
    ("uscc", &["统一社会信用代码"]),
    ("reg_no", &["注册号"]),
    ("type", &["商事主体类型", "主体类型", "公司类型", "企业类型", "类型"]),
    ("composition", &["组成形式"]),
    ("legal_rep", &["法定代表人姓名", "法定代表人", "经营者姓名", "经营者", "执行事务合伙人", "负责人", "投资人"]),
    ("registered_capital", &["注册资本", "注册资金", "出资额"]),
    ("paid_capital", &["实收资本"]),
    ("established", &["成立日期", "注册日期"]),
    ("term", &["营业期限", "经营期限", "合伙期限"]),
    ("address", &["主要经营场所", "经营场所", "营业场所", "住所"]),
    ("scope", &["经营范围及方式", "经营范围"]),
];

/// What a 个体工商户's 组成形式 can say: "组成形式，包括个人经营和家庭经营" (《个体工商户登记管理办法》,
/// 国家工商行政管理总局令第56号, 2011, 第八条; the two of 《民法典》第五十六条).
const COMPOSITIONS: &[&str] = &["个人经营", "家庭经营"];

/// The labels a resident ID card prints: its photo side (人像面) and its emblem side (国徽面), as
/// the card of 2004 on lays them out (居民身份证法 §3 lists what it registers).
pub const ID_CARD_LABELS: &[(&str, &[&str])] = &[
    ("name", &["姓名"]),
    ("sex", &["性别"]),
    ("ethnicity", &["民族"]),
    ("birth", &["出生"]),
    ("address", &["住址"]),
    ("id_number", &["公民身份号码"]),
    ("authority", &["签发机关"]),
    ("validity", &["有效期限"]),
];

/// Fields whose values wrap onto the rows below.
const WRAPPING: &[&str] = &["name", "address", "scope"];

/// One character placed on the page.
#[derive(Clone, Debug)]
struct Placed {
    text: String,
    prob: f32,
    quad: Quad,
    /// Centre, and the height across the text.
    x: f32,
    y: f32,
    h: f32,
    /// The model's runner-up tokens for it ([`Char::alternatives`]).
    alternatives: Vec<(String, f32)>,
}

/// Characters in one row, left to right, with where each detected piece began.
#[derive(Debug, Default)]
struct Row {
    chars: Vec<Placed>,
    /// Indices into `chars` where a piece (a line, or a part of one after a wide gap) starts.
    starts: Vec<usize>,
}

impl Row {
    fn y(&self) -> f32 {
        median(self.chars.iter().map(|c| c.y).collect())
    }
    fn h(&self) -> f32 {
        median(self.chars.iter().map(|c| c.h).collect())
    }
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// A label found in a row: which field, and the characters it covers.
#[derive(Clone, Copy, Debug)]
struct Hit {
    key: &'static str,
    row: usize,
    from: usize,
    to: usize,
}

/// The fields of a business licence.
pub fn business_licence(lines: &[TextLine]) -> Vec<Field> {
    let rows = rows(lines);
    let hits = labels(&rows, LICENCE_LABELS);
    let mut fields = Vec::new();
    for key in ["name", "type", "legal_rep", "registered_capital", "established", "term", "address", "scope"] {
        if let Some(mut field) = labelled_value(&rows, &hits, key) {
            // A person's name is a surname and a given name: one character alone is what is
            // left of a name whose other lies under its label (周杰 printed over 姓名's 名,
            // read 杰), so a person looks.
            if key == "legal_rep" && field.value.chars().count() == 1 {
                field.uncertain = vec![0];
            }
            fields.push(field);
        }
    }
    // Old 个体工商户 forms print no 类型: their 组成形式 (个人经营, 家庭经营) is the type.
    if !fields.iter().any(|f| f.key == "type")
        && let Some(composition) = labelled_value(&rows, &hits, "composition")
    {
        fields.push(Field { key: "type", ..in_vocabulary(composition, COMPOSITIONS) });
    }
    let code = code(&rows, &hits, &CREDIT_CODE)
        .or_else(|| code(&rows, &hits, &REGISTRATION_NUMBER))
        .or_else(|| unchecked_code(&rows, &hits, "reg_no", &[13, 15]))
        .or_else(|| unchecked_code(&rows, &hits, "uscc", CREDIT_CODE_READ))
        // Licences of 2014–15 print the new credit code under the old label 注册号.
        .or_else(|| unchecked_code(&rows, &hits, "reg_no", CREDIT_CODE_READ).map(|f| Field { key: "uscc", ..f }));
    fields.extend(code);
    fields
}

/// The fields of a resident ID card: of its photo side, its emblem side, or both on one page (a
/// photocopy), and `document` — 居民身份证 where the page shows one. A page that is another
/// identity document (a 港澳台居民居住证, a 港澳居民来往内地通行证, a passport) gives only its
/// `document`: its fields are not an ID card's, and reading them as such would compare the
/// wrong things.
pub fn id_card(lines: &[TextLine]) -> Vec<Field> {
    let rows = rows(lines);
    if let Some(other) = other_identity_document(&rows) {
        return vec![other];
    }
    let hits = labels(&rows, ID_CARD_LABELS);
    let mut fields: Vec<Field> = ["name", "sex", "ethnicity", "birth", "address", "authority", "validity"]
        .into_iter()
        .filter_map(|key| labelled_value(&rows, &hits, key))
        .collect();
    let number = code(&rows, &hits, &RESIDENT_ID).or_else(|| unchecked_code(&rows, &hits, "id_number", &[17, 18, 19]));
    // A permit's number (81…, 82…, 83…: Hong Kong, Macao, Taiwan) under an ID card's labels is a
    // 港澳台居民居住证's photo side, whose back was not given.
    if let Some(number) = number.as_ref().filter(|n| ["81", "82", "83"].iter().any(|p| n.value.starts_with(p))) {
        return vec![Field { key: "document", value: RESIDENCE_PERMIT.to_string(), ..number.clone() }];
    }
    fields.extend(number);
    let mut fields = split_card_validity(fields);
    // The emblem side names the card (a seal may cover its title: its 签发机关 and 有效期限 then
    // say it, no other document printing them having been found above); a photo side shows a
    // resident's number, which its check tells from any other (a permit's was turned away).
    let shown_by = |key: &str, valid: fn(&str) -> bool| {
        let field = fields.iter().find(|f| f.key == key && valid(&f.value))?;
        Some(Field { key: "document", value: RESIDENT_ID_CARD.to_string(), probs: vec![1.0; 5], ..field.clone() })
    };
    let document = title_field(&rows, RESIDENT_ID_CARD)
        .or_else(|| shown_by("id_number", crate::codes::ric_valid))
        .or_else(|| shown_by("authority", |_| true))
        .or_else(|| shown_by("valid_to", |_| true));
    if let Some(document) = document {
        fields.push(Field { uncertain: Vec::new(), ..document });
    }
    fields
}

/// What a resident ID card's `document` says.
pub const RESIDENT_ID_CARD: &str = "居民身份证";

const RESIDENCE_PERMIT: &str = "港澳台居民居住证";

/// The identity documents that are not a resident ID card, by what each prints of its name.
const OTHER_IDENTITY_DOCUMENTS: &[(&str, &[&str])] = &[
    (RESIDENCE_PERMIT, &["港澳居民居住证", "台湾居民居住证", "居民居住证"]),
    ("港澳居民来往内地通行证", &["来往内地通行证", "往来内地通行证", "MAINLANDTRAVELPERMIT"]),
    ("台湾居民来往大陆通行证", &["来往大陆通行证"]),
    ("护照", &["护照", "PASSPORT", "P<CHN"]),
];

fn other_identity_document(rows: &[Row]) -> Option<Field> {
    OTHER_IDENTITY_DOCUMENTS.iter().find_map(|(name, prints)| {
        prints.iter().find_map(|print| {
            let mut found = title_field(rows, print)?;
            found.value = (*name).to_string();
            found.probs = vec![found.probs.iter().copied().fold(1.0, f32::min); name.chars().count()];
            Some(found)
        })
    })
}

/// `document`: the first row that holds `title` (spaces and case aside), boxed where it stands.
fn title_field(rows: &[Row], title: &str) -> Option<Field> {
    let wanted: Vec<char> = title.chars().collect();
    rows.iter().find_map(|row| {
        let chars: Vec<char> =
            row.chars.iter().map(|c| c.text.chars().next().unwrap_or(' ').to_ascii_uppercase()).collect();
        let at = find(&chars, &wanted).filter(|_| !wanted.is_empty())?;
        let found = field("document", &[row.chars.get(at..at + wanted.len())?]);
        Some(Field { value: title.to_string(), ..found })
    })
}

/// 有效期限 2015.06.18-2035.06.18 → valid_from and valid_to (a date, or 长期).
fn split_card_validity(fields: Vec<Field>) -> Vec<Field> {
    let mut out = Vec::with_capacity(fields.len() + 1);
    for field in fields {
        if field.key != "validity" {
            out.push(field);
            continue;
        }
        let chars: Vec<char> = field.value.chars().collect();
        // The dash between two dates; a date's own parts are joined by dots.
        let Some(dash) = chars.iter().position(|c| matches!(c, '-' | '—' | '–' | '一' | '~' | '至')) else {
            continue;
        };
        let part = |key: &'static str, range: std::ops::Range<usize>| Field {
            key,
            value: chars.get(range.clone()).map(|c| c.iter().collect()).unwrap_or_default(),
            probs: field.probs.get(range.clone()).map(<[f32]>::to_vec).unwrap_or_default(),
            uncertain: field.uncertain.iter().filter(|i| range.contains(i)).map(|i| i - range.start).collect(),
            quads: field.quads.clone(),
        };
        out.push(part("valid_from", 0..dash));
        out.push(part("valid_to", dash + 1..chars.len()));
    }
    out
}

/// The rows the fields are read from, as text with each piece in brackets and the row's height
/// and place: for whoever tunes the layout (`examples/read.rs --rows`).
pub fn rows_text(lines: &[TextLine]) -> Vec<String> {
    rows(lines)
        .iter()
        .map(|row| {
            let mut text = String::new();
            for (i, c) in row.chars.iter().enumerate() {
                if row.starts.contains(&i) {
                    text.push_str(if i == 0 { "[" } else { "] [" });
                }
                text.push_str(&c.text);
            }
            let first = row.chars.first().map_or((0.0, 0.0), |c| (c.x, c.y));
            format!("{:>6.0},{:<6.0} h{:<4.0} {text}]", first.0, first.1, row.h())
        })
        .collect()
}

/// Puts every character on the page and groups them into rows. A line the recogniser read
/// turned (taller than wide on the page: a column of spaced label characters) gives each of
/// its characters to the row it stands in.
fn rows(lines: &[TextLine]) -> Vec<Row> {
    let mut pieces: Vec<Vec<Placed>> = Vec::new();
    for line in lines {
        let [tl, tr, _, _] = line.quad.0;
        let turned = (tr.1 - tl.1).abs() > (tr.0 - tl.0).abs();
        let placed: Vec<Placed> = (0..line.chars.len())
            .filter_map(|i| {
                let c: &Char = line.chars.get(i)?;
                if c.text.trim().is_empty() {
                    return None;
                }
                let quad = line.quad_of(i, i + 1)?;
                let (x, y) = quad.centre();
                // Across the text: a character's span along its line covers only the frames
                // that emitted it, far less than the glyph.
                let h = quad.height();
                Some(Placed { text: c.text.clone(), prob: c.prob, quad, x, y, h, alternatives: c.alternatives.clone() })
            })
            .collect();
        if turned {
            pieces.extend(placed.into_iter().map(|c| vec![c]));
            continue;
        }
        // A wide gap inside a line is two pieces (a label and its value, or two columns).
        let mut piece: Vec<Placed> = Vec::new();
        for c in placed {
            let gap = piece.last().map(|p: &Placed| (c.x - p.x) - (c.h + p.h) / 2.0);
            if gap.is_some_and(|g| g > 1.5 * c.h) {
                pieces.push(std::mem::take(&mut piece));
            }
            piece.push(c);
        }
        if !piece.is_empty() {
            pieces.push(piece);
        }
    }
    pieces.retain(|piece| !security_background(piece));
    // Left to right, each piece joins the row whose last piece it continues: its centre within
    // half a character's height of that row's line extended. Two pieces starting in the same
    // column (a wrapped value's rows beside one label) compete for a row: the nearer one takes
    // it and the other starts a row of its own.
    pieces.sort_by(|a, b| first_x(a).total_cmp(&first_x(b)));
    let mut rows: Vec<Row> = Vec::new();
    // Per row: where its last piece starts in `chars`, that piece's first x and its offset.
    let mut last_piece: Vec<(usize, f32, f32)> = Vec::new();
    for piece in pieces {
        let Some(first) = piece.first() else { continue };
        // Where the piece begins: a long line of a tilted photo drifts from its first character.
        let (x, y, h) = (first.x, first.y, first.h);
        let offset_from = |row: &Row, before: usize| -> Option<f32> {
            let last = row.chars.get(before.checked_sub(1)?)?;
            if last.x > x + h {
                return None;
            }
            let expected = last.y + row_slope(row) * (x - last.x);
            let off = (expected - y).abs();
            let similar = (0.5..=2.0).contains(&(last.h / h));
            (off < 0.5 * h.max(last.h) && similar).then_some(off)
        };
        let best = rows
            .iter()
            .zip(&last_piece)
            .enumerate()
            .filter_map(|(i, (row, &(start, start_x, held)))| {
                if (start_x - x).abs() < h {
                    // Its last piece is this piece's rival: compare both against what was before.
                    let off = offset_from(row, start)?;
                    (off < held).then_some((i, off, true))
                } else {
                    offset_from(row, row.chars.len()).map(|off| (i, off, false))
                }
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, off, rival)) => {
                let (Some(row), Some(last)) = (rows.get_mut(i), last_piece.get_mut(i)) else { continue };
                if rival {
                    let displaced = row.chars.split_off(last.0);
                    row.starts.retain(|&s| s < last.0);
                    let displaced_x = first_x(&displaced);
                    rows.push(Row { starts: vec![0], chars: displaced });
                    last_piece.push((0, displaced_x, f32::INFINITY));
                }
                let Some(row) = rows.get_mut(i) else { continue };
                let start = row.chars.len();
                row.starts.push(start);
                row.chars.extend(piece);
                if let Some(last) = last_piece.get_mut(i) {
                    *last = (start, x, off);
                }
            }
            None => {
                rows.push(Row { starts: vec![0], chars: piece });
                last_piece.push((0, x, f32::INFINITY));
            }
        }
    }
    rows.retain(|r| !r.chars.is_empty());
    rows.sort_by(|a, b| a.y().total_cmp(&b.y()));
    rows
}

/// The 2019 licence's guilloche background repeats SCJDGL (市场监督管理) in small letters; the
/// detector finds pieces of it beside and between the values. Never part of a value.
fn security_background(piece: &[Placed]) -> bool {
    const PATTERN: &str = "SCJDGLSCJDGL";
    let text: String = piece.iter().map(|c| c.text.as_str()).collect();
    text.chars().count() >= 3 && PATTERN.contains(text.to_ascii_uppercase().as_str())
}

fn first_x(piece: &[Placed]) -> f32 {
    piece.first().map_or(0.0, |c| c.x)
}

/// The row's slope (dy/dx), from its first and last characters: photos and scans are askew. Two
/// characters close together give no slope worth extending across the page (a stray mark beside
/// a label tilted 名 's row onto a line four rows down), so a row shorter than six characters is
/// taken as level.
fn row_slope(row: &Row) -> f32 {
    match (row.chars.first(), row.chars.last()) {
        (Some(a), Some(b)) if b.x - a.x > 6.0 * a.h => ((b.y - a.y) / (b.x - a.x)).clamp(-0.2, 0.2),
        _ => 0.0,
    }
}

/// Every label in every row: a label's characters in a row, beginning a piece (so 住所 inside an
/// address is no label). Where labels overlap, the longest wins.
fn labels(rows: &[Row], table: &[(&'static str, &[&str])]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let texts: Vec<&str> = row.chars.iter().map(|c| c.text.as_str()).collect();
        let mut at = 0;
        while at < texts.len() {
            let best = if row.starts.contains(&at) || at == 0 {
                table
                    .iter()
                    .flat_map(|(key, names)| names.iter().map(move |n| (*key, *n)))
                    .filter(|(_, name)| {
                        let n = name.chars().count();
                        texts.get(at..at + n).is_some_and(|w| w.concat() == *name)
                    })
                    .max_by_key(|(_, name)| name.chars().count())
                    .map(|(key, name)| (key, name.chars().count()))
                    .or_else(|| label_with_its_last_character_doubted(row, at, table))
            } else {
                None
            };
            // A label printed with wide letter-spacing (名　　称) can lose a character to the
            // detector: a short piece at a row's start that begins or ends the labels of one
            // field only, with a value piece after it, is that field's label.
            let best = best.or_else(|| {
                let end = row.starts.iter().copied().filter(|&s| s > at).min()?;
                let piece: String = texts.get(at..end)?.concat();
                let n = end - at;
                // Only the first piece of a row (the label column), followed by a value of more
                // than one character.
                let next = row.starts.iter().copied().filter(|&s| s > end).min().unwrap_or(texts.len());
                if at != 0 || n > 2 || next - end < 2 {
                    return None;
                }
                // The head of a label first (名 of 名称, not the 名 that ends 经营者姓名), else its tail.
                let only = |part: &dyn Fn(&str) -> bool| {
                    let mut keys = table
                        .iter()
                        .filter(|(_, names)| names.iter().any(|l| l.chars().count() > n && part(l)))
                        .map(|(key, _)| *key);
                    match (keys.next(), keys.next()) {
                        (Some(key), None) => Some(key),
                        _ => None,
                    }
                };
                let key = only(&|l| l.starts_with(&piece)).or_else(|| only(&|l| l.ends_with(&piece)))?;
                Some((key, n))
            });
            match best {
                Some((key, n)) => {
                    hits.push(Hit { key, row: r, from: at, to: at + n });
                    at += n;
                }
                None => at += 1,
            }
        }
    }
    hits
}

/// A label of four characters or more whose last one the model doubted and read as another,
/// the rest exact, and no other label read so: a value's first character printed over it (0390:
/// 金牛市场… over 经营场所's 所, read 经营场雁牛市场…). The label ends there; the value after it
/// has its first character doubted ([`labelled_value`]). Two exact characters are too few: the
/// 经营 of a scope's last row, 经营活动。 on a 13-px line, would be 经营者.
fn label_with_its_last_character_doubted(
    row: &Row,
    at: usize,
    table: &[(&'static str, &[&str])],
) -> Option<(&'static str, usize)> {
    let read_so = |label: &str| {
        let n = label.chars().count();
        let Some((last, rest)) = row.chars.get(at..at + n).and_then(<[Placed]>::split_last) else { return false };
        let head: String = label.chars().take(n.saturating_sub(1)).collect();
        n >= 4 && is_unsure(last.prob, last.h) && rest.iter().map(|c| c.text.as_str()).collect::<String>() == head
    };
    let mut found =
        table.iter().flat_map(|(key, names)| names.iter().map(move |n| (*key, *n))).filter(|(_, n)| read_so(n));
    let (key, name) = found.next()?;
    // Two labels that share all but their last character (none on a licence today) cannot be
    // told apart by what is left.
    found.next().is_none().then_some((key, name.chars().count()))
}

fn is_separator(text: &str) -> bool {
    matches!(text, ":" | "：" | "." | "·" | "," | "，")
}

/// The value after a field's label: the rest of its row up to the next label, else the next
/// piece to the right; a wrapping field then takes the rows below (and a row above, when the
/// label is printed halfway down the value) that start in its column.
fn labelled_value(rows: &[Row], hits: &[Hit], key: &'static str) -> Option<Field> {
    let hit = hits.iter().find(|h| h.key == key)?;
    let row = rows.get(hit.row)?;
    let h = row.h();
    let wrapping = WRAPPING.contains(&key);
    let mut from = hit.to;
    while row.chars.get(from).is_some_and(|c| is_separator(&c.text)) {
        from += 1;
    }
    let column = row.chars.get(from)?.x;
    let label_x = row.chars.get(hit.from)?.x;
    // A row with a label in this field's label column starts another field (a label of the
    // other column, in a two-column form, does not).
    // So does a row whose first piece stands in the label column, apart from the rest of the row
    // in the value column: a label the model misread (性别 read 性剧 on a card held tilted) is
    // still a label, and its value no part of this one.
    let starts_field = |r: usize| {
        let Some(other) = rows.get(r) else { return false };
        let labelled =
            hits.iter().any(|l| l.row == r && other.chars.get(l.from).is_some_and(|c| (c.x - label_x).abs() < 3.0 * h));
        let first_piece_end = other.starts.iter().copied().filter(|&s| s > 0).min().unwrap_or(other.chars.len());
        let label_shaped = other.chars.first().is_some_and(|c| (c.x - label_x).abs() < 3.0 * h)
            && first_piece_end < other.chars.len()
            && first_piece_end.checked_sub(1).and_then(|i| other.chars.get(i)).is_some_and(|c| c.x < column - h);
        labelled || label_shaped
    };
    // Where the next column begins for a row of the value at `y` below the label's: the nearest
    // label right of the value in the rows from the label's down to that one (a column boundary
    // holds downwards). In the label's own row the next label ends the value.
    let right_limit = |y: f32| {
        hits.iter()
            .filter_map(|l| {
                let r = rows.get(l.row)?;
                let ry = r.y();
                (ry > row.y() - 0.6 * h && ry < y + 0.6 * h).then_some(r.chars.get(l.from)?.x)
            })
            .filter(|&x| x > column + h)
            .fold(f32::INFINITY, f32::min)
    };
    let end = extent(rows, hits, hit.row, from, f32::INFINITY, wrapping);
    if from >= end {
        return None;
    }
    let mut parts: Vec<&[Placed]> = vec![row.chars.get(from..end)?];
    // How many of `parts` come from rows above the label's.
    let mut above_rows = 0;
    if wrapping {
        // The part of a row that continues the value: from its character in the value's column,
        // in a row that starts no field of its own.
        let continuation = |r: usize| -> Option<&[Placed]> {
            let other = rows.get(r)?;
            if starts_field(r) {
                return None;
            }
            let limit = right_limit(other.y());
            let start = other.chars.iter().position(|c| (c.x - column).abs() < 1.5 * h && c.x < limit)?;
            let end = extent(rows, hits, r, start, limit, true);
            other.chars.get(start..end).filter(|c| !c.is_empty())
        };
        // Text wraps only when its row is full: a row of the value continues on the next only
        // if it reaches the column's right edge (the furthest any row starting in this column
        // reaches), so a short name never takes the row below, whose label the detector missed.
        let column_right = (0..rows.len())
            .filter_map(continuation)
            .chain(parts.first().copied())
            .filter_map(|chars| chars.last().map(|c| c.x))
            .fold(f32::NEG_INFINITY, f32::max);
        let full = |chars: &[Placed]| chars.last().is_some_and(|c| c.x > column_right - 3.0 * h);
        let mut above = Vec::new();
        let mut first_y = row.y();
        for r in (0..hit.row).rev() {
            let Some(other) = rows.get(r) else { break };
            if first_y - other.y() > 1.6 * h {
                break;
            }
            match continuation(r) {
                Some(chars) if chars.first().is_some_and(|c| c.x >= column - 0.5 * h) && full(chars) => {
                    above.push(chars);
                    first_y = other.y();
                }
                _ => break,
            }
        }
        above.reverse();
        above_rows = above.len();
        parts.splice(0..0, above);
        let mut last_y = row.y();
        for r in hit.row + 1..rows.len() {
            let Some(below) = rows.get(r) else { break };
            if below.y() - last_y > 2.6 * h {
                break;
            }
            if starts_field(r) {
                break;
            }
            if !parts.last().is_some_and(|last| full(last)) {
                break;
            }
            if let Some(chars) = continuation(r) {
                parts.push(chars);
                last_y = below.y();
            }
        }
    }
    let mut value = field(key, &parts);
    // A label character the model doubts, with the value running straight on from it in one
    // piece, is print over print: a value printed out of register onto its label, whose first
    // character the label may hide (0390: 大同市… printed over 称, read 称同市…).
    let label_doubted = row.chars.get(hit.to.wrapping_sub(1)).is_some_and(|c| is_unsure(c.prob, c.h));
    if label_doubted && from == hit.to && !row.starts.contains(&from) {
        let above: usize = parts
            .iter()
            .take(above_rows)
            .flat_map(|p| p.iter())
            .map(|c| c.text.chars().filter(|ch| !ch.is_whitespace()).count())
            .sum();
        if !value.uncertain.contains(&above) {
            value.uncertain.push(above);
            value.uncertain.sort_unstable();
        }
    }
    Some(value)
}

/// Where a value that starts at `from` in row `r` ends: at the next label in the row, at the
/// column limit, and at the end of its piece — or, for a wrapping value, at the first gap wider
/// than two characters (a value the detector cut in two at a space goes on).
fn extent(rows: &[Row], hits: &[Hit], r: usize, from: usize, limit: f32, wrapping: bool) -> usize {
    let Some(row) = rows.get(r) else { return from };
    let next_label =
        hits.iter().filter(|l| l.row == r && l.from >= from).map(|l| l.from).min().unwrap_or(row.chars.len());
    let mut end = from;
    while end < next_label {
        let Some(c) = row.chars.get(end) else { break };
        if c.x >= limit {
            break;
        }
        if end > from && row.starts.contains(&end) {
            let Some(previous) = row.chars.get(end - 1) else { break };
            let gap = (c.x - previous.x) - (c.h + previous.h) / 2.0;
            if !wrapping || gap > 2.0 * c.h || !(0.7..=1.4).contains(&(c.h / previous.h)) {
                break;
            }
        }
        end += 1;
    }
    end
}

fn field(key: &'static str, parts: &[&[Placed]]) -> Field {
    let mut value = String::new();
    let mut uncertain = Vec::new();
    let mut probs = Vec::new();
    let mut quads = Vec::new();
    let mut index = 0;
    for part in parts {
        for c in part.iter() {
            for ch in c.text.chars().filter(|ch| !ch.is_whitespace()) {
                value.push(ch);
                probs.push(c.prob);
                if is_unsure(c.prob, c.h) {
                    uncertain.push(index);
                }
                index += 1;
            }
        }
        if let (Some(first), Some(last)) = (part.first(), part.last()) {
            quads.push(Quad([first.quad.0[0], last.quad.0[1], last.quad.0[2], first.quad.0[3]]));
        }
    }
    Field { key, value, uncertain, quads, probs }
}

/// A value that can only be one of `vocabulary`, read in it. A reading holding one of them is
/// that one, as read. A reading that is part of exactly one (0390: 个人经营 printed out of
/// register, its 个 lost under the label 组成形式, read 人经营) is that one with the characters
/// not read doubted. Any other reading says what the form cannot, so all of it is doubted: a
/// person looks rather than a check trusting it.
fn in_vocabulary(field: Field, vocabulary: &[&str]) -> Field {
    let read: Vec<char> = field.value.chars().collect();
    let (mut holding, mut within) = (None, Vec::new());
    for word in vocabulary {
        let chars: Vec<char> = word.chars().collect();
        if let Some(at) = find(&read, &chars) {
            holding = Some((at, chars));
            break;
        }
        if let Some(at) = find(&chars, &read).filter(|_| !read.is_empty()) {
            within.push((at, chars));
        }
    }
    if let Some((at, chars)) = holding {
        let span = at..at + chars.len();
        return Field {
            value: chars.iter().collect(),
            probs: field.probs.get(span.clone()).map(<[f32]>::to_vec).unwrap_or_default(),
            uncertain: field.uncertain.iter().filter(|i| span.contains(i)).map(|i| i - at).collect(),
            ..field
        };
    }
    let [(at, chars)] = within.as_slice() else {
        return Field { uncertain: (0..read.len()).collect(), ..field };
    };
    let mut probs = vec![0.0; chars.len()];
    let read_span = *at..at + read.len();
    probs.splice(read_span.clone(), field.probs.iter().copied());
    let mut uncertain: Vec<usize> = (0..chars.len()).filter(|i| !read_span.contains(i)).collect();
    uncertain.extend(field.uncertain.iter().map(|i| i + at));
    uncertain.sort_unstable();
    Field { value: chars.iter().collect(), probs, uncertain, ..field }
}

/// Where `needle` first stands in `haystack`.
fn find(haystack: &[char], needle: &[char]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A code a licence prints, told from other numbers by its check character.
struct Code {
    key: &'static str,
    len: usize,
    /// The symbols it is written in.
    alphabet: &'static str,
    valid: fn(&str) -> bool,
}

const CREDIT_CODE: Code =
    Code { key: "uscc", len: 18, alphabet: crate::codes::USCC_CHARSET, valid: crate::codes::uscc_valid };
const REGISTRATION_NUMBER: Code =
    Code { key: "reg_no", len: 15, alphabet: "0123456789", valid: crate::codes::reg_no_valid };
/// 公民身份号码 (GB 11643-1999): 17 digits and a check character, a digit or X.
const RESIDENT_ID: Code = Code { key: "id_number", len: 18, alphabet: "0123456789X", valid: crate::codes::ric_valid };

/// A code that its check accepts, wherever it is printed: the candidate nearest the field's
/// label, or the only one. Other long numbers on the page (证照编号, 编号) fail the check and are
/// never taken.
///
/// Each character is read in the code's alphabet, as the model read it where that belongs to
/// the alphabet: the decoding PaddleOCR does, constrained to the symbols the code can hold. A
/// character read outside it (a credit code has no S) is each of the model's runner-ups that
/// belongs in turn; the check picks among them, as a person reading a blurred code would.
fn code(rows: &[Row], hits: &[Hit], code: &Code) -> Option<Field> {
    let label =
        hits.iter().find(|h| h.key == code.key).and_then(|h| rows.get(h.row)?.chars.get(h.from).map(|c| (c.x, c.y)));
    let mut candidates: Vec<(f32, Vec<Placed>)> = Vec::new();
    let code_char = |c: &Placed| !c.text.is_empty() && c.text.chars().all(|ch| ch.is_ascii_alphanumeric());
    for run in rows.iter().flat_map(|row| row.chars.split(|c| !code_char(c))) {
        // Every window of the code's length, so a letter or mark read into the run beside the
        // code does not hide it. A digit beside it does: digits inside a longer number are not
        // a number of their own (a 15-digit window of a credit code read a character short
        // passes MOD 11,10 one time in ten).
        let digit_at =
            |i: Option<usize>| i.and_then(|i| run.get(i)).is_some_and(|c| c.text.chars().all(|ch| ch.is_ascii_digit()));
        for (start, window) in run.windows(code.len).enumerate() {
            if digit_at(start.checked_sub(1)) || digit_at(Some(start + code.len)) {
                continue;
            }
            for read in readings_in_alphabet(window, code.alphabet) {
                let candidate: String = read.iter().map(|c| c.text.as_str()).collect();
                if candidate.chars().count() == code.len && (code.valid)(&candidate) {
                    let distance = match (label, read.first()) {
                        (Some((lx, ly)), Some(first)) => (first.x - lx).hypot(first.y - ly),
                        _ => 0.0,
                    };
                    candidates.push((distance, read));
                }
            }
        }
    }
    let (_, best) = candidates.into_iter().min_by(|a, b| a.0.total_cmp(&b.0))?;
    let mut field = field(code.key, &[&best]);
    // Both checks catch every single wrong character (31 is prime and no weight is 0 mod 31;
    // MOD 11,10 was made to): when the check holds and only one character is doubted, the
    // check has settled that one: it counts as sure as the rest of the code.
    if let [settled] = field.uncertain[..] {
        let rest =
            field.probs.iter().enumerate().filter(|&(i, _)| i != settled).map(|(_, p)| *p).fold(1.0f32, f32::min);
        if let Some(prob) = field.probs.get_mut(settled) {
            *prob = prob.max(rest);
        }
        field.uncertain.clear();
    }
    Some(field)
}

/// The ways `window` reads in `alphabet` (upper case): each character as read where it belongs,
/// a character that does not as each of its runner-ups that does. Only a lone such character
/// is tried in turns: at one place the check accepts at most one symbol, over two places it
/// would accept a wrong pair too often, so there each takes its most probable runner-up. None
/// when a character has no reading in the alphabet.
fn readings_in_alphabet(window: &[Placed], alphabet: &str) -> Vec<Vec<Placed>> {
    let belongs = |text: &str| {
        let upper = text.to_ascii_uppercase();
        let mut chars = upper.chars();
        matches!((chars.next(), chars.next()), (Some(ch), None) if alphabet.contains(ch)).then_some(upper)
    };
    let mut options: Vec<Vec<Placed>> = Vec::with_capacity(window.len());
    // Where the read character is outside the alphabet and its runner-ups stand in.
    let mut outside: Vec<usize> = Vec::new();
    for (i, c) in window.iter().enumerate() {
        let each: Vec<Placed> = match belongs(&c.text) {
            Some(text) => vec![Placed { text, ..c.clone() }],
            None => {
                outside.push(i);
                c.alternatives
                    .iter()
                    .filter_map(|(text, prob)| Some(Placed { text: belongs(text)?, prob: *prob, ..c.clone() }))
                    .collect()
            }
        };
        if each.is_empty() {
            return Vec::new();
        }
        options.push(each);
    }
    let first: Vec<Placed> = options.iter().filter_map(|each| each.first().cloned()).collect();
    let [lone] = outside[..] else { return vec![first] };
    let Some(tries) = options.get(lone) else { return vec![first] };
    tries
        .iter()
        .map(|option| {
            let mut read = first.clone();
            if let Some(slot) = read.get_mut(lone) {
                *slot = option.clone();
            }
            read
        })
        .collect()
}

/// The lengths at which a read is taken for a credit code whose check fails: one character
/// lost or gained by the reader. Shown with every character doubted, it is a value the user
/// corrects; not shown, it is one they type again.
const CREDIT_CODE_READ: &[usize] = &[17, 18, 19];

/// A code printed right after its label that no check settles: a 13-digit 注册号 (those carry no
/// check digit), or a code whose check fails or whose length is wrong, every character of which
/// is then doubted (one of them is wrong, and nothing says which).
fn unchecked_code(rows: &[Row], hits: &[Hit], key: &'static str, lengths: &[usize]) -> Option<Field> {
    let mut field = labelled_value(rows, hits, key)?;
    field.value =
        field.value.chars().filter(|c| !is_separator(&c.to_string())).collect::<String>().to_ascii_uppercase();
    let n = field.value.chars().count();
    if !lengths.contains(&n) || !field.value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let checked = match (key, n) {
        ("id_number", 18) => Some(crate::codes::ric_valid(&field.value)),
        (_, 18) => Some(crate::codes::uscc_valid(&field.value)),
        (_, 15) => Some(crate::codes::reg_no_valid(&field.value)),
        (_, 13) => None,
        _ => Some(false),
    };
    if checked == Some(false) {
        field.uncertain = (0..n).collect();
    }
    Some(field)
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn small_text_needs_more_certainty() {
        assert!(!is_unsure(0.96, 20.0));
        assert!(is_unsure(0.96, 13.0));
        assert!(!is_unsure(0.995, 13.0));
        assert!(is_unsure(0.85, 40.0));
    }

    /// A detected line of `text` whose top-left corner is at (x, y), each character `h` wide and
    /// high, read with probability 1 except where `doubted` says.
    fn line(text: &str, (x, y): (f32, f32), h: f32, doubted: &[(usize, f32)]) -> TextLine {
        let n = text.chars().count() as f32;
        let w = n * h;
        let chars = text
            .chars()
            .enumerate()
            .map(|(i, c)| Char {
                text: c.to_string(),
                prob: doubted.iter().find(|d| d.0 == i).map_or(1.0, |d| d.1),
                span: (i as f32 / n, (i as f32 + 1.0) / n),
                alternatives: Vec::new(),
            })
            .collect();
        TextLine { quad: Quad([(x, y), (x + w, y), (x + w, y + h), (x, y + h)]), chars, score: 1.0 }
    }

    fn values(fields: &[Field]) -> Vec<(&str, &str)> {
        fields.iter().map(|f| (f.key, f.value.as_str())).collect()
    }

    #[test]
    fn an_id_cards_emblem_side_gives_its_authority_and_both_ends_of_its_validity() {
        let side = |end: &str| {
            vec![
                line("中华人民共和国", (300.0, 80.0), 44.0, &[]),
                line("居民身份证", (300.0, 160.0), 70.0, &[]),
                line("签发机关", (190.0, 468.0), 26.0, &[]),
                line("厦门市公安局思明分局", (340.0, 462.0), 32.0, &[]),
                line("有效期限", (190.0, 540.0), 26.0, &[]),
                line(&format!("2017.01.07-{end}"), (340.0, 534.0), 32.0, &[]),
            ]
        };
        let read = id_card(&side("2037.01.07"));
        assert_eq!(
            values(&read),
            [
                ("authority", "厦门市公安局思明分局"),
                ("valid_from", "2017.01.07"),
                ("valid_to", "2037.01.07"),
                ("document", "居民身份证")
            ]
        );
        let never = id_card(&side("长期"));
        assert!(values(&never).contains(&("valid_to", "长期")), "{never:?}");
    }

    #[test]
    fn a_name_does_not_wrap_onto_a_row_whose_label_was_misread() {
        // 性别 read 性剧: no label is found on that row, but its first piece stands in the label
        // column, so its 男 is not the rest of the name.
        let card = [
            line("姓名", (60.0, 74.0), 26.0, &[]),
            line("陈思远", (160.0, 70.0), 34.0, &[]),
            line("性剧", (60.0, 150.0), 26.0, &[]),
            line("男", (160.0, 146.0), 34.0, &[]),
            line("民族", (300.0, 150.0), 26.0, &[]),
            line("汉", (400.0, 146.0), 34.0, &[]),
        ];
        let read = id_card(&card);
        assert_eq!(read.iter().find(|f| f.key == "name").map(|f| f.value.as_str()), Some("陈思远"), "{read:?}");
    }

    #[test]
    fn a_permits_number_under_an_id_cards_labels_is_a_residence_permit_not_an_id_card() {
        // 810000 (Hong Kong) and a check character that holds: a 港澳台居民居住证's photo side.
        let front = |number: &str| {
            vec![
                line("姓名", (60.0, 74.0), 26.0, &[]),
                line("张伟", (160.0, 66.0), 34.0, &[]),
                line("公民身份号码", (60.0, 540.0), 26.0, &[]),
                line(number, (330.0, 530.0), 40.0, &[]),
            ]
        };
        assert_eq!(values(&id_card(&front("810000199001011230"))), [("document", "港澳台居民居住证")]);
        let resident = id_card(&front("11010519491231002X"));
        assert_eq!(
            values(&resident),
            [("name", "张伟"), ("id_number", "11010519491231002X"), ("document", "居民身份证")]
        );
        // A number whose check fails is read with every character doubted.
        let failing = id_card(&front("11010519491231003X"));
        let number = failing.iter().find(|f| f.key == "id_number");
        assert_eq!(number.map(|f| f.uncertain.len()), Some(18), "{failing:?}");
    }

    fn name(lines: &[TextLine]) -> Option<Field> {
        business_licence(lines).into_iter().find(|f| f.key == "name")
    }

    #[test]
    fn a_value_printed_over_its_doubted_label_doubts_its_first_character() {
        // 大同市… printed out of register: 大 hidden under 称, which the model doubts.
        let overprinted = name(&[line("名称同市金牛市场经销部", (100.0, 100.0), 30.0, &[(1, 0.4)])]).expect("name");
        assert_eq!(overprinted.value, "同市金牛市场经销部");
        assert_eq!(overprinted.uncertain, vec![0]);
        // The same row with a label read with certainty: nothing doubted.
        let clean = name(&[line("名称同市金牛市场经销部", (100.0, 100.0), 30.0, &[])]).expect("name");
        assert!(clean.uncertain.is_empty(), "{clean:?}");
        // A doubted label in a piece of its own, the value apart: the value stands clear of it.
        let apart = name(&[
            line("名称", (100.0, 100.0), 30.0, &[(1, 0.4)]),
            line("同市金牛市场经销部", (300.0, 100.0), 30.0, &[]),
        ]);
        assert!(apart.expect("name").uncertain.is_empty());
    }

    #[test]
    fn a_composition_is_read_as_one_of_the_two_a_licence_can_print() {
        let composition = |text: &str, doubted: &[(usize, f32)]| {
            let fields = business_licence(&[line(text, (100.0, 100.0), 30.0, doubted)]);
            fields.into_iter().find(|f| f.key == "type").expect("type")
        };
        let read = composition("组成形式家庭经营", &[(6, 0.5)]);
        assert_eq!((read.value.as_str(), read.uncertain), ("家庭经营", vec![2]));
        // 0390: 个 printed out of register under the label's 式, and lost.
        let lost = composition("组成形式人经营", &[]);
        assert_eq!((lost.value.as_str(), lost.uncertain.clone()), ("个人经营", vec![0]));
        assert_eq!(lost.probs, vec![0.0, 1.0, 1.0, 1.0]);
        // What no licence prints is doubted whole, not made into either.
        let other = composition("组成形式个体经营", &[]);
        assert_eq!((other.value.as_str(), other.uncertain), ("个体经营", vec![0, 1, 2, 3]));
        // Too little to tell which: 经营 is part of both.
        let either = composition("组成形式经营", &[]);
        assert_eq!((either.value.as_str(), either.uncertain), ("经营", vec![0, 1]));
    }

    #[test]
    fn a_label_whose_last_character_is_printed_over_still_ends_there() {
        let address = |lines: &[TextLine]| business_licence(lines).into_iter().find(|f| f.key == "address");
        // 0390: 金牛市场… over 经营场所's 所, read 经营场雁 with 雁 doubted: the label ends at
        // 雁, and the value's first character is doubted.
        let over = address(&[line("经营场雁牛市场西路南排5号", (100.0, 100.0), 30.0, &[(3, 0.61)])]).expect("address");
        assert_eq!((over.value.as_str(), over.uncertain), ("牛市场西路南排5号", vec![0]));
        // Read with certainty, 经营场雁 is no label.
        assert!(address(&[line("经营场雁牛市场西路南排5号", (100.0, 100.0), 30.0, &[])]).is_none());
        // Two exact characters are too few: a scope's last row is no 经营者.
        let scope_end = business_licence(&[line("经营活动。", (100.0, 100.0), 13.0, &[(2, 0.95)])]);
        assert!(scope_end.iter().all(|f| f.key != "legal_rep"), "{scope_end:?}");
    }

    #[test]
    fn a_person_read_as_one_character_is_doubted() {
        let person = |text: &str| {
            let fields = business_licence(&[line(text, (100.0, 100.0), 30.0, &[])]);
            fields.into_iter().find(|f| f.key == "legal_rep").expect("legal_rep")
        };
        assert_eq!(person("经营者姓名杰").uncertain, vec![0]);
        assert!(person("经营者姓名周杰").uncertain.is_empty());
    }

    fn code(lines: &[TextLine]) -> Option<Field> {
        business_licence(lines).into_iter().find(|f| f.key == "uscc" || f.key == "reg_no")
    }

    #[test]
    fn a_code_character_read_outside_the_codes_alphabet_is_the_runner_up_the_check_accepts() {
        // 0179: the 8 of 92370306MA3DM8BT3X, half under a watermark, read S (0.67) before B
        // (0.19) and 8 (0.09). A credit code holds no S; of B and 8 only 8 passes the check.
        let mut printed = line("92370306MA3DMSBT3X", (360.0, 100.0), 30.0, &[(13, 0.67)]);
        let runner_ups = vec![("B".to_string(), 0.19), ("8".to_string(), 0.09), ("3".to_string(), 0.04)];
        if let Some(s) = printed.chars.get_mut(13) {
            s.alternatives = runner_ups.clone();
        }
        let read = code(&[line("统一社会信用代码", (100.0, 100.0), 30.0, &[]), printed.clone()]).expect("a code");
        assert_eq!((read.key, read.value.as_str()), ("uscc", "92370306MA3DM8BT3X"));
        // One character in doubt and the check holds: the check has settled it.
        assert!(read.uncertain.is_empty(), "{read:?}");
        // Without an 8 among the runner-ups no reading passes: the read is shown, all doubted.
        if let Some(s) = printed.chars.get_mut(13) {
            s.alternatives = runner_ups.into_iter().filter(|(t, _)| t != "8").collect();
        }
        let unchecked = code(&[line("统一社会信用代码", (100.0, 100.0), 30.0, &[]), printed]).expect("a code");
        assert_eq!(unchecked.value, "92370306MA3DMSBT3X");
        assert_eq!(unchecked.uncertain.len(), 18);
    }

    #[test]
    fn a_code_whose_check_holds_keeps_two_doubted_characters_doubted() {
        let read = code(&[
            line("统一社会信用代码", (100.0, 100.0), 10.0, &[]),
            line("91350205MA2Y0LQ12U", (200.0, 100.0), 30.0, &[(3, 0.6), (9, 0.7)]),
        ])
        .expect("a code");
        assert_eq!(read.value, "91350205MA2Y0LQ12U");
        assert_eq!(read.uncertain, vec![3, 9]);
        let one = code(&[
            line("统一社会信用代码", (100.0, 100.0), 10.0, &[]),
            line("91350205MA2Y0LQ12U", (200.0, 100.0), 30.0, &[(9, 0.7)]),
        ])
        .expect("a code");
        assert!(one.uncertain.is_empty());
    }

    #[test]
    fn a_credit_code_read_a_character_short_is_doubted_never_cut_to_a_registration_number() {
        // 0268: 91110112095574858W read without its second 8. Its first 15 digits happen to pass
        // MOD 11,10; they are part of a longer number and no registration number.
        assert!(crate::codes::reg_no_valid("911101120955748"));
        let short =
            code(&[line("注册号", (100.0, 100.0), 30.0, &[]), line("9111011209557485W", (200.0, 100.0), 30.0, &[])])
                .expect("a code");
        assert_eq!((short.key, short.value.as_str()), ("uscc", "9111011209557485W"));
        assert_eq!(short.uncertain, (0..17).collect::<Vec<_>>());
        // Read whole, the code is taken and trusted.
        let whole =
            code(&[line("注册号", (100.0, 100.0), 30.0, &[]), line("91110112095574858W", (200.0, 100.0), 30.0, &[])])
                .expect("a code");
        assert_eq!((whole.key, whole.value.as_str()), ("uscc", "91110112095574858W"));
        assert!(whole.uncertain.is_empty());
    }

    #[test]
    fn a_stray_mark_beside_a_label_does_not_tilt_its_row() {
        // 0308: a mark left of 名 and a little higher joins its row; two characters gave the
        // row a slope that carried it past 称 and onto a line far right, rows further down.
        let lines = [
            line("A", (40.0, 75.0), 30.0, &[]),
            line("名", (110.0, 85.0), 30.0, &[]),
            line("称上海贝特机电设备安装有限公司", (260.0, 86.0), 30.0, &[]),
            line("A4294室", (1400.0, 269.0), 30.0, &[]),
        ];
        assert_eq!(name(&lines).expect("name").value, "上海贝特机电设备安装有限公司");
    }
}
