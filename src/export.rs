//! The per-vendor submission bundle: the materials in the order the
//! vendor's form asks for them, fitted to its upload rules; the generated letters; the
//! templates in the vendor's variable syntax; the field sheet of the vendor's form and API
//! fields (`fields.json`, `fields.txt`); the application description; a `case.toml` that names
//! the bundle's own files (so `case import` takes the bundle back); and `manifest.json` with
//! every file's size and SHA-256, the profile version and every finding.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::{Role, SignatureUse, Vendor};
use crate::error::{Error, Result};
use crate::fields::{self, BundlePath, SheetInput};
use crate::i18n::Text;
use crate::letter::LetterOptions;
use crate::profile::VendorProfile;
use crate::reading::Reading;
use crate::requirements::{ChecklistItem, Finding, VendorReport};
use crate::store::{Case, Material, Store};
use crate::{DocumentKind, Lang, upload};

pub const MANIFEST: &str = "manifest.json";
pub const FORMAT: &str = "qualkit-bundle/1";

#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Write the bundle even with blocking findings; they are recorded in the manifest.
    pub force: bool,
    /// The date printed on the letters and recorded in the manifest.
    pub date: NaiveDate,
}

#[derive(Clone, Debug, Serialize)]
pub struct BundleFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The material's original file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    pub format: &'static str,
    pub case_id: String,
    pub vendor: Vendor,
    pub profile_version: String,
    pub date: NaiveDate,
    pub ready: bool,
    pub forced: bool,
    pub files: Vec<BundleFile>,
    /// The vendor's checklist: with `forced`, the items still missing or invalid.
    pub checklist: Vec<ChecklistItem>,
    pub findings: Vec<Finding>,
    /// What the export itself could not do (a letter the case cannot fill, a file it could not
    /// fit), in both languages.
    pub notes: Vec<Text>,
}

/// What an export did: written, or refused because the vendor would reject the package.
#[derive(Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    Written { path: PathBuf, manifest: Manifest },
    Refused { report: VendorReport },
}

/// Exports case `id` for `vendor` to `out`, which must not exist yet: a zip when it ends in
/// `.zip`, otherwise a folder. Files are written to the bundle one at a time, so memory holds
/// one decoded photo, not the whole bundle.
pub fn export_case(
    store: &mut Store,
    id: &str,
    vendor: Vendor,
    out: &Path,
    options: &ExportOptions,
) -> Result<Outcome> {
    export_case_with_progress(store, id, vendor, out, options, &mut |_| {})
}

/// Where an export is, for a progress bar: step `done` of `total`, and what it is doing.
#[derive(Clone, Debug, Serialize)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub what: Text,
}

