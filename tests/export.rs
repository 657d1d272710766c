#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! `qualkit case export` and `case import` of bundles: the bundle refuses while the vendor would
//! reject it, proves its own contents in manifest.json, maps the case to the vendor's form and
//! API fields, re-imports as a case (folder or zip), is byte-identical as a zip for the same
//! case; an altered bundle and hostile zip entries are refused with nothing imported.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const CASE_TOML: &str = include_str!("fixtures/yunfan/case.toml");

fn qualkit(data: &Path, args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_qualkit"))
        .args(args)
        .arg("--json")
        .env("QUALKIT_DATA_DIR", data)
        .output()
        .unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), value)
}

/// Runs qualkit and returns the exit code and what it wrote to stderr.
fn qualkit_err(data: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qualkit"))
        .args(args)
        .arg("--lang")
        .arg("en")
        .env("QUALKIT_DATA_DIR", data)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn case_count(data: &Path) -> usize {
    let (code, v) = qualkit(data, &["case", "list"]);
    assert_eq!(code, 0, "{v}");
    v.as_array().map_or(0, Vec::len)
}

fn sample_case(root: &Path, data: &Path) -> String {
    sample_case_from(root, data, CASE_TOML)
}

fn sample_case_from(root: &Path, data: &Path, toml: &str) -> String {
    let dir = root.join("case");
    std::fs::create_dir_all(dir.join("ids")).unwrap();
    std::fs::write(dir.join("case.toml"), toml).unwrap();
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
    let (code, v) = qualkit(
        &data,
        &[
            "case",
            "export",
            &id,
            "--vendor",
            "huawei",
            "--out",
            out.to_str().unwrap(),
            "--force",
            "--date",
            "2026-11-22",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["forced"], true);

    let manifest: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "qualkit-bundle/1");
    assert_eq!(manifest["vendor"], "huawei");
    assert!(manifest["profile_version"].as_str().is_some_and(|s| !s.is_empty()));
    // What blocks it is on record: the missing ID card back and the unread licence.
    let open: Vec<&Value> = manifest["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "missing" || i["status"] == "invalid")
        .collect();
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
            if path.is_dir() {
                stack.push(path)
            } else {
                on_disk.push(path.strip_prefix(&out).unwrap().to_string_lossy().into_owned())
            }
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
    let (code, _) =
        qualkit(&data, &["case", "export", &id, "--vendor", "huawei", "--out", out.to_str().unwrap(), "--force"]);
    assert_eq!(code, 2);
}

#[test]
fn the_same_case_gives_a_byte_identical_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);
    let zips: Vec<PathBuf> = ["a.zip", "b.zip"].iter().map(|n| tmp.path().join(n)).collect();
    for zip in &zips {
        let (code, v) = qualkit(
            &data,
            &[
                "case",
                "export",
                &id,
                "--vendor",
                "aliyun",
                "--out",
                zip.to_str().unwrap(),
                "--force",
                "--date",
                "2026-11-22",
            ],
        );
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

fn export_folder(data: &Path, id: &str, vendor: &str, out: &Path) -> Value {
    let (code, v) = qualkit(
        data,
        &["case", "export", id, "--vendor", vendor, "--out", out.to_str().unwrap(), "--force", "--date", "2026-11-22"],
    );
    assert_eq!(code, 0, "{v}");
    serde_json::from_slice(&std::fs::read(out.join("fields.json")).unwrap()).unwrap()
}

/// The one field of the sheet with this API name (the first, for template fields).
fn field<'a>(sheet: &'a Value, name: &str) -> &'a Value {
    sheet["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == name)
        .unwrap_or_else(|| panic!("no {name} in {sheet:#}"))
}

fn has_field(sheet: &Value, name: &str) -> bool {
    sheet["fields"].as_array().unwrap().iter().any(|f| f["field"] == name)
}

/// Aliyun's ID-validity field is filled from the handler's card as read (here a copy of both
/// sides uploaded as the photo side, confirmed by a person): a card that never expires (长期)
/// ends 2099-12-31, as Aliyun writes a long term, and says so.
#[test]
fn the_handlers_id_validity_fills_aliyuns_form_from_the_card() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);
    let validity = |data: &Path, out: &str| {
        field(&export_folder(data, &id, "aliyun", &tmp.path().join(out)), "AdminIDCardExpDate").clone()
    };
    assert_eq!(validity(&data, "before")["status"], "to-fill");
    let (code, v) = qualkit(
        &data,
        &[
            "case",
            "confirm",
            &id,
            "--role",
            "handler-id-front",
            "--set",
            "valid_from=2016-05-01",
            "--set",
            "valid_to=长期",
        ],
    );
    assert_eq!(code, 0, "{v}");
    let filled = validity(&data, "after");
    assert_eq!(filled["value"], "2016-05-01~2099-12-31", "{filled}");
    assert_eq!(filled["status"], "filled", "{filled}");
    assert!(filled["hint"]["zh"].as_str().unwrap().contains("长期"), "{filled}");
}

