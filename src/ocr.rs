//! OCR: reading a material image into a [`Reading`], field by field.
//!
//! PaddleOCR's PP-OCR models (README's set-up installs them) read every kind, in-process through
//! `qualkit-ocr`: decode under limits ([`scan::open_image`]) → text lines, each character with
//! its probability ([`qualkit_ocr::Reader`]) → fields by their printed labels
//! ([`qualkit_ocr::fields`] for licences and ID cards, [`qualkit_ocr::forms`] for certificates,
//! ICP pages and app listings) → each value as qualkit stores it ([`finish`]: dates ISO, punctuation as
//! printed). A value is returned as printed or not at all; a character the model is unsure of is
//! listed in [`Field::uncertain`], so the checks ask a person instead of claiming a mismatch.
//! Without the models nothing is read: the error says how to install them, and a person can
//! still confirm the fields by hand.

use std::path::Path;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

use qualkit_ocr::forms::Form;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::reading::{DocKind, Field, Origin, Reading};
use crate::scan;

/// What a resident ID card's `document` says (the reader's own word for it).
pub use qualkit_ocr::fields::RESIDENT_ID_CARD;

/// The version of the reader below, kept with each OCR reading: raise it when a change reads
/// documents better, and cached readings of older versions are read again (a person's
/// confirmations are kept). 2: names voted from crop reads (organisations' by the better model
/// when installed), photos cropped to their paper. 3: every field read twice, disagreements
/// doubted; exact labels before near ones; wrapped rows kept; Chinese punctuation full-width.
/// 4: business licences read by PP-OCR (qualkit-ocr) where its models are installed. 5: each
/// line recognised at its own width (in ONNX Runtime where installed); short rows level. 6:
/// trademark certificates, ICP pages and app listings read by PP-OCR too; seal lines dropped.
/// 7: lines cut bicubic from whole-pixel corners, as PaddleOCR cuts them; a credit code read a
/// character short is doubted, never cut down to a registration number. 8: codes read in their
/// alphabet (a credit code's S is the model's runner-up that passes the check); a code whose
/// check holds with one character doubted is settled. 9: on lines under 14 px a character is
/// doubted below 0.99. 10: photos taken at an angle seen flat; characters read in simplified
/// script where the model proposed it; forms levelled by the page's skew, a label printed twice
/// takes the value of the one that has it (the App Store, 华为, 小米, 应用宝 listings). 11: a
/// 个体工商户's 组成形式 read as 个人经营 or 家庭经营, what is not read of it doubted; a legal
/// representative read as one character doubted; a label whose last character a value's first
/// is printed over still ends there. 12: resident ID cards read (either side, a copy of both, held
/// in hand); a document that fills little of its frame is read from its own region; an ICP
/// page that prints only its home page (网站首页网址) gives that page's domain.
pub const READER_VERSION: u32 = 12;

/// PP-OCR's models, loaded once per process and shared by every thread (a
/// [`qualkit_ocr::Reader`] is `Sync`). A failed load is not kept: models installed while the app
/// runs are found by its next reading.
fn pp_ocr() -> Result<&'static qualkit_ocr::Reader> {
    static READER: OnceLock<qualkit_ocr::Reader> = OnceLock::new();
    static LOADING: Mutex<()> = Mutex::new(());
    if let Some(reader) = READER.get() {
        return Ok(reader);
    }
    // One thread loads; the others wait for it rather than load a copy of their own.
    let _one_at_a_time = LOADING.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(reader) = READER.get() {
        return Ok(reader);
    }
    let reader = qualkit_ocr::Models::locate().and_then(qualkit_ocr::Reader::new).map_err(|e| reader_failed(&e))?;
    Ok(READER.get_or_init(|| reader))
}

/// Whether the OCR models are installed and load: without them [`read_file`] fails with the
/// error that says how to install them.
pub fn models_installed() -> bool {
    pp_ocr().is_ok()
}

/// What `qualkit ocr` returns for one file (shared/spec/cli.md).
#[derive(Clone, Debug, Serialize)]
pub struct OcrOutput {
    pub reading: Reading,
    pub warnings: Vec<Text>,
    pub elapsed_ms: u64,
}

