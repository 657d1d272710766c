#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! The real desktop app, driven over WebDriver: it shows the cases the core stored, their
//! per-vendor checklist and findings (a name mismatch with its diff), generates the review
//! report, refuses and then force-exports a vendor bundle that is checked on disk, fixes the
//! mismatch by taking the document's value, lints a template live, checks an identifier,
//! switches language and deletes a case.

use std::io::Read;

use fantoccini::Locator;
use qualkit::case::Role;
use qualkit::reading::{DocKind, Field, Origin, Reading};
use qualkit_e2e::App;

const PNG_1X1: &[u8] = include_bytes!("../../tests/fixtures/yunfan/license.png");

fn write_case_folder(dir: &std::path::Path, name: &str, uscc: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("license.png"), PNG_1X1).expect("png");
    std::fs::write(
        dir.join("case.toml"),
        format!(
            r#"vendors = ["aliyun", "huawei"]
[applicant]
kind = "enterprise"
name = "{name}"
uscc = "{uscc}"
legal_rep = "王伟"
[signature]
name = "云帆网络"
source = "company"
[[materials]]
role = "business-license"
file = "license.png"
"#
        ),
    )
    .expect("case.toml");
}

#[tokio::test(flavor = "multi_thread")]
async fn case_list_checklist_validator_language_and_delete() {
    if qualkit_e2e::unavailable().is_some() {
        return;
    }
    let folders = tempfile::tempdir().expect("tmp");
    let first = folders.path().join("yunfan");
    write_case_folder(&first, "厦门市海沧区云帆网络科技有限公司", "91350205MA2Y0LQ12U");
    let second = folders.path().join("bad-code");
    write_case_folder(&second, "北京某某科技有限公司", "91350205MA2Y0LQ12A");

    let app = App::start(4461, |data| {
        let mut store = qualkit::Store::open(data).expect("store");
        let id = store.import_folder(&first).expect("import");
        // What the licence shows (OCR's result, as the OCR issue will store it): the long form
        // of the company name, which the case does not declare.
        let case = store.case(&id).expect("case");
        let licence = case.materials.iter().find(|m| m.role == Role::BusinessLicense).expect("licence");
        let reading = Reading::new(DocKind::BusinessLicense, Origin::Ocr)
            .with("name", Field::confirmed("厦门市海沧区云帆网络科技有限责任公司"));
        store.save_reading(&licence.sha256, &reading).expect("reading");
    })
    .await;

    // The case stored by the core is listed, with its per-vendor readiness.
    let row = app.wait_text("#case-list .case", "云帆网络科技").await;
    assert!(row.contains("aliyun") && row.contains("huawei"), "{row}");
    app.screenshot("01-case-list").await;

    // Import a second case through the UI.
    let input = app.client.find(Locator::Css("#import-path")).await.expect("import input");
    input.send_keys(second.to_str().expect("path")).await.expect("type path");
    app.client.find(Locator::Css("#import-button")).await.expect("button").click().await.expect("click");
    app.wait_text("#message", "已导入案卷").await;
    app.wait_text("#case-title", "北京某某科技有限公司").await;
    // Its wrong credit code is reported with the expected check character.
    let uscc = app.wait_text("tr[data-item='applicant.uscc']", "有误").await;
    assert!(uscc.contains("应为 U"), "{uscc}");
    app.screenshot("02-imported-checklist").await;

    // Open the first case: the checklist shows what each vendor still needs.
    let yunfan = Locator::XPath("//button[contains(@class, 'case') and contains(., '云帆网络科技')]");
    app.client.find(yunfan).await.expect("case").click().await.expect("click");
    app.wait_text("#case-title", "云帆网络科技").await;
    let handheld =
        app.wait_text("article[data-vendor='huawei'] tr[data-item='material.handler-id-handheld']", "缺少").await;
    assert!(handheld.contains("手持"), "{handheld}");
    app.wait_text("article[data-vendor='aliyun'] tr[data-item='material.business-license']", "已具备").await;

    // The licence's name differs from the declared one: a blocking finding with its diff.
    let mismatch = app.wait_text("article[data-vendor='aliyun'] li[data-rule='match.mismatch']", "有限责任公司").await;
    assert!(mismatch.contains("阻断") && mismatch.contains("营业执照"), "{mismatch}");
    app.client
        .execute(
            "document.querySelector(\"article[data-vendor='aliyun'] li[data-rule='match.mismatch']\").scrollIntoView()",
            Vec::new(),
        )
        .await
        .expect("scroll");
    app.screenshot("03-mismatch-diff").await;
    let inserted = app
        .client
        .find(Locator::Css("article[data-vendor='aliyun'] li[data-rule='match.mismatch'] [data-diff] .insert"))
        .await
        .expect("diff")
        .text()
        .await
        .expect("text");
    assert_eq!(inserted, "责任");

    // Documents: the review report is written as a PDF where the panel says.
    app.client.find(Locator::Css("#doc-report")).await.expect("report button").click().await.expect("click");
    let written = app.wait_text("#document-written", "已生成").await;
    let exports = app.data_dir.path().join("exports");
    let report = exports.join("厦门市海沧区云帆网络科技有限公司-审核报告.pdf");
    assert!(written.contains(report.to_str().expect("path")), "{written}");
    assert!(std::fs::read(&report).expect("report on disk").starts_with(b"%PDF"));

    // Export for Huawei: refused while blocks remain, nothing written.
    let bundle = exports.join("yunfan-huawei.zip");
    app.client
        .find(Locator::Css("#export-vendor"))
        .await
        .expect("vendor select")
        .select_by_value("huawei")
        .await
        .expect("select huawei");
    let path = app.client.find(Locator::Css("#export-path")).await.expect("path input");
    path.clear().await.expect("clear");
    path.send_keys(bundle.to_str().expect("path")).await.expect("type path");
    app.client.find(Locator::Css("#export-button")).await.expect("export").click().await.expect("click");
    let refused = app.wait_text("#export-refused", "未导出").await;
    assert!(refused.contains("手持"), "the missing handheld photo blocks Huawei: {refused}");
    assert!(!bundle.exists());
    app.screenshot("04-export-refused").await;

    // With "export despite blocks" it is written, and the bundle proves itself on disk.
    app.client.find(Locator::Css("#export-force")).await.expect("force").click().await.expect("click");
    app.client.find(Locator::Css("#export-button")).await.expect("export").click().await.expect("click");
    let done = app.wait_text("#export-written", "已导出到").await;
    assert!(done.contains("materials/01-营业执照.png") && done.contains("fields.json"), "{done}");
    app.screenshot("05-exported").await;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&bundle).expect("bundle on disk")).expect("zip");
    let mut text = String::new();
    archive.by_name("manifest.json").expect("manifest").read_to_string(&mut text).expect("read");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(manifest["vendor"], "huawei");
    assert_eq!(manifest["forced"], true);
    for file in manifest["files"].as_array().expect("files") {
        let name = file["path"].as_str().expect("path");
        let mut bytes = Vec::new();
        archive.by_name(name).expect("listed file in the zip").read_to_end(&mut bytes).expect("read");
        assert_eq!(file["bytes"], bytes.len(), "{name}");
        assert_eq!(file["sha256"], qualkit::store::sha256_hex(&bytes), "{name}");
    }
    let mut fields = String::new();
    archive.by_name("fields.json").expect("field sheet").read_to_string(&mut fields).expect("read");
    assert!(fields.contains("\"signature_name\"") && fields.contains("云帆网络"), "{fields}");

    // Fix the mismatch: the licence is right, so the case takes its long form. The check runs
    // again and the finding is gone; the case is renamed in the list too.
    app.client
        .find(Locator::Css("article[data-vendor='aliyun'] li[data-rule='match.mismatch'] button[data-fix='document']"))
        .await
        .expect("fix button")
        .click()
        .await
        .expect("click");
    app.wait_text("#case-title", "有限责任公司").await;
    app.wait_text("#case-list .case.selected", "有限责任公司").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !app
        .client
        .find_all(Locator::Css("article[data-vendor='aliyun'] li[data-rule='match.mismatch']"))
        .await
        .expect("find")
        .is_empty()
    {
        assert!(std::time::Instant::now() < deadline, "the mismatch is still shown after the fix");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let stored = qualkit::Store::open(app.data_dir.path()).expect("store");
    let fixed =
        stored.list_cases().expect("list").into_iter().find(|c| c.applicant_name.contains("云帆")).expect("case");
    assert_eq!(fixed.applicant_name, "厦门市海沧区云帆网络科技有限责任公司");
    app.screenshot("06-mismatch-fixed").await;

    // Lint a template live: every vendor side by side, Tencent with its own variable syntax.
    let editor = app.client.find(Locator::Css("#template-text")).await.expect("template editor");
    editor.send_keys("恭喜！您的验证码为${code}，点击领取红包").await.expect("type template");
    let tencent = app.wait_text("#template-lint article[data-vendor='tencent']", "{1}").await;
    assert!(tencent.contains("红包") && tencent.contains("template.marketing_words"), "{tencent}");
    app.wait_text("#template-lint article[data-vendor='aliyun'] li[data-rule='template.marketing_words']", "恭喜")
        .await;
    app.client.execute("document.getElementById('template-lint').scrollIntoView()", Vec::new()).await.expect("scroll");
    app.screenshot("07-template-lint").await;

    // The identifier check runs in the core.
    app.client
        .find(Locator::Css("#id-value"))
        .await
        .expect("id input")
        .send_keys("91440300MA00000820")
        .await
        .expect("type");
    app.client.find(Locator::Css("#id-check")).await.expect("check").click().await.expect("click");
    app.wait_text("#id-result", "有效").await;

    // English switch.
    app.client.find(Locator::Css("#lang-en")).await.expect("lang").click().await.expect("click");
    app.wait_text("article[data-vendor='huawei'] tr[data-item='material.handler-id-handheld']", "Missing").await;
    app.screenshot("08-english").await;

    // Delete with confirmation.
    app.client.find(Locator::Css("#delete-case")).await.expect("delete").click().await.expect("click");
    app.client.find(Locator::Css("#delete-confirm")).await.expect("confirm").click().await.expect("click");
    app.wait_text("#detail .empty", "Select a case").await;
    let store = qualkit::Store::open(app.data_dir.path()).expect("store");
    assert_eq!(store.list_cases().expect("list").len(), 1, "one case deleted in the database");
    app.screenshot("09-after-delete").await;
    app.close().await;
}

