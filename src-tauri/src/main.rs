//! The desktop shell. It lists commands that call the qualkit core and nothing else: no rules,
//! no file formats, no SQL. Long work runs off the main thread (`spawn_blocking`) so the window
//! never freezes.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::collections::BTreeMap;
use std::path::PathBuf;

use qualkit::case::{ApplicantKind, CaseData, Role, SignatureSource, TemplateType, VarType, Vendor};
use qualkit::export::{ExportOptions, Outcome, Progress};
use qualkit::guide::KindFacts;
use qualkit::icp::{FilingType, IcpEvent, IcpPlan, IcpTracker, Responsible};
use qualkit::ident::{IdKind, Validation};
use qualkit::letter::LetterOptions;
use qualkit::lint::{self, SignatureContext, SignatureLint, TemplateInput, TemplateLint};
use qualkit::profile::VendorProfile;
use qualkit::store::{Case, Material};
use qualkit::{CaseOverview, CaseReview, DocumentKind, MaterialRead, MaterialView, Store, Text};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

/// What a failed command returns to the UI: a stable code and the message in both languages.
#[derive(Debug, Serialize)]
struct CommandError {
    code: &'static str,
    message: Text,
}

impl From<qualkit::Error> for CommandError {
    fn from(e: qualkit::Error) -> Self {
        let code = match &e {
            // A save based on an old version: the UI offers to reload the case.
            qualkit::Error::Conflict { .. } => "conflict",
            _ if e.is_user_input() => "input",
            _ => "internal",
        };
        CommandError { code, message: Text::new(e.message(qualkit::Lang::Zh), e.message(qualkit::Lang::En)) }
    }
}

type CommandResult<T> = Result<T, CommandError>;

fn data_dir() -> PathBuf {
    qualkit::default_data_dir()
}

/// Runs core work on a blocking thread with a freshly opened store (SQLite in WAL mode lets
/// the CLI and the app use the same database at once).
async fn with_store<T: Send + 'static>(
    work: impl FnOnce(&mut Store) -> qualkit::Result<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let mut store = Store::open_configured(&data_dir())?;
        work(&mut store)
    })
    .await
    .map_err(background_failed)?
    .map_err(CommandError::from)
}

fn background_failed(e: tauri::Error) -> CommandError {
    CommandError {
        code: "internal",
        message: Text::new(format!("后台任务失败：{e}"), format!("background task failed: {e}")),
    }
}

#[derive(Serialize)]
struct AppInfo {
    version: &'static str,
    data_dir: String,
    /// Where documents and bundles are suggested to go.
    export_dir: String,
}

#[tauri::command]
fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        data_dir: data_dir().display().to_string(),
        export_dir: qualkit::default_export_dir().display().to_string(),
    }
}

#[tauri::command]
async fn list_cases() -> CommandResult<Vec<CaseOverview>> {
    with_store(|store| qualkit::case_overview(store)).await
}

#[tauri::command]
async fn get_case(id: String) -> CommandResult<Case> {
    with_store(move |store| store.case(&id)).await
}

#[tauri::command]
async fn import_case(dir: String) -> CommandResult<String> {
    with_store(move |store| qualkit::export::import_case(store, &PathBuf::from(dir))).await
}

#[tauri::command]
async fn delete_case(id: String) -> CommandResult<()> {
    with_store(move |store| store.delete_case(&id)).await
}

/// Creates a case from the wizard's first step; returns its id.
#[tauri::command]
async fn new_case(data: CaseData) -> CommandResult<String> {
    with_store(move |store| qualkit::new_case(store, data)).await
}

/// Saves the declared values a wizard step edited, if the case is still at `version` (what the
/// form was loaded from); returns the new version.
#[tauri::command]
async fn save_case(id: String, data: CaseData, version: Option<i64>) -> CommandResult<i64> {
    with_store(move |store| qualkit::save_case_from(store, &id, data, version)).await
}

/// Records that the case was submitted to `vendor`.
#[tauri::command]
async fn record_submission(
    id: String,
    vendor: Vendor,
    items: Vec<qualkit::submission::Item>,
) -> CommandResult<qualkit::submission::Submission> {
    with_store(move |store| store.record_submission(&id, vendor, &items, None)).await
}

