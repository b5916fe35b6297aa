//! Reads for the village-finance disclosure 村级财务公开表 (`report::disclosure`): every
//! transaction of a period with its postings (account, amount, household tag), the tilts and
//! allocation runs whose vouchers fall in it. Balances come from [`Ledger::balances`].

use chrono::NaiveDate;
use rusqlite::params;

use super::journal::date_text;
use super::postings_json::{self, StoredPosting};
use super::{Ledger, RunRecord};
use crate::error::{Error, Result};
use crate::money::Amount;

/// A tilt whose voucher is dated in the period (and stands): one project's share set aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodTilt {
    pub project: String,
    /// The year whose income was tilted.
    pub year: i32,
    /// The project's net income of the year (dividends − land rent − upkeep).
    pub net: Amount,
    /// The share, as stored (`0.12`).
    pub share: String,
    /// What was set aside.
    pub amount: Amount,
    pub voucher: String,
    pub date: NaiveDate,
}

fn stored_date(text: &str) -> Result<NaiveDate> {
    crate::ledger::transaction::iso_date(text).ok_or_else(|| {
        Error::Tampered(crate::tr!(
            "postings-unreadable",
            what = format!("date {text}")
        ))
    })
}

impl Ledger {
    /// Call `f` with every transaction dated in `[from, to]` (by the date index, in no
    /// particular order): its id and its postings as stored (account id, amount in fen,
    /// household tag …). One consistent read; nothing is held but the transaction at hand.
    pub(crate) fn for_each_transaction_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        mut f: impl FnMut(i64, &[StoredPosting]) -> Result<()>,
    ) -> Result<()> {
        let read = self.conn.unchecked_transaction()?;
        let mut stmt = read.prepare_cached(
            "SELECT id, voucher, postings FROM transactions WHERE date BETWEEN ?1 AND ?2",
        )?;
        let mut rows = stmt.query(params![date_text(from), date_text(to)])?;
        let mut stored = Vec::new();
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            postings_json::decode_into(row.get_ref(2)?.as_str()?, &mut stored).map_err(|e| {
                let voucher: String = row.get(1).unwrap_or_default();
                Error::Tampered(crate::tr!(
                    "voucher-unreadable",
                    voucher = voucher,
                    reason = e.to_string()
                ))
            })?;
            f(id, &stored)?;
        }
        Ok(())
    }

    /// The tilts whose voucher is dated in `[from, to]` and has not been reversed, by date,
    /// voucher and project.
    pub fn tilts_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<PeriodTilt>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT x.project, x.year, x.net, r.share, x.amount, x.voucher, t.date
             FROM tilts x
             JOIN tilt_runs r ON r.voucher = x.voucher
             JOIN transactions t ON t.voucher = x.voucher
             WHERE t.date BETWEEN ?1 AND ?2
               AND NOT EXISTS (SELECT 1 FROM transactions v WHERE v.reverses = t.id)
             ORDER BY t.date, x.voucher, x.project",
        )?;
        let mut rows = stmt.query(params![date_text(from), date_text(to)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let date: String = r.get(6)?;
            out.push(PeriodTilt {
                project: r.get(0)?,
                year: r.get(1)?,
                net: Amount::from_fen(r.get(2)?),
                share: r.get(3)?,
                amount: Amount::from_fen(r.get(4)?),
                voucher: r.get(5)?,
                date: stored_date(&date)?,
            });
        }
        Ok(out)
    }

    /// The allocation runs posted by a voucher dated in `[from, to]`, with that date, in date
    /// and run order. A run's reversal (`allocate reverse`) is a run of its own, posted by the
    /// mirror voucher, with the amounts negated.
    pub fn runs_posted_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(RunRecord, NaiveDate)>> {
        let posted: Vec<(i64, String)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT r.id, t.date FROM allocation_runs r
                 JOIN transactions t ON t.voucher = r.posted_voucher
                 WHERE t.date BETWEEN ?1 AND ?2
                 ORDER BY t.date, r.id",
            )?;
            let rows = stmt.query_map(params![date_text(from), date_text(to)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        posted
            .into_iter()
            .map(|(id, date)| Ok((self.run(id)?, stored_date(&date)?)))
            .collect()
    }
}
