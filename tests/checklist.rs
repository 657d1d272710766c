#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! Vendor profiles, the requirements engine and the ICP verification tracker: each rule with a
//! case that passes it and one that fails it.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use qualkit::case::{
    ApplicantKind, CaseData, CompanyStatus, Role, SignatureSource, SignatureUse, TemplateType, Vendor,
};
use qualkit::icp::{FilingType, IcpEvent, IcpPlan, IcpTracker, MessageStatus, Responsible};
use qualkit::profile::VendorProfile;
use qualkit::requirements::{Status, checklist};
use qualkit::store::{Case, Material};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

/// The sample enterprise case of tests/fixtures/yunfan, complete but for its materials.
fn base() -> CaseData {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yunfan");
    qualkit::case::read_case_folder(&fixture).expect("fixture").data
}

fn case(data: CaseData, roles: &[Role]) -> Case {
    let materials = roles
        .iter()
        .enumerate()
        .map(|(i, role)| Material {
            id: i64::try_from(i).unwrap_or(0),
            role: *role,
            original_name: format!("{role}.png"),
            size: 1,
            mime: "image/png".into(),
            sha256: format!("{i:064}"),
        })
        .collect();
    Case { id: "test".into(), data, materials, created_at: Utc::now(), updated_at: Utc::now(), version: 1 }
}

fn status(case: &Case, vendor: Vendor, item: &str) -> Option<Status> {
    let profile = VendorProfile::load(vendor).expect("profile");
    checklist(case, &profile, today()).into_iter().find(|i| i.item == item).map(|i| i.status)
}

#[test]
fn every_profile_loads_and_cites_defined_sources() {
    let profiles = VendorProfile::load_all().expect("profiles");
    assert_eq!(profiles.len(), 5);
    for p in &profiles {
        assert!(!p.version.is_empty());
        assert!(p.signature.sources.contains_key(&SignatureSource::Company), "{}", p.vendor);
        assert!(p.materials.iter().any(|m| m.role == Role::BusinessLicense), "{}", p.vendor);
        assert!(p.files.max_bytes.value > 0);
        p.check_sources().expect("sources");
    }
}

#[test]
fn a_profile_citing_an_undefined_source_is_rejected() {
    let mut profile = VendorProfile::load(Vendor::Aliyun).expect("profile");
    profile.signature.length.source = "A99".into();
    let err = profile.check_sources().expect_err("undefined id");
    assert!(err.contains("A99"));
}

#[test]
fn profiles_hold_the_vendors_current_values_and_say_where_sources_differ() {
    // Huawei's Chinese FAQ of 2025-01-02 takes 2–16; 2–12 is the international page's.
    let huawei = VendorProfile::load(Vendor::Huawei).expect("profile");
    assert_eq!((huawei.signature.length.min, huawei.signature.length.max), (2, 16));
    assert!(huawei.signature.length.note.is_some());
    assert_eq!(huawei.templates.verification_code_length.as_ref().map(|r| r.max), Some(8));
    // Aliyun's 2 MB came from AddSmsSign, which is offline; its current APIs take 5 MB.
    let aliyun = VendorProfile::load(Vendor::Aliyun).expect("profile");
    assert_eq!(aliyun.files.max_bytes.value, 5 * 1024 * 1024);
    assert!(aliyun.files.max_bytes.note.as_ref().is_some_and(|n| n.en.contains("offline")));
    // Aliyun's SDK (2026-02) and its 2025-04-21 page: signature names are case-insensitive.
    assert!(!aliyun.signature.case_sensitive.value);
    for vendor in [Vendor::Aliyun, Vendor::Tencent] {
        let profile = VendorProfile::load(vendor).expect("profile");
        assert_eq!(profile.templates.marketing_opt_out.value, ["拒收请回复R"], "{vendor}");
    }
}