#[test]
fn the_field_sheet_maps_the_case_to_each_vendors_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);

    let out = tmp.path().join("aliyun");
    let sheet = export_folder(&data, &id, "aliyun", &out);
    assert_eq!(sheet["format"], "qualkit-fields/1");
    assert_eq!(sheet["vendor"], "aliyun");
    for (name, value) in [
        ("CompanyName", "厦门市海沧区云帆网络科技有限公司"),
        ("OrganizationCode", "91350205MA2Y0LQ12U"),
        ("LegalPersonName", "王伟"),
        ("AdminIDCardNo", "110105199001011232"),
        ("AdminPhoneNo", "13800000000"),
        ("UseBySelf", "true"),
        ("SignName", "云帆网络"),
        ("SignSource", "0"), // company (A1)
        ("SignType", "0"),   // only verification templates (A1)
        ("TemplateType", "0"),
        ("TemplateContent", "您的验证码为${code}，5分钟内有效，请勿泄露于他人。"),
        ("TemplateName", "云帆网络验证码模板1"),
    ] {
        assert_eq!(field(&sheet, name)["value"], value, "{name}");
        assert_eq!(field(&sheet, name)["status"], "filled", "{name}");
    }
    // File fields name the bundle's own files.
    let pic = field(&sheet, "AdminIDCardPic")["value"].as_str().unwrap();
    assert!(out.join(pic).is_file(), "{pic}");
    // What the case cannot know is left to fill, with a hint.
    let term = field(&sheet, "BussinessLicenseExpDate");
    assert_eq!(term["status"], "to-fill");
    assert!(term["value"].is_null());
    assert!(term["hint"]["zh"].as_str().unwrap().contains("2099-12-31"));
    // Self use: no letter fields; company source: no trademark or App fields.
    for absent in ["AuthorizationLetterPic", "TrademarkName", "AppServiceName", "AuthorizationLetterId"] {
        assert!(!has_field(&sheet, absent), "{absent}");
    }
    // The readable sheet says the same, and where the manifest lists it.
    let text = std::fs::read_to_string(out.join("fields.txt")).unwrap();
    assert!(text.contains("企业名称（CompanyName）：厦门市海沧区云帆网络科技有限公司"), "{text}");
    assert!(text.contains("营业期限（BussinessLicenseExpDate）：[待填写]"), "{text}");
    // It ends with what follows the approval, and where that is published.
    assert!(text.contains("== 审核通过之后 ==") && text.contains("5–10 个工作日"), "{text}");
    assert!(sheet["after_approval"]["source"].as_str().unwrap().contains("cloud.baidu.com"), "{sheet}");
    let manifest: Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let listed: Vec<&str> = manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert!(listed.contains(&"fields.json") && listed.contains(&"fields.txt"), "{listed:?}");

    // Tencent numbers variables and has its own codes; its commitment letter is a draft to stamp.
    let sheet = export_folder(&data, &id, "tencent", &tmp.path().join("tencent"));
    assert_eq!(field(&sheet, "TemplateContent")["value"], "您的验证码为{1}，5分钟内有效，请勿泄露于他人。");
    assert_eq!(field(&sheet, "SmsType")["value"], "3");
    assert_eq!(field(&sheet, "SignType")["value"], "0");
    assert_eq!(field(&sheet, "SignPurpose")["value"], "0");
    let letter = field(&sheet, "合规使用承诺函");
    assert_eq!(letter["status"], "sign-first");
    assert_eq!(letter["value"], "letters/commitment-letter.pdf"); // Tencent: ASCII names
}