/// [`export_case`], telling `progress` before each step (the checks, each material, each
/// letter, the texts), so the app can show a bar while ten photos are re-encoded.
pub fn export_case_with_progress(
    store: &mut Store,
    id: &str,
    vendor: Vendor,
    out: &Path,
    options: &ExportOptions,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Outcome> {
    if out.exists() {
        return Err(Error::input(
            format!("{} 已存在：请换一个导出位置，或先删除它", out.display()),
            format!("{} already exists: choose another place, or remove it first", out.display()),
        ));
    }
    let profile = VendorProfile::get(vendor)?;
    let case = store.case(id)?;
    // Checks, each material, two letters at most, the texts.
    let total = case.materials.len() + 4;
    let mut done = 0;
    let mut step = |what: Text| {
        progress(&Progress { done, total, what });
        done += 1;
    };
    step(Text::new("读取材料并核对", "reading the materials and checking"));
    crate::read_materials(store, id)?;
    let mut report = crate::check_loaded_case(store, &case, Some(vendor))?;
    let Some(verdict) = report.vendors.remove(&vendor) else {
        return Err(Error::input("没有这个厂商的检查结果", "no check result for this vendor"));
    };
    if !verdict.ready && !options.force {
        return Ok(Outcome::Refused { report: verdict });
    }
    let mut bundle = Bundle::create(out)?;
    let mut notes = Vec::new();
    let mut paths = Vec::new();
    for (index, material) in ordered_materials(&case, profile).into_iter().enumerate() {
        let label = material.role.label();
        step(Text::new(format!("处理{}", label.zh), format!("preparing the {}", label.en)));
        let (name, bytes) = material_file(store, material, profile, index + 1, &mut notes)?;
        let path = format!("materials/{name}");
        bundle.add(&path, &bytes, Some(material))?;
        paths.push(BundlePath { role: material.role, path, generated: false });
    }
    let letter_options = LetterOptions::new(options.date);
    let mut letters = Vec::new();
    if case.data.signature.as_ref().is_some_and(|s| s.usage == SignatureUse::ThirdParty) {
        letters.push((
            DocumentKind::AuthorizationLetter,
            Role::AuthorizationLetter,
            "authorization-letter",
            "授权委托书",
        ));
    }
    if profile.materials.iter().any(|m| m.role == Role::CommitmentLetter) {
        letters.push((DocumentKind::CommitmentLetter, Role::CommitmentLetter, "commitment-letter", "合规使用承诺函"));
    }
    for (kind, role, ascii, chinese) in letters {
        step(Text::new(format!("生成{chinese}"), format!("generating the {ascii}")));
        let name = if profile.files.ascii_names.value { ascii } else { chinese };
        match crate::generate_document(store, id, kind, Some(vendor), &letter_options, Lang::Zh) {
            Ok(generated) => {
                let path = format!("letters/{name}.pdf");
                bundle.add(&path, &generated.pdf, None)?;
                paths.push(BundlePath { role, path, generated: true });
            }
            Err(e) => notes.push(Text::new(
                format!("没有生成{chinese}：{}", e.message(Lang::Zh)),
                format!("the {ascii} was not generated: {}", e.message(Lang::En)),
            )),
        }
    }
    step(Text::new("写出字段表和清单", "writing the field sheet and the manifest"));
    let readings: Vec<(Role, Reading)> =
        store.case_readings(&case)?.into_iter().map(|(material, reading)| (material.role, reading)).collect();
    let sheet = fields::field_sheet(&SheetInput {
        case: &case.data,
        profile,
        files: &paths,
        readings: &readings,
        letter: &letter_options,
    });
    let case_materials: Vec<(Role, String)> =
        paths.iter().filter(|p| !p.generated).map(|p| (p.role, p.path.clone())).collect();
    let texts = [
        ("fields.json", to_json(&sheet)?),
        ("fields.txt", fields::sheet_text(&sheet, profile, Lang::Zh)),
        ("templates.txt", templates_text(&case, profile)),
        ("application.txt", application_text(&case)),
        (crate::case::CASE_FILE_NAME, crate::case::to_toml(&case.data, &case_materials)?),
    ];
    for (name, text) in texts {
        // A case without templates or a landing application gets no empty files.
        if !text.is_empty() {
            bundle.add(name, text.as_bytes(), None)?;
        }
    }
    let manifest = Manifest {
        format: FORMAT,
        case_id: case.id.clone(),
        vendor,
        profile_version: profile.version.clone(),
        date: options.date,
        ready: verdict.ready,
        forced: options.force && !verdict.ready,
        files: bundle.files.clone(),
        checklist: verdict.checklist,
        findings: verdict.findings,
        notes,
    };
    bundle.add(MANIFEST, to_json(&manifest)?.as_bytes(), None)?;
    bundle.finish(out)?;
    let forced = if manifest.forced { " (--force)" } else { "" };
    let detail = format!("{vendor}: {}{forced}", out.display());
    store.record_event(id, crate::history::EventKind::Exported, &detail)?;
    progress(&Progress { done: total, total, what: Text::new("完成", "done") });
    Ok(Outcome::Written { path: out.to_path_buf(), manifest })
}

fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| Error::input(e.to_string(), e.to_string()))
}

