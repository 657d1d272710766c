#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! The command-line contract of shared/spec/cli.md, driven through the real binary against a
//! real data directory (SQLite database + blob folder) in a temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A real 1×1 PNG: materials are sniffed by content, so test files must be real images.
const PNG_1X1: &[u8] = include_bytes!("fixtures/yunfan/license.png");

/// The sample enterprise case; line numbers in the import-error tests refer to this file.
const CASE_TOML: &str = include_str!("fixtures/yunfan/case.toml");

struct Env {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    root: PathBuf,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().to_path_buf();
        Env { data: root.join("data"), root, _tmp: tmp }
    }

    fn qualkit(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_qualkit"))
            .args(args)
            .env("QUALKIT_DATA_DIR", &self.data)
            .output()
            .expect("run qualkit")
    }

    /// Runs with `--json` and parses stdout.
    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.qualkit(&all);
        let value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
        (out.status.code().unwrap_or(-1), value)
    }

    fn case_folder(&self, name: &str, toml: &str) -> PathBuf {
        let dir = self.root.join(name);
        std::fs::create_dir_all(dir.join("ids")).expect("mkdir");
        std::fs::write(dir.join("case.toml"), toml).expect("write case.toml");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan");
        for file in ["license.png", "ids/handler-front.png"] {
            std::fs::copy(fixture.join(file), dir.join(file)).expect("copy fixture");
        }
        dir
    }

    fn import(&self, dir: &Path) -> String {
        let (code, v) = self.json(&["case", "import", dir.to_str().expect("utf-8 path")]);
        assert_eq!(code, 0, "import failed: {v}");
        v["id"].as_str().expect("id").to_string()
    }

    fn blob_count(&self) -> usize {
        walk_files(&self.data.join("blobs")).into_iter().filter(|p| !p.starts_with(self.data.join("blobs/tmp"))).count()
    }
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() { out.extend(walk_files(&path)) } else { out.push(path) }
        }
    }
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn validate_json_shape_and_exit_codes() {
    let env = Env::new();
    let (code, v) = env.json(&["validate", "uscc", "91350205MA2Y0LQ12U"]);
    assert_eq!(code, 0);
    let first = &v[0];
    for key in ["kind", "input", "normalized", "valid", "warnings", "error", "details"] {
        assert!(first.get(key).is_some(), "missing key {key} in {first}");
    }
    assert_eq!(first["kind"], "uscc");
    assert_eq!(first["error"], Value::Null);
    // Localised to one language: Chinese by default, English with --lang en.
    assert_eq!(first["details"]["registration_authority"]["name"], "工商");
    let (_, v) = env.json(&["validate", "uscc", "91350205MA2Y0LQ12U", "--lang", "en"]);
    assert_eq!(v[0]["details"]["registration_authority"]["name"], "industry and commerce");

    let (code, v) = env.json(&["validate", "ric", "110105199001011232", "110105199001011233"]);
    assert_eq!(code, 1, "one invalid value makes exit 1");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert_eq!(v[1]["valid"], false);
    assert!(v[1]["error"].as_str().is_some_and(|e| e.contains("校验码")));

    let out = env.qualkit(&["validate", "passport", "X"]);
    assert_eq!(out.status.code(), Some(2), "usage error");
    assert!(out.stdout.is_empty());
}

