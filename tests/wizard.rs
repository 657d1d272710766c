#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! The case wizard's core: creating and editing a case from forms (blank inputs dropped, a name
//! required), duplicating it, and the guide that says per step what is missing and why.

use qualkit::Store;
use qualkit::case::{
    Applicant, ApplicantKind, CaseData, Landing, LandingKind, Person, Role, Signature, SignatureSource, SignatureUse,
    Template, TemplateType, Vendor,
};
use qualkit::guide::Step;
use qualkit::requirements::Status;

fn applicant(kind: ApplicantKind, name: &str) -> Applicant {
    Applicant {
        kind,
        name: name.into(),
        uscc: None,
        legal_rep: None,
        legal_rep_id_number: None,
        id_number: None,
        phone: None,
        established: None,
        status: None,
        industry: None,
    }
}

/// What the wizard's first step sends for a new enterprise: the form's blank inputs as "".
fn first_step() -> CaseData {
    let mut a = applicant(ApplicantKind::Enterprise, "  厦门市海沧区云帆网络科技有限公司 ");
    a.uscc = Some("91350205MA2Y0LQ12U".into());
    a.legal_rep = Some("".into());
    a.phone = Some("   ".into());
    CaseData {
        vendors: vec![],
        applicant: a,
        handler: Some(Person { name: "".into(), id_number: Some("".into()), phone: None }),
        signature: None,
        templates: vec![Template {
            kind: TemplateType::Verification,
            text: " ".into(),
            name: None,
            variables: Default::default(),
            examples: Default::default(),
        }],
        landing: Some(Landing {
            kind: LandingKind::Website,
            name: "".into(),
            domain: Some("".into()),
            icp_number: None,
            scenario: None,
            test_account: None,
            operator: None,
            store_url: None,
        }),
    }
}

fn step(guide: &qualkit::guide::Guide, step: Step) -> &qualkit::guide::StepGuide {
    guide.steps.iter().find(|s| s.step == step).expect("step")
}

#[test]
fn a_case_is_created_from_a_form_without_storing_blank_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(dir.path()).expect("store");
    let id = qualkit::new_case(&mut store, first_step()).expect("created");
    let stored = store.case(&id).expect("case").data;
    assert_eq!(stored.applicant.name, "厦门市海沧区云帆网络科技有限公司", "trimmed at the ends only");
    assert_eq!(stored.applicant.legal_rep, None);
    assert_eq!(stored.applicant.phone, None);
    assert_eq!(stored.handler, None, "an all-blank handler is no handler");
    assert_eq!(stored.landing, None, "an all-blank landing app is none");
    assert!(stored.templates.is_empty(), "a template without text is dropped");

    // No name: refused in the user's language, and nothing is stored.
    let mut nameless = first_step();
    nameless.applicant.name = "  ".into();
    let e = qualkit::new_case(&mut store, nameless).expect_err("a case needs its applicant's name");
    assert!(e.message(qualkit::Lang::Zh).contains("营业执照上的名称逐字一致"), "{}", e.message(qualkit::Lang::Zh));
    assert_eq!(store.list_cases().expect("list").len(), 1);
}

