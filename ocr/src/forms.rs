//! Fields of the documents that print a value beside its label or under it: trademark
//! certificates (注册人 above the registrant, or beside it), ICP filing pages (the MIIT query
//! result, and vendors' consoles with a header row above the values) and app-store listings.
//! Each field is anchored on its printed label and read from the region beside it, bounded by
//! the next label to its right and the next label below in its column; a label with nothing
//! beside it takes the rows under it, in its column. Fields printed without a label are found by
//! their shape: a certificate's number (第12345678号), its mark (the largest text above the
//! registrant), its class (第9类), an app's name (the top of its listing).
//!
//! As for licences ([`crate::fields`]), the reading is character-level: every character is
//! boxed where it stands on the upright page, so a label spread across its cell (网站　名称) or
//! a value the detector split into pieces still reads whole.

use unicode_normalization::UnicodeNormalization;

use crate::fields::{Field, is_unsure};
use crate::{PageText, Quad, TextLine};

/// The documents read here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    TrademarkCertificate,
    IcpRecord,
    AppListing,
}

/// The fields `page` shows as a document of `form`. A value is as printed, whitespace removed;
/// the characters the model was unsure of ([`crate::fields::is_unsure`]) are its `uncertain` ones.
pub fn read(form: Form, page: &PageText) -> Vec<Field> {
    let level = Level::of(&page.lines);
    let lines = glyph_lines(&page.lines, form == Form::TrademarkCertificate, &level);
    let labels = match form {
        Form::TrademarkCertificate => TRADEMARK,
        Form::IcpRecord => ICP_RECORD,
        Form::AppListing => APP_LISTING,
    };
    let anchors = find_anchors(&lines, labels);
    // A label may be printed more than once, not always with its value beside it (the App
    // Store's 开发者 heads a statistics strip; its 供应商 row holds the name): the first that
    // has a value gives the field.
    let mut fields: Vec<Found> = Vec::new();
    for anchor in &anchors {
        let Some(key) = anchor.key else { continue };
        if fields.iter().any(|f| f.key == key) {
            continue;
        }
        let glyphs: Vec<Glyph> = value_rows(&lines, &anchors, anchor).into_iter().flatten().collect();
        let glyphs = without_leading_colon(glyphs);
        if !glyphs.is_empty() {
            fields.push(Found { key, glyphs });
        }
    }
    match form {
        Form::TrademarkCertificate => {
            fields.extend(trademark_number_and_mark(&lines, &anchors));
            fields.extend(trademark_class(&lines));
            fields.extend(trademark_document(&lines));
            fields = split_validity(fields);
        }
        Form::AppListing => {
            // The header: the top 45 % of the listing.
            let header_end = level.apply((0.0, page.upright_size().1 as f32 * 0.45)).1;
            fields.extend(app_name(&lines, header_end as u32))
        }
        Form::IcpRecord => fields = domain_from_homepage(fields),
    }
    fields.into_iter().map(|f| f.field(&level)).collect()
}