/// The case's materials in the order the vendor's list names their roles, then the rest.
fn ordered_materials<'a>(case: &'a Case, profile: &VendorProfile) -> Vec<&'a Material> {
    let rank = |role: Role| profile.materials.iter().position(|m| m.role == role).unwrap_or(profile.materials.len());
    let mut materials: Vec<&Material> = case.materials.iter().collect();
    materials.sort_by_key(|m| (rank(m.role), m.id));
    materials
}

/// A material fitted to the vendor's rules, named `NN-<role>.<ext>` (Chinese role names where
/// the vendor takes them). A file that cannot be fitted goes in as it is, with a note.
fn material_file(
    store: &Store,
    material: &Material,
    profile: &VendorProfile,
    number: usize,
    notes: &mut Vec<Text>,
) -> Result<(String, Vec<u8>)> {
    let path = store.material_file(&material.sha256)?;
    let label =
        if profile.files.ascii_names.value { material.role.as_str().to_string() } else { material.role.label().zh };
    let original_extension =
        Path::new(&material.original_name).extension().and_then(|e| e.to_str()).unwrap_or("bin").to_string();
    let (bytes, extension) = match upload::fit_for_vendor(&path, material.role, profile, &Default::default()) {
        Ok(fitted) => (fitted.bytes, fitted.extension),
        Err(e) => {
            notes.push(Text::new(
                format!(
                    "{}（{}）按原样放入：{}",
                    material.role.label().zh,
                    material.original_name,
                    e.message(Lang::Zh)
                ),
                format!(
                    "{} ({}) included as it is: {}",
                    material.role.label().en,
                    material.original_name,
                    e.message(Lang::En)
                ),
            ));
            (std::fs::read(&path).map_err(|e| Error::io(&path, e))?, original_extension)
        }
    };
    let name = upload::safe_file_name(
        &format!("{number:02}-{label}"),
        &extension,
        profile,
        &format!("{number:02}-{}", material.role.as_str()),
    );
    Ok((name, bytes))
}

/// Each template in the vendor's own variable syntax, as it is pasted into the console.
fn templates_text(case: &Case, profile: &VendorProfile) -> String {
    let mut out = String::new();
    for (i, template) in case.data.templates.iter().enumerate() {
        let rendered = crate::template::parse(&template.text).render(profile.templates.variable_syntax.value);
        out.push_str(&format!("# {} {}（{}）\n{rendered}\n", i + 1, template.kind.label().zh, template.kind.as_str()));
        let input = crate::lint::TemplateInput::of_case(&case.data, template);
        // Each variable's type and the vendor's attribute for it, in the order the vendor numbers them.
        for (n, used) in crate::lint::variable_uses(profile, &input).iter().enumerate() {
            let attribute = used.attribute.as_deref().map(|a| format!("，属性 {a}")).unwrap_or_default();
            let how = if used.typed_by == crate::template::TypedBy::Declared { "声明" } else { "推断，请核对" };
            out.push_str(&format!("变量 {} ${{{}}}：{}（{how}）{attribute}\n", n + 1, used.name, used.kind.label().zh));
        }
        out.push_str(&format!("示例：{}\n\n", crate::lint::example_message(&input)));
    }
    out
}

/// What the reviewer reads: the application, how to reach it, the test account.
fn application_text(case: &Case) -> String {
    let mut out = String::new();
    if let Some(landing) = &case.data.landing {
        out.push_str(&format!("应用名称：{}\n", landing.name));
        for (label, value) in [
            ("域名", &landing.domain),
            ("ICP 备案号", &landing.icp_number),
            ("应用场景说明", &landing.scenario),
            ("审核测试账号", &landing.test_account),
        ] {
            if let Some(value) = value {
                out.push_str(&format!("{label}：{value}\n"));
            }
        }
    }
    out
}

/// A bundle being written: a folder or a zip under a temporary name beside the destination,
/// renamed into place by [`Bundle::finish`]. Dropped unfinished, it removes itself, so a failed
/// export leaves nothing behind; killed, it leaves its staging and an unlocked lock file beside
/// it, which the next export into that folder removes.
struct Bundle {
    target: Target,
    files: Vec<BundleFile>,
    /// `.qualkit-export-XXXX.lock`, locked while `.qualkit-export-XXXX` is written. Dropped
    /// after `target`, so a failed export removes its staging first.
    _lock: tempfile::NamedTempFile,
}

