//! The household register with its history.

use chrono::NaiveDate;
use rusqlite::params;

use super::journal::date_text;
use super::{Ledger, Writer};
use crate::error::{Error, Result};
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

/// The text columns of a household row, in `COLUMNS` order, and where they are in it.
const TEXT_COLUMNS: [usize; 10] = [0, 1, 3, 4, 5, 8, 9, 10, 11, 12];

/// Household rows as SQLite gave them, not yet turned into records: each row's text columns
/// one after another in `text` (`ends` marks where each ends) and its integer columns
/// (import_seq, members, per_capita_income).
#[derive(Default)]
struct RawRows {
    text: Vec<u8>,
    ends: Vec<usize>,
    ints: Vec<[i64; 3]>,
}

impl RawRows {
    fn push(&mut self, r: &rusqlite::Row<'_>) -> rusqlite::Result<()> {
        for col in TEXT_COLUMNS {
            let value = r.get_ref(col)?;
            let bytes = match value {
                rusqlite::types::ValueRef::Text(t) => t,
                other => {
                    return Err(rusqlite::Error::InvalidColumnType(
                        col,
                        COLUMNS.split(", ").nth(col).unwrap_or("?").to_string(),
                        other.data_type(),
                    ))
                }
            };
            self.text.extend_from_slice(bytes);
            self.ends.push(self.text.len());
        }
        self.ints.push([r.get(2)?, r.get(6)?, r.get(7)?]);
        Ok(())
    }

    fn len(&self) -> usize {
        self.ints.len()
    }

    /// Each row as a version and its import.
    fn versions(&self) -> impl Iterator<Item = Result<(HouseholdVersion, i64)>> + '_ {
        let n = TEXT_COLUMNS.len();
        (0..self.len()).map(move |row| {
            let ends = &self.ends[row * n..(row + 1) * n];
            let start = if row == 0 { 0 } else { self.ends[row * n - 1] };
            let mut texts = [""; 10];
            let mut at = start;
            for (t, &end) in texts.iter_mut().zip(ends) {
                *t = std::str::from_utf8(&self.text[at..end])
                    .map_err(|_| unreadable("a text is not UTF-8"))?;
                at = end;
            }
            version_from_parts(texts, self.ints[row])
        })
    }
}

fn unreadable(what: &str) -> Error {
    Error::Tampered(crate::tr!("register-unreadable", what = what))
}

/// A version from its text columns (in `TEXT_COLUMNS` order) and its integers.
fn version_from_parts(t: [&str; 10], ints: [i64; 3]) -> Result<(HouseholdVersion, i64)> {
    let [id, valid_from, village, name, id_number, category, risk_level, risk_causes, labour, bank_card] =
        t;
    let [import, members, income] = ints;
    let valid_from = match crate::ledger::transaction::iso_date(valid_from) {
        Some(d) => d,
        None => NaiveDate::parse_from_str(valid_from, "%Y-%m-%d")
            .map_err(|_| unreadable("a date is not YYYY-MM-DD"))?,
    };
    Ok((
        HouseholdVersion {
            valid_from,
            record: HouseholdRecord {
                id: id.to_string(),
                village: village.to_string(),
                name: name.to_string(),
                id_number: id_number.to_string(),
                members: u32::try_from(members).map_err(|_| unreadable("members"))?,
                per_capita_income: Amount::from_fen(income),
                category: Category::from_cell(category).ok().flatten(),
                risk_level: risk_level.to_string(),
                risk_causes: split_risk_causes(risk_causes),
                labour: Labour::from_cell(labour).unwrap_or_default(),
                bank_card: bank_card.to_string(),
            },
        },
        import,
    ))
}

/// Every stored version in key order (id, valid_from, import_seq), handed to `f` in order.
/// SQLite is read on this thread while a second one turns the rows into records.
fn each_version(
    conn: &rusqlite::Connection,
    mut f: impl FnMut(HouseholdVersion, i64) + Send,
) -> Result<()> {
    const BATCH: usize = 1024;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM households ORDER BY id, valid_from, import_seq"
    ))?;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<RawRows>(4);
        let (back, spent) = std::sync::mpsc::channel::<RawRows>();
        let worker = scope.spawn(move || -> Result<()> {
            for mut raw in rx {
                for version in raw.versions() {
                    let (v, import) = version?;
                    f(v, import);
                }
                raw.text.clear();
                raw.ends.clear();
                raw.ints.clear();
                let _ = back.send(raw); // reused for a later batch
            }
            Ok(())
        });
        let read = (|| -> Result<()> {
            let mut rows = stmt.query([])?;
            let mut raw = RawRows::default();
            while let Some(row) = rows.next()? {
                raw.push(row)?;
                if raw.len() == BATCH {
                    let next = spent.try_recv().unwrap_or_default();
                    if tx.send(std::mem::replace(&mut raw, next)).is_err() {
                        return Ok(()); // the worker stopped on an error, reported below
                    }
                }
            }
            if raw.len() > 0 {
                let _ = tx.send(raw);
            }
            Ok(())
        })();
        drop(tx);
        let parsed = worker.join().expect("the household reader does not panic");
        read.and(parsed)
    })
}