/// One recognised character, boxed on the upright page.
#[derive(Clone, Debug, PartialEq)]
struct Glyph {
    ch: char,
    /// The model's probability for it, 0–1.
    prob: f32,
    rect: Rect,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Rect {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

impl Rect {
    fn right(&self) -> u32 {
        self.x + self.w
    }
    fn bottom(&self) -> u32 {
        self.y + self.h
    }
    fn centre_y(&self) -> u32 {
        self.y + self.h / 2
    }
    fn centre_x(&self) -> u32 {
        self.x + self.w / 2
    }
    /// Whether `other`'s centre lies inside this rectangle.
    fn holds_centre_of(&self, other: &Rect) -> bool {
        (self.x..self.right()).contains(&other.centre_x()) && (self.y..self.bottom()).contains(&other.centre_y())
    }
    fn union(&self, other: &Rect) -> Rect {
        if self.w == 0 && self.h == 0 {
            return *other;
        }
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        Rect { x, y, w: self.right().max(other.right()) - x, h: self.bottom().max(other.bottom()) - y }
    }
}

/// A row of glyphs, left to right.
#[derive(Clone, Debug, Default)]
struct Line {
    glyphs: Vec<Glyph>,
}

impl Line {
    fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }
    fn rect(&self) -> Rect {
        self.glyphs.iter().fold(Rect::default(), |r, g| r.union(&g.rect))
    }
}

/// A field's glyphs as found, row after row.
struct Found {
    key: &'static str,
    glyphs: Vec<Glyph>,
}

impl Found {
    fn field(self, level: &Level) -> Field {
        let rect = self.glyphs.iter().fold(Rect::default(), |r, g| r.union(&g.rect));
        let corners =
            [(rect.x, rect.y), (rect.right(), rect.y), (rect.right(), rect.bottom()), (rect.x, rect.bottom())];
        let corners = corners.map(|(x, y)| level.back((x as f32, y as f32)));
        Field {
            key: self.key,
            value: self.glyphs.iter().map(|g| g.ch).collect(),
            probs: self.glyphs.iter().map(|g| g.prob).collect(),
            uncertain: self
                .glyphs
                .iter()
                .enumerate()
                .filter(|(_, g)| is_unsure(g.prob, g.rect.h as f32))
                .map(|(i, _)| i)
                .collect(),
            quads: vec![Quad(corners)],
        }
    }
}

/// The page's text levelled: a photo or scan a degree or two askew puts a value printed far
/// right of its label (the App Store's 供应商 row) 20 px off its label's row on a 1080-px
/// screenshot, more than half a glyph. Boxes are laid out in coordinates turned by the page's
/// skew, the median slope of its long lines, and put back when a field is boxed.
struct Level {
    cos: f32,
    sin: f32,
    /// Added after turning, so no levelled coordinate is negative.
    shift: f32,
}

impl Level {
    fn of(lines: &[TextLine]) -> Level {
        // A line four times longer than high gives its slope to within a degree or so.
        let mut angles: Vec<f32> = lines
            .iter()
            .filter(|l| l.quad.width() >= 4.0 * l.quad.height())
            .map(|l| {
                let [tl, tr, ..] = l.quad.0;
                (tr.1 - tl.1).atan2(tr.0 - tl.0)
            })
            .collect();
        angles.sort_by(f32::total_cmp);
        let angle = if angles.len() >= 3 { angles.get(angles.len() / 2).copied().unwrap_or(0.0) } else { 0.0 };
        let reach = lines.iter().flat_map(|l| l.quad.0).map(|(x, y)| x.abs() + y.abs()).fold(0.0, f32::max);
        Level { cos: angle.cos(), sin: angle.sin(), shift: (reach * angle.sin().abs()).ceil() }
    }

    /// A point of the upright page, levelled.
    fn apply(&self, (x, y): (f32, f32)) -> (f32, f32) {
        (x * self.cos + y * self.sin + self.shift, -x * self.sin + y * self.cos + self.shift)
    }