const EXPORT_STAGING_PREFIX: &str = ".qualkit-export-";
const LOCK_SUFFIX: &str = ".lock";

/// Removes what exports killed half-way left in `parent`: each staging whose lock file no live
/// process holds, and the lock file.
fn remove_abandoned_staging(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(staging) = name.strip_prefix(EXPORT_STAGING_PREFIX).and_then(|n| n.strip_suffix(LOCK_SUFFIX)) else {
            continue;
        };
        let Ok(lock) = std::fs::File::options().write(true).open(entry.path()) else { continue };
        if lock.try_lock().is_err() {
            continue;
        }
        let staged = parent.join(format!("{EXPORT_STAGING_PREFIX}{staging}"));
        let _ = if staged.is_dir() { std::fs::remove_dir_all(&staged) } else { std::fs::remove_file(&staged) };
        let _ = std::fs::remove_file(entry.path());
    }
}

enum Target {
    Folder(tempfile::TempDir),
    Zip(Box<zip::ZipWriter<tempfile::NamedTempFile>>),
}

impl Bundle {
    fn create(out: &Path) -> Result<Bundle> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        remove_abandoned_staging(&parent);
        let lock = tempfile::Builder::new()
            .prefix(EXPORT_STAGING_PREFIX)
            .suffix(LOCK_SUFFIX)
            .tempfile_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        lock.as_file().lock().map_err(|e| Error::io(lock.path(), e))?;
        // The staging's name is the lock's without its suffix (no random part of its own).
        let lock_name = lock.path().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let name = lock_name.strip_suffix(LOCK_SUFFIX).unwrap_or(&lock_name).to_string();
        let mut staging = tempfile::Builder::new();
        staging.prefix(&name).rand_bytes(0);
        let target = if is_zip(out) {
            Target::Zip(Box::new(zip::ZipWriter::new(staging.tempfile_in(&parent).map_err(|e| Error::io(&parent, e))?)))
        } else {
            Target::Folder(staging.tempdir_in(&parent).map_err(|e| Error::io(&parent, e))?)
        };
        Ok(Bundle { target, files: Vec::new(), _lock: lock })
    }

    /// Adds one file. Zip entries get a fixed time (1980-01-01, the format's epoch) and
    /// permissions, so the zip's bytes depend only on the files; JPEG, PNG and PDF are stored
    /// (they are compressed already), text deflated.
    fn add(&mut self, path: &str, bytes: &[u8], material: Option<&Material>) -> Result<()> {
        use std::io::Write;
        match &mut self.target {
            Target::Folder(dir) => {
                let full = dir.path().join(path);
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                }
                std::fs::write(&full, bytes).map_err(|e| Error::io(&full, e))?;
            }
            Target::Zip(writer) => {
                let compressed_already = [".jpg", ".jpeg", ".png", ".gif", ".pdf"].iter().any(|e| path.ends_with(e));
                let method =
                    if compressed_already { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(method)
                    .last_modified_time(zip::DateTime::default())
                    .unix_permissions(0o644);
                writer.start_file(path, options).map_err(zip_error)?;
                writer.write_all(bytes).map_err(|e| Error::io(Path::new(path), e))?;
            }
        }
        self.files.push(BundleFile {
            path: path.to_string(),
            bytes: bytes.len() as u64,
            sha256: crate::store::sha256_hex(bytes),
            role: material.map(|m| m.role),
            original: material.map(|m| m.original_name.clone()),
        });
        Ok(())
    }

    fn finish(self, out: &Path) -> Result<()> {
        match self.target {
            Target::Folder(dir) => {
                let staged = dir.keep();
                std::fs::rename(&staged, out).map_err(|e| {
                    let _ = std::fs::remove_dir_all(&staged);
                    Error::io(out, e)
                })
            }
            Target::Zip(writer) => {
                let file = writer.finish().map_err(zip_error)?;
                file.as_file().sync_all().map_err(|e| Error::io(out, e))?;
                // Not `persist`: it would replace a file that appeared at `out` meanwhile.
                file.persist_noclobber(out).map(|_| ()).map_err(|e| Error::io(out, e.error))
            }
        }
    }
}