/// Records the vendor's answer to the latest submission: approved, or rejected with the reason.
#[tauri::command]
async fn record_outcome(
    id: String,
    vendor: Vendor,
    approved: bool,
    reason: Option<String>,
) -> CommandResult<qualkit::submission::Submission> {
    use qualkit::submission::Outcome;
    let outcome = if approved { Outcome::Approved } else { Outcome::Rejected };
    with_store(move |store| store.record_outcome(&id, vendor, outcome, reason.as_deref(), None)).await
}

#[tauri::command]
async fn case_submissions(id: String) -> CommandResult<Vec<qualkit::submission::Submission>> {
    with_store(move |store| store.submissions(&id)).await
}

/// What the settings panel shows: who this desktop's changes are recorded as (and the name
/// saved for that), and the case store in use, its password masked.
#[derive(Serialize)]
struct SettingsView {
    staff: Option<String>,
    recorded_as: String,
    /// The team store in use, `None` for the data folder's own.
    team_store: Option<String>,
    /// The team store is named by `QUALKIT_DATABASE_URL`, which a saved one does not override.
    team_store_from_env: bool,
}

fn settings_view() -> CommandResult<SettingsView> {
    let dir = data_dir();
    Ok(SettingsView {
        staff: qualkit::settings::Settings::load(&dir).staff,
        recorded_as: qualkit::history::staff(&dir),
        team_store: qualkit::store::configured_team_url(&dir)?.map(|url| url.shown().to_string()),
        team_store_from_env: qualkit::store::database_url_from_env().is_some(),
    })
}

#[tauri::command]
fn get_settings() -> CommandResult<SettingsView> {
    settings_view()
}

#[tauri::command]
fn save_staff(name: String) -> CommandResult<SettingsView> {
    let dir = data_dir();
    let mut settings = qualkit::settings::Settings::load(&dir);
    settings.set_staff(&name)?;
    settings.save(&dir)?;
    settings_view()
}

/// Puts the cases on the team store at `url` once it answers (empty: back on this desktop's
/// own store). Off the main thread: an unreachable server takes its connect timeout to say so.
#[tauri::command]
async fn save_team_store(url: String) -> CommandResult<SettingsView> {
    tauri::async_runtime::spawn_blocking(move || {
        let dir = data_dir();
        let mut settings = qualkit::settings::Settings::load(&dir);
        settings.set_database_url(&dir, &url)?;
        settings.save(&dir)?;
        settings_view()
    })
    .await
    .map_err(background_failed)?
}

/// What changed in the case, when and by whom.
#[tauri::command]
async fn case_history(id: String) -> CommandResult<Vec<qualkit::history::Event>> {
    with_store(move |store| store.history(&id)).await
}

/// Every case with its coming deadlines; `due` keeps those within that long (`30d`), and the
/// other filters those of a vendor, a submission status or a staff member.
#[tauri::command]
async fn portfolio(
    due: Option<String>,
    vendor: Option<Vendor>,
    status: Option<String>,
    staff: Option<String>,
) -> CommandResult<Vec<qualkit::portfolio::Entry>> {
    with_store(move |store| {
        let staff = staff.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let due_within = qualkit::portfolio::due_within(due.as_deref())?;
        let filter = qualkit::portfolio::Filter { due_within, vendor, status, staff };
        qualkit::portfolio::portfolio(store, chrono::Utc::now(), &filter)
    })
    .await
}

#[tauri::command]
async fn duplicate_case(id: String) -> CommandResult<String> {
    with_store(move |store| store.duplicate_case(&id)).await
}

/// The check report and the wizard's per-step guide, from one run of the checks.
#[tauri::command]
async fn review_case(id: String) -> CommandResult<CaseReview> {
    with_store(move |store| qualkit::review_case(store, &id)).await
}

/// What enterprises and individuals can and cannot do, for the wizard's first step.
#[tauri::command]
fn applicant_kinds() -> CommandResult<Vec<KindFacts>> {
    Ok(qualkit::guide::applicant_kinds()?)
}

/// Fixes a mismatch where the document is right: the case field takes the document's value.
#[tauri::command]
async fn accept_document_value(id: String, declared: String, value: String) -> CommandResult<()> {
    with_store(move |store| qualkit::accept_document_value(store, &id, &declared, &value)).await
}

/// Fixes a mismatch where OCR misread the document: a person confirms what it shows.
#[tauri::command]
async fn confirm_reading(id: String, material_id: i64, field: String, value: String) -> CommandResult<()> {
    with_store(move |store| store.confirm_fields(&id, material_id, &[(field, value)]).map(|_| ())).await
}