#[test]
fn validate_readable_report_in_both_languages() {
    let env = Env::new();
    let out = env.qualkit(&["validate", "icp", "闽ICP备1234567号-1"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("无效") && text.contains("8 位"), "{text}");
    let out = env.qualkit(&["validate", "icp", "闽ICP备1234567号-1", "--lang", "en"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("invalid"));
}

#[test]
fn icp_plan_for_every_filing_type() {
    let env = Env::new();
    let phones = ["--subject-phone", "13800000001", "--site-phone", "13900000002"];
    for (kind, roles) in [
        ("first", vec!["subject", "site"]),
        ("new-site", vec!["site"]),
        ("access", vec!["site"]),
        ("change-subject", vec!["subject"]),
        ("change-site", vec!["site"]),
        ("change-both", vec!["subject", "site"]),
        ("cancel-access", vec![]),
        ("deregister-subject", vec!["subject"]),
        ("deregister-site", vec!["site"]),
    ] {
        let mut args = vec!["icp", "plan", "--type", kind];
        args.extend(phones);
        let (code, v) = env.json(&args);
        assert_eq!(code, 0, "{kind}: {v}");
        let got: Vec<&str> =
            v["recipients"].as_array().expect("recipients").iter().filter_map(|r| r["role"].as_str()).collect();
        assert_eq!(got, roles, "{kind}");
        assert_eq!(v["sms_count"], roles.len(), "{kind}");
        assert_eq!(v["code_digits"], 6);
        assert_eq!(v["deadline_hours"], 24);
        assert_eq!(v["max_resends"], 2);
        assert!(v["notes"].as_array().is_some_and(|n| !n.is_empty()));
    }
}

#[test]
fn icp_plan_sends_one_sms_when_both_roles_share_a_phone() {
    let env = Env::new();
    let (code, v) = env.json(&[
        "icp",
        "plan",
        "--type",
        "first",
        "--subject-phone",
        "13800000001",
        "--site-phone",
        "138 0000 0001",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["sms_count"], 1);
    assert_eq!(v["recipients"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["recipients"][1]["phone"], "13800000001", "phone numbers are normalised before comparing");
}

#[test]
fn icp_plan_usage_errors() {
    let env = Env::new();
    let out = env.qualkit(&["icp", "plan", "--type", "first", "--subject-phone", "13800000001"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--site-phone"), "{}", stderr(&out));
    let out = env.qualkit(&["icp", "plan", "--type", "new-site", "--site-phone", "12345"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.qualkit(&["icp", "plan", "--type", "renew", "--site-phone", "13800000001"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn icp_plan_stored_in_a_case_and_tracked() {
    let env = Env::new();
    let id = env.import(&env.case_folder("c", CASE_TOML));
    let (code, _) = env.json(&[
        "icp",
        "plan",
        "--type",
        "first",
        "--subject-phone",
        "13800000001",
        "--site-phone",
        "13900000002",
        "--case",
        &id,
    ]);
    assert_eq!(code, 0);
    let (_, v) = env.json(&["icp", "status", &id]);
    assert_eq!(v["messages"][0]["status"], "waiting");
    let (code, v) = env.json(&["icp", "mark", &id, "--role", "site", "--event", "sent"]);
    assert_eq!(code, 0);
    let site =
        v["messages"].as_array().and_then(|m| m.iter().find(|m| m["phone"] == "13900000002")).expect("site message");
    assert_eq!(site["status"], "sent");
    assert!(site["seconds_left"].as_i64().is_some_and(|s| s > 23 * 3600 && s <= 24 * 3600));
    for _ in 0..2 {
        assert_eq!(env.json(&["icp", "mark", &id, "--role", "site", "--event", "resent"]).0, 0);
    }
    let out = env.qualkit(&["icp", "mark", &id, "--role", "site", "--event", "resent"]);
    assert_eq!(out.status.code(), Some(2), "a third resend is refused");
    let (_, v) = env.json(&["icp", "mark", &id, "--role", "site", "--event", "verified"]);
    let site =
        v["messages"].as_array().and_then(|m| m.iter().find(|m| m["phone"] == "13900000002")).expect("site message");
    assert_eq!(site["status"], "verified");
    assert_eq!(site["resends_left"], 0);
}

#[test]
fn case_import_list_show_add_delete() {
    let env = Env::new();
    let dir = env.case_folder("c", CASE_TOML);
    let id = env.import(&dir);
    assert!(env.data.join("qualkit.db").is_file());
    assert_eq!(env.blob_count(), 2);

    let (code, list) = env.json(&["case", "list"]);
    assert_eq!(code, 0);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["applicant_name"], "厦门市海沧区云帆网络科技有限公司");
    assert_eq!(list[0]["material_count"], 2);

    let (code, case) = env.json(&["case", "show", &id]);
    assert_eq!(code, 0);
    assert_eq!(case["data"]["applicant"]["uscc"], "91350205MA2Y0LQ12U");
    assert_eq!(case["data"]["applicant"]["established"], "2019-03-12");
    assert_eq!(case["data"]["signature"]["use"], "self");
    let material = &case["materials"][0];
    assert_eq!(material["role"], "business-license");
    assert_eq!(material["original_name"], "license.png");
    assert_eq!(material["mime"], "image/png");
    assert_eq!(material["size"], PNG_1X1.len());
    let sha = material["sha256"].as_str().expect("sha");
    let stored = env.data.join("blobs").join(&sha[..2]).join(&sha[2..]);
    assert_eq!(std::fs::read(stored).expect("blob"), PNG_1X1);

    // The readable list masks identity and phone numbers.
    let text = String::from_utf8_lossy(&env.qualkit(&["case", "show", &id]).stdout).into_owned();
    assert!(text.contains("138****0000") && !text.contains("13800000000"), "{text}");
    assert!(!text.contains("110105199001011232"), "{text}");

    let trademark = env.root.join("tm.png");
    std::fs::write(&trademark, [PNG_1X1, b"tm"].concat()).expect("write");
    let (code, added) =
        env.json(&["case", "add", &id, "--role", "trademark-certificate", trademark.to_str().expect("path")]);
    assert_eq!(code, 0, "{added}");
    assert_eq!(added["role"], "trademark-certificate");
    assert_eq!(env.json(&["case", "show", &id]).1["materials"].as_array().map(Vec::len), Some(3));

    let out = env.qualkit(&["case", "add", &id, "--role", "passport", trademark.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.qualkit(&["case", "add", "nosuchid", "--role", "other", trademark.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nosuchid"));

    let out = env.qualkit(&["case", "delete", &id]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(env.json(&["case", "list"]).1, serde_json::json!([]));
    assert_eq!(env.blob_count(), 0, "deleting the only case removes its files");
    assert_eq!(env.qualkit(&["case", "show", &id]).status.code(), Some(2));
}

#[test]
fn shared_files_survive_deleting_one_of_two_cases() {
    let env = Env::new();
    let dir = env.case_folder("c", CASE_TOML);
    let first = env.import(&dir);
    let second = env.import(&dir);
    assert_ne!(first, second);
    assert_eq!(env.blob_count(), 2, "identical files are stored once");
    assert_eq!(env.qualkit(&["case", "delete", &first]).status.code(), Some(0));
    assert_eq!(env.blob_count(), 2, "the other case still uses them");
    assert_eq!(env.qualkit(&["case", "delete", &second]).status.code(), Some(0));
    assert_eq!(env.blob_count(), 0);
}

/// Imports `toml` and expects exit 2 naming `line` and `needle`, with nothing written.
fn assert_import_fails(toml: &str, line: usize, needle: &str) {
    let env = Env::new();
    let dir = env.case_folder("bad", toml);
    let out = env.qualkit(&["case", "import", dir.to_str().expect("path"), "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("line {line}:")), "expected line {line}: {err}");
    assert!(err.contains(needle), "expected {needle:?}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "a one-line reason: {err}");
    assert!(out.stdout.is_empty());
    assert_eq!(env.json(&["case", "list"]).1, serde_json::json!([]), "no case was created");
    assert_eq!(env.blob_count(), 0, "no orphan files");
}

#[test]
fn import_rejects_unknown_keys_with_line_and_key() {
    assert_import_fails(&CASE_TOML.replace("legal_rep = ", "legal_repp = "), 7, "unknown key `legal_repp`");
    assert_import_fails(
        &CASE_TOML.replace("[signature]\n", "[signature]\ncolour = \"red\"\n"),
        16,
        "unknown key `colour`",
    );
}

#[test]
fn import_rejects_wrong_types_and_values() {
    assert_import_fails(&CASE_TOML.replace("phone = \"13800000000\"", "phone = 13800000000"), 13, "key `phone`");
    assert_import_fails(
        &CASE_TOML.replace("kind = \"enterprise\"", "kind = \"company\""),
        4,
        "`company` is not allowed",
    );
    assert_import_fails(
        &CASE_TOML.replace("established = 2019-03-12", "established = \"12/03/2019\""),
        8,
        "YYYY-MM-DD",
    );
    assert_import_fails(
        &CASE_TOML.replace("vendors = [\"aliyun\", \"tencent\"]", "vendors = [\"aliyun\", \"qiniu\"]"),
        1,
        "`qiniu`",
    );
    assert_import_fails(&CASE_TOML.replace("role = \"business-license\"", "role = \"licence\""), 33, "`licence`");
}

#[test]
fn import_rejects_missing_and_escaping_files() {
    assert_import_fails(&CASE_TOML.replace("file = \"license.png\"", "file = \"nope.png\""), 34, "no file `nope.png`");
    assert_import_fails(
        &CASE_TOML.replace("file = \"license.png\"", "file = \"../license.png\""),
        34,
        "inside the case folder",
    );
    assert_import_fails(
        &CASE_TOML.replace("file = \"license.png\"", "file = \"/etc/passwd\""),
        34,
        "inside the case folder",
    );
}

#[test]
fn import_of_an_empty_material_fails_without_leaving_files() {
    let env = Env::new();
    let dir = env.case_folder("c", CASE_TOML);
    std::fs::write(dir.join("ids/handler-front.png"), b"").expect("truncate");
    let out = env.qualkit(&["case", "import", dir.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("空文件"), "{}", stderr(&out));
    assert_eq!(env.blob_count(), 0, "the licence blob written before the failure is removed");
    assert_eq!(env.json(&["case", "list"]).1, serde_json::json!([]));
}

#[test]
fn import_of_a_folder_without_case_toml() {
    let env = Env::new();
    let out = env.qualkit(&["case", "import", env.root.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("case.toml"));
}

#[test]
fn case_check_returns_the_checklist_per_vendor() {
    let env = Env::new();
    let id = env.import(&env.case_folder("c", CASE_TOML));
    let (code, v) = env.json(&["case", "check", &id]);
    assert_eq!(code, 1, "handler ID back is missing, so not ready");
    assert_eq!(v["id"], id.as_str());
    let vendors: Vec<&String> = v["vendors"].as_object().expect("vendors").keys().collect();
    assert_eq!(vendors, ["aliyun", "tencent"]);
    let aliyun = &v["vendors"]["aliyun"];
    assert_eq!(aliyun["ready"], false);
    assert!(aliyun["findings"].is_array());
    let item = |vendor: &Value, id: &str| -> Value {
        vendor["checklist"].as_array().and_then(|l| l.iter().find(|i| i["item"] == id).cloned()).unwrap_or(Value::Null)
    };
    for key in ["item", "status", "why", "source"] {
        assert!(item(aliyun, "material.business-license").get(key).is_some(), "missing {key}");
    }
    assert_eq!(item(aliyun, "material.business-license")["status"], "ok");
    assert_eq!(item(aliyun, "material.handler-id-back")["status"], "missing");
    assert!(
        item(aliyun, "material.business-license")["source"].as_str().is_some_and(|s| s.contains("help.aliyun.com"))
    );
    assert_eq!(item(aliyun, "applicant.uscc")["status"], "ok");
    assert_eq!(item(&v["vendors"]["tencent"], "material.commitment-letter")["status"], "missing");

    // Complete the aliyun package: the vendor becomes ready and `--vendor` limits the report.
    let back = env.root.join("back.png");
    std::fs::write(&back, [PNG_1X1, b"back"].concat()).expect("write");
    assert_eq!(
        env.qualkit(&["case", "add", &id, "--role", "handler-id-back", back.to_str().expect("path")]).status.code(),
        Some(0)
    );
    let (code, v) = env.json(&["case", "check", &id, "--vendor", "aliyun"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["vendors"].as_object().map(|m| m.len()), Some(1));
    assert_eq!(v["vendors"]["aliyun"]["ready"], true);
}

#[test]
fn the_database_is_wal_with_foreign_keys_and_a_schema_version() {
    let env = Env::new();
    env.import(&env.case_folder("c", CASE_TOML));
    let conn = rusqlite::Connection::open(env.data.join("qualkit.db")).expect("open db");
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("journal_mode");
    assert_eq!(mode, "wal");
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("user_version");
    assert!(version >= 1);
    conn.pragma_update(None, "foreign_keys", "ON").expect("fk");
    let orphan = conn.execute(
        "INSERT INTO materials (case_id, role, original_name, size, mime, sha256, added_at) VALUES ('none', 'other', 'x', 1, 'x', 'x', 'x')",
        [],
    );
    assert!(orphan.is_err(), "a material must belong to a case");
}

#[test]
fn lint_signature_json_shape_and_exit_codes() {
    let env = Env::new();
    let company = "厦门市海沧区云帆网络科技有限公司";
    let (code, v) = env.json(&["lint", "signature", "--vendor", "aliyun", "--company", company, "云帆网络"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["vendor"], "aliyun");
    assert_eq!(v["findings"], serde_json::json!([]));

    let (code, v) = env.json(&["lint", "signature", "--vendor", "aliyun", "--company", company, "云帆 科技"]);
    assert_eq!(code, 1, "{v}");
    let rules: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["signature.charset", "signature.company_part"]);
    let charset = &v["findings"][0];
    for key in ["rule", "severity", "message", "fix", "source"] {
        assert!(charset[key].is_string(), "{key} in {charset}");
    }
    assert_eq!(charset["severity"], "block");
    assert_eq!(charset["span"], serde_json::json!([2, 3]));
    assert!(charset["source"].as_str().unwrap().contains("help.aliyun.com"), "{charset}");
    assert_eq!(v["findings"][1]["expected"], "云帆网络科技");

    // A warning alone does not fail; the readable report is in the chosen language.
    let out = env.qualkit(&["lint", "signature", "--vendor", "tencent", "--lang", "en", "YunFan"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[warn] signature.latin_only"), "{text}");
    // An unknown vendor is a usage error.
    assert_eq!(env.qualkit(&["lint", "signature", "--vendor", "qq", "云帆"]).status.code(), Some(2));
}

#[test]
fn lint_template_reports_length_segments_and_spans() {
    let env = Env::new();
    let text = "您的验证码为${code}，5分钟内有效，请勿泄露于他人。";
    let (code, v) = env.json(&[
        "lint",
        "template",
        "--vendor",
        "tencent",
        "--type",
        "verification",
        "--signature",
        "云帆网络",
        "--text",
        text,
    ]);
    assert_eq!(code, 0, "{v}");
    // 【云帆网络】 6 + 22 characters of fixed text + a 6-digit code.
    assert_eq!(v["length"]["chars"], 6 + 22 + 6);
    assert_eq!(v["length"]["segments"], 1);
    assert_eq!(v["rendered"], "您的验证码为{1}，5分钟内有效，请勿泄露于他人。");

    let bad = env.root.join("bad.txt");
    std::fs::write(&bad, "恭喜！验证码${code}，点击 t.cn/x 领红包\n").unwrap();
    let (code, v) = env.json(&[
        "lint",
        "template",
        "--vendor",
        "aliyun",
        "--type",
        "verification",
        "--file",
        bad.to_str().unwrap(),
        "--var",
        "code=1234567",
    ]);
    assert_eq!(code, 1, "{v}");
    let found = |rule: &str| v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == rule).cloned();
    assert_eq!(found("template.verification_link").unwrap()["span"], serde_json::json!([17, 23]));
    assert_eq!(found("template.marketing_words").unwrap()["span"], serde_json::json!([0, 2]));
    assert!(found("template.verification_code_length").is_some(), "{v}");

    // 150 characters with the signature → 67 + 67 + 16 = 3 messages, reported as info.
    let long = "订".repeat(144);
    let (code, v) = env.json(&[
        "lint",
        "template",
        "--vendor",
        "huawei",
        "--type",
        "notification",
        "--signature",
        "云帆网络",
        "--text",
        &long,
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!((v["length"]["chars"].as_u64(), v["length"]["segments"].as_u64()), (Some(150), Some(3)));
    assert!(found_in(&v, "template.segments"));
    assert_eq!(
        env.qualkit(&["lint", "template", "--vendor", "aliyun", "--type", "verification"]).status.code(),
        Some(2)
    );
}

fn found_in(v: &Value, rule: &str) -> bool {
    v["findings"].as_array().is_some_and(|list| list.iter().any(|f| f["rule"] == rule))
}

#[test]
fn case_check_reports_findings_per_vendor() {
    let env = Env::new();
    let toml = CASE_TOML
        .replace("您的验证码为${code}，5分钟内有效，请勿泄露于他人。", "恭喜您！验证码${code}，登录领取红包")
        .replace("name = \"云帆网络\"", "name = \"云帆科技\"");
    let id = env.import(&env.case_folder("c", &toml));
    let (code, v) = env.json(&["case", "check", &id, "--vendor", "tencent"]);
    assert_eq!(code, 1);
    let findings = v["vendors"]["tencent"]["findings"].as_array().unwrap();
    let rule = |r: &str| findings.iter().find(|f| f["rule"] == r).cloned().unwrap_or(Value::Null);
    assert_eq!(rule("signature.company_part")["field"], "signature.name");
    let marketing = rule("template.marketing_words");
    assert_eq!(marketing["field"], "templates.0");
    assert_eq!(marketing["severity"], "block");
    assert!(marketing["source"].is_string());
    assert_eq!(rule("landing.anti_abuse")["severity"], "info");
    assert_eq!(v["vendors"]["tencent"]["ready"], false);
}

#[test]
fn case_confirm_records_what_a_document_shows_and_check_compares_it() {
    let env = Env::new();
    let id = env.import(&env.case_folder("c", CASE_TOML));
    // The licence, as a person reads it: the long legal form and full-width brackets differ.
    let (code, v) = env.json(&[
        "case",
        "confirm",
        &id,
        "--role",
        "business-license",
        "--set",
        "name=厦门市海沧区云帆网络科技有限责任公司",
        "--set",
        "uscc=91350205MA2Y0LQ12U",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["origin"], "person");
    assert_eq!(v["fields"]["name"]["confidence"], 1.0);

    let (_, v) = env.json(&["case", "check", &id, "--vendor", "aliyun"]);
    let findings = v["vendors"]["aliyun"]["findings"].as_array().unwrap();
    let mismatch: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "match.mismatch").collect();
    assert_eq!(mismatch.len(), 1, "only the name differs: {findings:?}");
    let m = mismatch[0];
    assert_eq!(m["material"], "business-license");
    assert_eq!(m["field"], "name");
    assert_eq!(m["expected"], "厦门市海沧区云帆网络科技有限公司");
    assert_eq!(m["found"], "厦门市海沧区云帆网络科技有限责任公司");
    assert_eq!(m["difference"], serde_json::json!(["company_form"]));
    assert_eq!(v["vendors"]["aliyun"]["ready"], false);

    // Correcting the reading clears the finding; an unknown field is refused and changes nothing.
    let out = env.qualkit(&[
        "case",
        "confirm",
        &id,
        "--role",
        "business-license",
        "--set",
        "name=厦门市海沧区云帆网络科技有限公司",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = env.qualkit(&["case", "confirm", &id, "--role", "business-license", "--set", "nmae=x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nmae"), "{}", stderr(&out));
    let (_, v) = env.json(&["case", "check", &id, "--vendor", "aliyun"]);
    assert!(!found_in(&v["vendors"]["aliyun"], "match.mismatch"), "{v}");
    // A role the case has no material of.
    let out = env.qualkit(&["case", "confirm", &id, "--role", "icp-record", "--set", "name=x"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every declared text has a limit: a company name pasted 200 000 times over is refused with
/// the field, the limit and its source, and nothing is stored; a long name within the limit is
/// listed shortened, shown whole.
#[test]
fn over_long_texts_are_refused_and_long_names_listed_shortened() {
    let env = Env::new();
    let huge = "云".repeat(200_000);
    let dir = env.case_folder("huge", &CASE_TOML.replace("厦门市海沧区云帆网络科技有限公司", &huge));
    let out = env.qualkit(&["case", "import", dir.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let error = stderr(&out);
    assert!(error.contains("applicant.name 过长：200000 个字符，最多 150 个"), "{error}");
    assert!(error.contains("CompanyName"), "the limit's source: {error}");
    assert!(error.len() < 2_000, "the error does not repeat the value: {} bytes", error.len());
    assert_eq!(env.json(&["case", "list"]).1, serde_json::json!([]));
    assert_eq!(env.blob_count(), 0);
    let out = env.qualkit(&["--lang", "en", "case", "import", dir.to_str().expect("path")]);
    assert!(stderr(&out).contains("applicant.name is too long: 200000 characters, at most 150"), "{}", stderr(&out));

    let template = CASE_TOML.replace("[handler]", "[[templates]]\ntype = \"notification\"\ntext = \"X\"\n\n[handler]");
    let long_template = template.replace("text = \"X\"", &format!("text = \"{}\"", "您".repeat(1001)));
    let dir = env.case_folder("template", &long_template);
    let out = env.qualkit(&["case", "import", dir.to_str().expect("path")]);
    assert!(stderr(&out).contains("templates.text 过长：1001 个字符，最多 1000 个"), "{}", stderr(&out));

    let long_name = format!("{}有限公司", "长".repeat(120));
    let dir = env.case_folder("long", &CASE_TOML.replace("厦门市海沧区云帆网络科技有限公司", &long_name));
    let id = env.import(&dir);
    let listed = String::from_utf8_lossy(&env.qualkit(&["case", "list"]).stdout).into_owned();
    let line = listed.lines().find(|l| l.contains(&id)).expect("the case is listed");
    assert!(line.contains(&format!("{}…", "长".repeat(39))) && !line.contains(&long_name), "{line}");
    let shown = String::from_utf8_lossy(&env.qualkit(&["case", "show", &id]).stdout).into_owned();
    assert!(shown.contains(&long_name), "the case shows the name whole");
}

#[test]
fn an_over_long_argument_is_refused_before_anything_runs() {
    let env = Env::new();
    let text = format!("您的验证码为${{code}}{}", "字".repeat(5_000));
    let out = env.qualkit(&["lint", "template", "--vendor", "aliyun", "--type", "verification", "--text", &text]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("参数过长：5013 个字符，最多 4096 个"), "{}", stderr(&out));
    // Within the limit the same command lints (and reports the vendor's own length limit).
    let out = env.qualkit(&[
        "lint",
        "template",
        "--vendor",
        "aliyun",
        "--type",
        "verification",
        "--text",
        "您的验证码为${code}",
    ]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn typed_variables_from_the_case_reach_the_check_the_lint_and_the_field_sheet() {
    let env = Env::new();
    let notification = "[[templates]]\ntype = \"notification\"\n\
        text = \"尊敬的${user}，您的订单${order}已支付${amount}元。\"\n\
        variables = { order = \"number\", amount = \"money\" }\n\
        examples = { amount = \"¥12.50\" }\n\n[landing]";
    let toml = CASE_TOML.replace("vendors = [\"aliyun\", \"tencent\"]", "vendors = [\"aliyun\", \"huawei\"]").replacen(
        "[landing]",
        notification,
        1,
    );
    let id = env.import(&env.case_folder("typed", &toml));

    // Huawei's MONEY takes no currency sign: the declared example is refused, on the template.
    let (code, v) = env.json(&["case", "check", &id, "--vendor", "huawei"]);
    assert_eq!(code, 1, "{v}");
    let findings = v["vendors"]["huawei"]["findings"].as_array().unwrap();
    let money = findings.iter().find(|f| f["rule"] == "template.variable_value").expect("variable_value");
    assert_eq!(money["field"], "templates.1");
    assert!(money["message"].as_str().unwrap().contains("MONEY"), "{money}");
    assert!(money["source"].as_str().unwrap().contains("huaweicloud.com"), "{money}");

    // The lint shows each type and how it was settled; an unknown type names the known ones.
    let (code, v) = env.json(&[
        "lint",
        "template",
        "--vendor",
        "aliyun",
        "--type",
        "notification",
        "--text",
        "尊敬的${user}，您的订单${order}已支付${amount}元。",
        "--var-type",
        "order=number",
    ]);
    assert_eq!(code, 0, "{v}");
    let variables = v["variables"].as_array().unwrap();
    let typed: Vec<(&str, &str, &str)> = variables
        .iter()
        .map(|x| (x["name"].as_str().unwrap(), x["type"].as_str().unwrap(), x["typed_by"]["by"].as_str().unwrap()))
        .collect();
    assert_eq!(typed, [("user", "name", "name"), ("order", "number", "declared"), ("amount", "money", "name")]);
    assert_eq!(variables[1]["attribute"], "other_number2");
    assert_eq!(variables[2]["example"], false);
    let out = env.qualkit(&[
        "lint",
        "template",
        "--vendor",
        "aliyun",
        "--type",
        "notification",
        "--text",
        "${x}元",
        "--var-type",
        "x=currency",
        "--lang",
        "en",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown variable type “currency”; known types: code, alnum-code, phone"),
        "{}",
        stderr(&out)
    );

    // The field sheets carry each vendor's own attribute names: Aliyun's TemplateRule JSON,
    // Huawei's in position order; the inferred one is left to check.
    let dir = env.root.join("export-aliyun");
    let (code, v) = env.json(&["case", "export", &id, "--vendor", "aliyun", "--out", dir.to_str().unwrap(), "--force"]);
    assert_eq!(code, 0, "{v}");
    let sheet: Value = serde_json::from_slice(&std::fs::read(dir.join("fields.json")).unwrap()).unwrap();
    let rules: Vec<&Value> =
        sheet["fields"].as_array().unwrap().iter().filter(|f| f["field"] == "TemplateRule").collect();
    assert_eq!(rules[1]["value"], r#"{"amount":"money","order":"other_number2","user":"name"}"#);
    assert_eq!(rules[1]["status"], "check");
    assert!(rules[1]["hint"]["zh"].as_str().unwrap().contains("${user} 姓名或称呼"), "{}", rules[1]);
    let remark: Vec<&Value> =
        sheet["fields"].as_array().unwrap().iter().filter(|f| f["field"] == "Remark" && f["template"] == 2).collect();
    assert!(
        remark[0]["value"]
            .as_str()
            .unwrap()
            .contains("示例：【云帆网络】尊敬的王先生，您的订单SO2026120100123已支付¥12.50元。"),
        "{}",
        remark[0]
    );
    let templates = std::fs::read_to_string(dir.join("templates.txt")).unwrap();
    assert!(templates.contains("变量 3 ${amount}：金额（声明），属性 money"), "{templates}");

    let dir = env.root.join("export-huawei");
    let (code, v) = env.json(&["case", "export", &id, "--vendor", "huawei", "--out", dir.to_str().unwrap(), "--force"]);
    assert_eq!(code, 0, "{v}");
    let sheet: Value = serde_json::from_slice(&std::fs::read(dir.join("fields.json")).unwrap()).unwrap();
    let attributes: Vec<&Value> =
        sheet["fields"].as_array().unwrap().iter().filter(|f| f["field"] == "变量属性").collect();
    assert_eq!(attributes[0]["value"], "${1}=CHARDIGIT");
    assert_eq!(attributes[1]["value"], "${1}=TEXT, ${2}=CHARDIGIT, ${3}=MONEY");
}

#[test]
fn an_unknown_variable_type_in_case_toml_is_refused_with_the_known_ones() {
    let toml = CASE_TOML.replace(
        "text = \"您的验证码为${code}，5分钟内有效，请勿泄露于他人。\"",
        "text = \"您的验证码为${code}，5分钟内有效，请勿泄露于他人。\"\nvariables = { code = \"otp\" }",
    );
    assert_import_fails(&toml, 23, "`otp`");
    let env = Env::new();
    let dir = env.case_folder("bad", &toml);
    let out = env.qualkit(&["case", "import", dir.to_str().expect("path"), "--lang", "en"]);
    assert!(stderr(&out).contains("alnum-code"), "{}", stderr(&out));
}
