//! The household register 农户台账: households under monitoring 监测对象, read from a CSV or
//! spreadsheet file, checked as a whole, and masked for public notices 公示.
//!
//! # File layout
//! One header row, then one household per row. Header names are trimmed, matched without regard
//! to case (English) and may come in any order; unknown extra columns are ignored (so a register
//! exported with phone or address columns can be read, and those columns are never stored).
//!
//! | field | English header | Chinese header | required |
//! | --- | --- | --- | --- |
//! | household id | `id` | `户编号` | yes |
//! | village | `village` | `村` | yes |
//! | head of household | `name` | `户主姓名` | yes |
//! | head's ID number 居民身份证号码 | `id_number` | `身份证号` | yes |
//! | household size 人口 | `members` | `人口` | yes |
//! | per-capita net income 人均纯收入 (yuan/year) | `per_capita_income` | `人均纯收入` | yes |
//! | category 类别 | `category` | `类别` | yes (cells may be empty) |
//! | risk level 风险等级 (红/黄/蓝, 高/中/低 …) | `risk_level` | `风险等级` | no |
//! | risk causes 风险类型, `;`/`；`/`、`-separated | `risk_causes` | `风险类型` | no |
//! | labour capacity 劳动能力 | `labour` | `劳动能力` | no |
//! | social-security card account 一卡通账号 | `bank_card` | `一卡通账号` | no |
//!
//! A missing optional column reads as empty cells. CSV may be UTF-8 (with or without BOM) or GBK;
//! see [`TextEncoding`]. Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`) are read from
//! their first sheet.
//!
//! # Checks
//! Every row is checked and every problem collected as a [`RowError`](crate::error::RowError)
//! whose line is the row number the user sees (header = row 1); the reader returns
//! [`Error::Input`](crate::error::Error::Input) with all of them, or all records when there are none.
//! Checked: empty household id or name, duplicate household id (both rows named), unknown
//! category, ID number (length, characters, birth date, GB 11643 check digit), household size a
//! whole number ≥ 1, income a strict amount (see [`Amount::parse`]) and not negative, unknown
//! labour capacity, and spreadsheet cells holding an error value or a number too long to be exact.
//! Error messages never repeat a full ID number or card number: the row number locates it.
//!
//! # Labour capacity
//! An empty `labour` cell (or a missing column) reads as [`Labour::Full`]: a limitation on the
//! capacity to work must be recorded to count. Allocation rules favour households that cannot
//! work, so a blank never gives a household a priority nobody has verified; the fix for a
//! household wrongly read as able to work is to fill in its cell.

mod id_number;
mod mask;
mod read;

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::money::Amount;

pub use id_number::{check_digit, check_id_number, IdNumberError};
pub use mask::{mask_bank_card, mask_id_number, mask_name};
pub use read::{
    read_households, read_households_csv, read_households_spreadsheet, read_households_with,
    TextEncoding,
};

/// One household of the register, as read and checked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HouseholdRecord {
    /// Household id 户编号, e.g. `H0001`; unique within the register.
    pub id: String,
    /// Village 村, e.g. 胡荔村.
    pub village: String,
    /// Head of household 户主姓名.
    pub name: String,
    /// The head's 18-character resident ID number, check digit verified; a final `x` is upper-cased.
    pub id_number: String,
    /// Household size 人口, at least 1.
    pub members: u32,
    /// Per-capita annual net income 人均纯收入 in yuan, not negative.
    pub per_capita_income: Amount,
    /// Monitoring category 类别; `None` for a household not (or no longer) in one.
    pub category: Option<Category>,
    /// Risk level 风险等级 as written (红/黄/蓝, 高/中/低 …); empty when not given.
    pub risk_level: String,
    /// Risk causes 风险类型 (因病, 因残, 因学 …), in the order written, empty items dropped.
    pub risk_causes: Vec<String>,
    /// Labour capacity 劳动能力.
    pub labour: Labour,
    /// Social-security card account 一卡通账号, whitespace removed; empty when not given.
    pub bank_card: String,
}