fn zip_error(e: zip::result::ZipError) -> Error {
    Error::input(format!("无法写出 zip：{e}"), format!("cannot write the zip: {e}"))
}

fn is_zip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// A zip may unpack to at most this many entries and bytes; a zip bomb stops here.
const MAX_ENTRIES: usize = 5_000;
const MAX_UNPACKED_BYTES: u64 = 4 << 30;

/// Imports a case folder, a bundle folder or a bundle zip as a new case. A bundle's files are
/// checked against its manifest first, so a package altered or damaged on the way is refused
/// instead of imported. All or nothing, like [`Store::import_folder`].
pub fn import_case(store: &mut Store, path: &Path) -> Result<String> {
    // A file dialog picks the folder's `case.toml`; the case is the folder it sits in.
    let path = match path.parent() {
        Some(folder) if path.file_name().is_some_and(|n| n == crate::case::CASE_FILE_NAME) && path.is_file() => folder,
        _ => path,
    };
    if path.is_dir() {
        verify_manifest(path)?;
        return store.import_folder(path);
    }
    // Unpacked inside the data folder: private to the user, and removed when this returns (or,
    // after a kill, by the next start: the mark says the import was under way).
    let _unfinished = store.unfinished(crate::store::Lock::Shared)?;
    let staging = tempfile::Builder::new()
        .prefix(crate::store::IMPORT_STAGING_PREFIX)
        .tempdir_in(store.root())
        .map_err(|e| Error::io(store.root(), e))?;
    unpack_zip(path, staging.path())?;
    let root = bundle_root(staging.path(), path)?;
    verify_manifest(&root)?;
    store.import_folder(&root).map_err(|e| match e {
        // Name the zip, not the temporary folder the user never sees.
        Error::CaseFile { path: _, line, detail } => {
            Error::CaseFile { path: path.join(crate::case::CASE_FILE_NAME), line, detail }
        }
        other => other,
    })
}