/// Reads one image file as a document of `kind`.
pub fn read_file(path: &Path, kind: DocKind) -> Result<OcrOutput> {
    let started = Instant::now();
    if kind == DocKind::AuthorizationLetter {
        return Err(Error::input(
            "授权委托书不做 OCR：请用“确认字段”录入它的内容",
            "authorization letters are not read by OCR: confirm their fields by hand",
        ));
    }
    let picture = scan::open_image(path)?;
    let page = pp_ocr()?.read(&picture.to_rgb8()).map_err(|e| reader_failed(&e))?;
    let reading = reading_of(kind, &page);
    let warnings = missing_warnings(kind, &reading);
    Ok(OcrOutput { reading, warnings, elapsed_ms: started.elapsed().as_millis() as u64 })
}

/// The reading of a page's text as a document of `kind`: its fields by their labels, each
/// value as qualkit stores it, boxed on the page as given.
pub fn reading_of(kind: DocKind, page: &qualkit_ocr::PageText) -> Reading {
    let found = match kind {
        DocKind::BusinessLicense => qualkit_ocr::fields::business_licence(&page.lines),
        DocKind::TrademarkCertificate => qualkit_ocr::forms::read(Form::TrademarkCertificate, page),
        DocKind::IcpRecord => qualkit_ocr::forms::read(Form::IcpRecord, page),
        DocKind::AppListing => qualkit_ocr::forms::read(Form::AppListing, page),
        DocKind::AuthorizationLetter => Vec::new(),
        DocKind::IdCard => qualkit_ocr::fields::id_card(&page.lines),
    };
    let mut reading = Reading::new(kind, Origin::Ocr);
    reading.reader = READER_VERSION;
    reading.text = page.text();
    for found in found {
        let chars: Vec<(char, bool)> =
            found.value.chars().enumerate().map(|(i, c)| (c, found.uncertain.contains(&i))).collect();
        let (value, uncertain) = finish(found.key, &chars);
        if value.is_empty() {
            continue;
        }
        let confidence = found.probs.iter().copied().fold(1.0f32, f32::min).clamp(0.0, 1.0);
        let confidence = if uncertain.is_empty() { confidence } else { confidence.min(0.5) };
        let bbox = found
            .quads
            .iter()
            .map(|q| page.on_page(q).bounds())
            .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)));
        let bbox =
            bbox.map(|(x0, y0, x1, y1)| [x0 as u32, y0 as u32, (x1 - x0).max(1.0) as u32, (y1 - y0).max(1.0) as u32]);
        reading.fields.insert(found.key.to_string(), Field { value, confidence, bbox, uncertain });
    }
    if kind == DocKind::IdCard {
        doubt_what_the_number_contradicts(&mut reading);
    }
    reading
}

/// A resident ID number carries its holder's birth date (digits 7–14) and sex (digit 17: odd
/// for men, GB 11643-1999 §5): where the card's printed birth date or sex says otherwise, one
/// of the two was misread (or the card is not genuine), and nothing says which, so the
/// characters that disagree are doubted on both sides. Nothing is changed: a person looks.
fn doubt_what_the_number_contradicts(reading: &mut Reading) {
    let Some(number) = reading.field("id_number").map(|f| f.value.chars().collect::<Vec<char>>()) else { return };
    let mut in_number: Vec<usize> = Vec::new();
    if let Some(birth) = reading.fields.get_mut("birth") {
        // 1990-01-02: the date's digits at their places in the ISO form.
        let digits: Vec<(usize, char)> = birth.value.chars().enumerate().filter(|(_, c)| c.is_ascii_digit()).collect();
        for (k, (at, printed)) in digits.iter().enumerate() {
            if number.get(6 + k).is_some_and(|n| n != printed) {
                in_number.push(6 + k);
                birth.uncertain.push(*at);
            }
        }
        tidy(birth);
    }
    if let Some(sex) = reading.fields.get_mut("sex") {
        let odd = number.get(16).and_then(|c| c.to_digit(10)).map(|d| d % 2 == 1);
        let printed_male = match sex.value.as_str() {
            "男" => Some(true),
            "女" => Some(false),
            _ => None,
        };
        if let (Some(odd), Some(male)) = (odd, printed_male)
            && odd != male
        {
            in_number.push(16);
            sex.uncertain.push(0);
            tidy(sex);
        }
    }
    if let Some(field) = reading.fields.get_mut("id_number")
        && !in_number.is_empty()
    {
        field.uncertain.extend(in_number);
        tidy(field);
    }
}

