//! The `budgets` table (migration 17): each fund's budget for a year, by purpose, and the
//! households a fund's spends reached (read from the journal).

use rusqlite::{params, Connection, OptionalExtension};

use super::{Ledger, Writer};
use crate::error::Result;
use crate::money::Amount;

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

    /// The households each of `spends` reached, handed to `each` as (index in `spends`,
    /// household). A spend is a posting (transaction, line); it reached the household its
    /// posting names, or, when it names none, every household named on its transaction's
    /// other postings (a grant paid through the household's payable, an award to a
    /// household's account, an allocation run's lines). `spends` in transaction order read
    /// fastest.
    pub fn spend_households(
        &self,
        spends: &[(i64, u32)],
        mut each: impl FnMut(usize, &str),
    ) -> Result<()> {
        // One read transaction for every look-up, not one (with its file locks) each.
        let read = self.conn.unchecked_transaction()?;
        let mut stmt = read.prepare_cached("SELECT postings FROM transactions WHERE id = ?1")?;
        let mut households: Vec<String> = Vec::new();
        for (at, &(txn, line)) in spends.iter().enumerate() {
            let mut rows = stmt.query([txn])?;
            let Some(row) = rows.next()? else { continue };
            let json = row.get_ref(0)?.as_str()?;
            // The posting's own household, else those of the transaction's other postings.
            let mut own = false;
            households.clear();
            super::postings_json::each_household(json, |l, h| {
                if l == line as usize {
                    own = true;
                    each(at, h);
                } else if !own {
                    households.push(h.to_string());
                }
            })?;
            if !own {
                households.sort_unstable();
                households.dedup();
                for h in &households {
                    each(at, h);
                }
            }
        }
        drop(stmt);
        read.finish()?;
        Ok(())
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
