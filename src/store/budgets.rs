//! The `budgets` table (migration 17): each fund's budget for a year, by purpose, and the
//! households a fund's spends reached (read from the journal).

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use super::{FastMap, Ledger, Writer};
use crate::error::Result;
use crate::money::Amount;

/// Below this many spends, [`Ledger::spend_households`] reads on one thread.
const SPENDS_PER_THREAD: usize = 20_000;

/// Spends at least one in this many of the transactions they span are read in one pass over
/// those transactions (cheaper than a look-up each).
const SCAN_DENSITY: u64 = 4;

/// The households spends reached: each household once (`names`), and each (spend, household)
/// as indexes into the spends asked about and into `names`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpendHouseholds {
    pub names: Vec<String>,
    pub reached: Vec<(u32, u32)>,
}

impl SpendHouseholds {
    /// The household named `name`, by its index, added when new.
    fn index(&mut self, known: &mut FastMap<String, u32>, name: &str) -> u32 {
        match known.get(name) {
            Some(&i) => i,
            None => {
                let i = self.names.len() as u32;
                known.insert(name.to_string(), i);
                self.names.push(name.to_string());
                i
            }
        }
    }

    /// Add what was found for other spends.
    fn append(&mut self, more: SpendHouseholds) {
        let mut known: FastMap<String, u32> = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        let map: Vec<u32> = more
            .names
            .iter()
            .map(|n| self.index(&mut known, n))
            .collect();
        self.reached.extend(
            more.reached
                .into_iter()
                .map(|(spend, h)| (spend, map[h as usize])),
        );
    }
}

/// A spend to read: its transaction, its line, and its place among the spends asked about.
type SpendAt = (i64, u32, u32);

/// [`Ledger::spend_households`] on one connection, for `spends` in transaction order, in one
/// read transaction (not one, with its file locks, per look-up). Spends that are at least a
/// [`SCAN_DENSITY`]th of the transactions they span are read by one pass over them, sparser
/// ones one look-up each.
fn spend_households_on(conn: &Connection, spends: &[SpendAt]) -> Result<SpendHouseholds> {
    let mut out = SpendHouseholds::default();
    let (Some(first), Some(last)) = (spends.first(), spends.last()) else {
        return Ok(out);
    };
    let mut known: FastMap<String, u32> = FastMap::default();
    let mut others: Vec<u32> = Vec::new();
    // The spend's own household, else those of its transaction's other postings.
    // The household looked up last, and its index: a voucher names its household on
    // neighbouring lines, and neighbouring vouchers often the same household.
    let mut last_name = String::new();
    let mut last_index = None;
    let mut visit = |json: &[u8], line: u32, at: u32| -> Result<()> {
        let mut own = None;
        others.clear();
        super::postings_json::each_household(json, |l, h| {
            let mine = l == line as usize;
            if !mine && own.is_some() {
                return;
            }
            let i = match last_index {
                Some(i) if last_name == h => i,
                _ => {
                    let i = out.index(&mut known, &h);
                    last_name.clear();
                    last_name.push_str(&h);
                    last_index = Some(i);
                    i
                }
            };
            if mine {
                own = Some(i);
            } else {
                others.push(i);
            }
        })?;
        match own {
            Some(h) => out.reached.push((at, h)),
            None => {
                others.sort_unstable();
                others.dedup();
                out.reached.extend(others.iter().map(|&h| (at, h)));
            }
        }
        Ok(())
    };
    let read = conn.unchecked_transaction()?;
    let span = u64::try_from(last.0 - first.0)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    if span <= SCAN_DENSITY.saturating_mul(spends.len() as u64) {
        let mut stmt = read.prepare_cached(
            "SELECT id, postings FROM transactions WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
        )?;
        let mut rows = stmt.query([first.0, last.0])?;
        let mut next = 0;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            while next < spends.len() && spends[next].0 < id {
                next += 1;
            }
            if next == spends.len() {
                break;
            }
            if spends[next].0 != id {
                continue;
            }
            let json = row.get_ref(1)?.as_bytes()?;
            while next < spends.len() && spends[next].0 == id {
                visit(json, spends[next].1, spends[next].2)?;
                next += 1;
            }
        }
    } else {
        let mut stmt = read.prepare_cached("SELECT postings FROM transactions WHERE id = ?1")?;
        for &(txn, line, at) in spends {
            let mut rows = stmt.query([txn])?;
            if let Some(row) = rows.next()? {
                visit(row.get_ref(0)?.as_bytes()?, line, at)?;
            }
        }
    }
    read.finish()?;
    Ok(out)
}