    /// A levelled point back on the upright page.
    fn back(&self, (u, v): (f32, f32)) -> (f32, f32) {
        let (u, v) = (u - self.shift, v - self.shift);
        (u * self.cos - v * self.sin, u * self.sin + v * self.cos)
    }
}

/// The model's lines as rows of glyphs. A character's span covers only the frames that emitted
/// it, far narrower than the glyph: each box is as wide as the line is high, centred on its
/// span, and never past the middle between two neighbours. With `rows` (a certificate, printed
/// in whole lines), lines side by side on one row become one line, left to right; screenshots
/// keep their pieces apart.
fn glyph_lines(lines: &[TextLine], rows: bool, level: &Level) -> Vec<Line> {
    let mut out: Vec<(f32, f32, Line)> = Vec::new();
    for line in lines {
        let height = line.quad.height();
        let centres: Vec<(f32, f32)> =
            (0..line.chars.len()).filter_map(|i| line.quad_of(i, i + 1)).map(|q| level.apply(q.centre())).collect();
        let glyphs: Vec<Glyph> = line
            .chars
            .iter()
            .zip(&centres)
            .enumerate()
            .filter_map(|(i, (c, &(x, y)))| {
                let ch = c.text.chars().next()?;
                let before =
                    i.checked_sub(1).and_then(|j| centres.get(j)).map_or(f32::INFINITY, |p| (x - p.0).abs() / 2.0);
                let after = centres.get(i + 1).map_or(f32::INFINITY, |p| (p.0 - x).abs() / 2.0);
                let half = (height / 2.0).min(before).min(after).max(1.0);
                let rect = Rect {
                    x: (x - half).max(0.0) as u32,
                    y: (y - height / 2.0).max(0.0) as u32,
                    w: (2.0 * half) as u32,
                    h: height.max(1.0) as u32,
                };
                Some(Glyph { ch, prob: c.prob, rect })
            })
            .collect();
        if glyphs.is_empty() {
            continue;
        }
        let (_, cy) = level.apply(line.quad.centre());
        let joined = rows.then(|| out.iter_mut().find(|(y, h, _)| (cy - *y).abs() < 0.5 * h.max(height))).flatten();
        match joined {
            Some((_, _, row)) => {
                row.glyphs.extend(glyphs);
                row.glyphs.sort_by_key(|g| g.rect.x);
            }
            None => out.push((cy, height, Line { glyphs })),
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, _, line)| line).collect()
}

fn half_width(c: char) -> char {
    c.to_string().nfkc().next().filter(char::is_ascii).unwrap_or(c)
}

// ---------------------------------------------------------------------------------------------
// Labels

#[derive(Clone, Copy, PartialEq)]
enum Extent {
    One,
    /// Up to this many rows (a registrant's name or address wraps).
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

/// 商标注册证 as CNIPA prints it (商标法实施条例 §64's form): the registrant, its address and the
/// term, beside or under their labels; the goods and services below end them.
const TRADEMARK: &[Label] = &[
    field("registrant", &["注册人"], Extent::Rows(2)),
    field("address", &["注册地址", "注册人地址"], Extent::Rows(2)),
    field("validity", &["注册有效期限", "有效期限"], Extent::Rows(2)),
    stop(&["核定使用商品/服务", "核定使用商品", "核定服务项目"]),
];

/// An ICP filing as the MIIT query (beian.miit.gov.cn) and vendors' consoles show it.
const ICP_RECORD: &[Label] = &[
    field("name", &["主办单位名称"], Extent::One),
    field("icp_number", &["ICP备案/许可证号", "ICP备案号", "网站备案号"], Extent::One),
    field("site_name", &["网站名称"], Extent::One),
    field("domain", &["网站域名"], Extent::One),
    field("homepage", &["网站首页网址", "首页网址"], Extent::One),
    field("approved", &["审核日期", "审核通过日期"], Extent::One),
    stop(&["主办单位性质", "网站负责人"]),
];

/// An app store's listing: the developer's name beside or under its label.
const APP_LISTING: &[Label] = &[
    field("developer", &["开发者", "开发商", "供应商"], Extent::One),
    stop(&["版本", "更新时间", "应用介绍", "应用信息", "大小"]),
];

struct Anchor {
    key: Option<&'static str>,
    extent: Extent,
    rect: Rect,
}

/// Labels printed on the page, longest first so 网站名称 is not found inside a longer label. A
/// label starts a column (first on its line, or after a gap), which keeps 版本 from matching
/// inside an app's description. Every label read exactly is taken before any is matched
/// loosely: 注册人地址 is near enough to 注册人西安 at the head of a line, whose 注册人 is the
/// label.
fn find_anchors(lines: &[Line], labels: &[Label]) -> Vec<Anchor> {
    let mut texts: Vec<(&Label, Vec<char>)> =
        labels.iter().flat_map(|l| l.texts.iter().map(move |t| (l, t.chars().collect()))).collect();
    texts.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
    let mut used: Vec<Vec<bool>> = lines.iter().map(|l| vec![false; l.glyphs.len()]).collect();
    let mut anchors: Vec<Anchor> = Vec::new();
    for ((label, text), exact) in [true, false].into_iter().flat_map(|exact| texts.iter().map(move |t| (t, exact))) {
        // Every exact print of a field's label is kept (the first with a value beside or under
        // it gives the field); a loose match only stands in for a label not read exactly.
        if !exact && label.key.is_some() && anchors.iter().any(|a| a.key == label.key) {
            continue;
        }
        let allowed = match text.len() {
            _ if exact => 0,
            0..=3 => 0,
            4..=6 => 1,
            _ => 2,
        };
        'lines: for (line, used) in lines.iter().zip(used.iter_mut()) {
            // Between the characters of a spread label OCR may read stray marks (名。称,
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
                // label, one not found elsewhere on the page (网站名称 is two characters from
                // 网站域名: a misread as near to both names neither).
                let ambiguous = texts.iter().any(|(other_label, other)| {
                    let found_elsewhere = other_label.key.is_some() && anchors.iter().any(|a| a.key == other_label.key);
                    other_label.key != label.key
                        && !found_elsewhere
                        && other.len() == window.len()
                        && apart(other) <= differences
                });
                if differences > 0 && ambiguous {
                    continue;
                }
                // A label spread across its cell (注 册 人) is read glyph by glyph, without the
                // context that corrects it: at the head of a line, half its characters may be
                // wrong as long as its first or last one is right, and a gap must still
                // separate it from its value.
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
                anchors.push(Anchor { key: label.key, extent: label.extent, rect });
                if label.key.is_some() && !exact {
                    break 'lines;
                }
            }
        }
    }
    anchors
}