/// Unpacks `zip` into `dir`, refusing (before writing anything outside `dir`, and without
/// following links) entries whose names could escape or deceive, links, duplicates, and more
/// than [`MAX_ENTRIES`] entries or [`MAX_UNPACKED_BYTES`] bytes.
fn unpack_zip(zip_path: &Path, dir: &Path) -> Result<()> {
    let file = std::fs::File::open(zip_path).map_err(|e| Error::io(zip_path, e))?;
    let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        Error::input(
            format!("{} 不是案卷文件夹，也不是可读的 zip：{e}", zip_path.display()),
            format!("{} is neither a case folder nor a readable zip: {e}", zip_path.display()),
        )
    })?;
    let refuse = |name: &str, zh: &str, en: &str| {
        Error::input(
            format!("zip 中的条目 {name:?} 不能导入：{zh}。整个包未导入。"),
            format!("the zip entry {name:?} cannot be imported: {en}. Nothing was imported."),
        )
    };
    if archive.len() > MAX_ENTRIES {
        return Err(Error::input(
            format!("zip 有 {} 个条目，超过上限 {MAX_ENTRIES}", archive.len()),
            format!("the zip has {} entries, more than the limit of {MAX_ENTRIES}", archive.len()),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut unpacked = 0u64;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(zip_error)?;
        let name = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        if let Err(why) = crate::case::check_relative_path(name.trim_end_matches('/')) {
            return Err(refuse(&name, &why.zh, &why.en));
        }
        let Some(relative) = entry.enclosed_name() else {
            return Err(refuse(&name, "路径会落到包外", "its path leads outside the package"));
        };
        if entry.is_symlink() {
            return Err(refuse(&name, "它是链接，不是文件", "it is a link, not a file"));
        }
        // Two names that differ only in Unicode form or letter case are one file on some disks.
        use unicode_normalization::UnicodeNormalization;
        if !seen.insert(name.nfc().collect::<String>().to_lowercase()) {
            return Err(refuse(&name, "包里有同名条目", "the package holds another entry of the same name"));
        }
        let target = dir.join(&relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut out = std::fs::File::create_new(&target).map_err(|e| Error::io(&target, e))?;
        let budget = MAX_UNPACKED_BYTES - unpacked;
        let written = std::io::copy(&mut Read::take(&mut entry, budget + 1), &mut out).map_err(|e| {
            Error::input(
                format!("zip 中的 {name:?} 无法解压：{e}"),
                format!("{name:?} in the zip cannot be unpacked: {e}"),
            )
        })?;
        unpacked += written;
        if unpacked > MAX_UNPACKED_BYTES {
            return Err(Error::input(
                format!("zip 解压后超过 {} GB，不像是案卷包", MAX_UNPACKED_BYTES >> 30),
                format!("the zip unpacks to more than {} GB; it is not a case package", MAX_UNPACKED_BYTES >> 30),
            ));
        }
    }
    Ok(())
}

/// The folder holding `case.toml`: the zip's top, or its one top folder (a bundle folder
/// zipped by hand).
fn bundle_root(dir: &Path, zip_path: &Path) -> Result<PathBuf> {
    if dir.join(crate::case::CASE_FILE_NAME).is_file() {
        return Ok(dir.to_path_buf());
    }
    let entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    if let [only] = entries.as_slice()
        && only.join(crate::case::CASE_FILE_NAME).is_file()
    {
        return Ok(only.clone());
    }
    Err(Error::input(
        format!("{} 里没有 case.toml：它不是 qualkit 的案卷包", zip_path.display()),
        format!("{} holds no case.toml: it is not a qualkit package", zip_path.display()),
    ))
}

#[derive(serde::Deserialize)]
struct ManifestOnDisk {
    format: String,
    files: Vec<ManifestFile>,
}

#[derive(serde::Deserialize)]
struct ManifestFile {
    path: String,
    bytes: u64,
    sha256: String,
}

/// Checks every file a bundle's manifest lists against its size and SHA-256. A folder without
/// `manifest.json` is a plain case folder and passes.
fn verify_manifest(dir: &Path) -> Result<()> {
    let path = dir.join(MANIFEST);
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(()) };
    let manifest: ManifestOnDisk = serde_json::from_str(&text).map_err(|e| {
        Error::input(format!("manifest.json 无法读取：{e}"), format!("manifest.json cannot be read: {e}"))
    })?;
    if manifest.format != FORMAT {
        return Err(Error::input(
            format!("这个包的格式是 {}，本版 qualkit 只读 {FORMAT}；请升级 qualkit", manifest.format),
            format!("this package is {}, this qualkit reads {FORMAT} only; please update qualkit", manifest.format),
        ));
    }
    for file in &manifest.files {
        let damaged = |zh: &str, en: &str| {
            Error::input(
                format!("包里的 {} {zh}：这个包在传递中被修改或损坏了，未导入。请让对方重新导出。", file.path),
                format!(
                    "{} in the package {en}: the package was altered or damaged on the way and was not imported. Ask for a fresh export.",
                    file.path
                ),
            )
        };
        if let Err(why) = crate::case::check_relative_path(&file.path) {
            return Err(Error::input(format!("manifest.json：{}", why.zh), format!("manifest.json: {}", why.en)));
        }
        let bytes = std::fs::read(dir.join(&file.path)).map_err(|_| damaged("不见了", "is missing"))?;
        if bytes.len() as u64 != file.bytes || crate::store::sha256_hex(&bytes) != file.sha256 {
            return Err(damaged("与 manifest.json 记录的不一致", "differs from what manifest.json records"));
        }
    }
    Ok(())
}