impl Writer<'_> {
    /// The id of every household in the register (empty when the ledger has none).
    pub fn household_ids(&self) -> Result<rustc_hash::FxHashSet<String>> {
        let mut stmt = self.sql().prepare("SELECT DISTINCT id FROM households")?;
        let ids = stmt.query_map([], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// Record the register: households not seen before are added; those whose data differ get
    /// a new version in force from `effective`; identical ones are left alone.
    pub fn import_households(
        &mut self,
        records: &[HouseholdRecord],
        effective: NaiveDate,
    ) -> Result<RegisterChanges> {
        // Whether each record's household is stored, and if so unchanged: the stored register
        // is walked once, a version at a time, not held beside the file's.
        let by_id: std::collections::HashMap<&str, usize> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let mut stored: Vec<Option<bool>> = vec![None; records.len()];
        let mut not_in_file = 0;
        each_latest_version(self.sql(), |v| match by_id.get(v.record.id.as_str()) {
            Some(&i) => stored[i] = Some(v.record == records[i]),
            None => not_in_file += 1,
        })?;
        drop(by_id);
        let import_seq: i64 = self.sql().query_row(
            "SELECT COALESCE(MAX(import_seq), 0) + 1 FROM households",
            [],
            |r| r.get(0),
        )?;
        let mut changes = RegisterChanges {
            not_in_file,
            ..RegisterChanges::default()
        };
        let operator = self.operator().to_string();
        let now = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
        let valid_from = date_text(effective);
        let mut insert = self.sql().prepare_cached(&format!(
            "INSERT INTO households ({COLUMNS}, recorded_at, operator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        ))?;
        for (record, stored) in records.iter().zip(stored) {
            match stored {
                Some(true) => {
                    changes.unchanged += 1;
                    continue;
                }
                Some(false) => changes.changed.push(record.id.clone()),
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

    /// Household `id` as in force on `date`, chosen among its versions as
    /// [`Ledger::households_on`] chooses; `None` when the register does not have it.
    pub fn household_on(&self, id: &str, date: NaiveDate) -> Result<Option<HouseholdRecord>> {
        let mut stmt = self.sql().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM households WHERE id = ?1 ORDER BY valid_from, import_seq"
        ))?;
        let mut raw = RawRows::default();
        let mut rows = stmt.query([id])?;
        while let Some(row) = rows.next()? {
            raw.push(row)?;
        }
        // (record, its import, whether it is in force on `date`)
        let mut best: Option<(HouseholdRecord, i64, bool)> = None;
        for version in raw.versions() {
            let (v, import) = version?;
            let in_force = v.valid_from <= date;
            let better = match &best {
                None => true,
                Some((_, best_import, best_in_force)) => match (in_force, *best_in_force) {
                    (true, false) => true,
                    (true, true) => import > *best_import,
                    (false, false) => import < *best_import,
                    (false, true) => false,
                },
            };
            if better {
                best = Some((v.record, import, in_force));
            }
        }
        Ok(best.map(|(record, _, _)| record))
    }
}

/// Every household's most recently imported version, in id order, handed to `f`.
fn each_latest_version(
    conn: &rusqlite::Connection,
    mut f: impl FnMut(HouseholdVersion) + Send,
) -> Result<()> {
    // Versions come in key order, so a household's are together.
    let mut latest: Option<(HouseholdVersion, i64)> = None;
    each_version(conn, |v, import| match &mut latest {
        Some((best, best_import)) if best.record.id == v.record.id => {
            if import >= *best_import {
                (*best, *best_import) = (v, import);
            }
        }
        _ => {
            if let Some((done, _)) = latest.replace((v, import)) {
                f(done);
            }
        }
    })?;
    if let Some((done, _)) = latest {
        f(done);
    }
    Ok(())
}

/// The version of every household in force on `date`: of the versions in force by then
/// (`valid_from <= date`), the one imported last — a later import supersedes earlier ones from
/// its effective date on, so a backdated correction applies from its date — or, for a household
/// with no version in force yet, its first imported version. Ordered by id.
fn households_on(conn: &rusqlite::Connection, date: NaiveDate) -> Result<Vec<HouseholdRecord>> {
    // In key order (id, valid_from, import_seq), so no sort: per household keep the in-force
    // version imported last, or else the first imported.
    // (record, its import, whether it is in force on `date`)
    let mut out: Vec<(HouseholdRecord, i64, bool)> = Vec::new();
    each_version(conn, |v, import| {
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
    })?;
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
        let mut raw = RawRows::default();
        let mut rows = stmt.query([id])?;
        while let Some(row) = rows.next()? {
            raw.push(row)?;
        }
        raw.versions().map(|v| v.map(|(v, _)| v)).collect()
    }
}