/// Monitoring category 类别: the three categories 三类人员 and the watch list 关注户.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// 脱贫不稳定户: exited poverty, may fall back.
    Unstable,
    /// 边缘易致贫户: near the poverty line.
    Marginal,
    /// 突发严重困难户: sudden severe hardship.
    Sudden,
    /// 关注户: on the edge of the three categories.
    Watch,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Unstable,
        Category::Marginal,
        Category::Sudden,
        Category::Watch,
    ];

    /// The Chinese name used in registers and notices.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Unstable => "脱贫不稳定户",
            Category::Marginal => "边缘易致贫户",
            Category::Sudden => "突发严重困难户",
            Category::Watch => "关注户",
        }
    }

    /// The English alias accepted on input.
    pub fn alias(self) -> &'static str {
        match self {
            Category::Unstable => "unstable",
            Category::Marginal => "marginal",
            Category::Sudden => "sudden",
            Category::Watch => "watch",
        }
    }

    /// Whether the category is one of the three categories 三类人员 (not the watch list).
    pub fn is_monitored(self) -> bool {
        !matches!(self, Category::Watch)
    }

    /// A register cell: empty (after trimming) is `Ok(None)`; the Chinese name or the English
    /// alias (any case) is the category; anything else is an error naming the allowed values.
    pub fn from_cell(text: &str) -> Result<Option<Category>, String> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse().map(Some)
    }

    fn allowed() -> String {
        let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        let aliases: Vec<&str> = Category::ALL.iter().map(|c| c.alias()).collect();
        crate::tr!(
            "category-allowed",
            names = names.join(", "),
            aliases = aliases.join(", ")
        )
    }
}

impl FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        // Systems write the same category for the household or its people: 脱贫不稳定户,
        // 脱贫不稳定人口, 脱贫不稳定.
        let stem = |x: &str| {
            x.strip_suffix("人口")
                .or_else(|| x.strip_suffix('户'))
                .unwrap_or(x)
                .to_string()
        };
        Category::ALL
            .into_iter()
            .find(|c| {
                c.as_str() == t || c.alias().eq_ignore_ascii_case(t) || stem(c.as_str()) == stem(t)
            })
            .ok_or_else(|| crate::tr!("category-unknown", text = t, allowed = Category::allowed()))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Labour capacity 劳动能力 of the household.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Labour {
    /// Able to work 有劳动能力 (also the reading of an empty cell).
    #[default]
    Full,
    /// Weak or half labour capacity 弱/半劳动力.
    Weak,
    /// No labour capacity 无/丧失劳动能力.
    None,
}

impl Labour {
    pub const ALL: [Labour; 3] = [Labour::Full, Labour::Weak, Labour::None];

    /// `"full"`, `"weak"` or `"none"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Labour::Full => "full",
            Labour::Weak => "weak",
            Labour::None => "none",
        }
    }

    /// The Chinese name used in registers and notices.
    pub fn chinese(self) -> &'static str {
        match self {
            Labour::Full => "有劳动能力",
            Labour::Weak => "弱劳动能力",
            Labour::None => "无劳动能力",
        }
    }

    /// The values accepted for each capacity (English matched without regard to case).
    fn accepted(self) -> &'static [&'static str] {
        match self {
            Labour::Full => &[
                "有劳动能力",
                "有",
                "劳动力",
                "普通劳动力",
                "技能劳动力",
                "full",
                "yes",
            ],
            Labour::Weak => &[
                "弱劳动能力",
                "弱",
                "半劳动力",
                "弱劳动力",
                "弱劳动力或半劳动力",
                "weak",
            ],
            Labour::None => &[
                "无劳动能力",
                "丧失劳动能力",
                "无",
                "无劳动力",
                "丧失劳动力",
                "none",
                "no",
            ],
        }
    }

    /// A register cell: empty (after trimming) reads as [`Labour::Full`] (see the module docs);
    /// an accepted value is its capacity; anything else is an error listing the accepted values.
    pub fn from_cell(text: &str) -> Result<Labour, String> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(Labour::Full);
        }
        t.parse()
    }
}

