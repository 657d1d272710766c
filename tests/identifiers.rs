#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)] // tests may panic on bad data
//! Identifier rules, each with passing and failing input. Vectors were constructed from the
//! algorithms in shared/domain/identifiers-and-text.md with an independent script (bodies chosen
//! by hand, check characters computed), not with the code under test.

use qualkit::ident::{IdKind, Validation, validate};

fn check(kind: IdKind, input: &str) -> Validation {
    validate(kind, input)
}

fn assert_valid(kind: IdKind, input: &str) -> Validation {
    let v = check(kind, input);
    assert!(v.valid, "{input} should be valid, got error {:?}", v.error);
    v
}

fn assert_invalid(kind: IdKind, input: &str, error_contains: &str) -> Validation {
    let v = check(kind, input);
    assert!(!v.valid, "{input} should be invalid");
    let error = v.error.clone().unwrap_or_else(|| panic!("{input}: invalid without an error"));
    assert!(error.en.contains(error_contains), "{input}: error {:?} lacks {error_contains:?}", error.en);
    assert!(!error.zh.is_empty(), "{input}: error has no Chinese text");
    v
}

#[test]
fn uscc_valid_codes_across_authorities_and_categories() {
    for (code, authority, category) in [
        ("91350205MA2Y0LQ12U", "9", "1"),
        ("91110108551148677T", "9", "1"),
        ("92440300551148677Y", "9", "2"),
        ("93330106MA2Y0LQ12N", "9", "3"),
        ("51110000L12345674L", "5", "1"),
        ("12110000MA0D2K7N75", "1", "2"),
    ] {
        let v = assert_valid(IdKind::Uscc, code);
        assert!(v.warnings.is_empty(), "{code}: {:?}", v.warnings);
        assert_eq!(v.details["registration_authority"]["code"], authority);
        assert_eq!(v.details["category"]["code"], category);
        assert_eq!(v.details["check_character"], code.get(17..).unwrap_or_default());
    }
}

#[test]
fn uscc_names_authority_category_and_province() {
    let v = assert_valid(IdKind::Uscc, "91350205MA2Y0LQ12U");
    assert_eq!(v.details["registration_authority"]["name"]["zh"], "工商");
    assert_eq!(v.details["category"]["name"]["zh"], "企业");
    assert_eq!(v.details["division"]["code"], "350205");
    assert_eq!(v.details["division"]["province"]["zh"], "福建省");
    assert_eq!(v.details["organization_code"], "MA2Y0LQ12");
}

#[test]
fn uscc_weighted_sum_divisible_by_31_gives_check_zero() {
    // Σ(value × weight) mod 31 = 0 for this body: code that forgets the final `% 31` would
    // index one past the charset here.
    let v = assert_valid(IdKind::Uscc, "91440300MA00000820");
    assert_eq!(v.details["check_character"], "0");
    assert_invalid(IdKind::Uscc, "91440300MA0000082Y", "expected 0");
}

#[test]
fn uscc_wrong_check_character_names_the_expected_one() {
    assert_invalid(IdKind::Uscc, "91350205MA2Y0LQ12A", "expected U, found A");
}

#[test]
fn uscc_pilot_region_code_is_valid_with_a_warning() {
    // Fujian pilot code (division 3502xx, subject code M000…): the organization code's check
    // holds, the final character does not (the standard would give 6).
    let v = assert_valid(IdKind::Uscc, "91350211M000100Y43");
    assert_eq!(v.warnings.len(), 1);
    assert!(v.warnings.first().is_some_and(|w| w.en.contains("pilot")));
    assert_eq!(v.details["pilot_region_code"], true);
    // The same shape outside the pilot region is simply wrong.
    assert_invalid(IdKind::Uscc, "91440300M000100Y43", "expected 0");
    // A pilot-region code whose organization code fails is not rescued.
    assert_invalid(IdKind::Uscc, "91350211M000100Y53", "GB 11714");
}

#[test]
fn uscc_embedded_organization_code_check() {
    // Passes mod 31 but fails GB 11714 (ids §1).
    assert_invalid(IdKind::Uscc, "123456789012345678", "GB 11714");
}

#[test]
fn uscc_character_set_length_and_authority() {
    let v = assert_invalid(IdKind::Uscc, "91350205MA2YOLQ12U", "position 13");
    assert!(v.error.is_some_and(|e| e.zh.contains("数字 0")), "hint that O is probably 0");
    assert_invalid(IdKind::Uscc, "9135020", "18 characters");
    assert_invalid(IdKind::Uscc, "91350205MA2Y0LQ12U1", "18 characters");
    assert_invalid(IdKind::Uscc, "B1350205MA2Y0LQ12U", "registration authority");
    assert_invalid(IdKind::Uscc, "9135A205MA2Y0LQ12U", "positions 3–8");
}

#[test]
fn uscc_unknown_category_is_a_warning_not_a_rejection() {
    // Authority 9 issues categories 1–3 only; the checksums of this constructed code hold.
    let v = assert_valid(IdKind::Uscc, "94350205MA2Y0LQ12J");
    assert_eq!(v.warnings.len(), 1);
}

#[test]
fn uscc_input_is_normalised() {
    let v = assert_valid(IdKind::Uscc, "９１３５０２０５ＭＡ２Ｙ０ＬＱ１２Ｕ");
    assert_eq!(v.normalized, "91350205MA2Y0LQ12U");
    assert_eq!(assert_valid(IdKind::Uscc, " 91350205ma2y0lq12u ").normalized, "91350205MA2Y0LQ12U");
}

