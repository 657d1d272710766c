//! Documents from the mainland print simplified characters: the standard characters the
//! national language law prescribes (国家通用语言文字法 §3, §14), in which an enterprise's name
//! must be registered (企业名称登记管理规定 §6, 规范汉字). The recogniser's dictionary holds both
//! scripts, and in a serif face it may put the traditional form of a character first (廈 for
//! 厦, 黃 for 黄). Where the simplified form of what it read is among its own runner-ups at that
//! place, the character is that one, in the script the document is printed in: its probability
//! is the two forms' together, since both name one character. Nothing is put in that the model
//! did not propose, and the conversion is OpenCC's, phrase by phrase (著名 keeps its 著).

use std::sync::OnceLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;

use crate::TextLine;

fn t2s() -> Option<&'static OpenCC> {
    static CONVERTER: OnceLock<Option<OpenCC>> = OnceLock::new();
    CONVERTER.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok()).as_ref()
}

/// Each line read in simplified script: a character the model read or proposed in both scripts
/// is its simplified form, with both forms' probability.
pub(crate) fn in_simplified(lines: &mut [TextLine]) {
    let Some(converter) = t2s() else { return };
    for line in lines {
        let text = line.text();
        // The line's own conversion, phrase by phrase; token by token (a token is one
        // character), and a line whose conversion changed its length is left as read.
        let simplified = converter.convert(&text);
        let mut converted = simplified.chars();
        let wanted: Vec<Option<char>> =
            line.chars.iter().map(|c| c.text.chars().map(|_| converted.next()).last().flatten()).collect();
        if converted.next().is_some() {
            continue;
        }
        for (c, want) in line.chars.iter_mut().zip(wanted) {
            let Some(want) = want.map(String::from) else { continue };
            let same_character = |token: &str| token == want || converter.convert(token) == want;
            // What was read is this character in one script or the other, and its simplified
            // form is the reading or one of the model's runner-ups.
            let proposed = c.text == want || c.alternatives.iter().any(|(t, _)| *t == want);
            if !same_character(&c.text) || !proposed {
                continue;
            }
            let merged: f32 = c.alternatives.iter().filter(|(t, _)| same_character(t)).map(|(_, p)| p).sum();
            c.alternatives.retain(|(t, _)| !same_character(t));
            c.prob = (c.prob + merged).min(1.0);
            c.text = want;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Char, Quad};

    /// A character as read, its probability and its runner-ups.
    type Read<'a> = (&'a str, f32, &'a [(&'a str, f32)]);

    fn line(chars: &[Read]) -> TextLine {
        let chars = chars
            .iter()
            .map(|(t, p, alts)| Char {
                text: t.to_string(),
                prob: *p,
                span: (0.0, 1.0),
                alternatives: alts.iter().map(|(a, q)| (a.to_string(), *q)).collect(),
            })
            .collect();
        TextLine { quad: Quad([(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]), chars, score: 1.0 }
    }

    #[test]
    fn a_traditional_form_with_its_simplified_runner_up_is_read_simplified() {
        let mut lines = vec![line(&[("廈", 0.67, &[("厦", 0.3), ("夏", 0.01)]), ("门", 0.99, &[]), ("市", 1.0, &[])])];
        in_simplified(&mut lines);
        let [read] = &lines[..] else { panic!("one line") };
        assert_eq!(read.text(), "厦门市");
        let first = read.chars.first().map(|c| (c.prob, c.alternatives.len()));
        assert!(first.is_some_and(|(p, n)| (p - 0.97).abs() < 1e-4 && n == 1), "{first:?}");
    }

    #[test]
    fn nothing_the_model_did_not_propose_is_put_in() {
        // 黃 without 黄 among its runner-ups stays as read (and keeps its low probability, so
        // the checks doubt it); a simplified text is untouched.
        let mut lines = vec![
            line(&[("黃", 0.53, &[("寅", 0.2)]), ("敏", 1.0, &[])]),
            line(&[("著", 0.9, &[("着", 0.05)]), ("名", 1.0, &[])]),
        ];
        in_simplified(&mut lines);
        let texts: Vec<String> = lines.iter().map(TextLine::text).collect();
        assert_eq!(texts, ["黃敏", "著名"]);
        let probs: Vec<f32> = lines.iter().filter_map(|l| l.chars.first()).map(|c| c.prob).collect();
        assert_eq!(probs, [0.53, 0.9]);
    }

    #[test]
    fn a_simplified_reading_whose_runner_up_is_its_traditional_form_is_not_doubted() {
        // 黄 at 0.53 and 黃 at 0.47 are one character: the doubt was only about the script.
        let mut lines = vec![line(&[("黄", 0.53, &[("黃", 0.47), ("萸", 0.001)]), ("敏", 1.0, &[])])];
        in_simplified(&mut lines);
        let first = lines.first().and_then(|l| l.chars.first()).map(|c| (c.text.clone(), c.prob));
        assert!(first.as_ref().is_some_and(|(t, p)| t == "黄" && *p > 0.99), "{first:?}");
    }
}
