//! Reads for household statements: every posting that concerns a household in a period.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::journal::date_text;
use super::{Ledger, Writer};
use crate::error::Result;
use crate::ledger::AccountKind;
use crate::money::Amount;

/// Prefix of the household payable accounts (`负债:应付款:农户:H0001`).
pub const PAYABLE_PREFIX: &str = "负债:应付款:农户:";

/// A posting that concerns a household: tagged with it, or on its payable account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdPosting {
    /// The household (from the tag, or the payable account's last segment).
    pub household: String,
    pub txn: i64,
    pub date: NaiveDate,
    pub voucher: String,
    pub txn_memo: String,
    pub account: String,
    pub kind: AccountKind,
    pub amount: Amount,
    pub memo: String,
    pub reference: Option<String>,
    /// The posting's own household tag, if any.
    pub tag: Option<String>,
    /// The transaction reverses another one.
    pub reversal: bool,
    /// The special fund (`负债:专项应付款:…`) the transaction draws on or feeds, if any.
    pub fund: Option<String>,
}

impl Ledger {
    /// Postings concerning `household` (or every household when `None`) dated up to `to`
    /// (from the first; a statement needs what was owed when its period starts), in date and
    /// voucher order.
    pub fn household_postings(
        &self,
        household: Option<&str>,
        to: NaiveDate,
    ) -> Result<Vec<HouseholdPosting>> {
        const COLUMNS: &str = "t.id, t.date, t.voucher, t.memo, a.name, p.amount, p.memo, \
             p.household, p.ref, a.kind, t.reverses IS NOT NULL";
        let mut stmt = if household.is_some() {
            // One household: its tagged postings and its payable account's. (An index on the
            // household tag would find them without reading the journal, at the cost of a
            // fifth of the import's speed.)
            self.conn.prepare_cached(&format!(
                "SELECT {COLUMNS}
                 FROM postings p
                 JOIN transactions t ON t.id = p.txn
                 JOIN accounts a ON a.id = p.account
                 WHERE (p.household = ?2
                        OR p.account = (SELECT id FROM accounts WHERE name = ?3))
                   AND t.date <= ?1
                 ORDER BY t.date, t.id, p.line"
            ))?
        } else {
            // Names under a parent sort between "parent:" and "parent;" (';' follows ':'): a
            // range test, much cheaper than LIKE on every posting.
            self.conn.prepare_cached(&format!(
                "SELECT {COLUMNS}
                 FROM transactions t
                 JOIN postings p ON p.txn = t.id
                 JOIN accounts a ON a.id = p.account
                 WHERE t.date <= ?1
                   AND (p.household IS NOT NULL
                        OR (a.name > '负债:应付款:农户:' AND a.name < '负债:应付款:农户;'))
                 ORDER BY t.date, t.id, p.line"
            ))?
        };
        let date = date_text(to);
        let payable = household.map(|h| format!("{PAYABLE_PREFIX}{h}"));
        let args: Vec<&dyn rusqlite::ToSql> = match (&household, &payable) {
            (Some(h), Some(account)) => vec![&date, h, account],
            _ => vec![&date],
        };
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            let account: String = r.get(4)?;
            let tag: Option<String> = r.get(7)?;
            let household = tag.clone().unwrap_or_else(|| {
                account
                    .strip_prefix(PAYABLE_PREFIX)
                    .unwrap_or(&account)
                    .to_string()
            });
            let date: String = r.get(1)?;
            let kind: String = r.get(9)?;
            Ok(HouseholdPosting {
                household,
                txn: r.get(0)?,
                date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap_or_default(),
                voucher: r.get(2)?,
                txn_memo: r.get(3)?,
                account,
                kind: kind.parse().map_err(|e: String| {
                    rusqlite::Error::FromSqlConversionFailure(
                        9,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?,
                amount: Amount::from_fen(r.get(5)?),
                memo: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                reference: r.get(8)?,
                tag,
                reversal: r.get(10)?,
                fund: None,
            })
        })?;
        let mut postings: Vec<HouseholdPosting> = rows.collect::<rusqlite::Result<_>>()?;
        // The special fund each transaction draws on or feeds (its first such posting).
        let mut funds: std::collections::HashMap<i64, (i64, String)> = Default::default();
        const FUNDS: &str = "a.name > '负债:专项应付款:' AND a.name < '负债:专项应付款;'";
        if household.is_some() {
            // One household's few transactions, each by its key.
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT p.line, a.name FROM postings p JOIN accounts a ON a.id = p.account
                 WHERE p.txn = ?1 AND {FUNDS} ORDER BY p.line LIMIT 1"
            ))?;
            let mut looked_up = std::collections::HashSet::new();
            for p in &postings {
                if looked_up.insert(p.txn) {
                    if let Some(found) = stmt
                        .query_row([p.txn], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?
                    {
                        funds.insert(p.txn, found);
                    }
                }
            }
        } else {
            // Every household: one pass over the few fund accounts, through the account index.
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT p.txn, p.line, a.name FROM accounts a JOIN postings p ON p.account = a.id
                 WHERE {FUNDS} AND p.date <= ?1"
            ))?;
            let rows = stmt.query_map([date_text(to)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (txn, line, name) = row?;
                match funds.get(&txn) {
                    Some((first, _)) if *first <= line => {}
                    _ => {
                        funds.insert(txn, (line, name));
                    }
                }
            }
        }
        for p in &mut postings {
            p.fund = funds.get(&p.txn).map(|(_, name)| name.clone());
        }
        Ok(postings)
    }

    /// The town's name, as set by `init --town` or the demo.
    pub fn town_name(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'town'", [], |r| {
                r.get(0)
            })
            .optional()?)
    }
}

impl Writer<'_> {
    pub fn set_town_name(&mut self, name: &str) -> Result<()> {
        self.sql().execute(
            "INSERT INTO meta (key, value) VALUES ('town', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [name],
        )?;
        Ok(())
    }
}
