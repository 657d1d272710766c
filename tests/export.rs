#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! `qualkit case export` (issue 6, in progress): the bundle refuses while the vendor would
//! reject it, proves its own contents in manifest.json, re-imports as a case, and as a zip is
//! byte-identical for the same case.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CASE_TOML: &str = include_str!("fixtures/yunfan/case.toml");

fn qualkit(data: &Path, args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_qualkit")).args(args).arg("--json").env("QUALKIT_DATA_DIR", data).output().unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), value)
}

fn sample_case(root: &Path, data: &Path) -> String {
    let dir = root.join("case");
    std::fs::create_dir_all(dir.join("ids")).unwrap();
    std::fs::write(dir.join("case.toml"), CASE_TOML).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan");
    for file in ["license.png", "ids/handler-front.png"] {
        std::fs::copy(fixture.join(file), dir.join(file)).unwrap();
    }
    let (code, v) = qualkit(data, &["case", "import", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn a_blocked_case_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);
    let out = tmp.path().join("bundle");
    // The 1×1 licence cannot be read, and Aliyun needs the ID card's back: not ready.
    let (code, v) = qualkit(&data, &["case", "export", &id, "--vendor", "aliyun", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["refused"], true);
    assert!(!out.exists());
    let leftovers: Vec<PathBuf> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(!leftovers.iter().any(|p| p.to_string_lossy().contains(".qualkit-export")), "{leftovers:?}");
}

#[test]
fn a_forced_bundle_proves_its_contents_and_imports_back() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);
    let out = tmp.path().join("bundle");
    let (code, v) = qualkit(&data, &["case", "export", &id, "--vendor", "huawei", "--out", out.to_str().unwrap(), "--force", "--date", "2026-11-22"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["forced"], true);

    let manifest: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "qualkit-bundle/1");
    assert_eq!(manifest["vendor"], "huawei");
    assert!(manifest["profile_version"].as_str().is_some_and(|s| !s.is_empty()));
    // What blocks it is on record: the missing ID card back and the unread licence.
    let open: Vec<&Value> = manifest["checklist"].as_array().unwrap().iter().filter(|i| i["status"] == "missing" || i["status"] == "invalid").collect();
    assert!(open.iter().any(|i| i["item"].as_str().unwrap().contains("handler-id-back")), "{open:#?}");
    // Every file is listed with its true size and SHA-256, and nothing else is in the folder.
    let files = manifest["files"].as_array().unwrap();
    for file in files {
        let bytes = std::fs::read(out.join(file["path"].as_str().unwrap())).unwrap();
        assert_eq!(file["bytes"], bytes.len());
        assert_eq!(file["sha256"], qualkit::store::sha256_hex(&bytes));
    }
    let mut on_disk = Vec::new();
    let mut stack = vec![out.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { on_disk.push(path.strip_prefix(&out).unwrap().to_string_lossy().into_owned()) }
        }
    }
    assert_eq!(on_disk.len(), files.len() + 1, "{on_disk:?}");
    // Huawei's form order starts with the licence; Huawei keeps Chinese names (H6).
    assert_eq!(files[0]["path"], "materials/01-营业执照.png");
    assert_eq!(files[0]["role"], "business-license");

    // The bundle folder is a case folder.
    let (code, v) = qualkit(&data, &["case", "import", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    let (_, shown) = qualkit(&data, &["case", "show", v["id"].as_str().unwrap()]);
    assert_eq!(shown["data"]["applicant"]["name"], "厦门市海沧区云帆网络科技有限公司");
    assert_eq!(shown["materials"].as_array().unwrap().len(), 2);

    // An existing destination is never overwritten.
    let (code, _) = qualkit(&data, &["case", "export", &id, "--vendor", "huawei", "--out", out.to_str().unwrap(), "--force"]);
    assert_eq!(code, 2);
}

#[test]
fn the_same_case_gives_a_byte_identical_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);
    let zips: Vec<PathBuf> = ["a.zip", "b.zip"].iter().map(|n| tmp.path().join(n)).collect();
    for zip in &zips {
        let (code, v) = qualkit(&data, &["case", "export", &id, "--vendor", "aliyun", "--out", zip.to_str().unwrap(), "--force", "--date", "2026-11-22"]);
        assert_eq!(code, 0, "{v}");
    }
    let (a, b) = (std::fs::read(&zips[0]).unwrap(), std::fs::read(&zips[1]).unwrap());
    assert_eq!(a, b);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
    let mut manifest = String::new();
    archive.by_name("manifest.json").unwrap().read_to_string(&mut manifest).unwrap();
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    let listed: Vec<&str> = manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert_eq!(names.len(), listed.len() + 1);
    // Aliyun wants ASCII names (A9).
    assert!(names.iter().all(|n| n.is_ascii()), "{names:?}");
    for path in listed {
        assert!(names.iter().any(|n| n == path), "{path} not in {names:?}");
    }
}
