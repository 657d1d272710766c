#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! Two writers on one store — the app and the CLI, or two CLIs, or two staff on a shared folder
//! or a team store: no "database is locked" reaches anyone, no update is lost, and no material
//! loses its file to the other writer's clean-up. Each test runs on SQLite and on PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Barrier;

use qualkit::case::Role;
use qualkit::reading::DocKind;
use qualkit::store::Store;

#[path = "support/stores.rs"]
mod stores;
use stores::Place;

on_both_stores!(
    confirmations_by_two_writers_are_never_lost,
    a_delete_never_removes_a_file_the_other_writers_import_uses,
    resends_recorded_at_once_both_count,
    two_clis_at_once_neither_fails_nor_loses_a_file,
);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan").join(name)
}

/// A copy of the sample case folder in `dir`.
fn case_folder(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("ids")).expect("mkdir");
    for file in ["case.toml", "license.png", "ids/handler-front.png"] {
        std::fs::copy(fixture(file), dir.join(file)).expect("copy fixture");
    }
    dir.to_path_buf()
}

/// What the store holds for the case's licence, read fresh from the database.
fn licence_field(store: &Store, id: &str, key: &str) -> Option<String> {
    let case = store.case(id).expect("case");
    let licence = case.materials_with_role(Role::BusinessLicense).next().expect("licence");
    let reading = store.reading(&licence.sha256, DocKind::BusinessLicense).expect("reading")?;
    reading.fields.get(key).map(|f| f.value.clone())
}

/// Two writers confirm different fields of the same licence as fast as they can, each reading
/// back after every write: its own field must hold what it wrote last. A confirmation that read
/// the reading, then wrote it back over the other's newer one, would bring back an older value.
fn confirmations_by_two_writers_are_never_lost(place: &Place) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = place.desktop(tmp.path(), 0);
    let id = place.open(&data).import_folder(&case_folder(&tmp.path().join("case"))).expect("import");
    const ROUNDS: usize = 300;
    let start = Barrier::new(2);
    std::thread::scope(|scope| {
        for (n, (key, tag)) in [("name", "甲"), ("legal_rep", "乙")].into_iter().enumerate() {
            let (id, start) = (&id, &start);
            let data = place.desktop(tmp.path(), n);
            scope.spawn(move || {
                let mut store = place.open(&data);
                let licence = store.case(id).expect("case").materials[0].id;
                start.wait();
                for i in 0..ROUNDS {
                    let value = format!("{tag}{i}");
                    store.confirm_fields(id, licence, &[(key.to_string(), value.clone())]).expect("confirm");
                    assert_eq!(
                        licence_field(&store, id, key).as_deref(),
                        Some(value.as_str()),
                        "{key} lost after write {i}"
                    );
                }
            });
        }
    });
    let store = place.open(&data);
    assert_eq!(licence_field(&store, &id, "name").as_deref(), Some(format!("甲{}", ROUNDS - 1).as_str()));
    assert_eq!(licence_field(&store, &id, "legal_rep").as_deref(), Some(format!("乙{}", ROUNDS - 1).as_str()));
}

/// Two writers import the same files and delete their case again, as fast as they can: a
/// delete must never take a file for unused while the other's import, which found the file
/// already stored, is about to commit a material that uses it.
fn a_delete_never_removes_a_file_the_other_writers_import_uses(place: &Place) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let folder = case_folder(&tmp.path().join("case"));
    place.open(&place.desktop(tmp.path(), 0));
    let start = Barrier::new(2);
    std::thread::scope(|scope| {
        for writer in 0..2 {
            let (folder, start) = (&folder, &start);
            let data = place.desktop(tmp.path(), writer);
            scope.spawn(move || {
                let mut store = place.open(&data);
                start.wait();
                for i in 0..150 {
                    let id = store.import_folder(folder).expect("import");
                    for material in store.case(&id).expect("case").materials {
                        let path = store.material_file(&material.sha256).expect("the material's file");
                        assert!(path.is_file(), "writer {writer}, import {i}: {} has no file", material.original_name);
                    }
                    store.delete_case(&id).expect("delete");
                }
            });
        }
    });
}