#[test]
fn a_third_party_sheet_is_the_owners_qualification_with_the_letter() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let toml = CASE_TOML.replace(
        "use = \"self\"",
        "use = \"third-party\"\nowner = \"厦门云帆网络集团有限公司\"\nowner_uscc = \"91350200MA2XN5YX6A\"",
    );
    let id = sample_case_from(tmp.path(), &data, &toml);
    let out = tmp.path().join("aliyun");
    let sheet = export_folder(&data, &id, "aliyun", &out);
    // Aliyun: a third-party qualification is the owner's (A6 UseBySelf).
    assert_eq!(field(&sheet, "UseBySelf")["value"], "false");
    assert_eq!(field(&sheet, "CompanyName")["value"], "厦门云帆网络集团有限公司");
    assert_eq!(field(&sheet, "ThirdParty")["value"], "true");
    // The owner's legal representative is not in the case and no owner licence was read.
    assert_eq!(field(&sheet, "LegalPersonName")["status"], "to-fill");
    // The letter fields (A7), its validity as printed on the generated letter.
    assert_eq!(field(&sheet, "Authorization")["value"], "厦门云帆网络集团有限公司");
    assert_eq!(field(&sheet, "ProxyAuthorization")["value"], "厦门市海沧区云帆网络科技有限公司");
    assert_eq!(field(&sheet, "AuthorizationLetterExpDate")["value"], "2026-11-22~2027-11-22");
    let letter = field(&sheet, "AuthorizationLetterPic");
    assert_eq!(letter["status"], "sign-first");
    assert!(out.join(letter["value"].as_str().unwrap()).is_file());
}

/// A public institution (credit code 12…) applies as one: Aliyun's CompanyType and Tencent's
/// SignType say so, and the qualification's name loses the brackets Aliyun refuses there.
#[test]
fn a_public_bodys_sheet_takes_its_own_type_and_a_name_without_symbols() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);
    let sheet = export_folder(&data, &id, "aliyun", &tmp.path().join("company"));
    assert_eq!(field(&sheet, "CompanyType")["value"], "COMPANY");
    assert_eq!(field(&sheet, "QualificationName")["value"], "厦门市海沧区云帆网络科技有限公司");

    let data = tmp.path().join("data2");
    let toml = CASE_TOML
        .replace("91350205MA2Y0LQ12U", "12350200MB01234567")
        .replace("厦门市海沧区云帆网络科技有限公司", "厦门市海沧区数据服务中心（海沧）");
    let id = sample_case_from(&tmp.path().join("b"), &data, &toml);
    let sheet = export_folder(&data, &id, "aliyun", &tmp.path().join("aliyun"));
    assert_eq!(field(&sheet, "CompanyType")["value"], "NON_PROFIT_ORGANIZATION");
    assert_eq!(field(&sheet, "QualificationName")["value"], "厦门市海沧区数据服务中心海沧");
    assert_eq!(field(&sheet, "CompanyName")["value"], "厦门市海沧区数据服务中心（海沧）");
    let sheet = export_folder(&data, &id, "tencent", &tmp.path().join("tencent"));
    assert_eq!(field(&sheet, "SignType")["value"], "5");
}

#[test]
fn a_zip_bundle_imports_back_and_an_altered_one_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);
    let zip_path = tmp.path().join("bundle.zip");
    let (code, v) =
        qualkit(&data, &["case", "export", &id, "--vendor", "aliyun", "--out", zip_path.to_str().unwrap(), "--force"]);
    assert_eq!(code, 0, "{v}");

    let (code, v) = qualkit(&data, &["case", "import", zip_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    let (_, shown) = qualkit(&data, &["case", "show", v["id"].as_str().unwrap()]);
    assert_eq!(shown["data"]["applicant"]["uscc"], "91350205MA2Y0LQ12U");
    let materials = shown["materials"].as_array().unwrap();
    assert_eq!(materials.len(), 2);
    assert_eq!(materials[0]["original_name"], "materials/01-business-license.png");
    assert_eq!(case_count(&data), 2);

    // Change one byte of the licence inside the zip: the manifest no longer holds.
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let altered = tmp.path().join("altered.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&altered).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == "materials/01-business-license.png" {
            let last = bytes.len() - 1;
            bytes[last] ^= 0xff;
        }
        writer.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut writer, &bytes).unwrap();
    }
    writer.finish().unwrap();
    let (code, stderr) = qualkit_err(&data, &["case", "import", altered.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("materials/01-business-license.png") && stderr.contains("altered or damaged"), "{stderr}");
    assert_eq!(case_count(&data), 2);
    assert_no_staging_left(&data);
}