#[test]
fn a_vendor_that_takes_no_new_customers_says_so_first() {
    let c = case(base(), &[]);
    let huawei = VendorProfile::load(Vendor::Huawei).expect("profile");
    let items = checklist(&c, &huawei, today());
    let first = items.first().expect("items");
    assert_eq!((first.item.as_str(), first.status), ("vendor.status", Status::Warn));
    assert!(first.why.zh.contains("2025-01-10"), "{:?}", first.why);
    assert!(first.source.contains("huaweicloud.com"), "{}", first.source);
    for vendor in [Vendor::Aliyun, Vendor::Tencent, Vendor::Volcengine, Vendor::Baidu] {
        assert_eq!(status(&c, vendor, "vendor.status"), None, "{vendor}");
    }
}

#[test]
fn tencent_takes_no_app_signature_and_no_individual_for_domestic_sms() {
    let mut data = base();
    if let Some(s) = data.signature.as_mut() {
        s.source = SignatureSource::App;
    }
    let app = case(data.clone(), &[]);
    assert_eq!(status(&app, Vendor::Tencent, "signature.source"), Some(Status::Invalid));
    assert_eq!(status(&app, Vendor::Aliyun, "signature.source"), Some(Status::Ok));
    data.applicant.kind = ApplicantKind::Individual;
    data.applicant.id_number = Some("110105199001011232".into());
    assert_eq!(status(&case(data, &[]), Vendor::Tencent, "applicant.kind"), Some(Status::Invalid));
}

#[test]
fn applicant_kind_accepted_or_not() {
    let mut data = base();
    data.applicant.kind = ApplicantKind::Individual;
    data.applicant.id_number = Some("110105199001011232".into());
    let individual = case(data, &[]);
    assert_eq!(status(&individual, Vendor::Aliyun, "applicant.kind"), Some(Status::Ok));
    assert_eq!(status(&individual, Vendor::Huawei, "applicant.kind"), Some(Status::Invalid));
    assert_eq!(status(&individual, Vendor::Baidu, "applicant.kind"), Some(Status::Invalid));
    assert_eq!(status(&individual, Vendor::Aliyun, "applicant.id_number"), Some(Status::Ok));
}

#[test]
fn individual_id_number_missing_or_invalid() {
    let mut data = base();
    data.applicant.kind = ApplicantKind::Individual;
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "applicant.id_number"), Some(Status::Missing));
    data.applicant.id_number = Some("110105199001011233".into());
    assert_eq!(status(&case(data, &[]), Vendor::Aliyun, "applicant.id_number"), Some(Status::Invalid));
}

#[test]
fn credit_code_missing_invalid_pilot_and_ok() {
    let mut data = base();
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "applicant.uscc"), Some(Status::Ok));
    data.applicant.uscc = Some("91350211M000100Y43".into());
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "applicant.uscc"), Some(Status::Warn));
    data.applicant.uscc = Some("91350205MA2Y0LQ12A".into());
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "applicant.uscc"), Some(Status::Invalid));
    data.applicant.uscc = None;
    assert_eq!(status(&case(data, &[]), Vendor::Aliyun, "applicant.uscc"), Some(Status::Missing));
}

#[test]
fn huawei_refuses_individual_businesses_too() {
    let mut data = base();
    data.applicant.uscc = Some("92370306MA3DM8BT3X".into());
    let c = case(data, &[]);
    assert_eq!(status(&c, Vendor::Huawei, "applicant.business_kind"), Some(Status::Invalid));
    assert_eq!(status(&c, Vendor::Aliyun, "applicant.business_kind"), None);
}

#[test]
fn baidu_refuses_individual_businesses() {
    let mut data = base();
    data.applicant.uscc = Some("92440300551148677Y".into());
    let c = case(data, &[]);
    assert_eq!(status(&c, Vendor::Baidu, "applicant.business_kind"), Some(Status::Invalid));
    assert_eq!(status(&c, Vendor::Aliyun, "applicant.business_kind"), None);
    assert_eq!(status(&case(base(), &[]), Vendor::Baidu, "applicant.business_kind"), None);
}

