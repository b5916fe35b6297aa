//! Relief grants from a reserve fund (防止返贫储备金) through the gates of review 三关.
//!
//! A grant is applied for against a registered household, a reserve fund, a cause and a loss
//! ([`apply`], [`import_grants`]); it passes the gates its fund's rules require, in order —
//! 村级核实 village verification, 部门数据比对 departmental data cross-check, 行业稽核 sector
//! review ([`review`]) — and, once every gate has passed, it is paid from the fund's own bank
//! account in one voucher ([`pay`]). Any gate may reject it with a reason, which ends it.
//!
//! Separation of duties: the applicant (the operator who applied) reviews nothing; no one
//! passes two gates of the same grant; whoever pays passed no gate and is not the applicant.
//! Names are compared as people read them ([`same_person`](crate::people::same_person)).
//!
//! A grant's status is never stored: it follows from its reviews and its payment vouchers
//! ([`GrantState::status`]). A grant is paid while a payment voucher of it stands; `townledger
//! reverse` of that voucher (money the bank returned) leaves it passed, to be paid again.
//!
//! The rules ([`GrantRules`]: eligible categories and causes, the caps, the gates) come from
//! one place, [`grant_rules`].
//!
//! This module holds the grant and its parts; the rules are in `rules`, applications in
//! `apply`, the gates' decisions in `review` and payments in `pay`, all re-exported here.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::money::Amount;
use crate::report::document::Lang;

mod apply;
mod pay;
mod review;
mod rules;

pub use apply::{apply, apply_many, import_grants};
pub use pay::{pay, pay_all_passed, PaidGrant};
pub use review::{review, review_all_pending, Decision, ReviewRequest};
pub use rules::{grant_rules, parse_share, GrantRules};

/// The longest note of an application (it goes into the payment voucher's memo).
pub const NOTE_MAX: usize = 500;

/// The expense a grant is booked to (514 公益支出).
pub const GRANT_EXPENSE: &str = "支出:公益支出:临时救助";

/// Where the fund's money goes when it pays a grant (503 补助收入).
pub const GRANT_INCOME: &str = "收入:补助收入";

/// The tables a payment reads: refused if any was altered behind the program's back.
pub const GRANT_TABLES: [&str; 3] = ["grants", "grant_reviews", "grant_payments"];

/// A gate of review 关.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gate {
    /// 村级核实: the village verifies the household's loss.
    Village,
    /// 部门数据比对: departments cross-check their data (civil affairs, health insurance …).
    Data,
    /// 行业稽核: the sector office reviews.
    Sector,
}

impl Gate {
    pub const ALL: [Gate; 3] = [Gate::Village, Gate::Data, Gate::Sector];

    pub fn as_str(self) -> &'static str {
        match self {
            Gate::Village => "village",
            Gate::Data => "data",
            Gate::Sector => "sector",
        }
    }

    /// The gate as the towns name it.
    pub fn chinese(self) -> &'static str {
        match self {
            Gate::Village => "村级核实",
            Gate::Data => "部门数据比对",
            Gate::Sector => "行业稽核",
        }
    }

    /// The gate's name in a report of `lang`.
    pub fn name_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.chinese(),
            Lang::En => self.as_str(),
        }
    }

    /// The gate in messages: `village (村级核实)` / `村级核实`.
    pub fn label(self) -> String {
        crate::tr!(
            "grant-gate-label",
            id = self.as_str(),
            name = self.chinese()
        )
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Gate {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Gate, String> {
        let t = s.trim();
        Gate::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(t) || g.chinese() == t)
            .ok_or_else(|| crate::tr!("grant-gate-unknown", gate = t, known = known_gates()))
    }
}

