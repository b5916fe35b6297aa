//! The household register with its history.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;

use super::journal::date_text;
use super::{Ledger, Writer};
use crate::error::Result;
use crate::households::{split_risk_causes, Category, HouseholdRecord, Labour};
use crate::money::Amount;

/// What an import of the register changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterChanges {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: usize,
    /// Households in the ledger that the file did not list (kept as they were).
    pub not_in_file: usize,
}

/// A stored version of a household.
#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdVersion {
    pub valid_from: NaiveDate,
    pub record: HouseholdRecord,
}

const COLUMNS: &str = "id, valid_from, import_seq, village, name, id_number, members, \
     per_capita_income, category, risk_level, risk_causes, labour, bank_card";

/// `YYYY-MM-DD` as stored, without a format string.
fn stored_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

fn version_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(HouseholdVersion, i64)> {
    let text = |i: usize| r.get::<_, String>(i);
    let str_at = |i: usize| r.get_ref(i)?.as_str().map_err(rusqlite::Error::from);
    let valid_from = match stored_date(str_at(1)?) {
        Some(d) => d,
        None => NaiveDate::parse_from_str(str_at(1)?, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
        })?,
    };
    let category = Category::from_cell(str_at(8)?).ok().flatten();
    let labour = Labour::from_cell(str_at(11)?).unwrap_or_default();
    Ok((
        HouseholdVersion {
            valid_from,
            record: HouseholdRecord {
                id: text(0)?,
                village: text(3)?,
                name: text(4)?,
                id_number: text(5)?,
                members: r.get(6)?,
                per_capita_income: Amount::from_fen(r.get(7)?),
                category,
                risk_level: text(9)?,
                risk_causes: split_risk_causes(str_at(10)?),
                labour,
                bank_card: text(12)?,
            },
        },
        r.get(2)?,
    ))
}

impl Writer<'_> {
    /// Record the register: households not seen before are added; those whose data differ get
    /// a new version in force from `effective`; identical ones are left alone.
    pub fn import_households(
        &mut self,
        records: &[HouseholdRecord],
        effective: NaiveDate,
    ) -> Result<RegisterChanges> {
        let current = latest_versions(self.sql())?;
        let import_seq: i64 = self.sql().query_row(
            "SELECT COALESCE(MAX(import_seq), 0) + 1 FROM households",
            [],
            |r| r.get(0),
        )?;
        let mut changes = RegisterChanges::default();
        let listed: std::collections::HashSet<&str> =
            records.iter().map(|r| r.id.as_str()).collect();
        changes.not_in_file = current
            .keys()
            .filter(|id| !listed.contains(id.as_str()))
            .count();
        let operator = self.operator().to_string();
        let now = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
        let valid_from = date_text(effective);
        let mut insert = self.sql().prepare_cached(&format!(
            "INSERT INTO households ({COLUMNS}, recorded_at, operator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        ))?;
        for record in records {
            match current.get(&record.id) {
                Some(v) if v.record == *record => {
                    changes.unchanged += 1;
                    continue;
                }
                Some(_) => changes.changed.push(record.id.clone()),
                None => changes.added.push(record.id.clone()),
            }
            insert.execute(params![
                record.id,
                valid_from,
                import_seq,
                record.village,
                record.name,
                record.id_number,
                record.members,
                record.per_capita_income.fen(),
                record.category.map(|c| c.as_str()).unwrap_or(""),
                record.risk_level,
                record.risk_causes.join(";"),
                record.labour.as_str(),
                record.bank_card,
                now,
                operator,
            ])?;
        }
        Ok(changes)
    }

    /// The register as in force on `date` (see [`Ledger::households_on`]).
    pub fn households_on(&self, date: NaiveDate) -> Result<Vec<HouseholdRecord>> {
        households_on(self.sql(), date)
    }
}

/// Every household's most recently imported version.
fn latest_versions(conn: &rusqlite::Connection) -> Result<BTreeMap<String, HouseholdVersion>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM households ORDER BY id, valid_from, import_seq"
    ))?;
    let mut out: BTreeMap<String, (HouseholdVersion, i64)> = BTreeMap::new();
    for row in stmt.query_map([], version_from_row)? {
        let (v, import) = row?;
        match out.get_mut(&v.record.id) {
            Some((_, last)) if *last > import => {}
            _ => {
                out.insert(v.record.id.clone(), (v, import));
            }
        }
    }
    Ok(out.into_iter().map(|(id, (v, _))| (id, v)).collect())
}

/// The version of every household in force on `date`: of the versions in force by then
/// (`valid_from <= date`), the one imported last — a later import supersedes earlier ones from
/// its effective date on, so a backdated correction applies from its date — or, for a household
/// with no version in force yet, its first imported version. Ordered by id.
fn households_on(conn: &rusqlite::Connection, date: NaiveDate) -> Result<Vec<HouseholdRecord>> {
    // In key order (id, valid_from, import_seq), so no sort: per household keep the in-force
    // version imported last, or else the first imported.
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM households ORDER BY id, valid_from, import_seq"
    ))?;
    // (record, its import, whether it is in force on `date`)
    let mut out: Vec<(HouseholdRecord, i64, bool)> = Vec::new();
    for row in stmt.query_map([], version_from_row)? {
        let (v, import) = row?;
        let in_force = v.valid_from <= date;
        match out.last_mut() {
            Some((last, last_import, last_in_force)) if last.id == v.record.id => {
                let better = match (in_force, *last_in_force) {
                    (true, false) => true,
                    (true, true) => import > *last_import,
                    (false, false) => import < *last_import,
                    (false, true) => false,
                };
                if better {
                    *last = v.record;
                    *last_import = import;
                    *last_in_force = in_force;
                }
            }
            _ => out.push((v.record, import, in_force)),
        }
    }
    Ok(out.into_iter().map(|(record, _, _)| record).collect())
}

impl Ledger {
    pub fn households_on(&self, date: NaiveDate) -> Result<Vec<HouseholdRecord>> {
        households_on(&self.conn, date)
    }

    /// Every stored version of one household, oldest first.
    pub fn household_history(&self, id: &str) -> Result<Vec<HouseholdVersion>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM households WHERE id = ?1 ORDER BY valid_from, import_seq"
        ))?;
        let rows = stmt.query_map([id], version_from_row)?;
        Ok(rows
            .map(|r| r.map(|(v, _)| v))
            .collect::<rusqlite::Result<_>>()?)
    }
}