#[test]
fn handler_fields() {
    let c = case(base(), &[]);
    assert_eq!(status(&c, Vendor::Aliyun, "handler.phone"), Some(Status::Ok));
    assert_eq!(status(&c, Vendor::Aliyun, "handler.id_number"), Some(Status::Ok));
    let mut data = base();
    if let Some(h) = data.handler.as_mut() {
        h.phone = Some("12345".into());
        h.id_number = None;
    }
    let c = case(data.clone(), &[]);
    assert_eq!(status(&c, Vendor::Aliyun, "handler.phone"), Some(Status::Invalid));
    assert_eq!(status(&c, Vendor::Aliyun, "handler.id_number"), Some(Status::Missing));
    data.handler = None;
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "handler.name"), Some(Status::Missing));
    // No Baidu rule asks for a handler: absent is fine there, but given details are checked.
    assert_eq!(status(&case(data, &[]), Vendor::Baidu, "handler.name"), None);
    let mut data = base();
    if let Some(h) = data.handler.as_mut() {
        h.phone = Some("12345".into());
    }
    assert_eq!(status(&case(data, &[]), Vendor::Baidu, "handler.phone"), Some(Status::Invalid));
}

#[test]
fn handler_items_cite_the_vendor_qualification_rule() {
    let profile = VendorProfile::load(Vendor::Aliyun).expect("profile");
    let items = checklist(&case(base(), &[]), &profile, today());
    let name = items.iter().find(|i| i.item == "handler.name").expect("handler.name");
    assert!(name.source.contains("submitsmsqualification"), "{}", name.source);
}

#[test]
fn required_materials_per_vendor() {
    let c = case(base(), &[Role::BusinessLicense]);
    assert_eq!(status(&c, Vendor::Aliyun, "material.business-license"), Some(Status::Ok));
    assert_eq!(status(&c, Vendor::Aliyun, "material.handler-id-front"), Some(Status::Missing));
    // Recommended only: missing is a warning, not a blocker.
    assert_eq!(status(&c, Vendor::Aliyun, "material.legal-rep-id-front"), Some(Status::Warn));
    // Tencent needs the commitment letter and the handheld ID photo (seed 001).
    assert_eq!(status(&c, Vendor::Tencent, "material.commitment-letter"), Some(Status::Missing));
    assert_eq!(status(&c, Vendor::Tencent, "material.handler-id-handheld"), Some(Status::Missing));
    assert_eq!(status(&c, Vendor::Aliyun, "material.commitment-letter"), None);
    // Volcengine needs the responsible person's ID.
    assert_eq!(status(&c, Vendor::Volcengine, "material.responsible-id-front"), Some(Status::Missing));
    let c = case(base(), &[Role::BusinessLicense, Role::CommitmentLetter]);
    assert_eq!(status(&c, Vendor::Tencent, "material.commitment-letter"), Some(Status::Ok));
}

#[test]
fn signature_source_accepted_or_dropped() {
    let mut data = base();
    if let Some(s) = data.signature.as_mut() {
        s.source = SignatureSource::Website;
    }
    let c = case(data, &[]);
    for vendor in Vendor::ALL {
        assert_eq!(status(&c, *vendor, "signature.source"), Some(Status::Invalid), "{vendor}");
    }
    assert_eq!(status(&case(base(), &[]), Vendor::Aliyun, "signature.source"), Some(Status::Ok));
}

#[test]
fn signature_source_brings_its_proof() {
    let mut data = base();
    if let Some(s) = data.signature.as_mut() {
        s.source = SignatureSource::Trademark;
    }
    let c = case(data.clone(), &[Role::BusinessLicense]);
    assert_eq!(status(&c, Vendor::Aliyun, "material.trademark-certificate"), Some(Status::Missing));
    let c = case(data.clone(), &[Role::BusinessLicense, Role::TrademarkCertificate]);
    assert_eq!(status(&c, Vendor::Aliyun, "material.trademark-certificate"), Some(Status::Ok));
    if let Some(s) = data.signature.as_mut() {
        s.source = SignatureSource::App;
    }
    let c = case(data, &[]);
    assert_eq!(status(&c, Vendor::Aliyun, "material.icp-record"), Some(Status::Missing));
    assert_eq!(status(&c, Vendor::Aliyun, "material.app-listing"), Some(Status::Missing));
}

