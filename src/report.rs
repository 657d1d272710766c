//! The review report an outsourcing firm hands its client: the case, each vendor's checklist
//! and findings, and every material as a thumbnail with what was read from it — a value that
//! differs from the case shown with its character diff.

use chrono::NaiveDate;
use image::{DynamicImage, Rgb as Pixel};

use crate::error::Result;
use crate::font::Fonts;
use crate::i18n::{Lang, mask, pick as t};
use crate::pdf::{AMBER, Align, BLACK, GREEN, GREY, Layout, Picture, RED, Span, Style};
use crate::profile::VendorProfile;
use crate::reading::{Reading, field_label_of};
use crate::requirements::{CheckReport, Finding, Severity, Status};
use crate::store::{Case, Material, Store};

/// Thumbnail width on the page, in points, and its pixel size: enough to recognise a licence,
/// not enough to reprint it.
const THUMB_POINTS: f32 = 150.0;
const THUMB_PIXELS: u32 = 600;
/// Identity documents are shown smaller, so their numbers cannot be read off the report.
const ID_THUMB_PIXELS: u32 = 160;

/// Lays out the report of case `case` checked as `report`.
pub fn review_report(
    store: &Store,
    case: &Case,
    report: &CheckReport,
    lang: Lang,
    date: NaiveDate,
    fonts: Fonts,
) -> Result<Layout> {
    let title = t(lang, "短信资质审核报告", "SMS qualification review");
    let mut page = Layout::new(fonts, format!("{title} — {}", case.data.applicant.name));
    page.paragraph(&title, Style::title());
    page.paragraph(
        &format!("{}  ·  {} {}  ·  {}", case.data.applicant.name, t(lang, "案卷", "case"), case.id, date),
        Style::small().coloured(GREY).aligned(Align::Centre),
    );
    page.space(10.0);
    summary(&mut page, case, lang);
    for (vendor, verdict) in &report.vendors {
        let profile = VendorProfile::get(*vendor)?;
        vendor_section(&mut page, profile, verdict, lang);
    }
    // Approval is not the launch date: the carriers' reporting follows it.
    let after = crate::guide::after_approval()?;
    page.space(6.0);
    page.paragraph(&t(lang, "审核通过之后", "After approval"), Style::body().bolded());
    page.spans(
        &[Span::new(after.text.get(lang), BLACK), Span::new(format!("  [{}]", short_source(&after.source)), GREY)],
        Style::small(),
    );
    let readings = store.case_readings(case)?;
    let findings: Vec<&Finding> = report.vendors.values().flat_map(|v| v.findings.iter()).collect();
    page.space(8.0);
    page.ensure(120.0);
    page.paragraph(&t(lang, "材料与识别结果", "Materials and what was read"), Style::heading());
    page.rule();
    page.space(6.0);
    if case.materials.is_empty() {
        page.paragraph(&t(lang, "（没有材料）", "(no materials)"), Style::body().coloured(GREY));
    }
    for material in &case.materials {
        let reading = readings.iter().find(|(m, _)| m.id == material.id).map(|(_, r)| r);
        material_entry(&mut page, store, material, reading, &findings, lang);
    }
    Ok(page)
}