/// A case built from a licence rendered now: the app adds it, reads it with the real Tesseract
/// (progress bar), flags the name the licence prints differently with its diff and a red box on
/// the image, and the fix clears it. Then the MIIT verification SMS is planned and tracked.
#[tokio::test(flavor = "multi_thread")]
async fn a_rendered_licence_is_read_flagged_on_the_image_and_fixed() {
    if qualkit_e2e::unavailable().is_some() {
        return;
    }
    let folders = tempfile::tempdir().expect("tmp");
    // The licence prints the long company form; the case declares the short one.
    let printed = "厦门市海沧区云帆网络科技有限责任公司";
    let page = qualkit_fixtures::Page::new(
        qualkit_fixtures::Document::Licence2019(qualkit_fixtures::corpus::yunfan_licence(printed)),
        qualkit_fixtures::Condition::Clean,
        3,
    )
    .expect("render the licence");
    let licence = folders.path().join("营业执照.png");
    std::fs::write(&licence, &page.bytes).expect("licence");
    let case_dir = folders.path().join("case");
    std::fs::create_dir_all(&case_dir).expect("mkdir");
    std::fs::write(
        case_dir.join("case.toml"),
        "vendors = [\"aliyun\"]\n[applicant]\nkind = \"enterprise\"\nname = \"厦门市海沧区云帆网络科技有限公司\"\nuscc = \"91350205MA2Y0LQ12U\"\nlegal_rep = \"王伟\"\n",
    )
    .expect("case.toml");

    let app = App::start(4471, |data| {
        qualkit::Store::open(data).expect("store").import_folder(&case_dir).expect("import");
    })
    .await;
    app.wait_text("#case-list .case", "云帆网络科技").await;
    app.client.find(Locator::Css("#case-list .case")).await.expect("case").click().await.expect("click");
    app.wait_text("#case-title", "云帆网络科技").await;

    // Add the licence by path; it is listed, not read yet.
    let path = app.client.find(Locator::Css("#material-path")).await.expect("path input");
    path.send_keys(licence.to_str().expect("path")).await.expect("type");
    app.client.find(Locator::Css("#material-add")).await.expect("add").click().await.expect("click");
    app.wait_text("#materials .material", "尚未识别").await;

    // Read it: Tesseract runs in the app; the mismatch appears with its diff.
    app.client.find(Locator::Css("#ocr-button")).await.expect("ocr").click().await.expect("click");
    let mismatch = app.wait_text("article[data-vendor='aliyun'] li[data-rule='match.mismatch']", "有限责任公司").await;
    assert!(mismatch.contains("营业执照"), "{mismatch}");
    app.wait_text("#materials .material", "个字段已识别").await;

    // The viewer draws the name's box in red on the licence, and lists the value read.
    app.client.find(Locator::Css("#materials .material")).await.expect("material").click().await.expect("click");
    app.client
        .wait()
        .for_element(Locator::Css("#material-viewer .box.mismatch[data-field='name']"))
        .await
        .expect("a red box on the name");
    let row = app.wait_text("#material-viewer tr.mismatch[data-field='name']", printed).await;
    assert!(row.contains(printed), "{row}");
    // The licence itself is shown (a JPEG the core made, through a blob: URL the CSP allows).
    assert_eq!(app.wait_image("#material-viewer img").await, 1200, "a 1200 px view of the 1980 px licence");
    app.client
        .execute(
            "document.querySelector('#material-viewer .box.mismatch').scrollIntoView({block: 'center'})",
            Vec::new(),
        )
        .await
        .expect("scroll");
    app.screenshot("10-ocr-viewer-mismatch").await;

    // Fix: the case takes the licence's form; the box is no longer red (amber where OCR was
    // unsure of a character) and the finding goes.
    app.client
        .find(Locator::Css("article[data-vendor='aliyun'] li[data-rule='match.mismatch'] button[data-fix='document']"))
        .await
        .expect("fix")
        .click()
        .await
        .expect("click");
    app.wait_text("#case-title", "有限责任公司").await;
    app.client
        .wait()
        .for_element(Locator::Css("#material-viewer .box:not(.mismatch)[data-field='name']"))
        .await
        .expect("the name's box is not red after the fix");
    assert!(
        app.client
            .find_all(Locator::Css("#material-viewer .box.mismatch, article li[data-rule='match.mismatch']"))
            .await
            .expect("find")
            .is_empty(),
        "no mismatch left"
    );
    app.client
        .execute("document.querySelector('#material-viewer .box').scrollIntoView({block: 'center'})", Vec::new())
        .await
        .expect("scroll");
    app.screenshot("11-ocr-viewer-fixed").await;

    // The MIIT verification SMS: a first filing, two responsible people with their own phones.
    app.client.find(Locator::Css("#icp-type")).await.expect("type").select_by_value("first").await.expect("first");
    app.client
        .find(Locator::Css("#icp-subject-phone"))
        .await
        .expect("subject")
        .send_keys("138 0000 0000")
        .await
        .expect("type");
    app.client.find(Locator::Css("#icp-site-phone")).await.expect("site").send_keys("13900000000").await.expect("type");
    app.client.find(Locator::Css("#icp-plan")).await.expect("plan").click().await.expect("click");
    let subject = app.wait_text("#icp-tracker tr[data-roles='subject']", "138****0000").await;
    assert!(subject.contains("等待短信") && subject.contains("可重发 2"), "{subject}");
    let tracker_text = app.wait_text("#icp-tracker", "139****0000").await;
    assert!(!tracker_text.contains("13800000000") && !tracker_text.contains("13900000000"), "phones are masked");
    let row = "#icp-tracker tr[data-roles='subject']";
    for (event, expect) in [("sent", "23:59:"), ("resent", "可重发 1"), ("verified", "已核验")] {
        app.client
            .find(Locator::Css(&format!("{row} button[data-event='{event}']")))
            .await
            .expect("event button")
            .click()
            .await
            .expect("click");
        app.wait_text(row, expect).await;
    }
    app.wait_text("#icp-tracker tr[data-roles='site']", "等待短信").await;
    let store = qualkit::Store::open(app.data_dir.path()).expect("store");
    let id = store.list_cases().expect("list")[0].id.clone();
    let tracker = store.icp_tracker(&id).expect("tracker").expect("a plan");
    let subject = tracker.messages.iter().find(|m| m.state.phone == "13800000000").expect("subject message");
    assert_eq!(subject.status, qualkit::icp::MessageStatus::Verified);
    assert_eq!(subject.resends_left, 1);
    app.client.execute("document.getElementById('icp-tracker').scrollIntoView()", Vec::new()).await.expect("scroll");
    app.screenshot("12-icp-tracker").await;
    app.close().await;
}