fn known_gates() -> String {
    Gate::ALL
        .iter()
        .map(|g| format!("{} ({})", g.as_str(), g.chinese()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Serialize for Gate {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Gate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// `village,data,sector`, as a grant keeps its gates.
pub fn gates_text(gates: &[Gate]) -> String {
    gates
        .iter()
        .map(|g| g.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The gates a grant keeps, from [`gates_text`].
pub fn gates_from_text(text: &str) -> std::result::Result<Vec<Gate>, String> {
    text.split(',')
        .filter(|g| !g.is_empty())
        .map(str::parse)
        .collect()
}

/// Where a grant stands, derived from its reviews and payments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GrantStatus {
    /// Waiting at a gate.
    Pending,
    /// Every gate passed; not paid (or its payment was reversed).
    Passed,
    /// A gate rejected it: it has ended.
    Rejected,
    /// A payment voucher of it stands.
    Paid,
}

impl GrantStatus {
    pub const ALL: [GrantStatus; 4] = [
        GrantStatus::Pending,
        GrantStatus::Passed,
        GrantStatus::Rejected,
        GrantStatus::Paid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GrantStatus::Pending => "pending",
            GrantStatus::Passed => "passed",
            GrantStatus::Rejected => "rejected",
            GrantStatus::Paid => "paid",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            GrantStatus::Pending => "待审核",
            GrantStatus::Passed => "已通过",
            GrantStatus::Rejected => "已驳回",
            GrantStatus::Paid => "已发放",
        }
    }

    pub fn name_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.chinese(),
            Lang::En => self.as_str(),
        }
    }
}

impl fmt::Display for GrantStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GrantStatus {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<GrantStatus, String> {
        let t = s.trim();
        GrantStatus::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(t) || g.chinese() == t)
            .ok_or_else(|| {
                crate::tr!(
                    "grant-status-unknown",
                    status = t,
                    known = GrantStatus::ALL.map(|s| s.as_str()).join(", ")
                )
            })
    }
}

/// What a grant's payment spends the fund's money on (its funds.toml purpose).
pub const GRANT_PURPOSE: &str = "临时救助";

/// `G12` for grant 12.
pub fn grant_label(id: i64) -> String {
    format!("G{id}")
}

/// A grant named as people write it: `G12`, `g12` or `12`.
pub fn parse_grant_id(text: &str) -> std::result::Result<i64, String> {
    let t = text.trim();
    let digits = t.strip_prefix(['G', 'g']).unwrap_or(t);
    digits
        .parse::<i64>()
        .ok()
        .filter(|&n| n > 0 && digits.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| crate::tr!("grant-id-bad", text = t))
}

/// An application for a grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    pub household: String,
    /// The fund, by id, alias, name or account.
    pub fund: String,
    pub amount: Amount,
    pub cause: String,
    pub loss: Amount,
    pub note: String,
    /// The day of the application.
    pub date: NaiveDate,
    /// Whether that day was stated (`--date`), or is the day it was recorded.
    pub dated: bool,
}

/// A grant as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub id: i64,
    pub household: String,
    /// The fund's id.
    pub fund: String,
    pub amount: Amount,
    /// The cause, as the rules name it.
    pub cause: String,
    pub loss: Amount,
    pub note: String,
    /// The gates its fund's rules required when it was applied for, in order.
    pub gates: Vec<Gate>,
    pub applied_on: NaiveDate,
    /// The operator who applied.
    pub applicant: String,
    pub applied_at: String,
    /// Whether `applied_on` was stated, or is the day it was recorded.
    pub dated: bool,
}

impl Grant {
    /// `G12`.
    pub fn label(&self) -> String {
        grant_label(self.id)
    }
}

/// A gate's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GateReview {
    pub gate: Gate,
    pub passed: bool,
    /// Who decided (`--by`).
    pub by: String,
    /// The day of the decision.
    pub on: NaiveDate,
    /// The note of a pass, the reason of a rejection.
    pub note: String,
    /// The operator who recorded it, and when.
    pub operator: String,
    pub recorded_at: String,
    /// Whether the day was stated (`--date`), or is the day it was recorded: only stated days
    /// are held against the days before and after them.
    pub dated: bool,
}

/// A payment voucher of a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrantPayment {
    pub voucher: String,
    pub date: NaiveDate,
    /// Who paid (`--by`, or the operator).
    pub paid_by: String,
    /// The voucher that reversed it, if any (money returned).
    pub reversed_by: Option<String>,
}