/// Two windows record a resend of the same verification SMS at the same moment: both count.
fn resends_recorded_at_once_both_count(place: &Place) {
    use qualkit::icp::{FilingType, IcpEvent, IcpPlan, Responsible};
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = place.desktop(tmp.path(), 0);
    let id = place.open(&data).import_folder(&case_folder(&tmp.path().join("case"))).expect("import");
    for round in 0..40 {
        let mut store = place.open(&data);
        let plan = IcpPlan::new(FilingType::parse("first").expect("type"), Some("13800000001"), Some("13900000002"))
            .expect("plan");
        store.set_icp_plan(&id, &plan).expect("plan");
        qualkit::record_icp_event(&mut store, &id, Responsible::Site, IcpEvent::Sent, chrono::Utc::now())
            .expect("sent");
        let start = Barrier::new(2);
        std::thread::scope(|scope| {
            for writer in 0..2 {
                let (id, start) = (&id, &start);
                let data = place.desktop(tmp.path(), writer);
                scope.spawn(move || {
                    let mut store = place.open(&data);
                    start.wait();
                    qualkit::record_icp_event(&mut store, id, Responsible::Site, IcpEvent::Resent, chrono::Utc::now())
                        .expect("resent");
                });
            }
        });
        let tracker = store.icp_tracker(&id).expect("tracker").expect("a plan");
        let used: u32 = tracker.messages.iter().map(|m| m.state.resends_used).sum();
        assert_eq!(used, 2, "round {round}: one of two resends recorded at once was lost");
    }
}

/// Two CLIs at once on one data folder: one imports the sample case (the same files every time)
/// and deletes it again, the other confirms, checks, lists and also imports and deletes. Every
/// command succeeds (no "database is locked"), and every material left has its file: a delete
/// never removes a file the other process's import is about to use.
fn two_clis_at_once_neither_fails_nor_loses_a_file(place: &Place) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = place.desktop(tmp.path(), 0);
    let folder = case_folder(&tmp.path().join("case"));
    let qualkit = |args: &[&str]| {
        let out = place
            .env(&mut Command::new(env!("CARGO_BIN_EXE_qualkit")), &data)
            .args(args)
            .arg("--json")
            .env("ORT_DISABLE_TELEMETRY", "1")
            .output()
            .expect("run qualkit");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        // `case check` exits 1 when a finding blocks: that is its answer, not a failure.
        let answered = out.status.success() || (args.get(1) == Some(&"check") && out.status.code() == Some(1));
        assert!(answered, "{args:?} failed ({:?}): {stderr}", out.status.code());
        assert!(!stderr.contains("locked"), "{args:?}: {stderr}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        json
    };
    let kept = qualkit(&["case", "import", folder.to_str().unwrap()])["id"].as_str().unwrap().to_string();
    std::thread::scope(|scope| {
        let (qualkit, folder, kept) = (&qualkit, &folder, &kept);
        scope.spawn(move || {
            for _ in 0..25 {
                let id = qualkit(&["case", "import", folder.to_str().unwrap()])["id"].as_str().unwrap().to_string();
                qualkit(&["case", "delete", &id]);
            }
        });
        scope.spawn(move || {
            for i in 0..25 {
                qualkit(&["case", "confirm", kept, "--role", "business-license", "--set", &format!("legal_rep=王{i}")]);
                qualkit(&["case", "check", kept, "--vendor", "aliyun"]);
                qualkit(&["case", "list"]);
                let id = qualkit(&["case", "import", folder.to_str().unwrap()])["id"].as_str().unwrap().to_string();
                qualkit(&["case", "delete", &id]);
            }
        });
    });
    let store = place.open(&place.desktop(tmp.path(), 1));
    let cases = store.list_cases().expect("list");
    assert_eq!(cases.len(), 1, "only the kept case is left: {cases:?}");
    for material in store.case(&kept).expect("case").materials {
        let file = store.material_file(&material.sha256).expect("the material's file");
        assert!(file.is_file(), "{} lost its file", material.original_name);
    }
    assert_eq!(licence_field(&store, &kept, "legal_rep").as_deref(), Some("王24"));
}