/// One budget line: what fund `fund` may spend on `purpose` in `year`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    pub fund: String,
    pub year: i32,
    pub purpose: String,
    pub amount: Amount,
    /// When it was last set, and by whom.
    pub set_at: String,
    pub operator: String,
}

fn budgets(conn: &Connection, fund: Option<&str>, year: Option<i32>) -> Result<Vec<Budget>> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.fund, b.year, b.purpose, b.amount, b.set_at, b.operator
         FROM budgets b JOIN funds f ON f.id = b.fund
         WHERE (?1 IS NULL OR b.fund = ?1) AND (?2 IS NULL OR b.year = ?2)
         ORDER BY b.year, f.rowid, b.purpose",
    )?;
    let rows = stmt.query_map(params![fund, year], |r| {
        Ok(Budget {
            fund: r.get(0)?,
            year: r.get(1)?,
            purpose: r.get(2)?,
            amount: Amount::from_fen(r.get(3)?),
            set_at: r.get(4)?,
            operator: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Writer<'_> {
    /// Set fund `fund`'s budget for `purpose` in `year` to `amount`, replacing what was set
    /// before (returned). The fund and the purpose are taken as given: see
    /// `funds::budget::set_budget` for the checks.
    pub fn set_budget(
        &mut self,
        fund: &str,
        year: i32,
        purpose: &str,
        amount: Amount,
    ) -> Result<Option<Amount>> {
        let conn = self.sql();
        let before: Option<i64> = conn
            .prepare_cached(
                "SELECT amount FROM budgets WHERE fund = ?1 AND year = ?2 AND purpose = ?3",
            )?
            .query_row(params![fund, year, purpose], |r| r.get(0))
            .optional()?;
        let (at, operator) = (self.posted_at().to_string(), self.operator().to_string());
        if before.is_some() {
            self.sql()
                .prepare_cached(
                    "UPDATE budgets SET amount = ?4, set_at = ?5, operator = ?6
                     WHERE fund = ?1 AND year = ?2 AND purpose = ?3",
                )?
                .execute(params![fund, year, purpose, amount.fen(), at, operator])?;
        } else {
            self.sql()
                .prepare_cached(
                    "INSERT INTO budgets (fund, year, purpose, amount, set_at, operator)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![fund, year, purpose, amount.fen(), at, operator])?;
        }
        Ok(before.map(Amount::from_fen))
    }
}

impl Ledger {
    /// The budget lines, of one fund (by id) and one year when given, by year, fund (in the
    /// order funds were registered) and purpose.
    pub fn budgets(&self, fund: Option<&str>, year: Option<i32>) -> Result<Vec<Budget>> {
        budgets(&self.conn, fund, year)
    }

    /// The households each of `spends` reached. A spend is a posting (transaction, line); it
    /// reached the household its posting names, or, when it names none, every household named
    /// on its transaction's other postings (a grant paid through the household's payable, an
    /// award to a household's account, an allocation run's lines). Read in transaction order;
    /// many spends on two threads, each a run of neighbouring transactions.
    pub fn spend_households(&self, spends: &[(i64, u32)]) -> Result<SpendHouseholds> {
        self.spend_households_split(spends, SPENDS_PER_THREAD)
    }

    /// [`Ledger::spend_households`], on two threads from `per_thread` spends on.
    fn spend_households_split(
        &self,
        spends: &[(i64, u32)],
        per_thread: usize,
    ) -> Result<SpendHouseholds> {
        let mut order: Vec<SpendAt> = spends
            .iter()
            .enumerate()
            .map(|(at, &(txn, line))| (txn, line, at as u32))
            .collect();
        order.sort_unstable();
        if order.len() < per_thread.max(2) {
            return spend_households_on(&self.conn, &order);
        }
        // Each thread a run of neighbouring transactions.
        let (mine, theirs) = order.split_at(order.len() / 2);
        let path = &self.path;
        std::thread::scope(|scope| {
            let other = scope.spawn(move || -> Result<SpendHouseholds> {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(super::BUSY_TIMEOUT)?;
                spend_households_on(&conn, theirs)
            });
            let mut found = spend_households_on(&self.conn, mine)?;
            let more = other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            found.append(more);
            Ok(found)
        })
    }

    /// The transactions reversed by a reversal dated on or before `by`.
    pub fn reversed_by(&self, by: chrono::NaiveDate) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT reverses FROM transactions WHERE reverses IS NOT NULL AND date <= ?1",
        )?;
        let rows = stmt.query_map([super::journal::date_text(by)], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::ledger::transaction::{NewTransaction, Posting};
    use crate::ledger::AccountKind;
    use crate::money::Amount;
    use crate::store::Ledger;

    fn posting(account: &str, fen: i64, household: Option<&str>) -> Posting {
        Posting {
            account: account.to_string(),
            amount: Amount::from_fen(fen),
            memo: "x".to_string(),
            household: household.map(str::to_string),
            reference: None,
        }
    }

    /// (spend, household) pairs by name, sorted.
    fn found(ledger: &Ledger, spends: &[(i64, u32)], per_thread: usize) -> Vec<(u32, String)> {
        let f = ledger.spend_households_split(spends, per_thread).unwrap();
        let mut out: Vec<(u32, String)> = f
            .reached
            .into_iter()
            .map(|(at, h)| (at, f.names[h as usize].clone()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn one_or_two_threads_a_pass_or_look_ups_find_the_same_households() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::create(&dir.path().join("t.db")).unwrap();
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        ledger
            .write("t", |w| {
                w.add_accounts(vec!["资产:银行".into()], AccountKind::Asset)?;
                w.add_accounts(vec!["支出:补助".into()], AccountKind::Expense)?;
                for i in 0..60 {
                    let h = format!("H{:04}", i % 7);
                    let postings = match i % 3 {
                        // The spend's own posting names its household.
                        0 => vec![
                            posting("支出:补助", 100, Some(&h)),
                            posting("资产:银行", -100, Some("H9999")),
                        ],
                        // Its other postings name one household, twice.
                        1 => vec![
                            posting("支出:补助", 100, None),
                            posting("资产:银行", -50, Some(&h)),
                            posting("资产:银行", -50, Some(&h)),
                        ],
                        // Two households.
                        _ => vec![
                            posting("支出:补助", 100, None),
                            posting("资产:银行", -50, Some(&h)),
                            posting("资产:银行", -50, Some("H9999")),
                        ],
                    };
                    w.post(NewTransaction {
                        date: day,
                        memo: format!("t{i}"),
                        external_id: None,
                        reverses: None,
                        reason: None,
                        postings,
                        tags: Vec::new(),
                    })?;
                }
                Ok(())
            })
            .unwrap();
        let ids: Vec<i64> = {
            let mut stmt = ledger
                .conn
                .prepare("SELECT id FROM transactions ORDER BY id")
                .unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        assert_eq!(ids.len(), 60);
        // Every transaction (read in one pass), in reverse order; and every seventh (looked up).
        let all: Vec<(i64, u32)> = ids.iter().rev().map(|&id| (id, 0)).collect();
        let sparse: Vec<(i64, u32)> = ids.iter().step_by(7).map(|&id| (id, 0)).collect();
        for spends in [&all, &sparse] {
            let one = found(&ledger, spends, usize::MAX);
            assert_eq!(one, found(&ledger, spends, 2));
            for (at, &(txn, _)) in spends.iter().enumerate() {
                let i = ids.iter().position(|&id| id == txn).unwrap();
                let mut expected = vec![format!("H{:04}", i % 7)];
                if i % 3 == 2 {
                    expected.push("H9999".to_string());
                }
                let got: Vec<&String> = one
                    .iter()
                    .filter(|(a, _)| *a as usize == at)
                    .map(|(_, h)| h)
                    .collect();
                assert_eq!(got, expected.iter().collect::<Vec<_>>(), "transaction {i}");
            }
        }
    }
}
