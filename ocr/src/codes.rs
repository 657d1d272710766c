//! The check characters of the codes a licence prints, by which the reader tells a code from
//! any other long number on the page: the unified social credit code (GB 32100-2015) and the
//! older 15-digit registration number (GS 15-2006: ISO 7064 MOD 11,10).

/// The 31 symbols of a credit code, each worth its index: digits and capitals without I, O, Z,
/// S, V.
pub const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 3^(i−1) mod 31 for positions 1–17.
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

fn uscc_value(c: char) -> Option<u32> {
    USCC_CHARSET.find(c).and_then(|i| u32::try_from(i).ok())
}

/// The check character for a 17-symbol body. The final `% 31` matters: without it a weighted
/// sum divisible by 31 would index past the charset.
pub fn uscc_check_char(body: &[char]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in body.iter().zip(USCC_WEIGHTS) {
        sum += uscc_value(*c)? * w;
    }
    let index = (31 - sum % 31) % 31;
    USCC_CHARSET.chars().nth(usize::try_from(index).ok()?)
}

/// An 18-symbol credit code whose check character holds.
pub fn uscc_valid(code: &str) -> bool {
    let chars: Vec<char> = code.chars().collect();
    match chars.split_last() {
        Some((&check, body)) if chars.len() == 18 => uscc_check_char(body) == Some(check),
        _ => false,
    }
}

/// ISO 7064 MOD 11,10 over all digits, the last one the check digit.
pub fn mod_11_10_ok(digits: &[char]) -> bool {
    let mut p = 10u32;
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    for c in body {
        let Some(d) = c.to_digit(10) else {
            return false;
        };
        let s = match (p + d) % 10 {
            0 => 10,
            s => s,
        };
        p = (2 * s) % 11;
    }
    check.to_digit(10).is_some_and(|c| (p + c) % 10 == 1)
}

/// A 15-digit registration number whose check digit holds.
pub fn reg_no_valid(code: &str) -> bool {
    let digits: Vec<char> = code.chars().collect();
    digits.len() == 15 && mod_11_10_ok(&digits)
}

/// 2^(18−i) mod 11 for positions 1–17 of a resident ID number (GB 11643-1999).
const RIC_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character of a resident ID number's 17-digit body: ISO 7064 MOD 11-2, 10 as X.
pub fn ric_check_char(body: &[char]) -> Option<char> {
    if body.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in body.iter().zip(RIC_WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    "10X98765432".chars().nth(usize::try_from(sum % 11).ok()?)
}

/// An 18-character resident ID number whose check character holds.
pub fn ric_valid(number: &str) -> bool {
    let chars: Vec<char> = number.chars().collect();
    match chars.split_last() {
        Some((&check, body)) => ric_check_char(body) == Some(check),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_and_registration_numbers_check() {
        assert!(uscc_valid("91350205MA2Y0LQ12U"));
        assert!(!uscc_valid("91350205MA2Y0LQ12A"));
        assert!(!uscc_valid("91350205MA2Y0LQ12"));
        assert!(reg_no_valid("500103000028456"));
        assert!(!reg_no_valid("500103000028457"));
        // GB 11643-1999's own example, and one digit changed.
        assert!(ric_valid("11010519491231002X"));
        assert!(!ric_valid("11010519491231003X"));
        assert!(!ric_valid("1101051949123100"));
    }
}
