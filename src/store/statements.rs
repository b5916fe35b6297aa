//! Reads for household statements: every posting that concerns a household in a period.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::account_index;
use super::journal::date_text;
use super::postings_json::{self, StoredPosting};
use super::{FastMap, Ledger, Writer};
use crate::error::Result;
use crate::ledger::AccountKind;
use crate::money::Amount;

/// Prefix of the household payable accounts (`负债:应付款:农户:H0001`).
pub const PAYABLE_PREFIX: &str = "负债:应付款:农户:";

/// Prefix of the special funds' accounts (`负债:专项应付款:防止返贫储备金`).
const FUND_PREFIX: &str = "负债:专项应付款:";

/// A posting that concerns a household: tagged with it, or on its payable account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdPosting {
    /// The household (from the tag, or the payable account's last segment).
    pub household: String,
    pub txn: i64,
    pub date: NaiveDate,
    pub voucher: String,
    /// The clerk's own number of the voucher (its import `txn_id`), if it had one.
    pub clerk_number: Option<String>,
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
        let read = self.conn.unchecked_transaction()?;
        let accounts: FastMap<i64, (String, AccountKind)> = self
            .accounts()?
            .into_iter()
            .map(|a| (a.id, (a.name, a.kind)))
            .collect();
        let is_fund = |name: &str| name.starts_with(FUND_PREFIX);
        // One household: only the transactions on its payable account (from the account
        // index) or with its tag in their text are read in full.
        let payable = match household {
            Some(h) => {
                let name = format!("{PAYABLE_PREFIX}{h}");
                accounts
                    .iter()
                    .find(|(_, (n, _))| *n == name)
                    .map(|(id, _)| *id)
            }
            None => None,
        };
        let payable_txns: std::collections::HashSet<i64> = match payable {
            Some(id) => account_index::entries_of(&read, id, NaiveDate::MIN, to)?
                .into_iter()
                .map(|(_, e)| e.txn)
                .collect(),
            None => Default::default(),
        };
        let tag_text = household.map(|h| {
            let mut quoted = String::new();
            postings_json::push_string(&mut quoted, h);
            quoted
        });
        let mut stmt = read.prepare_cached(
            "SELECT id, date, voucher, memo, reverses IS NOT NULL, postings, external_id
             FROM transactions WHERE date <= ?1",
        )?;
        let mut rows = stmt.query([date_text(to)])?;
        let mut stored = Vec::new();
        let mut postings: Vec<(i64, HouseholdPosting)> = Vec::new();
        while let Some(row) = rows.next()? {
            let txn: i64 = row.get(0)?;
            let json = row.get_ref(5)?.as_str()?;
            if let Some(tag) = &tag_text {
                if !payable_txns.contains(&txn) && !json.contains(tag.as_str()) {
                    continue;
                }
            }
            postings_json::decode_into(json, &mut stored)?;
            let name_of = |id: i64| accounts.get(&id);
            let concerns = |p: &StoredPosting| match household {
                Some(h) => p.household.as_deref() == Some(h) || Some(p.account) == payable,
                None => {
                    p.household.is_some()
                        || name_of(p.account).is_some_and(|(n, _)| n.starts_with(PAYABLE_PREFIX))
                }
            };
            if !stored.iter().any(concerns) {
                continue;
            }
            let date: String = row.get(1)?;
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap_or_default();
            let voucher: String = row.get(2)?;
            let txn_memo: String = row.get(3)?;
            let reversal: bool = row.get(4)?;
            let clerk_number: Option<String> = row.get(6)?;
            // The special fund the transaction draws on or feeds: its first such posting.
            let fund = stored
                .iter()
                .filter_map(|p| name_of(p.account).map(|(n, _)| n))
                .find(|n| is_fund(n))
                .cloned();
            for (line, p) in stored.iter().enumerate() {
                if !concerns(p) {
                    continue;
                }
                let (account, kind) = name_of(p.account).cloned().unwrap_or_else(|| {
                    (
                        format!("<missing account #{}>", p.account),
                        AccountKind::Asset,
                    )
                });
                let household = p.household.clone().unwrap_or_else(|| {
                    account
                        .strip_prefix(PAYABLE_PREFIX)
                        .unwrap_or(&account)
                        .to_string()
                });
                postings.push((
                    line as i64,
                    HouseholdPosting {
                        household,
                        txn,
                        date,
                        voucher: voucher.clone(),
                        clerk_number: clerk_number.clone(),
                        txn_memo: txn_memo.clone(),
                        account,
                        kind,
                        amount: Amount::from_fen(p.fen),
                        memo: p.memo.clone().unwrap_or_else(|| txn_memo.clone()),
                        reference: p.reference.clone(),
                        tag: p.household.clone(),
                        reversal,
                        fund: fund.clone(),
                    },
                ));
            }
        }
        postings.sort_by_key(|(line, p)| (p.date, p.txn, *line));
        Ok(postings.into_iter().map(|(_, p)| p).collect())
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
        crate::text::check_stored_rule("the town's name", name, crate::text::NAME_MAX)?;
        self.sql().execute(
            "INSERT INTO meta (key, value) VALUES ('town', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [name],
        )?;
        Ok(())
    }
}