#[test]
fn individuals_cannot_hold_company_or_trademark_signatures() {
    let mut data = base();
    data.applicant.kind = ApplicantKind::Individual;
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "signature.applicant_kind"), Some(Status::Invalid));
    if let Some(s) = data.signature.as_mut() {
        s.source = SignatureSource::App;
    }
    assert_eq!(status(&case(data, &[]), Vendor::Aliyun, "signature.applicant_kind"), None);
}

#[test]
fn third_party_use_needs_owner_letter_and_owner_licence() {
    let mut data = base();
    if let Some(s) = data.signature.as_mut() {
        s.usage = SignatureUse::ThirdParty;
    }
    let c = case(data.clone(), &[Role::BusinessLicense]);
    assert_eq!(status(&c, Vendor::Aliyun, "signature.owner"), Some(Status::Missing));
    assert_eq!(status(&c, Vendor::Aliyun, "material.authorization-letter"), Some(Status::Missing));
    assert_eq!(status(&c, Vendor::Aliyun, "material.owner-business-license"), Some(Status::Missing));
    if let Some(s) = data.signature.as_mut() {
        s.owner = Some("深圳市某某科技有限公司".into());
        s.owner_uscc = Some("91440300MA00000820".into());
    }
    let c = case(data.clone(), &[Role::BusinessLicense, Role::AuthorizationLetter, Role::OwnerBusinessLicense]);
    assert_eq!(status(&c, Vendor::Aliyun, "signature.owner"), Some(Status::Ok));
    assert_eq!(status(&c, Vendor::Aliyun, "signature.owner_uscc"), Some(Status::Ok));
    assert_eq!(status(&c, Vendor::Aliyun, "material.authorization-letter"), Some(Status::Ok));
    // Baidu and Huawei take third-party use from organisations only.
    data.applicant.kind = ApplicantKind::Individual;
    let c = case(data, &[]);
    assert_eq!(status(&c, Vendor::Baidu, "signature.third_party"), Some(Status::Invalid));
    assert_eq!(status(&c, Vendor::Aliyun, "signature.third_party"), Some(Status::Ok));
}

#[test]
fn new_or_abnormal_companies_need_the_legal_rep_video() {
    let c = case(base(), &[]);
    assert_eq!(status(&c, Vendor::Aliyun, "material.legal-rep-video"), None);
    let mut data = base();
    data.applicant.established = Some(today() - Duration::days(10));
    let c = case(data.clone(), &[]);
    assert_eq!(status(&c, Vendor::Aliyun, "applicant.status"), Some(Status::Warn));
    assert_eq!(status(&c, Vendor::Aliyun, "material.legal-rep-video"), Some(Status::Missing));
    let c = case(data.clone(), &[Role::LegalRepVideo]);
    assert_eq!(status(&c, Vendor::Aliyun, "material.legal-rep-video"), Some(Status::Ok));
    // The boundary is one calendar month: 2026-10-22 is a month before 2026-11-22.
    data.applicant.established = NaiveDate::from_ymd_opt(2026, 10, 23);
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "applicant.status"), Some(Status::Warn));
    data.applicant.established = NaiveDate::from_ymd_opt(2026, 10, 22);
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "applicant.status"), None);
    data.applicant.established = Some(today() - Duration::days(400));
    data.applicant.status = Some(CompanyStatus::AbnormalList);
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "material.legal-rep-video"), Some(Status::Missing));
    data.applicant.status = Some(CompanyStatus::Revoked);
    assert_eq!(status(&case(data, &[]), Vendor::Aliyun, "applicant.status"), Some(Status::Invalid));
}