/// Label–value rows of what the case declares. Identity and phone numbers are masked.
fn summary(page: &mut Layout, case: &Case, lang: Lang) {
    let data = &case.data;
    let applicant = &data.applicant;
    let mut rows: Vec<(String, String)> =
        vec![(t(lang, "申请方", "Applicant"), format!("{}（{}）", applicant.name, applicant.kind.label().get(lang)))];
    let mut push = |label: String, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            rows.push((label, value));
        }
    };
    push(t(lang, "统一社会信用代码", "Credit code"), applicant.uscc.clone());
    push(t(lang, "法定代表人", "Legal representative"), applicant.legal_rep.clone());
    push(t(lang, "身份证号码", "ID number"), applicant.id_number.as_deref().map(mask));
    push(t(lang, "成立日期", "Established"), applicant.established.map(|d| d.to_string()));
    if let Some(h) = &data.handler {
        let phone = h.phone.as_deref().map(|p| format!("  {}", mask(p))).unwrap_or_default();
        push(t(lang, "经办人", "Handler"), Some(format!("{}{phone}", h.name)));
    }
    if let Some(s) = &data.signature {
        let owner = s.owner.as_deref().map(|o| format!("，{}：{o}", t(lang, "归属", "owner"))).unwrap_or_default();
        push(
            t(lang, "签名", "Signature"),
            Some(format!("【{}】{}，{}{owner}", s.name, s.source.label().get(lang), s.usage.label().get(lang))),
        );
    }
    if let Some(l) = &data.landing {
        let parts: Vec<&str> =
            [Some(l.name.as_str()), l.domain.as_deref(), l.icp_number.as_deref()].into_iter().flatten().collect();
        push(t(lang, "落地应用", "Landing application"), Some(parts.join("  ")));
        push(t(lang, "应用场景", "Scenario"), l.scenario.clone());
    }
    for template in &data.templates {
        push(
            format!("{}{}", t(lang, "模板·", "Template · "), template.kind.label().get(lang)),
            Some(template.text.clone()),
        );
    }
    let vendors: Vec<&str> = data.vendors.iter().map(|v| v.as_str()).collect();
    push(t(lang, "目标厂商", "Vendors"), (!vendors.is_empty()).then(|| vendors.join("、")));

    page.paragraph(&t(lang, "案卷概要", "Case summary"), Style::heading());
    page.rule();
    page.space(4.0);
    let label_width = 110.0;
    let widths = [label_width, page.width() - label_width - 10.0];
    for (label, value) in rows {
        let label = (vec![Span::new(label, GREY)], Style::body());
        let value = (vec![Span::new(value, BLACK)], Style::body());
        page.row(&[label, value], &widths, 10.0);
    }
}

fn vendor_section(page: &mut Layout, profile: &VendorProfile, verdict: &crate::requirements::VendorReport, lang: Lang) {
    page.space(10.0);
    page.ensure(100.0);
    let blocking = verdict.findings.iter().filter(|f| f.severity == Severity::Block).count()
        + verdict.checklist.iter().filter(|i| matches!(i.status, Status::Missing | Status::Invalid)).count();
    let (state, colour) = if verdict.ready {
        (t(lang, "可以提交", "ready to submit"), GREEN)
    } else {
        (format!("{}（{blocking} {}）", t(lang, "尚不能提交", "not ready"), t(lang, "项待处理", "to fix")), RED)
    };
    page.spans(
        &[
            Span { text: format!("{}  ", profile.name.get(lang)), colour: BLACK, bold: true },
            Span { text: state, colour, bold: true },
        ],
        Style::heading(),
    );
    page.rule();
    page.space(4.0);
    let mark_width = 18.0;
    let widths = [mark_width, page.width() - mark_width - 6.0];
    for item in &verdict.checklist {
        let colour = match item.status {
            Status::Ok => GREEN,
            Status::Warn => AMBER,
            Status::Missing | Status::Invalid => RED,
        };
        let mark = item.status.mark();
        let text = vec![
            Span { text: item.label.get(lang).to_string(), colour: BLACK, bold: true },
            Span::new(format!("  {}", item.why.get(lang)), BLACK),
            Span::new(format!("  [{}]", short_source(&item.source)), GREY),
        ];
        page.row(&[(vec![Span::new(mark, colour)], Style::small()), (text, Style::small())], &widths, 6.0);
    }
    if !verdict.findings.is_empty() {
        page.space(4.0);
        page.paragraph(&t(lang, "发现的问题", "Findings"), Style::body().bolded());
    }
    for finding in &verdict.findings {
        let (tag, colour) = severity_tag(finding.severity, lang);
        let mut text = vec![Span::new(finding.message.get(lang), BLACK)];
        if !finding.fix.get(lang).is_empty() {
            text.push(Span::new(format!("\n{}{}", t(lang, "处理：", "Fix: "), finding.fix.get(lang)), GREY));
        }
        text.push(Span::new(format!("  [{}]", short_source(&finding.source)), GREY));
        let tag_width = 40.0;
        let widths = [tag_width, page.width() - tag_width - 6.0];
        page.row(&[(vec![Span::new(tag, colour)], Style::small().bolded()), (text, Style::small())], &widths, 6.0);
    }
}

