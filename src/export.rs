//! The per-vendor submission bundle (work in progress, issue 6): the materials in the order the
//! vendor's form asks for them, fitted to its upload rules; the generated letters; the
//! templates in the vendor's variable syntax; the application description; a `case.toml` that
//! names the bundle's own files (so `case import` takes a bundle folder back); and
//! `manifest.json` with every file's size and SHA-256, the profile version and every finding.
//!
//! Not yet: the field sheet of each vendor's form and API fields, importing a zip, the benchmark.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::case::{Role, SignatureUse, Vendor};
use crate::error::{Error, Result};
use crate::i18n::Text;
use crate::letter::LetterOptions;
use crate::profile::VendorProfile;
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
pub enum Outcome {
    Written { path: PathBuf, manifest: Manifest },
    Refused { report: VendorReport },
}

/// Exports case `id` for `vendor` to `out`, which must not exist yet: a zip when it ends in
/// `.zip`, otherwise a folder.
pub fn export_case(store: &mut Store, id: &str, vendor: Vendor, out: &Path, options: &ExportOptions) -> Result<Outcome> {
    if out.exists() {
        return Err(Error::input(
            format!("{} 已存在：请换一个导出位置，或先删除它", out.display()),
            format!("{} already exists: choose another place, or remove it first", out.display()),
        ));
    }
    let profile = VendorProfile::get(vendor)?;
    crate::read_materials(store, id)?;
    let report = crate::check_case(store, id, Some(vendor))?;
    let Some(verdict) = report.vendors.get(&vendor).cloned() else {
        return Err(Error::input("没有这个厂商的检查结果", "no check result for this vendor"));
    };
    if !verdict.ready && !options.force {
        return Ok(Outcome::Refused { report: verdict });
    }
    let case = store.case(id)?;
    let mut files: Vec<(BundleFile, Vec<u8>)> = Vec::new();
    let mut notes = Vec::new();
    let mut case_materials = Vec::new();
    for (index, material) in ordered_materials(&case, profile).into_iter().enumerate() {
        let (name, bytes) = material_file(store, material, profile, index + 1, &mut notes)?;
        case_materials.push((material.role, format!("materials/{name}")));
        files.push((entry(format!("materials/{name}"), &bytes, Some(material)), bytes));
    }
    let letter_options = LetterOptions::new(options.date);
    let mut letters = Vec::new();
    if case.data.signature.as_ref().is_some_and(|s| s.usage == SignatureUse::ThirdParty) {
        letters.push((DocumentKind::AuthorizationLetter, "authorization-letter", "授权委托书"));
    }
    if profile.materials.iter().any(|m| m.role == Role::CommitmentLetter) {
        letters.push((DocumentKind::CommitmentLetter, "commitment-letter", "合规使用承诺函"));
    }
    for (kind, ascii, chinese) in letters {
        let name = if profile.files.ascii_names.value { ascii } else { chinese };
        match crate::generate_document(store, id, kind, Some(vendor), &letter_options, Lang::Zh) {
            Ok(generated) => files.push((entry(format!("letters/{name}.pdf"), &generated.pdf, None), generated.pdf)),
            Err(e) => notes.push(Text::new(
                format!("没有生成{chinese}：{}", e.message(Lang::Zh)),
                format!("the {ascii} was not generated: {}", e.message(Lang::En)),
            )),
        }
    }
    let texts = [
        ("templates.txt", templates_text(&case, profile)),
        ("application.txt", application_text(&case)),
        ("case.toml", crate::case::to_toml(&case.data, &case_materials)?),
    ];
    for (name, text) in texts {
        let bytes = text.into_bytes();
        files.push((entry(name.to_string(), &bytes, None), bytes));
    }
    let manifest = Manifest {
        format: FORMAT,
        case_id: case.id.clone(),
        vendor,
        profile_version: profile.version.clone(),
        date: options.date,
        ready: verdict.ready,
        forced: options.force && !verdict.ready,
        files: files.iter().map(|(f, _)| f.clone()).collect(),
        checklist: verdict.checklist.clone(),
        findings: verdict.findings.clone(),
        notes,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::input(e.to_string(), e.to_string()))?;
    files.push((entry(MANIFEST.to_string(), &json, None), json));
    if is_zip(out) { write_zip(out, &files)? } else { write_folder(out, &files)? }
    Ok(Outcome::Written { path: out.to_path_buf(), manifest })
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
fn material_file(store: &Store, material: &Material, profile: &VendorProfile, number: usize, notes: &mut Vec<Text>) -> Result<(String, Vec<u8>)> {
    let path = store.blob_path(&material.sha256);
    let label = if profile.files.ascii_names.value { material.role.as_str().to_string() } else { material.role.label().zh };
    let original_extension = Path::new(&material.original_name).extension().and_then(|e| e.to_str()).unwrap_or("bin").to_string();
    let (bytes, extension) = match upload::fit_for_vendor(&path, material.role, profile, &Default::default()) {
        Ok(fitted) => (fitted.bytes, fitted.extension),
        Err(e) => {
            notes.push(Text::new(
                format!("{}（{}）按原样放入：{}", material.role.label().zh, material.original_name, e.message(Lang::Zh)),
                format!("{} ({}) included as it is: {}", material.role.label().en, material.original_name, e.message(Lang::En)),
            ));
            (std::fs::read(&path).map_err(|e| Error::io(&path, e))?, original_extension)
        }
    };
    let name = upload::safe_file_name(&format!("{number:02}-{label}"), &extension, profile, &format!("{number:02}-{}", material.role.as_str()));
    Ok((name, bytes))
}

fn entry(path: String, bytes: &[u8], material: Option<&Material>) -> BundleFile {
    BundleFile {
        path,
        bytes: bytes.len() as u64,
        sha256: crate::store::sha256_hex(bytes),
        role: material.map(|m| m.role),
        original: material.map(|m| m.original_name.clone()),
    }
}

/// Each template in the vendor's own variable syntax, as it is pasted into the console.
fn templates_text(case: &Case, profile: &VendorProfile) -> String {
    let mut out = String::new();
    for (i, template) in case.data.templates.iter().enumerate() {
        let rendered = crate::template::parse(&template.text).render(profile.templates.variable_syntax.value);
        out.push_str(&format!("# {} {}（{}）\n{rendered}\n\n", i + 1, template.kind.label().zh, template.kind.as_str()));
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

/// Writes the files under a temporary folder beside `out`, then renames it into place, so a
/// failed export leaves nothing behind.
fn write_folder(out: &Path, files: &[(BundleFile, Vec<u8>)]) -> Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = tempfile::Builder::new().prefix(".qualkit-export-").tempdir_in(&parent).map_err(|e| Error::io(&parent, e))?;
    for (file, bytes) in files {
        let path = staging.path().join(&file.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, out).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        Error::io(out, e)
    })
}

fn is_zip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// A zip whose bytes depend only on the files: fixed order, time (1980-01-01, the format's
/// epoch) and permissions. JPEG and PDF are stored (they are compressed already), text deflated.
fn write_zip(out: &Path, files: &[(BundleFile, Vec<u8>)]) -> Result<()> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let zip_error = |e: zip::result::ZipError| Error::input(format!("无法写出 zip：{e}"), format!("cannot write the zip: {e}"));
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut writer = zip::ZipWriter::new(&mut buffer);
        for (file, bytes) in files {
            let compressed_already = [".jpg", ".jpeg", ".png", ".gif", ".pdf"].iter().any(|e| file.path.ends_with(e));
            let method = if compressed_already { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
            let options = SimpleFileOptions::default()
                .compression_method(method)
                .last_modified_time(zip::DateTime::default())
                .unix_permissions(0o644);
            writer.start_file(file.path.as_str(), options).map_err(zip_error)?;
            writer.write_all(bytes).map_err(|e| Error::io(out, e))?;
        }
        writer.finish().map_err(zip_error)?;
    }
    crate::write_file_atomically(out, buffer.get_ref())
}