#[test]
fn template_types_per_applicant_kind() {
    let mut data = base();
    data.templates.push(qualkit::case::Template {
        kind: TemplateType::Marketing,
        text: "会员日".into(),
        name: None,
        variables: Default::default(),
        examples: Default::default(),
    });
    assert_eq!(status(&case(data.clone(), &[]), Vendor::Aliyun, "templates.1.type"), Some(Status::Ok));
    data.applicant.kind = ApplicantKind::Individual;
    let c = case(data.clone(), &[]);
    assert_eq!(status(&c, Vendor::Aliyun, "templates.0.type"), Some(Status::Ok));
    assert_eq!(status(&c, Vendor::Aliyun, "templates.1.type"), Some(Status::Invalid));
    data.templates.clear();
    assert_eq!(status(&case(data, &[]), Vendor::Aliyun, "templates"), Some(Status::Missing));
}

#[test]
fn landing_application_fields() {
    let c = case(base(), &[]);
    for item in ["landing.scenario", "landing.test_account", "landing.domain", "landing.icp_number"] {
        assert_eq!(status(&c, Vendor::Aliyun, item), Some(Status::Ok), "{item}");
    }
    let mut data = base();
    if let Some(l) = data.landing.as_mut() {
        l.test_account = None;
        l.scenario = Some("  ".into());
        l.icp_number = Some("闽ICP备1234号".into());
    }
    let c = case(data.clone(), &[]);
    assert_eq!(status(&c, Vendor::Aliyun, "landing.test_account"), Some(Status::Missing));
    assert_eq!(status(&c, Vendor::Aliyun, "landing.scenario"), Some(Status::Missing));
    assert_eq!(status(&c, Vendor::Aliyun, "landing.icp_number"), Some(Status::Invalid));
    data.landing = None;
    assert_eq!(status(&case(data, &[]), Vendor::Aliyun, "landing"), Some(Status::Missing));
}

#[test]
fn icp_tracker_counts_down_and_expires() {
    let plan = IcpPlan::new(FilingType::First, Some("13800000001"), Some("13900000002")).expect("plan");
    let sent = Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).single().expect("time");
    let mut tracker = IcpTracker::new(plan.clone(), vec![], sent);
    assert!(tracker.messages.iter().all(|m| m.status == MessageStatus::Waiting));
    let state = tracker.record(Responsible::Subject, IcpEvent::Sent, sent).expect("sent");
    let two_hours_later = IcpTracker::new(plan.clone(), vec![state.clone()], sent + Duration::hours(2));
    let subject = two_hours_later.messages.iter().find(|m| m.state.phone == "13800000001").expect("subject");
    assert_eq!(subject.status, MessageStatus::Sent);
    assert_eq!(subject.seconds_left, Some(22 * 3600));
    let next_day = IcpTracker::new(plan.clone(), vec![state.clone()], sent + Duration::hours(25));
    let subject = next_day.messages.iter().find(|m| m.state.phone == "13800000001").expect("subject");
    assert_eq!(subject.status, MessageStatus::Expired);

    let mut late = IcpTracker::new(plan, vec![state], sent + Duration::hours(25));
    assert!(late.record(Responsible::Subject, IcpEvent::Verified, sent + Duration::hours(25)).is_err());
    assert!(late.record(Responsible::Site, IcpEvent::Verified, sent).is_err(), "not sent yet");
}

#[test]
fn icp_tracker_allows_two_resends() {
    let plan = IcpPlan::new(FilingType::NewSite, None, Some("13900000002")).expect("plan");
    let now = Utc::now();
    let mut tracker = IcpTracker::new(plan, vec![], now);
    assert!(tracker.record(Responsible::Site, IcpEvent::Resent, now).is_err(), "not sent yet");
    tracker.record(Responsible::Site, IcpEvent::Sent, now).expect("sent");
    tracker.record(Responsible::Site, IcpEvent::Resent, now).expect("first resend");
    let state = tracker.record(Responsible::Site, IcpEvent::Resent, now).expect("second resend");
    assert_eq!(state.resends_used, 2);
    assert!(tracker.record(Responsible::Site, IcpEvent::Resent, now).is_err(), "a third resend has no effect");
    assert!(tracker.record(Responsible::Subject, IcpEvent::Sent, now).is_err(), "new-site needs no subject SMS");
}