/// A value printed straight after its label's colon (开发者：…) without the colon: the colon
/// belongs to the label, however close the model read it to the value.
fn without_leading_colon(glyphs: Vec<Glyph>) -> Vec<Glyph> {
    let colons = glyphs.iter().take_while(|g| matches!(half_width(g.ch), ':' | '﹕')).count();
    glyphs.into_iter().skip(colons).collect()
}

/// Punctuation no label contains (labels hold only CJK, Latin letters and `/`).
fn is_stray_mark(c: char) -> bool {
    !c.is_alphanumeric() && c != '/'
}

/// A label begins after a gap (or the start of its line). Stray marks before it do not count:
/// OCR may read a ” into the space between a value and the next column's label.
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
/// down to the next label in its column, a blank gap, or the field's row limit. A label with
/// nothing beside it takes the rows under it instead, in its column: from its left edge to the
/// next label on its row.
fn value_rows(lines: &[Line], anchors: &[Anchor], anchor: &Anchor) -> Vec<Vec<Glyph>> {
    let beside = value_rows_at(lines, anchors, anchor, Placement::Beside);
    if beside.is_empty() { value_rows_at(lines, anchors, anchor, Placement::Below) } else { beside }
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
    // A label and its value on one printed row may be detected at different heights (a bold
    // value, a label in a smaller face): rows that overlap by half the smaller one are one row.
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
    // Each line keeps its own reading order: boxes of neighbouring characters may overlap, so
    // sorting a row's characters by x could shuffle them (投资或 → 投或资).
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
    // Pieces of one printed row, each kept whole and put left to right: of two pieces a hair
    // apart in height the lower may stand first (a value, then the next column's date).
    let mut grouped: Vec<Vec<Vec<Glyph>>> = Vec::new();
    for row in rows {
        match grouped.last_mut() {
            Some(pieces) if pieces.first().is_some_and(|first| centre(first).abs_diff(centre(&row)) < h * 6 / 10) => {
                pieces.push(row)
            }
            _ => grouped.push(vec![row]),
        }
    }
    let merged: Vec<Vec<Glyph>> = grouped
        .into_iter()
        .map(|mut pieces| {
            pieces.sort_by_key(|p| p.first().map_or(0, |g| g.rect.x));
            pieces.concat()
        })
        .collect();
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
                // The row under the label: as close as a wrapped line is to the one above it on
                // a certificate, up to three and a half glyphs on a console's table (its header
                // row stands about three above the values, less on a photo seen flat, which
                // keeps the foreshortened height).
                Placement::Below => centre - label.centre_y() < h * 7 / 2,
            }
        } else {
            // A row with print under the label is the next field's, whose label OCR could not
            // read.
            let labelled = lines.iter().flat_map(|l| &l.glyphs).any(|g| {
                g.rect.centre_y().abs_diff(centre) < h / 2 && g.rect.right() > label.x && g.rect.x < label.right()
            });
            // The next line of a wrapped value: its centre within 2.2 glyph heights of the row
            // above, or within three when it starts where that row does, as a paragraph's lines
            // do (printed documents space their lines about 2.1 glyph heights apart).
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

/// 第12345678号 above the mark, and the mark: the largest text between that line and 注册人.
fn trademark_number_and_mark(lines: &[Line], anchors: &[Anchor]) -> Vec<Found> {
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
            out.push(Found { key: "reg_number", glyphs: digits });
            break;
        }
    }
    let mark = lines
        .iter()
        .filter(|l| l.rect().y > number_bottom && l.rect().bottom() < registrant_y && number_bottom > 0)
        .filter(|l| l.glyphs.iter().any(|g| !g.ch.is_ascii_punctuation()))
        .max_by_key(|l| l.rect().h);
    if let Some(line) = mark {
        out.push(Found { key: "mark", glyphs: line.glyphs.clone() });
    }
    out
}