#[test]
fn the_guide_puts_each_missing_thing_in_the_step_that_fixes_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(dir.path()).expect("store");
    let id = qualkit::new_case(&mut store, first_step()).expect("created");

    // No vendors yet: the vendors step asks for them, and every vendor is checked meanwhile.
    let review = qualkit::review_case(&store, &id).expect("review");
    assert_eq!(review.report.vendors.len(), 5);
    let vendors = step(&review.guide, Step::Vendors);
    assert!(vendors.items.iter().any(|i| i.item == "vendors" && i.status == Status::Missing));
    // The legal representative is missing for all five vendors: one item, one reason naming all.
    let applicant_step = step(&review.guide, Step::Applicant);
    let legal_rep = applicant_step.items.iter().find(|i| i.item == "applicant.legal_rep").expect("legal rep");
    assert_eq!(legal_rep.status, Status::Missing);
    assert_eq!(legal_rep.reasons.len(), 1);
    assert_eq!(legal_rep.reasons[0].vendors.len(), 5);
    assert!(step(&review.guide, Step::Signature).items.iter().any(|i| i.item == "signature"));
    assert!(step(&review.guide, Step::Templates).items.iter().any(|i| i.item == "templates"));
    let materials = step(&review.guide, Step::Materials);
    assert!(materials.items.iter().any(|i| i.item == "material.business-license" && i.status == Status::Missing));
    assert!(materials.todo >= 1);

    // An individual with a company signature, sent to Huawei (enterprise accounts only) and
    // Aliyun: the vendor step names Huawei alone, the signature step the kind conflict.
    let mut data = store.case(&id).expect("case").data;
    data.applicant = applicant(ApplicantKind::Individual, "张三");
    data.applicant.id_number = Some("11010519491231002X".into());
    data.vendors = vec![Vendor::Aliyun, Vendor::Huawei, Vendor::Aliyun];
    data.signature = Some(Signature {
        name: "云帆网络".into(),
        source: SignatureSource::Company,
        usage: SignatureUse::SelfUse,
        owner: Some("别人的公司".into()),
        owner_uscc: None,
    });
    data.templates = vec![Template {
        kind: TemplateType::Marketing,
        text: "会员日全场五折，回T退订".into(),
        name: None,
        variables: Default::default(),
        examples: Default::default(),
    }];
    qualkit::save_case(&mut store, &id, data).expect("saved");
    let saved = store.case(&id).expect("case").data;
    assert_eq!(saved.vendors, vec![Vendor::Aliyun, Vendor::Huawei], "a vendor chosen twice is kept once");
    assert_eq!(saved.signature.as_ref().and_then(|s| s.owner.clone()), None, "own use has no owner");

    let review = qualkit::review_case(&store, &id).expect("review");
    let kind = step(&review.guide, Step::Vendors).items.iter().find(|i| i.item == "applicant.kind").expect("kind");
    assert_eq!(kind.status, Status::Invalid);
    let refusing: Vec<_> = kind.reasons.iter().filter(|r| r.status == Status::Invalid).collect();
    assert_eq!(refusing.len(), 1);
    assert_eq!(refusing[0].vendors, vec![Vendor::Huawei]);
    assert!(refusing[0].source.contains("huaweicloud.com"), "the public page: {}", refusing[0].source);
    let signature = step(&review.guide, Step::Signature);
    let conflict = signature.items.iter().find(|i| i.item == "signature.applicant_kind").expect("conflict");
    assert!(conflict.reasons[0].why.zh.contains("个人资质不能申请公司"), "{:?}", conflict.reasons);
    let templates = step(&review.guide, Step::Templates);
    assert!(templates.items.iter().any(|i| i.item == "templates.0.type" && i.status == Status::Invalid));
    assert!(step(&review.guide, Step::Applicant).items.iter().all(|i| i.item != "applicant.legal_rep"));
}

#[test]
fn a_duplicate_shares_the_files_and_outlives_its_original() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(dir.path()).expect("store");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan");
    let id = store.import_folder(&fixture).expect("import");
    let original = store.case(&id).expect("case");

    let copy = store.duplicate_case(&id).expect("duplicate");
    assert_ne!(copy, id);
    let duplicated = store.case(&copy).expect("copy");
    assert_eq!(duplicated.data, original.data);
    let roles = |c: &qualkit::store::Case| c.materials.iter().map(|m| (m.role, m.sha256.clone())).collect::<Vec<_>>();
    assert_eq!(roles(&duplicated), roles(&original));
    assert!(duplicated.materials.iter().all(|m| original.materials.iter().all(|o| o.id != m.id)), "own rows");

    // Deleting the original keeps the files the copy still uses.
    store.delete_case(&id).expect("delete");
    let licence = duplicated.materials.iter().find(|m| m.role == Role::BusinessLicense).expect("licence");
    assert!(store.blob_path(&licence.sha256).is_file());
    assert_eq!(store.list_cases().expect("list").len(), 1);
    assert!(matches!(store.duplicate_case(&id), Err(qualkit::Error::CaseNotFound(_))));
}

#[test]
fn a_case_toml_picked_in_a_file_dialog_imports_its_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(dir.path()).expect("store");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan");
    let id = qualkit::export::import_case(&mut store, &fixture.join("case.toml")).expect("import");
    assert!(store.case(&id).expect("case").has_material(Role::BusinessLicense));
}

/// The app's form stops each text at the core's limit: ui/src/lib/limits.ts holds the same
/// numbers as `case::LIMITS`, field for field.
#[test]
fn the_forms_limits_are_the_cores() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/limits.ts");
    let ts = std::fs::read_to_string(path).unwrap();
    let ui: Vec<(String, usize)> = ts
        .lines()
        .filter_map(|l| {
            let (key, value) = l.trim().strip_prefix('"')?.split_once("\": ")?;
            Some((key.to_string(), value.trim_end_matches(',').parse().ok()?))
        })
        .collect();
    let core: Vec<(String, usize)> = qualkit::case::LIMITS.iter().map(|l| (l.field.to_string(), l.max)).collect();
    assert_eq!(ui, core);
    let reason = format!("export const MAX_REASON_CHARS = {};", qualkit::submission::MAX_REASON_CHARS);
    assert!(ts.contains(&reason), "limits.ts: {reason}");
    let url = format!("export const MAX_URL_CHARS = {};", qualkit::store::MAX_URL_CHARS);
    assert!(ts.contains(&url), "limits.ts: {url}");
}