/// OCR of every material not read yet (the slow part of a first check), sending
/// `ocr-progress` events as each material is read.
#[tauri::command]
async fn read_materials(app: AppHandle, id: String) -> CommandResult<Vec<MaterialRead>> {
    with_store(move |store| {
        let progress = |p: &Progress| {
            // A lost progress event only leaves the bar behind; the result still arrives.
            let _ = app.emit("ocr-progress", p);
        };
        qualkit::read_materials_with_progress(store, &id, &progress)
    })
    .await
}

/// The case's materials with their pixel size and what was read from each.
#[tauri::command]
async fn case_materials(id: String) -> CommandResult<Vec<MaterialView>> {
    with_store(move |store| qualkit::material_views(store, &id)).await
}

/// A material as a JPEG of at most 1200 px, sent as raw bytes (no base64 over IPC).
#[tauri::command]
async fn material_image(id: String, material_id: i64) -> CommandResult<tauri::ipc::Response> {
    with_store(move |store| qualkit::material_thumbnail(store, &id, material_id, 1200))
        .await
        .map(tauri::ipc::Response::new)
}

/// Adds the file at `path` to the case as a material of `role`.
#[tauri::command]
async fn add_material(id: String, role: Role, path: String) -> CommandResult<Material> {
    with_store(move |store| store.add_material(&id, role, &PathBuf::from(path))).await
}

#[tauri::command]
async fn remove_material(id: String, material_id: i64) -> CommandResult<()> {
    with_store(move |store| store.remove_material(&id, material_id)).await
}

/// What a native file dialog may offer.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Pick {
    /// Scans and photos to add as materials.
    Materials,
    /// A case folder's `case.toml` or a bundle zip to import.
    Import,
}

/// The native file picker. It runs here, not in the page, so the UI never gets file access:
/// it receives paths, and every read goes through a command that checks what it reads.
#[tauri::command]
async fn pick_files(app: AppHandle, what: Pick) -> CommandResult<Vec<String>> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let dialog = app.dialog().file();
        let dialog = match what {
            Pick::Materials => dialog
                .set_title("选择材料 Choose materials")
                .add_filter("图片或 PDF / Images or PDF", &["jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff", "pdf"]),
            Pick::Import => dialog
                .set_title("导入案卷 Import a case")
                .add_filter("case.toml 或 zip / case.toml or zip", &["toml", "zip"]),
        };
        dialog.blocking_pick_files().unwrap_or_default()
    })
    .await
    .map_err(|e| CommandError {
        code: "internal",
        message: Text::new(format!("无法打开文件对话框：{e}"), format!("cannot open the file dialog: {e}")),
    })?;
    Ok(picked.into_iter().filter_map(|p| p.into_path().ok()).map(|p| p.display().to_string()).collect())
}

/// Shows a written document or bundle in the system file manager.
#[tauri::command]
fn reveal_path(app: AppHandle, path: String) -> CommandResult<()> {
    app.opener().reveal_item_in_dir(&path).map_err(|e| CommandError {
        code: "input",
        message: Text::new(
            format!("无法在文件管理器中显示 {path}：{e}"),
            format!("cannot show {path} in the file manager: {e}"),
        ),
    })
}

#[derive(Serialize)]
struct RoleInfo {
    role: Role,
    label: Text,
}

/// Every material role with its label, for the add-material form.
#[tauri::command]
fn material_roles() -> Vec<RoleInfo> {
    Role::ALL.iter().map(|role| RoleInfo { role: *role, label: role.label() }).collect()
}

#[derive(Serialize)]
struct DocumentWritten {
    path: String,
    pages: usize,
    bytes: usize,
    warnings: Vec<Text>,
    /// Each page as SVG: WebKitGTK cannot show the PDF itself.
    preview: Vec<String>,
}

/// Generates a letter or the review report, writes it to `out` (temp file + rename) and returns
/// its pages as SVG for the preview.
#[tauri::command]
async fn generate_document(
    id: String,
    kind: DocumentKind,
    vendor: Option<Vendor>,
    out: String,
) -> CommandResult<DocumentWritten> {
    with_store(move |store| {
        let options = LetterOptions::new(chrono::Local::now().date_naive());
        let generated = qualkit::generate_document(store, &id, kind, vendor, &options, qualkit::Lang::Zh)?;
        let path = PathBuf::from(&out);
        qualkit::write_file_atomically(&path, &generated.pdf)?;
        Ok(DocumentWritten {
            path: out,
            pages: generated.pages,
            bytes: generated.pdf.len(),
            preview: generated.layout.to_svg_pages()?,
            warnings: generated.warnings,
        })
    })
    .await
}

