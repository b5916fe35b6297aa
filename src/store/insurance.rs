//! Anti-poverty insurance 防贫保 (migration 14): the yearly rosters and their members, the
//! premium vouchers, the claims and their payments to households.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::journal::date_text;
use super::{Ledger, Writer};
use crate::error::Result;
use crate::money::Amount;

/// A year's roster as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roster {
    pub year: i32,
    pub insurer: String,
    pub per_member: Amount,
    /// The categories insured, by their Chinese names.
    pub categories: Vec<String>,
    pub enrolled_on: NaiveDate,
    pub households: i64,
    pub persons: i64,
    pub premium: Amount,
    /// The voucher that paid the premium (not reversed), and the fund it came from.
    pub paid: Option<(String, String)>,
}

/// One insured household of a roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsuredHousehold {
    pub household: String,
    pub members: i64,
    pub premium: Amount,
}

/// A claim received from the insurer for a household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub id: i64,
    pub year: i32,
    pub household: String,
    pub amount: Amount,
    pub cause: String,
    pub date: NaiveDate,
    /// The voucher that received it (the household's payable).
    pub voucher: String,
    /// The voucher that paid it to the household (not reversed).
    pub paid: Option<String>,
}

fn date_of(text: String) -> NaiveDate {
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

/// A voucher of `table` for `key` that no voucher reverses.
const STANDING: &str = "NOT EXISTS (SELECT 1 FROM transactions t JOIN transactions r
                                     ON r.reverses = t.id WHERE t.voucher = x.voucher)";

fn rosters(conn: &Connection, year: Option<i32>) -> Result<Vec<Roster>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT year, insurer, per_member, categories, enrolled_on, households, persons, premium,
                (SELECT x.voucher || char(31) || x.fund FROM insurance_premiums x
                 WHERE x.year = r.year AND {STANDING})
         FROM insurance_rosters r WHERE ?1 IS NULL OR year = ?1 ORDER BY year"
    ))?;
    let rows = stmt.query_map([year], |r| {
        let categories: String = r.get(3)?;
        let paid: Option<String> = r.get(8)?;
        Ok(Roster {
            year: r.get(0)?,
            insurer: r.get(1)?,
            per_member: Amount::from_fen(r.get(2)?),
            categories: serde_json::from_str(&categories).unwrap_or_default(),
            enrolled_on: date_of(r.get(4)?),
            households: r.get(5)?,
            persons: r.get(6)?,
            premium: Amount::from_fen(r.get(7)?),
            paid: paid.and_then(|p| {
                p.split_once('\u{1f}')
                    .map(|(v, f)| (v.to_string(), f.to_string()))
            }),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn members(conn: &Connection, year: i32) -> Result<Vec<InsuredHousehold>> {
    let mut stmt = conn.prepare_cached(
        "SELECT household, members, premium FROM insurance_members WHERE year = ?1
         ORDER BY household",
    )?;
    let rows = stmt.query_map([year], |r| {
        Ok(InsuredHousehold {
            household: r.get(0)?,
            members: r.get(1)?,
            premium: Amount::from_fen(r.get(2)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn claims(conn: &Connection, year: Option<i32>) -> Result<Vec<Claim>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.year, c.household, c.amount, c.cause, c.date, c.voucher,
                (SELECT x.voucher FROM insurance_claim_payments x
                 WHERE x.claim = c.id AND {STANDING})
         FROM insurance_claims c
         WHERE (?1 IS NULL OR c.year = ?1)
           AND NOT EXISTS (SELECT 1 FROM transactions t JOIN transactions r ON r.reverses = t.id
                           WHERE t.voucher = c.voucher)
         ORDER BY c.id"
    ))?;
    let rows = stmt.query_map([year], |r| {
        Ok(Claim {
            id: r.get(0)?,
            year: r.get(1)?,
            household: r.get(2)?,
            amount: Amount::from_fen(r.get(3)?),
            cause: r.get(4)?,
            date: date_of(r.get(5)?),
            voucher: r.get(6)?,
            paid: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Writer<'_> {
    /// Keep a year's roster and its insured households.
    pub fn insert_roster(&mut self, roster: &Roster, insured: &[InsuredHousehold]) -> Result<()> {
        let categories = serde_json::to_string(&roster.categories).expect("a list of strings");
        self.sql().execute(
            "INSERT INTO insurance_rosters (year, insurer, per_member, categories, enrolled_on,
                 households, persons, premium, enrolled_at, operator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                roster.year,
                roster.insurer,
                roster.per_member.fen(),
                categories,
                date_text(roster.enrolled_on),
                roster.households,
                roster.persons,
                roster.premium.fen(),
                self.posted_at(),
                self.operator()
            ],
        )?;
        let mut stmt = self.sql().prepare_cached(
            "INSERT INTO insurance_members (year, household, members, premium)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for h in insured {
            stmt.execute(params![
                roster.year,
                h.household,
                h.members,
                h.premium.fen()
            ])?;
        }
        Ok(())
    }

    pub fn rosters(&self, year: Option<i32>) -> Result<Vec<Roster>> {
        rosters(self.sql(), year)
    }

    /// The members insured in `year` of `household`, if it is on the roster.
    pub fn insured_members(&self, year: i32, household: &str) -> Result<Option<i64>> {
        Ok(self
            .sql()
            .prepare_cached(
                "SELECT members FROM insurance_members WHERE year = ?1 AND household = ?2",
            )?
            .query_row(params![year, household], |r| r.get(0))
            .optional()?)
    }

    pub fn insert_premium(&mut self, voucher: &str, year: i32, fund: &str) -> Result<()> {
        self.sql().execute(
            "INSERT INTO insurance_premiums (voucher, year, fund) VALUES (?1, ?2, ?3)",
            params![voucher, year, fund],
        )?;
        Ok(())
    }

    /// Keep a claim received; returns its id.
    pub fn insert_claim(&mut self, claim: &Claim) -> Result<i64> {
        self.sql().execute(
            "INSERT INTO insurance_claims (year, household, amount, cause, date, voucher)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                claim.year,
                claim.household,
                claim.amount.fen(),
                claim.cause,
                date_text(claim.date),
                claim.voucher
            ],
        )?;
        Ok(self.sql().last_insert_rowid())
    }

    pub fn insert_claim_payment(&mut self, voucher: &str, claim: i64) -> Result<()> {
        self.sql().execute(
            "INSERT INTO insurance_claim_payments (voucher, claim) VALUES (?1, ?2)",
            params![voucher, claim],
        )?;
        Ok(())
    }

    pub fn claims(&self, year: Option<i32>) -> Result<Vec<Claim>> {
        claims(self.sql(), year)
    }
}

impl Ledger {
    pub fn rosters(&self, year: Option<i32>) -> Result<Vec<Roster>> {
        rosters(&self.conn, year)
    }

    pub fn roster_members(&self, year: i32) -> Result<Vec<InsuredHousehold>> {
        members(&self.conn, year)
    }

    pub fn claims(&self, year: Option<i32>) -> Result<Vec<Claim>> {
        claims(&self.conn, year)
    }
}
