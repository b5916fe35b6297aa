//! The `funds` table (migration 12): the registered funds, the standard ones and those added
//! with `townledger fund add`.

use rusqlite::{params, Connection};

use super::{Ledger, Writer};
use crate::error::Result;
use crate::funds::registry::{fund_account_in, Fund, FundKind, STANDARD_FUNDS};

const FUND_COLUMNS: &str = "id, name, account, bank, kind, aliases";

fn fund_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Fund> {
    let kind: String = r.get(4)?;
    let aliases: String = r.get(5)?;
    let conversion = |col: usize, e: String| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, e.into())
    };
    Ok(Fund {
        id: r.get(0)?,
        name: r.get(1)?,
        account: r.get(2)?,
        bank: r.get(3)?,
        kind: kind.parse::<FundKind>().map_err(|e| conversion(4, e))?,
        aliases: serde_json::from_str(&aliases).map_err(|e| conversion(5, e.to_string()))?,
    })
}

fn insert_fund(conn: &Connection, fund: &Fund) -> Result<()> {
    let aliases = serde_json::to_string(&fund.aliases).expect("a list of strings");
    conn.execute(
        "INSERT INTO funds (id, name, account, bank, kind, aliases) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![fund.id, fund.name, fund.account, fund.bank, fund.kind.as_str(), aliases],
    )?;
    Ok(())
}

/// Register the standard funds (a new ledger, or one migrated from before the registry).
pub(super) fn register_standard_funds(conn: &Connection) -> Result<()> {
    for fund in &STANDARD_FUNDS {
        insert_fund(conn, &fund.fund())?;
    }
    Ok(())
}

pub(super) fn funds(conn: &Connection) -> Result<Vec<Fund>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {FUND_COLUMNS} FROM funds ORDER BY rowid"))?;
    let rows = stmt.query_map([], fund_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Writer<'_> {
    /// The registered funds, in the order they were registered.
    pub fn funds(&self) -> Result<Vec<Fund>> {
        funds(self.sql())
    }

    /// The account of the fund `name` names (id, alias, name or account); any other name is
    /// taken as an account.
    pub fn fund_account(&self, name: &str) -> Result<String> {
        Ok(fund_account_in(&self.funds()?, name))
    }

    pub(crate) fn insert_fund(&mut self, fund: &Fund) -> Result<()> {
        insert_fund(self.sql(), fund)
    }
}

impl Ledger {
    /// The registered funds, in the order they were registered.
    pub fn funds(&self) -> Result<Vec<Fund>> {
        funds(&self.conn)
    }

    /// The account of the fund `name` names (id, alias, name or account); any other name is
    /// taken as an account.
    pub fn fund_account(&self, name: &str) -> Result<String> {
        Ok(fund_account_in(&self.funds()?, name))
    }
}

#[cfg(test)]
mod tests {
    use crate::funds::registry::{Fund, StandardFund, STANDARD_FUNDS};
    use crate::store::Ledger;

    #[test]
    fn a_new_ledger_registers_the_standard_funds() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::create(&dir.path().join("t.db")).unwrap();
        let standard: Vec<Fund> = STANDARD_FUNDS.iter().map(StandardFund::fund).collect();
        assert_eq!(ledger.funds().unwrap(), standard);
        assert_eq!(
            ledger.fund_account("储备金").unwrap(),
            "负债:专项应付款:防止返贫储备金"
        );
    }
}
