//! qualkit (资质助手): prepares and checks SMS qualification packages for Chinese cloud SMS
//! vendors, offline.
//!
//! Stages, each a module: read (`case` folder, `store`, `ocr`) → check (`ident`, `requirements`,
//! `checks`, against the vendor `profile`s) → render (`letter` and `report`, laid out by `pdf`
//! in the `font` found on the system) → plan (`icp` verification SMS). The `qualkit` binary and
//! the desktop shell are thin layers over this API.

pub mod case;
pub mod checks;
pub mod error;
pub mod export;
pub mod fields;
pub mod font;
pub mod guide;
pub mod history;
pub mod i18n;
pub mod icp;
pub mod ident;
pub mod letter;
pub mod lint;
pub mod matching;
pub mod ocr;
pub mod pdf;
pub mod portfolio;
pub mod profile;
pub mod reading;
pub mod report;
pub mod requirements;
pub mod rules;
pub mod scan;
pub mod settings;
pub mod sources;
pub mod store;
pub mod submission;
pub mod template;
pub mod text;
pub mod upload;

use std::path::{Path, PathBuf};

pub use error::{Error, Result};
pub use i18n::{Lang, Text};
pub use store::Store;

use case::Vendor;
use profile::VendorProfile;
use requirements::{CheckReport, VendorReport};

/// Environment variable that overrides the data directory (shared/spec/cli.md).
pub const DATA_DIR_ENV: &str = "QUALKIT_DATA_DIR";

/// The platform data directory shared by the CLI and the desktop app
/// (`~/.local/share/qualkit` on Linux), unless `QUALKIT_DATA_DIR` says otherwise.
pub const EXPORT_DIR_ENV: &str = "QUALKIT_EXPORT_DIR";

/// Where the app suggests saving documents and bundles: `$QUALKIT_EXPORT_DIR`, or
/// `Documents/qualkit`.
pub fn default_export_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(EXPORT_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::document_dir().or_else(dirs::home_dir).unwrap_or_else(|| PathBuf::from(".")).join("qualkit")
}

pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("qualkit")
}

/// Checks a stored case against each vendor: the case's own vendors, or all five when it
/// names none, or just `only` when given.
pub fn check_case(store: &Store, id: &str, only: Option<Vendor>) -> Result<CheckReport> {
    check_loaded_case(store, &store.case(id)?, only)
}

/// [`check_case`] for a case the caller has already read from the store.
pub fn check_loaded_case(store: &Store, case: &store::Case, only: Option<Vendor>) -> Result<CheckReport> {
    let vendors: Vec<Vendor> = match only {
        Some(v) => vec![v],
        None if case.data.vendors.is_empty() => Vendor::ALL.to_vec(),
        None => case.data.vendors.clone(),
    };
    let today = chrono::Local::now().date_naive();
    let readings = store.case_readings(case)?;
    let colours = material_colours(store, case);
    let handler_elsewhere = match case.data.handler.as_ref().and_then(|h| h.id_number.as_deref()) {
        Some(id_number) if !id_number.trim().is_empty() => store.cases_with_handler(id_number.trim(), &case.id)?,
        _ => Vec::new(),
    };
    let evidence =
        checks::Evidence { readings: &readings, colours: &colours, today, handler_elsewhere: &handler_elsewhere };
    let mut report = CheckReport { id: case.id.clone(), vendors: Default::default() };
    for vendor in vendors {
        let profile = VendorProfile::get(vendor)?;
        let checklist = requirements::checklist(case, profile, today);
        let findings = checks::case_findings(case, profile, &evidence)?;
        report.vendors.insert(vendor, VendorReport::new(profile, checklist, findings));
    }
    Ok(report)
}

/// What OCR made of one material of a case.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MaterialRead {
    pub material: i64,
    pub role: case::Role,
    pub kind: reading::DocKind,
    /// The fields read, or the error that file gave (the others are still read).
    pub fields: usize,
    pub warnings: Vec<Text>,
    pub error: Option<Text>,
    pub elapsed_ms: u64,
}

/// Reads with OCR every image material of a case that has no reading yet, and stores the
/// readings by file content. A reading that exists (from OCR or confirmed by a person) is never
/// replaced, so a correction survives any number of checks.
pub fn read_materials(store: &mut Store, id: &str) -> Result<Vec<MaterialRead>> {
    read_materials_with_progress(store, id, &|_| {})
}

