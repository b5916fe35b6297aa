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
//! Names are compared as people read them ([`same_person`]).
//!
//! A grant's status is never stored: it follows from its reviews and its payment vouchers
//! ([`GrantState::status`]). A grant is paid while a payment voucher of it stands; `townledger
//! reverse` of that voucher (money the bank returned) leaves it passed, to be paid again.
//!
//! The rules ([`GrantRules`]: eligible categories and causes, the caps, the gates) come from
//! one place, [`grant_rules`].

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Result, RowError};
use crate::funds::registry::{fund_named, Fund, FundKind};
use crate::households::{Category, HouseholdRecord};
use crate::import::Encoding;
use crate::ledger::{AccountKind, NewTransaction, Posting};
use crate::money::Amount;
use crate::people::{is_blank_name, same_person};
use crate::report::document::Lang;
use crate::store::{PostOutcome, Writer};
use crate::text::{check_household_id, check_stored_text, NAME_MAX};

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

/// The rules of a reserve fund's grants. Read from a `[fund.<id>.grants]` table (snake_case
/// keys; a key left out keeps its default), or [`GrantRules::default`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GrantRules {
    /// The household categories a grant may go to (Chinese names or `unstable`, `marginal`,
    /// `sudden`, `watch`).
    #[serde(deserialize_with = "categories")]
    pub categories: Vec<Category>,
    /// The causes a grant may be for (因病, 因灾 …).
    pub causes: Vec<String>,
    /// The most a grant may be, as a share of the loss: `"15%"` or `"0.15"`.
    #[serde(deserialize_with = "share")]
    pub share_of_loss: Decimal,
    /// The most one grant may be, whatever the loss (`"5000"` or `5000`).
    #[serde(deserialize_with = "money")]
    pub max_per_grant: Amount,
    /// The most one household may be paid in a calendar year (by payment date).
    #[serde(deserialize_with = "money")]
    pub max_per_household_year: Amount,
    /// The gates a grant passes, in order.
    pub gates: Vec<Gate>,
}

impl GrantRules {
    /// The rules a `[fund.<id>.grants]` table of funds.toml gives (keys left out keep their
    /// defaults).
    pub fn from_table(table: toml::Table) -> std::result::Result<GrantRules, String> {
        GrantRules::deserialize(toml::Value::Table(table)).map_err(|e| e.to_string())
    }
}

impl Default for GrantRules {
    /// The three categories; illness, disaster, accident, schooling, disability and job loss;
    /// 15% of the loss, at most 5,000.00 a grant and 10,000.00 a household a year; the three
    /// gates.
    fn default() -> GrantRules {
        GrantRules {
            categories: vec![Category::Unstable, Category::Marginal, Category::Sudden],
            causes: ["因病", "因灾", "因意外", "因学", "因残", "因失业"]
                .map(String::from)
                .to_vec(),
            share_of_loss: Decimal::new(15, 2),
            max_per_grant: Amount::from_yuan(5_000),
            max_per_household_year: Amount::from_yuan(10_000),
            gates: Gate::ALL.to_vec(),
        }
    }
}

impl GrantRules {
    /// Whether the rules make sense: some category, cause and gate, no gate twice, a share
    /// above 0 and at most 100%, caps above 0.00.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.categories.is_empty() {
            return Err(crate::tr!("grant-rules-empty", key = "categories"));
        }
        if self.causes.iter().all(|c| c.trim().is_empty()) {
            return Err(crate::tr!("grant-rules-empty", key = "causes"));
        }
        if self.gates.is_empty() {
            return Err(crate::tr!("grant-rules-empty", key = "gates"));
        }
        for (i, g) in self.gates.iter().enumerate() {
            if self.gates[..i].contains(g) {
                return Err(crate::tr!("grant-rules-gate-twice", gate = g.as_str()));
            }
        }
        if self.share_of_loss <= Decimal::ZERO || self.share_of_loss > Decimal::ONE {
            return Err(crate::tr!(
                "grant-rules-share-range",
                share = self.share_text()
            ));
        }
        for (key, cap) in [
            ("max_per_grant", self.max_per_grant),
            ("max_per_household_year", self.max_per_household_year),
        ] {
            if cap <= Amount::ZERO || !cap.within_posting_limit() {
                return Err(crate::tr!(
                    "grant-rules-cap-range",
                    key = key,
                    cap = cap.grouped()
                ));
            }
        }
        Ok(())
    }

    /// The most a grant may be for `loss`: the share of the loss (rounded down to the fen),
    /// at most [`GrantRules::max_per_grant`].
    pub fn cap_for_loss(&self, loss: Amount) -> Amount {
        let share = (loss.to_decimal() * self.share_of_loss)
            .round_dp_with_strategy(2, RoundingStrategy::ToZero);
        Amount::from_decimal_exact(share)
            .unwrap_or(Amount::MAX)
            .min(self.max_per_grant)
    }

    /// The cause as the rules name it: `因灾` for `因灾` or `灾`; `None` when not eligible.
    pub fn cause(&self, text: &str) -> Option<&str> {
        let t = text.trim();
        self.causes
            .iter()
            .map(|c| c.trim())
            .find(|c| *c == t || c.strip_prefix('因') == Some(t))
    }

    /// The share as people write it: `15%`.
    pub fn share_text(&self) -> String {
        format!(
            "{}%",
            (self.share_of_loss * Decimal::ONE_HUNDRED).normalize()
        )
    }

    fn categories_text(&self) -> String {
        self.categories
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }

    fn causes_text(&self) -> String {
        self.causes.join("、")
    }
}