/// Exports the bundle, sending `export-progress` events as each file is prepared.
#[tauri::command]
async fn export_case(app: AppHandle, id: String, vendor: Vendor, out: String, force: bool) -> CommandResult<Outcome> {
    with_store(move |store| {
        let options = ExportOptions { force, date: chrono::Local::now().date_naive() };
        let mut progress = |p: &Progress| {
            // A lost progress event only leaves the bar behind; the result still arrives.
            let _ = app.emit("export-progress", p);
        };
        qualkit::export::export_case_with_progress(store, &id, vendor, &PathBuf::from(out), &options, &mut progress)
    })
    .await
}

/// Plans the MIIT verification SMS for the case's filing and returns its tracker.
#[tauri::command]
async fn icp_plan(
    id: String,
    filing_type: String,
    subject_phone: Option<String>,
    site_phone: Option<String>,
) -> CommandResult<IcpTracker> {
    with_store(move |store| {
        let filing_type = FilingType::parse(&filing_type)
            .ok_or_else(|| qualkit::Error::input("未知的备案类型", "unknown filing type"))?;
        let plan = IcpPlan::new(filing_type, subject_phone.as_deref(), site_phone.as_deref())?;
        store.set_icp_plan(&id, &plan)?;
        store.icp_tracker(&id)?.ok_or_else(|| qualkit::Error::input("计划未保存", "the plan was not saved"))
    })
    .await
}

/// The case's verification SMS tracker, if it has a plan.
#[tauri::command]
async fn icp_status(id: String) -> CommandResult<Option<IcpTracker>> {
    with_store(move |store| store.icp_tracker(&id)).await
}

/// Records that `role`'s SMS was sent, resent or verified, now.
#[tauri::command]
async fn icp_mark(id: String, role: String, event: String) -> CommandResult<IcpTracker> {
    with_store(move |store| {
        let role = Responsible::parse(&role).ok_or_else(|| qualkit::Error::input("未知的角色", "unknown role"))?;
        let event = IcpEvent::parse(&event).ok_or_else(|| qualkit::Error::input("未知的事件", "unknown event"))?;
        qualkit::record_icp_event(store, &id, role, event, chrono::Utc::now())
    })
    .await
}

#[tauri::command]
fn validate_identifier(kind: IdKind, value: String) -> Validation {
    qualkit::ident::validate(kind, &value)
}

#[tauri::command]
fn lint_signature(
    vendor: Vendor,
    name: String,
    source: Option<SignatureSource>,
    company: Option<String>,
) -> CommandResult<SignatureLint> {
    let profile = VendorProfile::get(vendor)?;
    let context = SignatureContext { source, company: company.as_deref(), ..Default::default() };
    Ok(lint::lint_signature(profile, &name, &context)?)
}

#[tauri::command]
fn lint_template(
    vendor: Vendor,
    kind: TemplateType,
    applicant: ApplicantKind,
    signature: Option<String>,
    text: String,
    values: BTreeMap<String, String>,
    types: Option<BTreeMap<String, VarType>>,
) -> CommandResult<TemplateLint> {
    let profile = VendorProfile::get(vendor)?;
    let types = types.unwrap_or_default();
    let input =
        TemplateInput { kind, text: &text, applicant, signature: signature.as_deref(), values: &values, types: &types };
    Ok(lint::lint_template(profile, &input)?)
}

fn main() {
    // ONNX Runtime's telemetry is off only when a variable is set before the library loads, so
    // this re-executes the app once with it.
    qualkit::ocr::set_up_reading_process();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(tauri::generate_handler![
            app_info,
            list_cases,
            get_case,
            import_case,
            delete_case,
            new_case,
            save_case,
            case_history,
            portfolio,
            record_submission,
            record_outcome,
            case_submissions,
            get_settings,
            save_team_store,
            save_staff,
            duplicate_case,
            review_case,
            applicant_kinds,
            read_materials,
            case_materials,
            material_image,
            add_material,
            remove_material,
            pick_files,
            reveal_path,
            material_roles,
            accept_document_value,
            confirm_reading,
            generate_document,
            export_case,
            icp_plan,
            icp_status,
            icp_mark,
            validate_identifier,
            lint_signature,
            lint_template
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("qualkit-app: {e}");
        std::process::exit(1);
    }
}