/// A grant with its reviews (in the order of its gates) and its payment vouchers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrantState {
    pub grant: Grant,
    pub reviews: Vec<GateReview>,
    pub payments: Vec<GrantPayment>,
}

impl GrantState {
    /// Paid while a payment voucher stands; else rejected when a gate rejected it; else passed
    /// when every gate passed; else pending.
    pub fn status(&self) -> GrantStatus {
        if self.payment().is_some() {
            GrantStatus::Paid
        } else if self.rejection().is_some() {
            GrantStatus::Rejected
        } else if self.next_gate().is_none() {
            GrantStatus::Passed
        } else {
            GrantStatus::Pending
        }
    }

    /// The payment voucher that stands (not reversed), if any.
    pub fn payment(&self) -> Option<&GrantPayment> {
        self.payments.iter().find(|p| p.reversed_by.is_none())
    }

    /// The gate that rejected the grant, if one did.
    pub fn rejection(&self) -> Option<&GateReview> {
        self.reviews.iter().find(|r| !r.passed)
    }

    /// The decision at `gate`, if taken.
    pub fn review_at(&self, gate: Gate) -> Option<&GateReview> {
        self.reviews.iter().find(|r| r.gate == gate)
    }

    /// The first of the grant's gates that has not passed.
    pub fn next_gate(&self) -> Option<Gate> {
        self.grant
            .gates
            .iter()
            .copied()
            .find(|g| !self.review_at(*g).is_some_and(|r| r.passed))
    }

    /// The gates passed, in order.
    pub fn passed(&self) -> impl Iterator<Item = &GateReview> {
        self.grant
            .gates
            .iter()
            .filter_map(|g| self.review_at(*g).filter(|r| r.passed))
    }

    /// The gates passed and who passed them, one line: `村级核实 村委 2024-08-20 √ · …`.
    pub fn gates_line(&self, lang: Lang) -> String {
        self.grant
            .gates
            .iter()
            .filter_map(|g| self.review_at(*g))
            .map(|r| {
                let mark = if r.passed { "√" } else { "×" };
                format!("{} {} {} {mark}", r.gate.name_in(lang), r.by, r.on)
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

fn now_text() -> String {
    chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn rejected(grant: &str, r: &GateReview) -> String {
    crate::tr!(
        "grant-rejected-ended",
        grant = grant,
        gate = r.gate.label(),
        by = r.by.as_str(),
        reason = r.note.as_str()
    )
}

/// Several refusals as one message: the first few, then how many more.
fn refusals(mut refused: Vec<String>) -> String {
    const SHOWN: usize = 20;
    let count = refused.len();
    refused.truncate(SHOWN);
    let mut text = refused.join("\n");
    if count > SHOWN {
        text.push('\n');
        text.push_str(&crate::tr!("grant-refused-more", count = count - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_exactly() {
        assert_eq!(parse_grant_id("G12"), Ok(12));
        assert_eq!(parse_grant_id("g3"), Ok(3));
        assert_eq!(parse_grant_id("7"), Ok(7));
        assert!(parse_grant_id("G0").is_err());
        assert!(parse_grant_id("G+1").is_err());
        assert!(parse_grant_id("R1").is_err());
    }

    #[test]
    fn gates_read_in_both_languages() {
        assert_eq!("village".parse::<Gate>(), Ok(Gate::Village));
        assert_eq!("部门数据比对".parse::<Gate>(), Ok(Gate::Data));
        assert_eq!("Sector".parse::<Gate>(), Ok(Gate::Sector));
        assert!("county".parse::<Gate>().unwrap_err().contains("village"));
        assert_eq!(
            gates_from_text(&gates_text(&Gate::ALL)),
            Ok(Gate::ALL.to_vec())
        );
        assert_eq!("已发放".parse::<GrantStatus>(), Ok(GrantStatus::Paid));
    }

    #[test]
    fn the_gates_line_marks_fit_the_built_in_font() {
        let font = crate::render::Font::builtin();
        for c in "√×·".chars() {
            assert!(font.has_char(c), "{c}");
        }
    }
}