fn categories<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<Category>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names
        .iter()
        .map(|n| n.parse::<Category>().map_err(de::Error::custom))
        .collect()
}

/// `"15%"`, `"15％"` or `"0.15"`: an exact decimal, never a float.
pub fn parse_share(text: &str) -> std::result::Result<Decimal, String> {
    let t = text.trim();
    let (number, percent) = match t.strip_suffix(['%', '％']) {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let plain = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && number.bytes().filter(|&b| b == b'.').count() <= 1
        && !number.starts_with('.')
        && !number.ends_with('.');
    let value = Decimal::from_str(number)
        .ok()
        .filter(|_| plain)
        .ok_or_else(|| crate::tr!("grant-rules-share-text", text = t))?;
    Ok(if percent {
        value / Decimal::ONE_HUNDRED
    } else {
        value
    })
}

fn share<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Decimal, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(&crate::tr!("grant-rules-share-expected"))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Decimal, E> {
            parse_share(s).map_err(E::custom)
        }
    }
    d.deserialize_str(V)
}

fn money<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Amount, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Amount;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(&crate::tr!("grant-rules-amount-expected"))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Amount, E> {
            Amount::parse(s).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Amount, E> {
            v.checked_mul(100)
                .map(Amount::from_fen)
                .filter(|a| a.within_posting_limit())
                .ok_or_else(|| E::custom(crate::tr!("grant-rules-amount-expected")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Amount, E> {
            i64::try_from(v)
                .map_err(|_| E::custom(crate::tr!("grant-rules-amount-expected")))
                .and_then(|v| self.visit_i64(v))
        }
    }
    d.deserialize_any(V)
}

/// The rules of `fund`'s grants. The one place they come from: every check of an
/// application, a review or a payment asks here.
pub fn grant_rules(w: &Writer<'_>, fund: &Fund) -> Result<GrantRules> {
    let book = w.fund_book_in_force()?;
    let rules = match book.rules.rule(&fund.id).and_then(|r| r.grants.clone()) {
        Some(table) => GrantRules::from_table(table).map_err(|why| {
            Error::rule(crate::tr!(
                "grant-rules-invalid",
                fund = fund.id.as_str(),
                reason = why
            ))
        })?,
        None => GrantRules::default(),
    };
    rules.check().map_err(|why| {
        Error::rule(crate::tr!(
            "grant-rules-invalid",
            fund = fund.id.as_str(),
            reason = why
        ))
    })?;
    Ok(rules)
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

/// The reserve funds and their rules, for checking applications.
struct Checker {
    funds: Vec<Fund>,
    rules: HashMap<String, GrantRules>,
}

/// An application that passed every check.
struct Checked {
    household: String,
    fund: String,
    cause: String,
    note: String,
}

impl Checker {
    fn new(w: &Writer<'_>) -> Result<Checker> {
        let funds = w.funds()?;
        let mut rules = HashMap::new();
        for fund in funds.iter().filter(|f| f.kind == FundKind::Reserve) {
            rules.insert(fund.id.clone(), grant_rules(w, fund)?);
        }
        Ok(Checker { funds, rules })
    }

    /// The reserve fund `name` names, with its rules.
    fn fund(&self, name: &str) -> std::result::Result<(&Fund, &GrantRules), String> {
        let name = name.trim();
        let fund = fund_named(&self.funds, name).ok_or_else(|| {
            crate::tr!(
                "grant-fund-unknown",
                fund = name,
                known = self
                    .funds
                    .iter()
                    .filter(|f| f.kind == FundKind::Reserve)
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        match self.rules.get(&fund.id) {
            Some(rules) => Ok((fund, rules)),
            None => Err(crate::tr!(
                "grant-fund-not-reserve",
                fund = fund.id.as_str(),
                name = fund.name.as_str(),
                kind = fund.kind.as_str()
            )),
        }
    }

    /// Every check of an application, the first problem found as the reason; `household` is
    /// the household's version in force on the application's date, if registered.
    fn check(
        &self,
        app: &Application,
        household: Option<&HouseholdRecord>,
        today: NaiveDate,
    ) -> std::result::Result<Checked, String> {
        let id = app.household.trim();
        check_household_id(&crate::tr!("grant-field-household"), id)?;
        let (fund, rules) = self.fund(&app.fund)?;
        let Some(household) = household else {
            return Err(crate::tr!("grant-household-unknown", household = id));
        };
        if !household
            .category
            .is_some_and(|c| rules.categories.contains(&c))
        {
            return Err(crate::tr!(
                "grant-category-ineligible",
                household = id,
                category = household
                    .category
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_else(|| crate::tr!("grant-category-none")),
                fund = fund.name.as_str(),
                allowed = rules.categories_text()
            ));
        }
        check_stored_text(&crate::tr!("grant-field-cause"), &app.cause, NAME_MAX)?;
        let Some(cause) = rules.cause(&app.cause) else {
            return Err(crate::tr!(
                "grant-cause-ineligible",
                cause = app.cause.trim(),
                fund = fund.name.as_str(),
                causes = rules.causes_text()
            ));
        };
        if app.amount <= Amount::ZERO {
            return Err(crate::tr!(
                "grant-amount-not-positive",
                amount = app.amount.grouped()
            ));
        }
        if app.loss <= Amount::ZERO {
            return Err(crate::tr!(
                "grant-loss-not-positive",
                loss = app.loss.grouped()
            ));
        }
        check_caps(rules, app.amount, app.loss)?;
        if app.amount > rules.max_per_household_year {
            return Err(crate::tr!(
                "grant-over-year-cap",
                amount = app.amount.grouped(),
                max = rules.max_per_household_year.grouped()
            ));
        }
        check_stored_text(&crate::tr!("grant-field-note"), &app.note, NOTE_MAX)?;
        if app.date > today {
            return Err(crate::tr!(
                "grant-date-future",
                date = app.date,
                today = today
            ));
        }
        Ok(Checked {
            household: id.to_string(),
            fund: fund.id.clone(),
            cause: cause.to_string(),
            note: app.note.trim().to_string(),
        })
    }
}

/// The cap per grant: `amount` at most the rules' share of `loss`, at most their maximum.
fn check_caps(rules: &GrantRules, amount: Amount, loss: Amount) -> std::result::Result<(), String> {
    let cap = rules.cap_for_loss(loss);
    if amount > cap {
        return Err(crate::tr!(
            "grant-cap-per-grant",
            amount = amount.grouped(),
            loss = loss.grouped(),
            share = rules.share_text(),
            max = rules.max_per_grant.grouped(),
            cap = cap.grouped()
        ));
    }
    Ok(())
}

fn now_text() -> String {
    chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn grant_from(
    id: i64,
    checked: Checked,
    app: &Application,
    gates: Vec<Gate>,
    applicant: &str,
    at: &str,
) -> Grant {
    Grant {
        id,
        household: checked.household,
        fund: checked.fund,
        amount: app.amount,
        cause: checked.cause,
        loss: app.loss,
        note: checked.note,
        gates,
        applied_on: app.date,
        applicant: applicant.to_string(),
        applied_at: at.to_string(),
    }
}

/// Apply for a grant as the writer's operator (the applicant). Refused, with the rule named:
/// an unknown household or fund, a fund that is not a reserve fund, a household outside the
/// eligible categories, a cause the fund does not grant for, an amount or a loss of 0.00 or
/// less, an amount above the cap for the loss or above the yearly cap, a date after `today`.
pub fn apply(w: &mut Writer<'_>, app: &Application, today: NaiveDate) -> Result<Grant> {
    let checker = Checker::new(w)?;
    let id = app.household.trim();
    check_household_id(&crate::tr!("grant-field-household"), id).map_err(Error::Rule)?;
    let household = w.household_on(id, app.date)?;
    let checked = checker
        .check(app, household.as_ref(), today)
        .map_err(Error::Rule)?;
    let gates = checker.rules[&checked.fund].gates.clone();
    let grant = grant_from(
        w.next_grant_id()?,
        checked,
        app,
        gates,
        w.operator(),
        &now_text(),
    );
    w.insert_grants(std::slice::from_ref(&grant))?;
    Ok(grant)
}

/// Apply for every grant of `rows` (each with the line that names it in `file`) as the
/// writer's operator: every row is checked as [`apply`] checks one, every bad row reported
/// (`FILE:ROW: reason`) and nothing written while any is bad. Rows that could not be read
/// come as their reason. The grants get their ids in row order.
pub fn apply_many(
    w: &mut Writer<'_>,
    file: &str,
    rows: Vec<(u64, std::result::Result<Application, String>)>,
    today: NaiveDate,
) -> Result<Vec<Grant>> {
    let checker = Checker::new(w)?;
    // The register as in force on each date named (one date, usually).
    let mut registers: HashMap<NaiveDate, HashMap<String, HouseholdRecord>> = HashMap::new();
    for (_, row) in &rows {
        if let Ok(app) = row {
            if let std::collections::hash_map::Entry::Vacant(e) = registers.entry(app.date) {
                e.insert(
                    w.households_on(app.date)?
                        .into_iter()
                        .map(|h| (h.id.clone(), h))
                        .collect(),
                );
            }
        }
    }
    let mut errors = Vec::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (line, row) in &rows {
        let result = row.as_ref().map_err(String::clone).and_then(|app| {
            let household = registers[&app.date].get(app.household.trim());
            checker.check(app, household, today).map(|c| (c, app))
        });
        match result {
            Ok(c) => checked.push(c),
            Err(reason) => errors.push(RowError::new(file, *line, reason)),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    if checked.is_empty() {
        return Err(Error::Input(vec![RowError::new(
            file,
            0,
            crate::tr!("grant-import-empty"),
        )]));
    }
    let first = w.next_grant_id()?;
    let at = now_text();
    let operator = w.operator().to_string();
    let grants: Vec<Grant> = checked
        .into_iter()
        .enumerate()
        .map(|(i, (c, app))| {
            let gates = checker.rules[&c.fund].gates.clone();
            grant_from(first + i as i64, c, app, gates, &operator, &at)
        })
        .collect();
    w.insert_grants(&grants)?;
    Ok(grants)
}

/// Read an applications file (CSV or the first sheet of a workbook) and apply for every
/// grant in it (see [`apply_many`]), dated `date`.
pub fn import_grants(
    w: &mut Writer<'_>,
    path: &Path,
    encoding: Encoding,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<Grant>> {
    let (file, rows) = crate::import::grants::read_applications(path, encoding, date)?;
    apply_many(w, &file, rows, today)
}

/// Pass or reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Pass,
    Reject,
}

/// A gate's decision to record.
#[derive(Clone, Debug)]
pub struct ReviewRequest {
    pub gate: Gate,
    pub decision: Decision,
    /// Who decides (`--by`).
    pub by: String,
    /// The note of a pass, the reason of a rejection (required).
    pub note: String,
    /// The day of the decision.
    pub on: NaiveDate,
}

impl ReviewRequest {
    /// The request's own checks: who decides is named, the texts may be stored, a rejection
    /// has a reason, the day is not after `today`.
    fn check(&self, today: NaiveDate) -> Result<()> {
        crate::text::check_stored_rule(&crate::tr!("grant-field-reviewer"), &self.by, NAME_MAX)?;
        if is_blank_name(&self.by) {
            return Err(Error::rule(crate::tr!("grant-review-needs-by")));
        }
        let field = match self.decision {
            Decision::Pass => crate::tr!("grant-field-note"),
            Decision::Reject => crate::tr!("grant-field-reason"),
        };
        crate::text::check_stored_rule(&field, &self.note, NOTE_MAX)?;
        if self.decision == Decision::Reject && self.note.trim().is_empty() {
            return Err(Error::rule(crate::tr!("grant-reject-needs-reason")));
        }
        if self.on > today {
            return Err(Error::rule(crate::tr!(
                "grant-date-future",
                date = self.on,
                today = today
            )));
        }
        Ok(())
    }
}

/// Why `req` may not be recorded for `state`, if it may not: the grant ended (paid or
/// rejected), a gate it does not go through, a gate decided already, a gate before it not
/// passed yet, the applicant deciding, one person passing two gates, a day before the
/// application or the gate before.
fn check_review(state: &GrantState, req: &ReviewRequest) -> std::result::Result<(), String> {
    let g = &state.grant;
    let grant = g.label();
    if let Some(p) = state.payment() {
        return Err(crate::tr!(
            "grant-paid-already",
            grant = grant.as_str(),
            voucher = p.voucher.as_str(),
            date = p.date
        ));
    }
    if let Some(r) = state.rejection() {
        return Err(rejected(&grant, r));
    }
    let Some(at) = g.gates.iter().position(|x| *x == req.gate) else {
        return Err(crate::tr!(
            "grant-gate-not-required",
            grant = grant.as_str(),
            gate = req.gate.label(),
            gates = g
                .gates
                .iter()
                .map(|x| x.label())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    if let Some(r) = state.review_at(req.gate) {
        return Err(crate::tr!(
            "grant-gate-decided",
            grant = grant.as_str(),
            gate = req.gate.label(),
            by = r.by.as_str(),
            on = r.on
        ));
    }
    if let Some(before) = g.gates[..at]
        .iter()
        .find(|x| !state.review_at(**x).is_some_and(|r| r.passed))
    {
        return Err(crate::tr!(
            "grant-gate-order",
            grant = grant.as_str(),
            gate = req.gate.label(),
            before = before.label()
        ));
    }
    if same_person(&req.by, &g.applicant) {
        return Err(crate::tr!(
            "grant-applicant-reviews",
            grant = grant.as_str(),
            by = req.by.trim()
        ));
    }
    if req.decision == Decision::Pass {
        if let Some(r) = state
            .reviews
            .iter()
            .find(|r| r.passed && same_person(&r.by, &req.by))
        {
            return Err(crate::tr!(
                "grant-same-reviewer",
                grant = grant.as_str(),
                by = req.by.trim(),
                gate = r.gate.label()
            ));
        }
    }
    match at.checked_sub(1).and_then(|i| state.review_at(g.gates[i])) {
        Some(r) if req.on < r.on => {
            return Err(crate::tr!(
                "grant-review-before-gate",
                grant = grant.as_str(),
                gate = req.gate.label(),
                on = req.on,
                before = r.gate.label(),
                date = r.on
            ))
        }
        None if req.on < g.applied_on => {
            return Err(crate::tr!(
                "grant-review-before-application",
                grant = grant.as_str(),
                gate = req.gate.label(),
                on = req.on,
                date = g.applied_on
            ))
        }
        _ => {}
    }
    Ok(())
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

fn review_row(req: &ReviewRequest, operator: &str, at: &str) -> GateReview {
    GateReview {
        gate: req.gate,
        passed: req.decision == Decision::Pass,
        by: req.by.split_whitespace().collect::<Vec<_>>().join(" "),
        on: req.on,
        note: req.note.trim().to_string(),
        operator: operator.to_string(),
        recorded_at: at.to_string(),
    }
}

/// Record a gate's decision on grant `id`; refused (nothing written) when it breaks a rule
/// (see the module documentation). Returns the grant as it now stands.
pub fn review(
    w: &mut Writer<'_>,
    id: i64,
    req: &ReviewRequest,
    today: NaiveDate,
) -> Result<GrantState> {
    req.check(today)?;
    let state = w
        .grant_state(id)?
        .ok_or_else(|| Error::NotFound(crate::tr!("grant-not-found", grant = grant_label(id))))?;
    check_review(&state, req).map_err(Error::Rule)?;
    let row = review_row(req, w.operator(), &now_text());
    w.insert_grant_reviews(&[(id, row)])?;
    w.grant_state(id)?
        .ok_or_else(|| Error::NotFound(crate::tr!("grant-not-found", grant = grant_label(id))))
}

/// Record the same decision at `req.gate` for every grant waiting there (pending, with every
/// gate before it passed): all of them, or none when any may not take it (each refused grant
/// named with its reason). Returns the grants decided, in id order.
pub fn review_all_pending(
    w: &mut Writer<'_>,
    req: &ReviewRequest,
    today: NaiveDate,
) -> Result<Vec<i64>> {
    req.check(today)?;
    let states = w.grant_states()?;
    let waiting: Vec<&GrantState> = states
        .iter()
        .filter(|s| s.status() == GrantStatus::Pending && s.next_gate() == Some(req.gate))
        .collect();
    if waiting.is_empty() {
        return Err(Error::rule(crate::tr!(
            "grant-none-waiting",
            gate = req.gate.label()
        )));
    }
    let refused: Vec<String> = waiting
        .iter()
        .filter_map(|s| check_review(s, req).err())
        .collect();
    if !refused.is_empty() {
        return Err(Error::rule(refusals(refused)));
    }
    let (operator, at) = (w.operator().to_string(), now_text());
    let rows: Vec<(i64, GateReview)> = waiting
        .iter()
        .map(|s| (s.grant.id, review_row(req, &operator, &at)))
        .collect();
    w.insert_grant_reviews(&rows)?;
    Ok(rows.into_iter().map(|(id, _)| id).collect())
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

/// A grant paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidGrant {
    pub grant: Grant,
    pub voucher: String,
    /// The bank account it was paid from.
    pub bank: String,
}

/// Pay grant `id` on `date` from its fund's bank account, in one voucher: Dr 临时救助 / Cr the
/// bank (tagged with the household), Dr the fund / Cr 补助收入. Whoever pays is `by`, or the
/// writer's operator. Refused, with nothing written: a grant not passed at every gate,
/// rejected or paid already; a payer who applied or passed a gate; a date before the last
/// gate; an amount beyond the cap per grant or, with what the household was paid in the
/// year, the cap per household and year; more than the fund holds on the day (checked when
/// the write commits, as for every write).
pub fn pay(w: &mut Writer<'_>, id: i64, date: NaiveDate, by: Option<&str>) -> Result<PaidGrant> {
    let mut paid = pay_grants(w, Some(&[id]), date, by)?;
    Ok(paid.remove(0))
}

/// Pay every passed, unpaid grant (see [`pay`]): all of them, or none when any may not be
/// paid (each refused grant named with its reason). A voucher per grant, in id order.
pub fn pay_all_passed(
    w: &mut Writer<'_>,
    date: NaiveDate,
    by: Option<&str>,
) -> Result<Vec<PaidGrant>> {
    pay_grants(w, None, date, by)
}

fn pay_grants(
    w: &mut Writer<'_>,
    ids: Option<&[i64]>,
    date: NaiveDate,
    by: Option<&str>,
) -> Result<Vec<PaidGrant>> {
    w.require_recorded(&GRANT_TABLES)?;
    let payer = by
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| w.operator().to_string());
    crate::text::check_stored_rule(&crate::tr!("grant-field-payer"), &payer, NAME_MAX)?;
    if is_blank_name(&payer) {
        return Err(Error::rule(crate::tr!("grant-pay-needs-by")));
    }
    let states: Vec<GrantState> = match ids {
        Some(ids) => ids
            .iter()
            .map(|&id| {
                w.grant_state(id)?.ok_or_else(|| {
                    Error::NotFound(crate::tr!("grant-not-found", grant = grant_label(id)))
                })
            })
            .collect::<Result<_>>()?,
        None => {
            let passed: Vec<GrantState> = w
                .grant_states()?
                .into_iter()
                .filter(|s| s.status() == GrantStatus::Passed)
                .collect();
            if passed.is_empty() {
                return Err(Error::rule(crate::tr!("grant-none-passed")));
            }
            passed
        }
    };
    let funds = w.funds()?;
    let mut rules: HashMap<String, GrantRules> = HashMap::new();
    let mut fund_of: HashMap<String, Fund> = HashMap::new();
    for s in &states {
        if !fund_of.contains_key(&s.grant.fund) {
            let fund = funds
                .iter()
                .find(|f| f.id == s.grant.fund)
                .cloned()
                .ok_or_else(|| {
                    Error::NotFound(crate::tr!(
                        "grant-fund-gone",
                        grant = s.grant.label(),
                        fund = s.grant.fund.as_str()
                    ))
                })?;
            rules.insert(fund.id.clone(), grant_rules(w, &fund)?);
            fund_of.insert(fund.id.clone(), fund);
        }
    }
    // What each household was paid in the payment's year, with the grants paid here.
    let mut this_year: HashMap<String, i128> = w.grants_paid_in_year(date.year())?;
    let mut refused = Vec::new();
    for s in &states {
        let r = &rules[&s.grant.fund];
        if let Err(why) = check_payable(s, &payer, date, r, &mut this_year) {
            refused.push(why);
        }
    }
    if !refused.is_empty() {
        return Err(Error::rule(refusals(refused)));
    }
    for (name, kind) in [
        (GRANT_EXPENSE, AccountKind::Expense),
        (GRANT_INCOME, AccountKind::Income),
    ] {
        ensure_account(w, name, kind)?;
    }
    for fund in fund_of.values() {
        ensure_account(w, &fund.account, AccountKind::Liability)?;
        ensure_account(w, &fund.bank, AccountKind::Asset)?;
    }
    let mut paid = Vec::with_capacity(states.len());
    let mut rows = Vec::with_capacity(states.len());
    for s in states {
        let fund = &fund_of[&s.grant.fund];
        let voucher = post_payment(w, &s, fund, date)?;
        rows.push((s.grant.id, voucher.clone()));
        paid.push(PaidGrant {
            grant: s.grant,
            voucher,
            bank: fund.bank.clone(),
        });
    }
    w.insert_grant_payments(&rows, date, &payer)?;
    Ok(paid)
}

fn ensure_account(w: &mut Writer<'_>, name: &str, kind: AccountKind) -> Result<()> {
    if w.account(name)?.is_none() {
        w.add_account(name, kind, None)?;
    }
    Ok(())
}

/// Why grant `s` may not be paid by `payer` on `date`, if it may not; counts it into what its
/// household is paid in the year when it may.
fn check_payable(
    s: &GrantState,
    payer: &str,
    date: NaiveDate,
    rules: &GrantRules,
    this_year: &mut HashMap<String, i128>,
) -> std::result::Result<(), String> {
    let g = &s.grant;
    let grant = g.label();
    if let Some(p) = s.payment() {
        return Err(crate::tr!(
            "grant-paid-already",
            grant = grant.as_str(),
            voucher = p.voucher.as_str(),
            date = p.date
        ));
    }
    if let Some(r) = s.rejection() {
        return Err(rejected(&grant, r));
    }
    if let Some(gate) = s.next_gate() {
        return Err(crate::tr!(
            "grant-not-passed",
            grant = grant.as_str(),
            gate = gate.label()
        ));
    }
    if same_person(payer, &g.applicant) {
        return Err(crate::tr!(
            "grant-payer-applicant",
            grant = grant.as_str(),
            payer = payer.trim()
        ));
    }
    if let Some(r) = s.passed().find(|r| same_person(&r.by, payer)) {
        return Err(crate::tr!(
            "grant-payer-reviewer",
            grant = grant.as_str(),
            payer = payer.trim(),
            gate = r.gate.label()
        ));
    }
    if let Some(last) = s.passed().max_by_key(|r| r.on).filter(|r| date < r.on) {
        return Err(crate::tr!(
            "grant-pay-too-early",
            grant = grant.as_str(),
            date = date,
            gate = last.gate.label(),
            on = last.on
        ));
    }
    check_caps(rules, g.amount, g.loss)?;
    let before = this_year.get(&g.household).copied().unwrap_or(0);
    let after = before + i128::from(g.amount.fen());
    if after > i128::from(rules.max_per_household_year.fen()) {
        return Err(crate::tr!(
            "grant-cap-household-year",
            grant = grant.as_str(),
            household = g.household.as_str(),
            year = date.year(),
            paid = fen_text(before),
            amount = g.amount.grouped(),
            max = rules.max_per_household_year.grouped()
        ));
    }
    this_year.insert(g.household.clone(), after);
    Ok(())
}

/// A sum of fen as an amount (within what a household's year can hold).
fn fen_text(fen: i128) -> String {
    i64::try_from(fen)
        .map(|f| Amount::from_fen(f).grouped())
        .unwrap_or_else(|_| fen.to_string())
}

/// The payment voucher of one grant; its voucher number.
fn post_payment(
    w: &mut Writer<'_>,
    s: &GrantState,
    fund: &Fund,
    date: NaiveDate,
) -> Result<String> {
    let g = &s.grant;
    let gates = g
        .gates
        .iter()
        .map(|x| x.chinese())
        .collect::<Vec<_>>()
        .join("、");
    let mut memo = format!(
        "{}临时救助 {}：{} {}，损失{}元，经{}通过",
        fund.name,
        g.label(),
        g.household,
        g.cause,
        g.loss.grouped(),
        gates
    );
    if !g.note.is_empty() {
        memo.push('；');
        memo.push_str(&g.note);
    }
    let reference = Some(format!("grant:{}", g.label()));
    let line = |account: &str, amount: Amount, household: bool| Posting {
        account: account.to_string(),
        amount,
        memo: String::new(),
        household: household.then(|| g.household.clone()),
        reference: reference.clone(),
    };
    let outcome = w.post(NewTransaction {
        date,
        memo,
        external_id: None,
        reverses: None,
        reason: None,
        postings: vec![
            line(GRANT_EXPENSE, g.amount, true),
            line(&fund.bank, -g.amount, true),
            line(&fund.account, g.amount, false),
            line(GRANT_INCOME, -g.amount, false),
        ],
        // The fund's money is spent on relief (临时救助), as its rules allow.
        tags: vec![(
            2,
            crate::funds::movement::FundTag {
                fund: Some(fund.id.clone()),
                purpose: Some(GRANT_PURPOSE.to_string()),
                ..Default::default()
            },
        )],
    })?;
    Ok(match outcome {
        PostOutcome::Posted { voucher, .. } | PostOutcome::AlreadyPosted { voucher } => voucher,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_are_the_issue_s() {
        let r = GrantRules::default();
        r.check().unwrap();
        assert_eq!(r.share_text(), "15%");
        assert_eq!(
            r.cap_for_loss(Amount::from_yuan(20_000)),
            Amount::from_yuan(3_000)
        );
        assert_eq!(
            r.cap_for_loss(Amount::from_yuan(100_000)),
            Amount::from_yuan(5_000)
        );
        // Rounded down to the fen: 15% of 0.99 is 0.1485.
        assert_eq!(r.cap_for_loss(Amount::from_fen(99)), Amount::from_fen(14));
        assert_eq!(r.cause("灾"), Some("因灾"));
        assert_eq!(r.cause(" 因病 "), Some("因病"));
        assert_eq!(r.cause("因赌"), None);
    }

    #[test]
    fn rules_read_from_toml() {
        let r: GrantRules = toml::from_str(
            r#"
            categories = ["unstable", "突发严重困难户"]
            causes = ["因病"]
            share_of_loss = "20%"
            max_per_grant = 3000
            max_per_household_year = "8,000.50"
            gates = ["village", "行业稽核"]
            "#,
        )
        .unwrap();
        assert_eq!(r.categories, vec![Category::Unstable, Category::Sudden]);
        assert_eq!(r.share_of_loss, Decimal::new(2, 1));
        assert_eq!(r.max_per_grant, Amount::from_yuan(3_000));
        assert_eq!(r.max_per_household_year, Amount::from_fen(800_050));
        assert_eq!(r.gates, vec![Gate::Village, Gate::Sector]);
        let partial: GrantRules = toml::from_str("share_of_loss = \"0.1\"").unwrap();
        assert_eq!(partial.share_of_loss, Decimal::new(1, 1));
        assert_eq!(partial.gates, Gate::ALL.to_vec());
        assert!(toml::from_str::<GrantRules>("share_of_loss = 0.15").is_err());
        assert!(toml::from_str::<GrantRules>("cap = 1").is_err());
        let twice = GrantRules {
            gates: vec![Gate::Village, Gate::Village],
            ..GrantRules::default()
        };
        assert!(twice.check().unwrap_err().contains("village"));
        let all = GrantRules {
            share_of_loss: parse_share("150%").unwrap(),
            ..GrantRules::default()
        };
        assert!(all.check().is_err());
    }

    #[test]
    fn shares_and_ids_parse_exactly() {
        assert_eq!(parse_share("15%"), Ok(Decimal::new(15, 2)));
        assert_eq!(parse_share("12.5％"), Ok(Decimal::new(125, 3)));
        assert_eq!(parse_share("0.15"), Ok(Decimal::new(15, 2)));
        assert!(parse_share("1e-1").is_err());
        assert!(parse_share("-5%").is_err());
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