fn assert_no_staging_left(data: &Path) {
    let left: Vec<PathBuf> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".qualkit-import"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn hostile_zip_entries_are_refused_and_nothing_escapes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    sample_case(tmp.path(), &data);
    let toml = "vendors = [\"aliyun\"]\n[applicant]\nkind = \"individual\"\nname = \"李娜\"\n";
    let options = zip::write::SimpleFileOptions::default();
    let cases: [(&str, &[(&str, &str)]); 7] = [
        ("dot-dot", &[("case.toml", toml), ("../escaped.txt", "x")]),
        ("absolute", &[("case.toml", toml), ("/tmp/qualkit-absolute.txt", "x")]),
        ("backslash", &[("case.toml", toml), ("a\\..\\..\\escaped.txt", "x")]),
        ("drive", &[("case.toml", toml), ("C:/escaped.txt", "x")]),
        ("bidi", &[("case.toml", toml), ("materials/invoice\u{202E}gpj.exe", "x")]),
        ("zero-width", &[("case.toml", toml), ("materials/li\u{200B}cense.png", "x")]),
        ("duplicate", &[("case.toml", toml), ("CASE.toml", toml)]),
    ];
    for (label, entries) in cases {
        let path = tmp.path().join(format!("{label}.zip"));
        let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for (name, text) in entries {
            writer.start_file(*name, options).unwrap();
            std::io::Write::write_all(&mut writer, text.as_bytes()).unwrap();
        }
        writer.finish().unwrap();
        let (code, stderr) = qualkit_err(&data, &["case", "import", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{label}: {stderr}");
        assert!(stderr.contains("cannot be imported") && stderr.contains("Nothing was imported"), "{label}: {stderr}");
    }
    // A link entry is refused too, even to a harmless target.
    let path = tmp.path().join("link.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    writer.start_file("case.toml", options).unwrap();
    std::io::Write::write_all(&mut writer, toml.as_bytes()).unwrap();
    writer.add_symlink("license.png", "/etc/passwd", options).unwrap();
    writer.finish().unwrap();
    let (code, stderr) = qualkit_err(&data, &["case", "import", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("link"), "{stderr}");
    // Not a zip at all.
    let text = tmp.path().join("notes.zip");
    std::fs::write(&text, "not a zip").unwrap();
    let (code, stderr) = qualkit_err(&data, &["case", "import", text.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("neither a case folder nor a readable zip"), "{stderr}");

    assert!(!tmp.path().join("escaped.txt").exists() && !data.join("escaped.txt").exists());
    assert!(!Path::new("/tmp/qualkit-absolute.txt").exists());
    assert_eq!(case_count(&data), 1);
    assert_no_staging_left(&data);
}

#[test]
fn a_case_folder_cannot_name_a_file_through_a_link_or_a_hidden_character() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = tmp.path().join("case");
    std::fs::create_dir_all(&dir).unwrap();
    let secret = tmp.path().join("secret.png");
    std::fs::write(&secret, "outside").unwrap();
    std::os::unix::fs::symlink(&secret, dir.join("license.png")).unwrap();
    let toml = "[applicant]\nkind = \"individual\"\nname = \"李娜\"\n[[materials]]\nrole = \"other\"\nfile = \"license.png\"\n";
    std::fs::write(dir.join("case.toml"), toml).unwrap();
    let (code, stderr) = qualkit_err(&data, &["case", "import", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("outside the case folder"), "{stderr}");

    std::fs::write(dir.join("case.toml"), toml.replace("license.png", "lic\u{202E}gnp.exe")).unwrap();
    let (code, stderr) = qualkit_err(&data, &["case", "import", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("U+202E"), "{stderr}");
    assert_eq!(case_count(&data), 0);
}

#[test]
fn export_reports_its_progress_step_by_step() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = sample_case(tmp.path(), &data);
    let mut store = qualkit::Store::open(&data).unwrap();
    let options =
        qualkit::export::ExportOptions { force: true, date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap() };
    let mut steps = Vec::new();
    let outcome = qualkit::export::export_case_with_progress(
        &mut store,
        &id,
        qualkit::case::Vendor::Tencent,
        &tmp.path().join("bundle.zip"),
        &options,
        &mut |p| steps.push((p.done, p.total, p.what.zh.clone())),
    )
    .unwrap();
    assert!(matches!(outcome, qualkit::export::Outcome::Written { .. }));
    // Checks, two materials, the commitment letter, the texts, done: in order, ending full.
    let names: Vec<&str> = steps.iter().map(|s| s.2.as_str()).collect();
    assert_eq!(
        names,
        ["读取材料并核对", "处理营业执照", "处理经办人身份证人像面", "生成合规使用承诺函", "写出字段表和清单", "完成"]
    );
    assert!(steps.windows(2).all(|w| w[0].0 < w[1].0), "{steps:?}");
    let (done, total, _) = steps.last().unwrap();
    assert_eq!(done, total);
}