/// [`read_materials`], telling `progress` as each material is read (from OCR worker threads).
pub fn read_materials_with_progress(
    store: &mut Store,
    id: &str,
    progress: &(dyn Fn(&export::Progress) + Sync),
) -> Result<Vec<MaterialRead>> {
    let case = store.case(id)?;
    let mut pending = Vec::new();
    for material in &case.materials {
        let Some(kind) = reading::DocKind::for_role(material.role) else { continue };
        let ocr_kind = kind != reading::DocKind::AuthorizationLetter;
        let unread = store.reading(&material.sha256, kind)?.is_none_or(|r| r.is_stale());
        if ocr_kind && material.mime.starts_with("image/") && unread {
            pending.push((material.clone(), kind));
        }
    }
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    let jobs: Vec<(PathBuf, reading::DocKind)> =
        pending.iter().map(|(m, kind)| Ok((store.material_file(&m.sha256)?, *kind))).collect::<Result<_>>()?;
    let total = jobs.len();
    progress(&export::Progress { done: 0, total, what: Text::new("识别文字", "reading the text") });
    let results = ocr::read_jobs_with_progress(&jobs, &|done| {
        progress(&export::Progress { done, total, what: Text::new("识别文字", "reading the text") });
    })?;
    let mut out = Vec::new();
    for ((material, kind), result) in pending.into_iter().zip(results) {
        let mut row = MaterialRead {
            material: material.id,
            role: material.role,
            kind,
            fields: 0,
            warnings: Vec::new(),
            error: None,
            elapsed_ms: 0,
        };
        match result.result {
            Ok(read) => {
                store.save_new_reading(&material.sha256, &read.reading)?;
                row.fields = read.reading.fields.len();
                row.warnings = read.warnings;
                row.elapsed_ms = read.elapsed_ms;
            }
            Err(e) => row.error = Some(Text::new(e.message(Lang::Zh), e.message(Lang::En))),
        }
        out.push(row);
    }
    Ok(out)
}

/// Colour measurements of the case's licence and letter images (a black-and-white licence, a
/// letter without its red seal). A file that is not a decodable image (a PDF, a broken file) is
/// skipped here: the format rule reports it.
fn material_colours(store: &Store, case: &store::Case) -> Vec<(store::Material, scan::ColourStats)> {
    case.materials
        .iter()
        .filter(|m| {
            matches!(
                m.role,
                case::Role::BusinessLicense | case::Role::OwnerBusinessLicense | case::Role::AuthorizationLetter
            )
        })
        .filter(|m| m.mime.starts_with("image/"))
        .filter_map(|m| store.colour_stats(&m.sha256).ok().map(|stats| (m.clone(), stats)))
        .collect()
}

/// Creates a case from what the wizard's first step holds. Blank fields are dropped, so a
/// half-filled form never stores `""` where the checks expect a value or nothing.
pub fn new_case(store: &mut Store, mut data: case::CaseData) -> Result<String> {
    data.tidy();
    data.require_applicant_name()?;
    data.check_limits()?;
    store.create_case(&data)
}

/// Saves the case's declared values as the wizard edits them (one UPDATE).
pub fn save_case(store: &mut Store, id: &str, mut data: case::CaseData) -> Result<()> {
    data.tidy();
    data.require_applicant_name()?;
    data.check_limits()?;
    store.update_case(id, &data)
}

/// Saves the case's declared values if they are based on version `base` (what the editor
/// loaded); returns the new version. Somebody else's save since is refused with what it changed
/// ([`Error::Conflict`]), never overwritten.
pub fn save_case_from(store: &mut Store, id: &str, mut data: case::CaseData, base: Option<i64>) -> Result<i64> {
    data.tidy();
    data.require_applicant_name()?;
    data.check_limits()?;
    store.update_case_from(id, &data, base)
}

/// Sets case fields by their path in the case's form (`applicant.name`, `landing.domain`,
/// `templates.0.text`, `vendors` as a comma-separated list); an empty value removes the field.
/// The result must still be a valid case. Saved as [`save_case_from`].
pub fn set_case_fields(store: &mut Store, id: &str, fields: &[(String, String)], base: Option<i64>) -> Result<i64> {
    let case = store.case(id)?;
    let mut value = serde_json::to_value(&case.data).map_err(|e| Error::input(e.to_string(), e.to_string()))?;
    for (path, text) in fields {
        let new = match path.as_str() {
            "vendors" => serde_json::Value::Array(
                text.split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| serde_json::Value::String(v.into()))
                    .collect(),
            ),
            _ if text.trim().is_empty() => serde_json::Value::Null,
            _ => serde_json::Value::String(text.clone()),
        };
        set_path(&mut value, path, new)
            .ok_or_else(|| Error::input(format!("案卷没有字段“{path}”"), format!("a case has no field `{path}`")))?;
    }
    let data: case::CaseData = serde_json::from_value(value)
        .map_err(|e| Error::input(format!("修改后的案卷无效：{e}"), format!("the case would not be valid: {e}")))?;
    save_case_from(store, id, data, base)
}