/// The document's title: 商标注册证, or the 注册申请受理通知书 that some upload in its place and
/// that proves no registration.
fn trademark_document(lines: &[Line]) -> Option<Found> {
    ["受理通知书", "商标注册证"].iter().find_map(|title| {
        let wanted: Vec<char> = title.chars().collect();
        lines.iter().find_map(|line| {
            let chars: Vec<char> = line.glyphs.iter().map(|g| g.ch).collect();
            let at = chars.windows(wanted.len()).position(|w| w == wanted.as_slice())?;
            let glyphs = line.glyphs.get(at..at + wanted.len())?.to_vec();
            Some(Found { key: "document", glyphs })
        })
    })
}

/// 核定使用商品/服务（第9类）: the Nice class number.
fn trademark_class(lines: &[Line]) -> Option<Found> {
    for line in lines {
        let chars: Vec<char> = line.glyphs.iter().map(|g| half_width(g.ch)).collect();
        for (open, _) in chars.iter().enumerate().filter(|(_, c)| **c == '第') {
            let digits: Vec<Glyph> =
                line.glyphs.iter().skip(open + 1).take_while(|g| half_width(g.ch).is_ascii_digit()).cloned().collect();
            let after = chars.get(open + 1 + digits.len());
            if !digits.is_empty() && digits.len() <= 2 && after == Some(&'类') {
                return Some(Found { key: "classes", glyphs: digits });
            }
        }
    }
    None
}

/// A filing that prints its site's address under 网站首页网址 (www.example.com) and no 网站域名
/// row is filed for that address's domain: the domain is the home page without its scheme and
/// its www. Where both are printed, 网站域名 is the domain.
fn domain_from_homepage(fields: Vec<Found>) -> Vec<Found> {
    let has_domain = fields.iter().any(|f| f.key == "domain");
    fields
        .into_iter()
        .filter_map(|field| {
            if field.key != "homepage" {
                return Some(field);
            }
            if has_domain {
                return None;
            }
            let text: String = field.glyphs.iter().map(|g| half_width(g.ch).to_ascii_lowercase()).collect();
            let mut skip = 0;
            for prefix in ["https://", "http://", "www."] {
                if text.get(skip..).is_some_and(|rest| rest.starts_with(prefix)) {
                    skip += prefix.len();
                }
            }
            // Up to the first path: a domain has no slash.
            let glyphs: Vec<Glyph> =
                field.glyphs.into_iter().skip(skip).take_while(|g| half_width(g.ch) != '/').collect();
            (!glyphs.is_empty()).then_some(Found { key: "domain", glyphs })
        })
        .collect()
}

/// 自2017年10月07日至2027年10月06日 → valid_from and valid_to.
fn split_validity(fields: Vec<Found>) -> Vec<Found> {
    let mut out = Vec::new();
    for field in fields {
        if field.key != "validity" {
            out.push(field);
            continue;
        }
        let split = field.glyphs.iter().position(|g| g.ch == '至');
        if let Some(split) = split {
            let (from, to) = field.glyphs.split_at(split);
            out.push(Found { key: "valid_from", glyphs: from.to_vec() });
            out.push(Found { key: "valid_to", glyphs: to.iter().skip(1).cloned().collect() });
        }
    }
    out
}