#[test]
fn uscc_old_fifteen_digit_registration_number() {
    let v = assert_invalid(IdKind::Uscc, "110108000000008", "15-digit registration number");
    assert_eq!(v.details["old_registration_check_ok"], true);
    let v = assert_invalid(IdKind::Uscc, "110108000000009", "15-digit registration number");
    assert_eq!(v.details["old_registration_check_ok"], false);
}

#[test]
fn ric_valid_numbers() {
    for (number, province, birth, gender) in [
        ("110105199001011232", "北京市", "1990-01-01", "male"),
        ("350203198512310026", "福建省", "1985-12-31", "female"),
        ("440304200002290014", "广东省", "2000-02-29", "male"),
        ("650102197006150079", "新疆维吾尔自治区", "1970-06-15", "male"),
    ] {
        let v = assert_valid(IdKind::Ric, number);
        assert_eq!(v.details["province"]["name"]["zh"], province);
        assert_eq!(v.details["birth_date"], birth);
        assert_eq!(v.details["gender"]["en"], gender);
    }
}

#[test]
fn ric_rejections() {
    assert_invalid(IdKind::Ric, "110105199001011233", "expected 2, found 3");
    // 1990-02-30 does not exist (check character recomputed for the body).
    assert_invalid(IdKind::Ric, "110105199002301231", "not a real date");
    assert_invalid(IdKind::Ric, "990105199001011232", "province");
    assert_invalid(IdKind::Ric, "110105209901011234", "not a real date");
    assert_invalid(IdKind::Ric, "11010519900101123", "18 characters");
    assert_invalid(IdKind::Ric, "110105900101123", "first-generation");
    assert_invalid(IdKind::Ric, "11010519900101123A", "digits");
}

#[test]
fn ric_lower_case_x_is_folded() {
    // Body 11010519900101103 has check character X (constructed).
    let v = assert_valid(IdKind::Ric, "11010519900101103x");
    assert_eq!(v.normalized, "11010519900101103X");
}

#[test]
fn icp_filing_numbers_with_every_province_form() {
    for number in [
        "蜀ICP备17034308号-1",
        "川ICP备17034308号-2",
        "陇ICP备12345678号-1",
        "甘ICP备12345678号",
        "黔ICP备2026001073号-1",
        "贵ICP备2026001073号-3",
        "滇ICP备12345678号-1",
        "云ICP备12345678号-1",
        "赣ICP备2022000371号-2",
        "京ICP备16059763号-1",
        "陕ICP备15002899号-4",
    ] {
        let v = assert_valid(IdKind::Icp, number);
        assert_eq!(v.details["type"], "filing");
    }
    let v = assert_valid(IdKind::Icp, "陕ICP备15002899号-4");
    assert_eq!(v.details["site_index"], 4);
    assert_eq!(v.details["entity_number"], "陕ICP备15002899号");
    assert_eq!(v.details["province"]["name"]["zh"], "陕西");
}

#[test]
fn icp_entity_number_warns_that_no_site_suffix_was_given() {
    let v = assert_valid(IdKind::Icp, "陕ICP备15002899号");
    assert_eq!(v.warnings.len(), 1);
}

#[test]
fn icp_licence_numbers() {
    let v = assert_valid(IdKind::Icp, "京ICP证110507号");
    assert_eq!(v.details["type"], "licence");
    assert_invalid(IdKind::Icp, "京ICP证11050号", "6 digits");
    assert_invalid(IdKind::Icp, "京ICP证110507号-1", "nothing may follow");
}

#[test]
fn icp_rejections() {
    assert_invalid(IdKind::Icp, "闽ICP备1234567号-1", "8 (older) or 10 (newer)");
    assert_invalid(IdKind::Icp, "闽ICP备123456789号", "8 (older) or 10 (newer)");
    assert_invalid(IdKind::Icp, "闽ICP备12345678-1", "followed by `号`");
    assert_invalid(IdKind::Icp, "港ICP备12345678号-1", "province abbreviation");
    assert_invalid(IdKind::Icp, "闽ICP12345678号-1", "ICP备");
    assert_invalid(IdKind::Icp, "闽ICP备12345678号-0", "suffix");
    assert_invalid(IdKind::Icp, "闽ICP备12345678号-a", "suffix");
    assert_invalid(IdKind::Icp, "", "empty");
}

#[test]
fn icp_full_width_input_is_normalised() {
    let v = assert_valid(IdKind::Icp, "闽ＩＣＰ备１２３４５６７８号－１");
    assert_eq!(v.normalized, "闽ICP备12345678号-1");
}

#[test]
fn trademark_numbers() {
    assert_eq!(assert_valid(IdKind::Trademark, "12345678").details["international"], false);
    assert_eq!(assert_valid(IdKind::Trademark, "第12345678号").normalized, "12345678");
    assert_eq!(assert_valid(IdKind::Trademark, "G1234567").details["international"], true);
    assert_eq!(assert_valid(IdKind::Trademark, "12345678A").details["divisional"], true);
    assert_eq!(assert_valid(IdKind::Trademark, "12345678B").warnings.len(), 1);
    assert_invalid(IdKind::Trademark, "12345ABC", "Arabic digits");
    assert_invalid(IdKind::Trademark, "商标", "Arabic digits");
    assert_invalid(IdKind::Trademark, "", "Arabic digits");
}
