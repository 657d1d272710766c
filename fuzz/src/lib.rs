//! What qualkit reads from outside, as fuzz targets: each function takes any bytes and must
//! return, never panic, never hang, and never use more memory than the limits allow. libFuzzer
//! drives them under `cargo fuzz` (fuzz_targets/, docs/FUZZING.md); `tests/smoke.rs` runs each
//! on its seeds and a few thousand mutations of them in every test run, on stable Rust.
//!
//! Targets that need files (a case folder, a bundle zip) reuse one temporary folder per thread,
//! so an input costs a file write rather than a new directory.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

use qualkit::case::{ApplicantKind, TemplateType, Vendor};
use qualkit::ident::IdKind;
use qualkit::lint::TemplateInput;
use qualkit::profile::VendorProfile;
use qualkit::store::Store;
use qualkit::template::{Part, Written};

/// A fuzz target: any bytes in, nothing out but a panic when something is wrong.
pub type Target = fn(&[u8]);

/// The targets by name, as cargo fuzz and the smoke test call them.
pub const TARGETS: &[(&str, Target)] = &[
    ("case_toml", case_toml),
    ("template", template),
    ("identifier", identifier),
    ("bundle_zip", bundle_zip),
    ("image", image),
];

thread_local! {
    static SCRATCH: tempfile::TempDir = tempfile::tempdir().unwrap_or_else(|e| panic!("a scratch folder: {e}"));
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

fn with_scratch<T>(f: impl FnOnce(&Path) -> T) -> T {
    SCRATCH.with(|dir| f(dir.path()))
}

/// case.toml as a user or a colleague's bundle writes it: parsed, its paths and limits checked.
/// What parses must also write back out and parse again.
pub fn case_toml(data: &[u8]) {
    with_scratch(|dir| {
        let folder = dir.join("case");
        if std::fs::create_dir_all(&folder).is_err() || std::fs::write(folder.join("case.toml"), data).is_err() {
            return;
        }
        let Ok(read) = qualkit::case::read_case_folder(&folder) else { return };
        let materials: Vec<_> = read.materials.iter().map(|m| (m.role, m.name.clone())).collect();
        let written = qualkit::case::to_toml(&read.data, &materials).unwrap_or_else(|e| panic!("to_toml: {e:?}"));
        if std::fs::write(folder.join("case.toml"), written).is_ok() {
            let again = qualkit::case::read_case_folder(&folder);
            assert!(again.is_ok(), "a case written back does not read again: {again:?}");
        }
    });
}

/// A template's text: its variables parsed, and linted for the vendor and message type the
/// first byte picks (all fifteen for every input made the target fifteen times slower, and
/// libFuzzer's coverage finds the combinations that matter).
pub fn template(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    // No character is lost: the parts, written out again, are the text.
    let parsed = qualkit::template::parse(&text);
    let rebuilt: String = parsed
        .parts
        .iter()
        .map(|part| match part {
            Part::Text { text, .. } => text.clone(),
            Part::Var(v) if v.written == Written::Brace => format!("{{{}}}", v.name),
            Part::Var(v) => format!("${{{}}}", v.name),
        })
        .collect();
    assert_eq!(rebuilt, text, "the template's parts do not add up to its text");
    let pick = usize::from(pick);
    let (Some(&vendor), Some(&kind)) = (
        Vendor::ALL.get(pick % Vendor::ALL.len()),
        TemplateType::ALL.get(pick / Vendor::ALL.len() % TemplateType::ALL.len()),
    ) else {
        return;
    };
    let Ok(profile) = VendorProfile::get(vendor) else { return };
    let values = BTreeMap::new();
    let input = TemplateInput {
        kind,
        text: &text,
        applicant: ApplicantKind::Enterprise,
        signature: Some("云帆网络"),
        values: &values,
        types: &BTreeMap::new(),
    };
    let _ = qualkit::lint::lint_template(profile, &input);
}

/// A credit code, resident ID, ICP number or trademark number as typed or read.
pub fn identifier(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for kind in [IdKind::Uscc, IdKind::Ric, IdKind::Icp, IdKind::Trademark] {
        let _ = qualkit::ident::validate(kind, &text);
    }
    let folded = qualkit::ident::fold_code(&text);
    assert_eq!(qualkit::ident::fold_code(&folded), folded, "folding twice changes the code");
}

/// A bundle zip imported into a store: refused or imported whole, its unpacking removed either
/// way, nothing left of a refused one.
pub fn bundle_zip(data: &[u8]) {
    with_scratch(|dir| {
        let zip = dir.join("bundle.zip");
        if std::fs::write(&zip, data).is_err() {
            return;
        }
        STORE.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                *slot = Store::open(&dir.join("data")).ok();
            }
            let Some(store) = slot.as_mut() else { return };
            let before = store.list_cases().map(|c| c.len()).unwrap_or(0);
            match qualkit::export::import_case(store, &zip) {
                Ok(id) => {
                    let _ = store.delete_case(&id);
                }
                Err(_) => {
                    let after = store.list_cases().map(|c| c.len()).unwrap_or(0);
                    assert_eq!(before, after, "a refused bundle left a case");
                }
            }
            let unpacked = std::fs::read_dir(dir.join("data"))
                .map(|entries| {
                    entries
                        .flatten()
                        .filter(|e| e.file_name().to_string_lossy().starts_with(".qualkit-import-"))
                        .count()
                })
                .unwrap_or(0);
            assert_eq!(unpacked, 0, "an unpacked bundle was left in the data folder");
        });
    });
}

/// An uploaded picture decoded under qualkit's limits (size, allocation, a cut-off JPEG).
pub fn image(data: &[u8]) {
    let _ = qualkit::scan::decode_image(data, Path::new("upload"));
}
