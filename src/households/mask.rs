//! Masking for public notices 公示: a notice shows only what identifies a household to its
//! neighbours, never a full ID number, card number, phone number or address.
//!
//! - ID and card numbers keep their last 4 characters; every other character becomes `*`
//!   (`441721198001011234` → `**************1234`). A value of 4 characters or fewer is masked
//!   whole, so a short value is never shown in full.
//! - Names follow the usual notice convention: a two-character name keeps the surname
//!   (`叶某` → `叶*`); a name of three or more characters keeps its first and last character and
//!   masks the middle (`叶建国` → `叶*国`, `欧阳建国` → `欧**国`); a one-character value is shown
//!   as it is (it says no more than a surname).
//! - Phone numbers and addresses are not read from the register at all.

/// Mask all but the last `keep` characters of `text` (trimmed) with `*`; a text of `keep`
/// characters or fewer is masked entirely.
fn mask_keep_last(text: &str, keep: usize) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    if chars.len() <= keep {
        return "*".repeat(chars.len());
    }
    let cut = chars.len() - keep;
    let mut out = "*".repeat(cut);
    out.extend(&chars[cut..]);
    out
}

/// `441721198001011234` → `**************1234`.
pub fn mask_id_number(id_number: &str) -> String {
    mask_keep_last(id_number, 4)
}

/// `6217995800012345678` → `***************5678`. Spaces inside the number are dropped first.
pub fn mask_bank_card(card: &str) -> String {
    let compact: String = card.chars().filter(|c| !c.is_whitespace()).collect();
    mask_keep_last(&compact, 4)
}

/// `叶建国` → `叶*国`, `叶某` → `叶*`, `欧阳建国` → `欧**国`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 | 1 => chars.iter().collect(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut out = String::new();
            out.push(chars[0]);
            out.push_str(&"*".repeat(n - 2));
            out.push(chars[n - 1]);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_keep_last_four() {
        assert_eq!(mask_id_number("441721198001011234"), "**************1234");
        assert_eq!(mask_id_number("11010519491231002X"), "**************002X");
        assert_eq!(mask_id_number(" 441721198001011234 "), "**************1234");
        assert_eq!(mask_id_number("1234"), "****");
        assert_eq!(mask_id_number("12"), "**");
        assert_eq!(mask_id_number(""), "");
    }

    #[test]
    fn bank_cards_keep_last_four() {
        assert_eq!(mask_bank_card("6217995800012345678"), "***************5678");
        assert_eq!(
            mask_bank_card("6217 9958 0001 2345 678"),
            "***************5678"
        );
        assert_eq!(mask_bank_card("5678"), "****");
    }

    #[test]
    fn names_follow_the_notice_convention() {
        assert_eq!(mask_name("叶建国"), "叶*国");
        assert_eq!(mask_name("叶某"), "叶*");
        assert_eq!(mask_name("刘䶮"), "刘*");
        assert_eq!(mask_name("欧阳建国"), "欧**国");
        assert_eq!(mask_name("阿卜杜·热合曼"), "阿*****曼");
        assert_eq!(mask_name(" 叶 "), "叶");
        assert_eq!(mask_name(""), "");
    }
}