/// A source reference without its address: "aliyun A10: https://…; seed 000 (…)" becomes
/// "aliyun A10; seed 000". The addresses are in the vendor profiles and `qualkit case check`.
fn short_source(source: &str) -> String {
    source
        .split("; ")
        .map(|part| {
            let cut = [part.find(": "), part.find(" (")].into_iter().flatten().min().unwrap_or(part.len());
            part.get(..cut).unwrap_or(part).trim()
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn severity_tag(severity: Severity, lang: Lang) -> (String, crate::pdf::Rgb) {
    let colour = match severity {
        Severity::Block => RED,
        Severity::Warn => AMBER,
        Severity::Info => GREY,
    };
    (severity.label().get(lang).to_string(), colour)
}

/// One material: the thumbnail on the left, the fields read on the right.
fn material_entry(
    page: &mut Layout,
    store: &Store,
    material: &Material,
    reading: Option<&Reading>,
    findings: &[&Finding],
    lang: Lang,
) {
    let mismatches: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.material == Some(material.role) && f.expected.is_some() && f.found.is_some())
        .collect();
    let thumb = thumbnail(store, material, reading, &mismatches);
    let height = thumb.as_ref().map(|(_, aspect)| THUMB_POINTS / aspect).unwrap_or(40.0).min(220.0);
    page.ensure(height + 24.0);
    let top = page.y();
    let text_x = THUMB_POINTS + 14.0;
    match thumb {
        Some((picture, aspect)) => {
            let (w, h) = page.picture(0.0, picture, aspect, THUMB_POINTS, 220.0);
            page.rect(0.0, 0.0, w, h, Some(GREY), None);
        }
        None => {
            page.rect(0.0, 0.0, THUMB_POINTS, 40.0, Some(GREY), None);
        }
    }
    // The text column: role, file, then one row per field.
    let column = page.width() - text_x;
    let label_width = 96.0;
    let widths = [text_x - 4.0, label_width, column - label_width - 6.0];
    let blank = || (Vec::new(), Style::small());
    let heading = vec![
        Span { text: material.role.label().get(lang).to_string(), colour: BLACK, bold: true },
        Span::new(format!("  {}", material.original_name), GREY),
    ];
    page.row(&[blank(), (heading, Style::body()), blank()], &[text_x - 4.0, column, 0.0], 4.0);
    match reading {
        None => {
            let why = if material.mime.starts_with("image/") {
                t(lang, "尚未识别（运行 qualkit case check 识别）", "not read yet (qualkit case check reads it)")
            } else {
                format!("{}（{}）", t(lang, "不识别此类文件", "not a kind qualkit reads"), material.mime)
            };
            page.row(
                &[blank(), (vec![Span::new(why, GREY)], Style::small()), blank()],
                &[text_x - 4.0, column, 0.0],
                4.0,
            );
        }
        Some(reading) if reading.fields.is_empty() => {
            let why = t(
                lang,
                "没有读到任何字段：请换一张更清晰的图片，或用 qualkit case confirm 录入",
                "no field could be read: use a clearer image, or enter the values with qualkit case confirm",
            );
            page.row(
                &[blank(), (vec![Span::new(why, AMBER)], Style::small()), blank()],
                &[text_x - 4.0, column, 0.0],
                4.0,
            );
        }
        Some(reading) => {
            // In the order the document prints them, then any others.
            let order = reading.kind.fields();
            let mut fields: Vec<(&String, &crate::reading::Field)> = reading.fields.iter().collect();
            fields.sort_by_key(|(key, _)| order.iter().position(|k| k == key).unwrap_or(order.len()));
            for (key, field) in fields {
                let label = vec![Span::new(field_label_of(reading.kind, key).get(lang), GREY)];
                let mismatch = mismatches.iter().find(|f| f.field.as_deref() == Some(key.as_str()));
                // An ID card's number and address are printed masked, never in full.
                let private = crate::reading::is_private(reading.kind, key);
                let value = match mismatch {
                    _ if private => {
                        let masked = crate::reading::Field { value: crate::i18n::mask(&field.value), ..field.clone() };
                        value_spans(&masked, lang)
                    }
                    Some(f) => diff_spans(f, lang),
                    None => value_spans(field, lang),
                };
                page.row(&[blank(), (label, Style::small()), (value, Style::small())], &widths, 6.0);
            }
        }
    }
    let used = page.y() - top;
    page.space((height - used).max(0.0) + 14.0);
}

/// A value as read, its uncertain characters in amber, with the reader's confidence.
fn value_spans(field: &crate::reading::Field, lang: Lang) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    for (i, c) in field.value.chars().enumerate() {
        let colour = if field.uncertain.contains(&i) { AMBER } else { BLACK };
        match spans.last_mut() {
            Some(last) if last.colour == colour => last.text.push(c),
            _ => spans.push(Span::new(c.to_string(), colour)),
        }
    }
    let unsure = !field.uncertain.is_empty() || field.confidence < 0.8;
    let note = if unsure { t(lang, "，请核对", ", please confirm") } else { String::new() };
    spans.push(Span::new(format!("  {:.0}%{note}", field.confidence * 100.0), if unsure { AMBER } else { GREY }));
    spans
}

/// A mismatch as two lines: the case's value and the document's, the differing characters in
/// red on each side.
fn diff_spans(finding: &Finding, lang: Lang) -> Vec<Span> {
    let mut out = vec![Span { text: t(lang, "材料：", "document: "), colour: RED, bold: true }];
    let mut declared = vec![Span::new(format!("\n{}", t(lang, "案卷：", "case: ")), GREY)];
    match &finding.diff {
        Some(ops) => {
            for op in ops {
                let (to_found, to_declared, colour) = match op.op {
                    "equal" => (true, true, BLACK),
                    "insert" => (true, false, RED),
                    _ => (false, true, RED),
                };
                let span = Span { text: op.text.clone(), colour, bold: colour == RED };
                if to_found {
                    out.push(span.clone());
                }
                if to_declared {
                    declared.push(span);
                }
            }
        }
        None => {
            out.push(Span::new(finding.found.clone().unwrap_or_default(), RED));
            declared.push(Span::new(finding.expected.clone().unwrap_or_default(), BLACK));
        }
    }
    out.extend(declared);
    out
}

/// A JPEG thumbnail with the boxes of the fields read (red where the value differs from the
/// case), and its aspect ratio; `None` for files that are not images.
fn thumbnail(
    store: &Store,
    material: &Material,
    reading: Option<&Reading>,
    mismatches: &[&Finding],
) -> Option<(Picture, f32)> {
    if !material.mime.starts_with("image/") {
        return None;
    }
    let image = crate::scan::open_image(&store.material_file(&material.sha256).ok()?).ok()?;
    let mut rgb = image.to_rgb8();
    if let Some(reading) = reading {
        for (key, field) in &reading.fields {
            let Some([x, y, w, h]) = field.bbox else { continue };
            let bad = mismatches.iter().any(|f| f.field.as_deref() == Some(key.as_str()));
            let colour = if bad { Pixel([220, 30, 30]) } else { Pixel([30, 150, 70]) };
            let thickness = (rgb.width() / 400).max(2);
            for inset in 0..thickness {
                let (Ok(x), Ok(y)) = (i32::try_from(x + inset), i32::try_from(y + inset)) else { continue };
                let (w, h) = (w.saturating_sub(2 * inset).max(1), h.saturating_sub(2 * inset).max(1));
                let rect = imageproc::rect::Rect::at(x, y).of_size(w, h);
                imageproc::drawing::draw_hollow_rect_mut(&mut rgb, rect, colour);
            }
        }
    }
    let limit = if material.role.is_id_card() { ID_THUMB_PIXELS } else { THUMB_PIXELS };
    let small = DynamicImage::ImageRgb8(rgb).thumbnail(limit, limit).to_rgb8();
    let aspect = small.width() as f32 / small.height().max(1) as f32;
    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80);
    small.write_with_encoder(encoder).ok()?;
    Some((Picture::Jpeg(jpeg), aspect))
}