impl FromStr for Labour {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Labour::ALL
            .into_iter()
            .find(|l| l.accepted().iter().any(|a| a.eq_ignore_ascii_case(t)))
            .ok_or_else(|| {
                let lists: Vec<String> = Labour::ALL
                    .iter()
                    .map(|l| format!("{}: {}", l.as_str(), l.accepted().join("/")))
                    .collect();
                crate::tr!("labour-unknown", text = t, accepted = lists.join("; "))
            })
    }
}

impl fmt::Display for Labour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Labour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Split a risk-causes cell on `;`, `；` or `、`, trimming items and dropping empty ones.
pub fn split_risk_causes(text: &str) -> Vec<String> {
    text.split([';', '；', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_chinese_and_aliases() {
        for c in Category::ALL {
            assert_eq!(Category::from_cell(c.as_str()), Ok(Some(c)));
            assert_eq!(Category::from_cell(c.alias()), Ok(Some(c)));
            assert_eq!(
                Category::from_cell(&format!(" {} ", c.alias().to_uppercase())),
                Ok(Some(c))
            );
        }
        assert_eq!(Category::from_cell("  "), Ok(None));
        assert_eq!(Category::Sudden.as_str(), "突发严重困难户");
        let err = Category::from_cell("低保户").unwrap_err();
        assert_eq!(
            err,
            "unknown category '低保户' (allowed: 脱贫不稳定户, 边缘易致贫户, 突发严重困难户, \
             关注户 or empty; also unstable, marginal, sudden, watch)"
        );
    }

    #[test]
    fn labour_normalises() {
        for (text, want) in [
            ("有劳动能力", Labour::Full),
            ("有", Labour::Full),
            ("劳动力", Labour::Full),
            ("FULL", Labour::Full),
            ("yes", Labour::Full),
            ("", Labour::Full),
            ("弱劳动能力", Labour::Weak),
            ("弱", Labour::Weak),
            ("半劳动力", Labour::Weak),
            ("weak", Labour::Weak),
            ("无劳动能力", Labour::None),
            ("丧失劳动能力", Labour::None),
            ("无", Labour::None),
            ("None", Labour::None),
            ("no", Labour::None),
        ] {
            assert_eq!(Labour::from_cell(text), Ok(want), "{text:?}");
        }
        assert_eq!(Labour::None.as_str(), "none");
        let err = Labour::from_cell("不详").unwrap_err();
        assert!(err.starts_with("unknown labour capacity '不详' (accepted: full: 有劳动能力/"));
        assert!(err.ends_with("empty means full)"));
    }

    #[test]
    fn risk_causes_split_on_all_separators() {
        assert_eq!(
            split_risk_causes(" 因病; 因残；因学、、 因灾 ;"),
            vec!["因病", "因残", "因学", "因灾"]
        );
        assert!(split_risk_causes("  ").is_empty());
    }

    #[test]
    fn record_serializes_with_names() {
        let r = HouseholdRecord {
            id: "H0001".into(),
            village: "胡荔村".into(),
            name: "叶建国".into(),
            id_number: "11010519491231002X".into(),
            members: 4,
            per_capita_income: Amount::from_fen(321_050),
            category: Some(Category::Unstable),
            risk_level: "红".into(),
            risk_causes: vec!["因病".into()],
            labour: Labour::None,
            bank_card: String::new(),
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["category"], "脱贫不稳定户");
        assert_eq!(v["labour"], "none");
        assert_eq!(v["per_capita_income"], "3210.50");
        assert_eq!(v["members"], 4);
        assert_eq!(v["risk_causes"][0], "因病");
    }
}