/// A field's doubted characters in order, each once, and its confidence no higher than a
/// doubted field's.
fn tidy(field: &mut Field) {
    field.uncertain.sort_unstable();
    field.uncertain.dedup();
    if !field.uncertain.is_empty() {
        field.confidence = field.confidence.min(0.5);
    }
}

/// The reader's error in the user's language: what failed, and what to do.
fn reader_failed(e: &qualkit_ocr::Error) -> Error {
    match e {
        qualkit_ocr::Error::ModelsMissing { .. } => Error::input(
            "未安装 OCR 模型（PP-OCR）：请运行 ./dev.sh 安装，或用 QUALKIT_MODELS 指定模型目录；也可以用“确认字段”手动录入",
            "the OCR models (PP-OCR) are not installed: run ./dev.sh, or name their folder with QUALKIT_MODELS; fields can also be confirmed by hand",
        ),
        qualkit_ocr::Error::Model { path, .. } => Error::input(
            format!("PP-OCR 模型文件已损坏：{}。请删除后运行 ./dev.sh 重新安装", path.display()),
            format!(
                "the PP-OCR model file {} is damaged: delete it and run ./dev.sh to install it again",
                path.display()
            ),
        ),
        qualkit_ocr::Error::Run(detail) | qualkit_ocr::Error::Image(detail) => Error::input(
            format!("识别文字失败（模型无法处理这张图片）：{detail}"),
            format!("OCR failed (the model could not process this image): {detail}"),
        ),
    }
}

/// A warning per essential field that could not be read.
fn missing_warnings(kind: DocKind, reading: &Reading) -> Vec<Text> {
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
        DocKind::IdCard => return id_card_warnings(reading),
    };
    essential
        .iter()
        // A licence from before 2016 prints a 注册号 where later ones print the credit code.
        .filter(|(key, _, _)| reading.field(key).is_none() && !(*key == "uscc" && reading.field("reg_no").is_some()))
        .map(|(_, zh, en)| unread_warning(zh, en))
        .collect()
}

/// What an ID card's reading lacks: another identity document is said to be one qualkit does
/// not read; an emblem side needs its validity, a photo side its name and number.
fn id_card_warnings(reading: &Reading) -> Vec<Text> {
    match reading.field("document").map(|f| f.value.as_str()) {
        Some(document) if document != RESIDENT_ID_CARD => {
            return vec![Text::new(
                format!("这是{document}，不是居民身份证：qualkit 只识别居民身份证，请手动确认它的字段"),
                format!(
                    "this is a {}, not a resident ID card: qualkit reads only resident ID cards; confirm its fields by hand",
                    other_identity_english(document)
                ),
            )];
        }
        _ => {}
    }
    let back = ["authority", "valid_from", "valid_to"].iter().any(|k| reading.field(k).is_some());
    let front = ["name", "id_number", "birth", "address"].iter().any(|k| reading.field(k).is_some());
    let essential: &[(&str, &str, &str)] = match (front, back) {
        (false, true) => &[("valid_to", "有效期限", "validity")],
        (true, true) => &[
            ("name", "姓名", "name"),
            ("id_number", "公民身份号码", "ID number"),
            ("valid_to", "有效期限", "validity"),
        ],
        _ => &[("name", "姓名", "name"), ("id_number", "公民身份号码", "ID number")],
    };
    essential
        .iter()
        .filter(|(key, _, _)| reading.field(key).is_none())
        .map(|(_, zh, en)| unread_warning(zh, en))
        .collect()
}

/// The English name of an identity document `document` names in Chinese.
pub fn other_identity_english(document: &str) -> &'static str {
    match document {
        "港澳台居民居住证" => "residence permit for Hong Kong, Macao and Taiwan residents",
        "港澳居民来往内地通行证" => "Mainland travel permit for Hong Kong and Macao residents",
        "台湾居民来往大陆通行证" => "Mainland travel permit for Taiwan residents",
        "护照" => "passport",
        _ => "identity document of another kind",
    }
}

fn unread_warning(zh: &str, en: &str) -> Text {
    Text::new(
        format!("未能读出“{zh}”：请换一张更清晰的图片，或手动确认"),
        format!("could not read the {en}: use a clearer image or confirm it by hand"),
    )
}

