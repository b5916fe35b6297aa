//! People named in the ledger (operators, proposers, approvers): when two names are the same
//! person.
//!
//! Separation of duties — the proposer does not approve, the village and the town approve by
//! different people, an approver does not pay — rests on comparing names. A name is compared
//! as a person reads it, not as its bytes: Unicode-normalised (NFKC: full-width `ａｌｉｃｅ` is
//! `alice`, an ideographic space is a space), case-folded (`Root` is `root`), with the
//! characters that show as nothing removed (format characters such as the zero-width space
//! U+200B, the soft hyphen, bidirectional marks, the byte-order mark, variation selectors) and
//! white space trimmed and collapsed. Every such check calls [`same_person`].

use unicode_general_category::{get_general_category, GeneralCategory};
use unicode_normalization::UnicodeNormalization;

/// Characters that are drawn as nothing although they are not of the format category (Cf):
/// the rest of Unicode's default-ignorable code points (combining grapheme joiner, Hangul
/// fillers, Khmer inherent vowels, Mongolian variation selectors, variation selectors).
fn ignorable_outside_format(c: char) -> bool {
    matches!(
        c,
        '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180D}'
            | '\u{180F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Whether `c` shows as nothing: a format character (general category Cf: U+00AD, U+061C,
/// U+180E, U+200B–U+200F, U+202A–U+202E, U+2060–U+2064, U+2066–U+206F, U+FEFF …) or another
/// default-ignorable code point.
pub fn is_invisible(c: char) -> bool {
    get_general_category(c) == GeneralCategory::Format || ignorable_outside_format(c)
}

/// Case folding of one character: lower case, with the final sigma folded like any sigma
/// (`ς` → `σ`) and the sharp s as `ss`, as Unicode's full case folding does.
fn fold_case(c: char, out: &mut String) {
    match c {
        'ς' => out.push('σ'),
        'ß' | 'ẞ' => out.push_str("ss"),
        _ => out.extend(c.to_lowercase()),
    }
}

/// A name as compared: NFKC, invisible characters removed, case-folded, normalised again
/// (folding may leave a decomposed form), white space trimmed and each inner run of it one
/// space. `" ＲＯＯＴ\u{200B} "` → `"root"`.
pub fn normalised_name(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for c in name.nfkc().filter(|&c| !is_invisible(c)) {
        fold_case(c, &mut folded);
    }
    let folded: String = folded.nfkc().collect();
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether two names given for people (operator, proposer, approvers) name the same person:
/// `root`, ` Root  `, `ｒｏｏｔ` and `root` followed by a zero-width space all do.
pub fn same_person(a: &str, b: &str) -> bool {
    normalised_name(a) == normalised_name(b)
}

/// Whether a name given for a person is empty as compared (blank, or only invisible
/// characters).
pub fn is_blank_name(name: &str) -> bool {
    normalised_name(name).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_latin_case_do_not_make_another_person() {
        for other in ["root", " root", "root ", " Root  ", "ROOT"] {
            assert!(same_person("root", other), "{other:?}");
        }
        assert!(same_person("Li  Ming", " li ming"));
        assert!(!same_person("root", "admin"));
        assert!(!same_person("村委会", "镇农办"));
        assert!(same_person("村委会", " 村委会 "));
    }

    #[test]
    fn full_width_and_compatibility_forms_are_the_plain_letters() {
        assert!(same_person("alice", "ａｌｉｃｅ"));
        assert!(same_person("alice", "ＡＬＩＣＥ"));
        // An ideographic space and a no-break space are spaces.
        assert!(same_person("Li Ming", "Li\u{3000}Ming"));
        assert!(same_person("Li Ming", "Li\u{00A0}Ming"));
        // Composed and decomposed accents.
        assert!(same_person("José", "Jose\u{301}"));
        // Circled and other compatibility letters.
        assert!(same_person("ab", "ⓐⓑ"));
        assert_eq!(normalised_name("ｆｉｌｅ１"), "file1");
    }

    #[test]
    fn invisible_characters_are_removed() {
        for invisible in [
            '\u{00AD}',
            '\u{061C}',
            '\u{180E}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2060}',
            '\u{2061}',
            '\u{2062}',
            '\u{2063}',
            '\u{2064}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{206A}',
            '\u{206F}',
            '\u{FEFF}',
            '\u{034F}',
            '\u{FE0F}',
            '\u{E0100}',
        ] {
            let name = format!("ali{invisible}ce");
            assert!(same_person("alice", &name), "U+{:04X}", invisible as u32);
            assert!(same_person("alice", &format!("alice{invisible}")));
            assert!(same_person("村委会", &format!("{invisible}村委会")));
        }
        assert!(is_blank_name("\u{200B}"));
        assert!(is_blank_name(" \u{FEFF}\u{3000}"));
        assert!(!is_blank_name("a\u{200B}"));
    }

    #[test]
    fn case_is_folded_beyond_ascii() {
        assert!(same_person("ΟΔΟΣ", "οδος"));
        assert!(same_person("οδοσ", "οδος"));
        assert!(same_person("Straße", "STRASSE"));
        assert!(same_person("ÉCOLE", "école"));
        // Chinese names are kept as they are: different characters stay different people.
        assert!(!same_person("叶建国", "叶建图"));
        assert_eq!(normalised_name(" 叶  建国 "), "叶 建国");
    }
}