/// Sets `path` (dot-separated keys, array indices as numbers) in `value`, creating objects on
/// the way; `None` when the path runs through a value that is neither object nor array.
fn set_path(value: &mut serde_json::Value, path: &str, new: serde_json::Value) -> Option<()> {
    let mut at = value;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let last = keys.peek().is_none();
        if at.is_null() {
            *at = serde_json::Value::Object(Default::default());
        }
        at = match at {
            serde_json::Value::Array(items) => items.get_mut(key.parse::<usize>().ok()?)?,
            serde_json::Value::Object(map) if last => {
                if new.is_null() {
                    map.remove(key);
                } else {
                    map.insert(key.to_string(), new);
                }
                return Some(());
            }
            serde_json::Value::Object(map) => map.entry(key.to_string()).or_insert(serde_json::Value::Null),
            _ => return None,
        };
        if last {
            *at = new;
            return Some(());
        }
    }
    None
}

/// The check report and the same verdicts regrouped by wizard step.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CaseReview {
    pub report: CheckReport,
    pub guide: guide::Guide,
}

pub fn review_case(store: &Store, id: &str) -> Result<CaseReview> {
    let case = store.case(id)?;
    let report = check_loaded_case(store, &case, None)?;
    let guide = guide::guide(&case.data, &report);
    Ok(CaseReview { report, guide })
}

/// Fixes a mismatch where the document is right: sets the case field `declared` (a finding's
/// `declared` path) to `value`, the document's text, in one transaction.
pub fn accept_document_value(store: &mut Store, id: &str, declared: &str, value: &str) -> Result<()> {
    store.exclusive(|store| {
        let mut data = store.case(id)?.data;
        checks::set_declared(&mut data, declared, value)?;
        store.update_case(id, &data)
    })
}

/// Records an event of the MIIT verification SMS (sent, resent, verified) for `role` at `at`,
/// and returns the case's tracker as it now stands.
pub fn record_icp_event(
    store: &mut Store,
    id: &str,
    role: icp::Responsible,
    event: icp::IcpEvent,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<icp::IcpTracker> {
    let no_plan = || {
        Error::input(
            format!("案卷 {id} 还没有核验计划：先选择备案类型并填写负责人手机号"),
            format!("case {id} has no verification plan: choose the filing type and the phones first"),
        )
    };
    // Counted under the write lock: two windows recording a resend at once count two.
    store.exclusive(|store| {
        let mut tracker = store.icp_tracker(id)?.ok_or_else(no_plan)?;
        let state = tracker.record(role, event, at)?;
        store.save_icp_message(id, &state)?;
        store.icp_tracker(id)?.ok_or_else(no_plan)
    })
}

/// A material as the app shows it: what it is, its size in pixels (the frame of the field boxes),
/// and what was read from it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MaterialView {
    #[serde(flatten)]
    pub material: store::Material,
    pub label: Text,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub reading: Option<reading::Reading>,
    /// Each field of the reading named for people, as the document prints it (姓名, 法定代表人),
    /// never the key.
    pub labels: std::collections::BTreeMap<String, Text>,
}

pub fn material_views(store: &Store, id: &str) -> Result<Vec<MaterialView>> {
    let case = store.case(id)?;
    let mut views = Vec::with_capacity(case.materials.len());
    for material in case.materials {
        let path = store.material_file(&material.sha256)?;
        // The header alone gives the size; a PDF or a broken file has none.
        let size = image::ImageReader::open(&path)
            .ok()
            .and_then(|r| r.with_guessed_format().ok())
            .and_then(|r| r.into_dimensions().ok());
        let reading = match reading::DocKind::for_role(material.role) {
            Some(kind) => store.reading(&material.sha256, kind)?,
            None => None,
        };
        let labels = reading
            .iter()
            .flat_map(|r| r.fields.keys().map(move |key| (key.clone(), reading::field_label_of(r.kind, key))))
            .collect();
        views.push(MaterialView {
            label: material.role.label(),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            reading,
            labels,
            material,
        });
    }
    Ok(views)
}

