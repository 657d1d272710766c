//! Bilingual text. The core speaks both languages at once; the edge (CLI or UI) picks one.

use serde::{Deserialize, Serialize};

/// A user-facing string in Chinese and English.
///
/// Serialized as `{"zh": "...", "en": "..."}` so the desktop UI can switch language without a
/// round trip; the CLI collapses it to one language with [`localize`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// Replaces every `{"zh": .., "en": ..}` object in `value` with the string for `lang`.
///
/// Lets every report type keep [`Text`] fields and still print the one-language JSON that the
/// command-line contract promises.
pub fn localize(value: &mut serde_json::Value, lang: Lang) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let is_text = map.len() == 2
                && map.get("zh").is_some_and(Value::is_string)
                && map.get("en").is_some_and(Value::is_string);
            if is_text {
                let key = match lang {
                    Lang::Zh => "zh",
                    Lang::En => "en",
                };
                *value = map.remove(key).unwrap_or(Value::Null);
            } else {
                map.values_mut().for_each(|v| localize(v, lang));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| localize(v, lang)),
        _ => {}
    }
}

/// `zh` or `en`, whichever `lang` asks for: for text composed on the spot.
pub fn pick(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// Shows the first three and last four characters, e.g. `138****0000`, `110***********1232`.
///
/// Identity and phone numbers appear masked in logs and lists (privacy rule in DEVELOPERS.md).
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    chars.iter().enumerate().map(|(i, c)| if i < 3 || i >= chars.len() - 4 { *c } else { '*' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localize_collapses_nested_text() {
        let mut v = serde_json::json!({"a": {"zh": "中", "en": "en"}, "b": [{"zh": "x", "en": "y"}],
                                       "c": {"zh": "only one key"}});
        localize(&mut v, Lang::En);
        assert_eq!(v, serde_json::json!({"a": "en", "b": ["y"], "c": {"zh": "only one key"}}));
    }

    #[test]
    fn mask_keeps_ends() {
        assert_eq!(mask("13800000000"), "138****0000");
        assert_eq!(mask("110105199001011232"), "110***********1232");
        assert_eq!(mask("12345"), "*****");
    }
}