// ---------------------------------------------------------------------------------------------
// Values as qualkit stores them

/// A field's value as read (each character with whether the reader doubted it) as qualkit
/// stores it, with the indices of its uncertain characters; empty when nothing usable was read.
pub fn finish(key: &str, pairs: &[(char, bool)]) -> (String, Vec<usize>) {
    // A business scope is a sentence and ends with its full stop; elsewhere one is noise.
    let trimmed = trim_punctuation(pairs, key == "scope");
    let (value, uncertain): (String, Vec<bool>) = match key {
        // A card that never expires prints 长期 where the date would be.
        "valid_to" if trimmed.iter().map(|p| p.0).collect::<String>() == "长期" => trimmed.iter().copied().unzip(),
        "established" | "approved" | "valid_from" | "valid_to" | "birth" => {
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
        "uscc" | "reg_number" | "classes" | "id_number" => trimmed
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
            drop_stray(&folded, |_, c| !c.is_alphanumeric() && !matches!(c, '/' | '（' | '）' | '·'))
                .into_iter()
                .unzip()
        }
        // Chinese text prints full-width punctuation; a quotation mark without its partner is
        // one OCR read into a gap (技术推”广).
        _ => {
            let chinese = trimmed.iter().any(|(c, _)| crate::text::is_han(*c));
            let fold = |c: char| if chinese { full_width_punctuation(c) } else { full_width_bracket(c) };
            let folded: Vec<(char, bool)> = trimmed.iter().map(|&(c, d)| (fold(c), d)).collect();
            let unpaired = unpaired_quotes(&folded);
            drop_stray(&folded, |i, _| unpaired.contains(&i)).into_iter().unzip()
        }
    };
    // A character outside the only ones a field can print is misread, however sure the reader
    // was (壹 read as 过 with confidence 0.9).
    let printable = printable_chars(key);
    let uncertain = value
        .chars()
        .zip(uncertain)
        .enumerate()
        .filter(|(_, (c, d))| *d || printable.is_some_and(|p| !p.contains(*c)))
        .map(|(i, _)| i)
        .collect();
    (value, uncertain)
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

/// Fields that hold a registered organisation's name.
fn is_organisation(key: &str) -> bool {
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

/// Registered names print full-width brackets; OCR may return ( 〈 《 for them.
fn full_width_bracket(c: char) -> char {
    match c {
        '(' | '〈' | '《' | '<' | '［' | '[' | '{' | '｛' => '（',
        ')' | '〉' | '》' | '>' | '］' | ']' | '}' | '｝' => '）',
        _ => c,
    }
}

/// The full-width form Chinese text prints of punctuation OCR may return as ASCII; hyphens,
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
        [y, m, d, ..] if (1900..=2200).contains(y) => (*y, *m, *d),
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// One file's outcome in a batch: a bad file is an error of its own, never the batch's.
pub struct FileResult {
    pub path: std::path::PathBuf,
    pub result: Result<OcrOutput>,
}

/// Reads `paths` as documents of `kind` on up to `available_parallelism` threads (one model,
/// shared), results in the order given.
pub fn read_files(paths: &[std::path::PathBuf], kind: DocKind) -> Result<Vec<FileResult>> {
    let jobs: Vec<(std::path::PathBuf, DocKind)> = paths.iter().map(|p| (p.clone(), kind)).collect();
    read_jobs(&jobs)
}

/// Like [`read_files`], each file with its own kind.
pub fn read_jobs(jobs: &[(std::path::PathBuf, DocKind)]) -> Result<Vec<FileResult>> {
    read_jobs_with_progress(jobs, &|_| {})
}

/// [`read_jobs`], calling `done` with the number of files finished after each one (from the
/// worker threads), for a progress bar.
pub fn read_jobs_with_progress(
    jobs: &[(std::path::PathBuf, DocKind)],
    done: &(dyn Fn(usize) + Sync),
) -> Result<Vec<FileResult>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len()).max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(jobs.len()));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((path, kind)) = jobs.get(i) else { return };
                        let result = read_file(path, *kind);
                        let finished = match results.lock() {
                            Ok(mut finished) => {
                                finished.push((i, FileResult { path: path.clone(), result }));
                                finished.len()
                            }
                            Err(_) => continue,
                        };
                        done(finished);
                    }
                })
            })
            .collect();
        handles.into_iter().try_for_each(|handle| handle.join().map_err(|_| worker_stopped()))
    })?;
    let mut results = results.into_inner().map_err(|_| worker_stopped())?;
    results.sort_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