/// The app's name: the first line of the listing's header (the top of the page) that is not a
/// button, a version, a status-bar clock or the way back (the App Store's ‹ 搜索). Listings
/// print the name in many sizes, some smaller than the developer under it, so it is not picked
/// by size.
fn app_name(lines: &[Line], header_end: u32) -> Option<Found> {
    const NOT_A_NAME: [&str; 14] = [
        "安装",
        "打开",
        "获取",
        "下载",
        "更新",
        "版本",
        "评分",
        "广告",
        "应用介绍",
        "应用信息",
        "搜索",
        "返回",
        "今天",
        "详情",
    ];
    let mut header: Vec<&Line> = lines.iter().filter(|l| l.rect().y < header_end).collect();
    header.sort_by_key(|l| l.rect().y);
    header
        .into_iter()
        .find(|l| {
            let text = l.text();
            let text = text.trim_start_matches(|c: char| !c.is_alphanumeric());
            let letters = text.chars().filter(|c| c.is_alphabetic()).count();
            letters >= 2 && !NOT_A_NAME.iter().any(|w| text.starts_with(w))
        })
        .map(|l| Found { key: "app_name", glyphs: l.glyphs.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Char;

    /// A detected line of 20 px characters 2 px apart, from `x`.
    fn piece(text: &str, x: f32, y: f32) -> TextLine {
        let n = text.chars().count() as f32;
        let width = 22.0 * n - 2.0;
        let chars = text
            .chars()
            .enumerate()
            .map(|(i, c)| {
                let from = 22.0 * i as f32 / width;
                Char { text: c.to_string(), prob: 0.99, span: (from, from + 20.0 / width), alternatives: Vec::new() }
            })
            .collect();
        let quad = Quad([(x, y), (x + width, y), (x + width, y + 20.0), (x, y + 20.0)]);
        TextLine { quad, chars, score: 0.9 }
    }

    /// Where a piece of `text` starting at `x` ends, and a gap of three characters after it.
    fn after(text: &str, x: f32) -> f32 {
        x + 22.0 * text.chars().count() as f32 + 60.0
    }

    fn read_page(form: Form, lines: Vec<TextLine>) -> Vec<Field> {
        read(form, &PageText::from_lines(lines, (1000, 1000)))
    }

    fn value(found: &[Field], key: &str) -> Option<String> {
        found.iter().find(|f| f.key == key).map(|f| f.value.clone())
    }

    #[test]
    fn a_trademark_document_says_whether_it_is_the_certificate_or_the_acceptance_notice() {
        let title = |lines| value(&read_page(Form::TrademarkCertificate, lines), "document");
        let registrant =
            || [piece("注册人", 80.0, 200.0), piece("厦门市海沧区云帆网络科技有限公司", after("注册人", 80.0), 200.0)];
        let notice = [vec![piece("商标注册申请受理通知书", 300.0, 40.0)], registrant().to_vec()].concat();
        assert_eq!(title(notice).as_deref(), Some("受理通知书"));
        let certificate = vec![piece("商标注册证", 400.0, 40.0), piece("第12345678号", 420.0, 100.0)];
        assert_eq!(title(certificate).as_deref(), Some("商标注册证"));
        assert_eq!(title(registrant().to_vec()), None);
    }

    #[test]
    fn an_exact_label_is_taken_before_a_near_one() {
        // 注册人 and the registrant's first two characters, then a gap: 注册人西安 is two
        // characters from 注册人地址 at the head of a row, near enough for a spread label, but
        // 注册人 is printed there exactly.
        let at = after("注册人", 100.0);
        let found = read_page(
            Form::TrademarkCertificate,
            vec![
                piece("注册人", 100.0, 100.0),
                piece("西安", at, 100.0),
                piece("睿智餐饮管理股份有限公司", at + 54.0, 100.0),
                piece("注册地址", 100.0, 160.0),
                piece("陕西省西安市雁塔区科技路48号", after("注册地址", 100.0), 160.0),
            ],
        );
        assert_eq!(value(&found, "registrant").as_deref(), Some("西安睿智餐饮管理股份有限公司"), "{found:?}");
        assert_eq!(value(&found, "address").as_deref(), Some("陕西省西安市雁塔区科技路48号"), "{found:?}");
    }

    /// `line` turned by `degrees` about the page's origin, as on a photo held askew.
    fn turned(mut line: TextLine, degrees: f32) -> TextLine {
        let (sin, cos) = degrees.to_radians().sin_cos();
        line.quad = Quad(line.quad.0.map(|(x, y)| (x * cos - y * sin, x * sin + y * cos)));
        line
    }

    #[test]
    fn a_label_printed_twice_takes_the_value_of_the_one_that_has_it_on_a_page_askew() {
        // The App Store: 开发者 heads a statistics strip with nothing under it in its column;
        // 供应商's value is right-aligned 700 px away, which −1.5° puts 18 px (most of a glyph)
        // above its label's row. Colons after a label are not the value's.
        let lines = vec![
            piece("2.1万个评分", 60.0, 100.0),
            piece("年龄", 300.0, 100.0),
            piece("开发者", 800.0, 100.0),
            piece("4.7", 60.0, 140.0),
            piece("4+", 300.0, 140.0),
            piece("新功能修复了已知问题", 40.0, 260.0),
            piece("供应商", 40.0, 400.0),
            piece("厦门某某网络科技有限公司", 700.0, 400.0),
            piece("大小", 40.0, 480.0),
            piece("86.4MB", 860.0, 480.0),
        ];
        let askew: Vec<TextLine> = lines.into_iter().map(|l| turned(l, -1.5)).collect();
        let found = read_page(Form::AppListing, askew);
        assert_eq!(value(&found, "developer").as_deref(), Some("厦门某某网络科技有限公司"), "{found:?}");
        let colon = read_page(Form::AppListing, vec![piece("开发者：厦门某某网络科技有限公司", 40.0, 400.0)]);
        assert_eq!(value(&colon, "developer").as_deref(), Some("厦门某某网络科技有限公司"), "{colon:?}");
    }

    #[test]
    fn a_value_under_its_label_is_read_in_the_labels_column() {
        // A console's filing list: the labels in a header row, each value under its own.
        let found = read_page(
            Form::IcpRecord,
            vec![
                piece("主办单位名称", 40.0, 100.0),
                piece("ICP备案号", 400.0, 100.0),
                piece("网站域名", 900.0, 100.0),
                piece("厦门某某网络科技有限公司", 42.0, 150.0),
                piece("闽ICP备12345678号-1", 402.0, 150.0),
                piece("example.com", 901.0, 150.0),
            ],
        );
        assert_eq!(value(&found, "name").as_deref(), Some("厦门某某网络科技有限公司"), "{found:?}");
        assert_eq!(value(&found, "icp_number").as_deref(), Some("闽ICP备12345678号-1"), "{found:?}");
        assert_eq!(value(&found, "domain").as_deref(), Some("example.com"), "{found:?}");
    }

    #[test]
    fn a_filing_with_only_its_home_page_gives_that_pages_domain() {
        let filing = |rows: &[(&str, &str)]| {
            let lines = rows
                .iter()
                .enumerate()
                .flat_map(|(i, (label, value))| {
                    let y = 100.0 + 60.0 * i as f32;
                    [piece(label, 40.0, y), piece(value, after(label, 40.0), y)]
                })
                .collect();
            value(&read_page(Form::IcpRecord, lines), "domain")
        };
        let home = [("主办单位名称", "厦门某某网络科技有限公司"), ("网站首页网址", "www.yunfan.example.cn")];
        assert_eq!(filing(&home).as_deref(), Some("yunfan.example.cn"));
        let scheme = [("网站首页网址", "http://www.yunfan.example.cn/index")];
        assert_eq!(filing(&scheme).as_deref(), Some("yunfan.example.cn"));
        // Both printed: the domain row is the domain.
        let both = [("网站首页网址", "www.yunfan.example.cn"), ("网站域名", "example.cn")];
        assert_eq!(filing(&both).as_deref(), Some("example.cn"));
    }

    #[test]
    fn an_app_is_named_by_the_top_of_its_listing_and_unsure_characters_are_doubted() {
        let mut developer = piece("厦门云帆网络科技有限公司", after("开发者", 40.0), 500.0);
        if let Some(c) = developer.chars.get_mut(4) {
            c.prob = 0.6;
        }
        let found = read_page(
            Form::AppListing,
            vec![
                piece("12:30", 20.0, 10.0),
                piece("云帆旅行", 200.0, 120.0),
                piece("安装", 200.0, 200.0),
                piece("开发者", 40.0, 500.0),
                developer,
            ],
        );
        assert_eq!(value(&found, "app_name").as_deref(), Some("云帆旅行"), "{found:?}");
        let developer = found.iter().find(|f| f.key == "developer");
        assert_eq!(
            developer.map(|f| (f.value.as_str(), f.uncertain.clone())),
            Some(("厦门云帆网络科技有限公司", vec![4]))
        );
    }
}