/// A JPEG of the material at most `max_side` pixels on its long side, for the app's viewer.
pub fn material_thumbnail(store: &Store, id: &str, material_id: i64, max_side: u32) -> Result<Vec<u8>> {
    let case = store.case(id)?;
    let material = case.material(material_id)?;
    let picture = scan::open_image(&store.material_file(&material.sha256)?)?;
    let small = picture.thumbnail(max_side, max_side).to_rgb8();
    upload::encode_jpeg(&small, 85).ok_or_else(|| Error::input("无法生成缩略图", "cannot make the thumbnail"))
}

/// One row of the case list with per-vendor readiness, for the desktop app's first screen.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CaseOverview {
    #[serde(flatten)]
    pub summary: store::CaseSummary,
    pub ready: std::collections::BTreeMap<Vendor, bool>,
}

pub fn case_overview(store: &Store) -> Result<Vec<CaseOverview>> {
    store
        .list_cases()?
        .into_iter()
        .map(|summary| {
            let report = check_case(store, &summary.id, None)?;
            let ready = report.vendors.iter().map(|(v, r)| (*v, r.ready)).collect();
            Ok(CaseOverview { summary, ready })
        })
        .collect()
}

/// The documents `qualkit doc` generates (shared/spec/cli.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    AuthorizationLetter,
    CommitmentLetter,
    ReviewReport,
}

/// A generated PDF and what the user should know about it.
pub struct Generated {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<Text>,
    /// The placed pages, kept so the app can draw a preview ([`pdf::Layout::to_svg_pages`]).
    pub layout: pdf::Layout,
}

/// Generates a document for case `id`. Letters are for one vendor; the report covers `vendor`,
/// or every vendor of the case. The report reads unread materials first, as `case check` does.
pub fn generate_document(
    store: &mut Store,
    id: &str,
    kind: DocumentKind,
    vendor: Option<Vendor>,
    options: &letter::LetterOptions,
    lang: Lang,
) -> Result<Generated> {
    let fonts = font::cjk()?;
    let case = store.case(id)?;
    let letter_vendor = || {
        vendor.ok_or_else(|| {
            Error::input("信函须指定 --vendor（各厂商的模板不同）", "letters need --vendor (each vendor has its own)")
        })
    };
    let (layout, mut warnings, printed) = match kind {
        DocumentKind::AuthorizationLetter | DocumentKind::CommitmentLetter => {
            let profile = VendorProfile::get(letter_vendor()?)?;
            // The owner's credit code, when the case does not declare it, as the owner's licence
            // reads (a code whose check character holds; the letter says it was read).
            let mut options = options.clone();
            if options.owner_uscc_read.is_none() {
                options.owner_uscc_read = store.case_readings(&case)?.into_iter().find_map(|(material, reading)| {
                    let field = reading.field("uscc").filter(|_| material.role == case::Role::OwnerBusinessLicense)?;
                    (field.uncertain.is_empty() && ident::validate(ident::IdKind::Uscc, &field.value).valid)
                        .then(|| field.value.clone())
                });
            }
            let options = &options;
            let letter = if kind == DocumentKind::AuthorizationLetter {
                letter::authorization_letter(&case.data, profile, options)?
            } else {
                letter::commitment_letter(&case.data, profile, options)?
            };
            let printed = letter::printed_text(&letter);
            (letter::layout(&letter, fonts), letter.warnings, printed)
        }
        DocumentKind::ReviewReport => {
            let mut warnings = Vec::new();
            for read in read_materials(store, id)? {
                if let Some(error) = read.error {
                    warnings.push(Text::new(
                        format!("{} #{} 无法识别：{}", read.role.label().zh, read.material, error.zh),
                        format!("{} #{} could not be read: {}", read.role.label().en, read.material, error.en),
                    ));
                }
            }
            let report = check_loaded_case(store, &case, vendor)?;
            let layout = report::review_report(store, &case, &report, lang, options.date, fonts)?;
            (layout, warnings, String::new())
        }
    };
    let missing = layout.missing_glyphs(&printed);
    if !missing.is_empty() {
        let chars: String = missing.iter().collect();
        warnings.push(Text::new(
            format!("字体里没有这些字，打印出来是空框：{chars}"),
            format!("the font has no glyph for these characters, which print as empty boxes: {chars}"),
        ));
    }
    let pdf = layout.to_pdf()?;
    Ok(Generated { pdf, pages: layout.page_count(), warnings, layout })
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees half a file and a failure leaves any earlier file untouched.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A folder the user named but has not made yet is made, as a save dialog would.
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