fn worker_stopped() -> Error {
    Error::input("OCR 失败：读取线程意外停止", "OCR failed: a reading thread stopped")
}

/// Sets up a process that reads documents, before anything else runs: ONNX Runtime 1.29 and
/// later send usage events to Microsoft from Linux and macOS unless `ORT_DISABLE_TELEMETRY=1` is
/// in the environment before the library initialises (onnxruntime pull request 27379); the API
/// switch `ort` calls only drops some of them. qualkit-ocr refuses to start ONNX Runtime without
/// it, and reads with rten instead.
///
/// Without it the binary re-executes itself with it (Unix; on failure it carries on as it is,
/// and the reader falls back to rten). A binary that OCRs calls this first.
pub fn set_up_reading_process() {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let telemetry = qualkit_ocr::models::TELEMETRY_OFF_ENV;
        if std::env::var(telemetry).is_ok_and(|v| v == "1") {
            return;
        }
        let Ok(exe) = std::env::current_exe() else { return };
        let _exec_failed = std::process::Command::new(exe).args(std::env::args_os().skip(1)).env(telemetry, "1").exec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value read with no character doubted.
    fn sure(text: &str) -> Vec<(char, bool)> {
        text.chars().map(|c| (c, false)).collect()
    }

    #[test]
    fn a_stray_quotation_mark_in_a_company_name_is_dropped_and_doubted() {
        let (value, uncertain) = finish("name", &sure("瑞丰“（厦门）信息技术有限公司"));
        assert_eq!(value, "瑞丰（厦门）信息技术有限公司");
        assert_eq!(uncertain, vec![1, 2]);
    }

    #[test]
    fn chinese_text_is_returned_with_the_punctuation_it_prints() {
        // ASCII punctuation back to full width; an unpaired quotation mark (read into a gap) is
        // dropped and its neighbours doubted; the scope's closing full stop is kept.
        let found = finish("scope", &sure("一般项目:技术推”广;软件开发(除许可)。"));
        assert_eq!(found, ("一般项目：技术推广；软件开发（除许可）。".into(), vec![7, 8]));
        // Paired quotation marks are the document's own.
        assert_eq!(finish("scope", &sure("销售“云帆”牌产品")), ("销售“云帆”牌产品".into(), vec![]));
        // Text without Chinese keeps its ASCII marks.
        assert_eq!(finish("app_name", &sure("Yunfan:Travel")).0, "Yunfan:Travel");
    }

    #[test]
    fn a_character_a_field_cannot_print_is_doubted_however_sure_the_read() {
        // 壹 read as 过, surely: no capital amount holds 过.
        assert_eq!(finish("registered_capital", &sure("过佰万元整")), ("过佰万元整".into(), vec![0]));
        assert_eq!(finish("registered_capital", &sure("人民币壹仟万元整")), ("人民币壹仟万元整".into(), vec![]));
    }

    #[test]
    fn a_doubted_character_stays_doubted_where_it_ends_up() {
        // Brackets folded, the leading colon trimmed: the doubted 帆 is still the one marked.
        let mut read = sure("：厦门云帆(海沧)科技有限公司");
        if let Some(c) = read.get_mut(4) {
            c.1 = true;
        }
        assert_eq!(finish("name", &read), ("厦门云帆（海沧）科技有限公司".into(), vec![3]));
    }

    #[test]
    fn a_date_with_a_stray_character_is_doubted() {
        assert_eq!(finish("established", &sure("2019年1]月19日")), ("2019-01-19".into(), (0..10).collect()));
        assert_eq!(finish("established", &sure("2019年11月19日")), ("2019-11-19".into(), vec![]));
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
        let kept = |text: &str| -> String { trim_punctuation(&sure(text), false).iter().map(|p| p.0).collect() };
        assert_eq!(kept("：有限责任公司〈自然人投资或控股)。"), "有限责任公司〈自然人投资或控股)");
        assert_eq!(kept("某某科技有限公司)"), "某某科技有限公司");
    }
}
