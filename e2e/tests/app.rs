#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! The real desktop app, driven over WebDriver: it shows the cases the core stored, their
//! per-vendor checklist and findings (a name mismatch with its diff), lints a template live,
//! checks an identifier, switches language and deletes a case.

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

    // Lint a template live: every vendor side by side, Tencent with its own variable syntax.
    let editor = app.client.find(Locator::Css("#template-text")).await.expect("template editor");
    editor.send_keys("恭喜！您的验证码为${code}，点击领取红包").await.expect("type template");
    let tencent = app.wait_text("#template-lint article[data-vendor='tencent']", "{1}").await;
    assert!(tencent.contains("红包") && tencent.contains("template.marketing_words"), "{tencent}");
    app.wait_text("#template-lint article[data-vendor='aliyun'] li[data-rule='template.marketing_words']", "恭喜")
        .await;
    app.client.execute("document.getElementById('template-lint').scrollIntoView()", Vec::new()).await.expect("scroll");
    app.screenshot("04-template-lint").await;

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
    app.screenshot("05-english").await;

    // Delete with confirmation.
    app.client.find(Locator::Css("#delete-case")).await.expect("delete").click().await.expect("click");
    app.client.find(Locator::Css("#delete-confirm")).await.expect("confirm").click().await.expect("click");
    app.wait_text("#detail .empty", "Select a case").await;
    let store = qualkit::Store::open(app.data_dir.path()).expect("store");
    assert_eq!(store.list_cases().expect("list").len(), 1, "one case deleted in the database");
    app.screenshot("06-after-delete").await;
    app.close().await;
}
