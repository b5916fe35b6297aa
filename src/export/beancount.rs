//! Beancount export.
//!
//! Beancount wants account names whose components start with a capital Latin letter or a
//! digit, under the five roots. townledger's names map deterministically:
//! - the root comes from the account's type (Assets, Liabilities, Equity, Income, Expenses);
//!   the name's top segment is dropped when it names that type (资产, assets …);
//! - in every other segment, characters other than letters, digits and `-` become `-`;
//! - a segment that does not start with a capital Latin letter or digit gets one: a lower-case
//!   Latin letter is capitalised, otherwise the pinyin initial of its first Chinese character
//!   (or `X`) is put in front: `银行存款` → `Y银行存款`, `6·30资金` → `6-30资金`;
//! - if two accounts still map to the same name, the later one (by original name) gets `-2`, `-3` ….
//!
//! Each `open` directive carries the original name and code as metadata.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use pinyin::ToPinyin;

use super::{io, one_line};
use crate::error::Result;
use crate::ledger::Account;
use crate::store::Ledger;

fn segment(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let first = out.chars().next().unwrap_or('-');
    if first.is_ascii_lowercase() {
        out.replace_range(..1, &first.to_ascii_uppercase().to_string());
    } else if !(first.is_ascii_uppercase() || first.is_ascii_digit()) {
        let initial = out
            .chars()
            .find_map(|c| c.to_pinyin())
            .and_then(|p| p.plain().chars().next())
            .map(|c| c.to_ascii_uppercase())
            .unwrap_or('X');
        out.insert(0, initial);
    }
    out
}

fn map_name(account: &Account) -> String {
    let mut parts: Vec<&str> = account.name.split(':').collect();
    if crate::ledger::AccountKind::from_top_segment(parts[0]) == Some(account.kind) {
        parts.remove(0);
    }
    let mut name = account.kind.beancount_root().to_string();
    for p in parts {
        name.push(':');
        name.push_str(&segment(p));
    }
    name
}

/// The Beancount name of every account: original name → Beancount name.
pub fn beancount_account_names(accounts: &[Account]) -> HashMap<String, String> {
    let mut sorted: Vec<&Account> = accounts.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut used = HashSet::new();
    let mut out = HashMap::new();
    for account in sorted {
        let base = map_name(account);
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        out.insert(account.name.clone(), name);
    }
    out
}

fn quoted(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in one_line(s).chars() {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

pub(super) fn write(ledger: &Ledger, out: &mut dyn Write) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, out);
    let accounts = ledger.accounts()?;
    let names = beancount_account_names(&accounts);
    let first_use = ledger.first_use_dates()?;
    writeln!(out, "; townledger export of {}", ledger.path().display()).map_err(io)?;
    writeln!(out, "option \"title\" \"townledger\"").map_err(io)?;
    writeln!(out, "option \"operating_currency\" \"CNY\"\n").map_err(io)?;
    let earliest = first_use.values().min().copied();
    for account in &accounts {
        let open = first_use.get(&account.name).copied().or(earliest);
        let Some(open) = open else { continue };
        writeln!(out, "{open} open {} CNY", names[&account.name]).map_err(io)?;
        writeln!(out, "  name: {}", quoted(&account.name)).map_err(io)?;
        if let Some(code) = &account.code {
            writeln!(out, "  code: {}", quoted(code)).map_err(io)?;
        }
    }
    ledger.for_each_tagged_transaction(|txn, fund_tags| {
        writeln!(out, "\n{} * {}", txn.date, quoted(&txn.memo)).map_err(io)?;
        writeln!(out, "  voucher: {}", quoted(&txn.voucher)).map_err(io)?;
        if let Some(id) = &txn.external_id {
            writeln!(out, "  txn_id: {}", quoted(id)).map_err(io)?;
        }
        if let Some(reason) = &txn.reason {
            writeln!(out, "  reason: {}", quoted(reason)).map_err(io)?;
        }
        for (p, fund_tag) in txn.postings.iter().zip(fund_tags) {
            writeln!(out, "  {}  {} CNY", names[&p.account], p.amount).map_err(io)?;
            if !p.memo.is_empty() && p.memo != txn.memo {
                writeln!(out, "    memo: {}", quoted(&p.memo)).map_err(io)?;
            }
            if let Some(h) = &p.household {
                writeln!(out, "    household: {}", quoted(h)).map_err(io)?;
            }
            if let Some(r) = &p.reference {
                writeln!(out, "    ref: {}", quoted(r)).map_err(io)?;
            }
            if let Some(t) = fund_tag {
                writeln!(out, "    fund: {}", quoted(&t.fund)).map_err(io)?;
                for (name, value) in [
                    ("purpose", &t.purpose),
                    ("source", &t.source),
                    ("donor", &t.donor),
                    ("project", &t.project),
                ] {
                    if let Some(v) = value {
                        writeln!(out, "    {name}: {}", quoted(v)).map_err(io)?;
                    }
                }
            }
        }
        Ok(())
    })?;
    out.flush().map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::AccountKind;

    fn account(name: &str, kind: AccountKind) -> Account {
        Account {
            id: 0,
            name: name.into(),
            code: None,
            kind,
        }
    }

    #[test]
    fn names_map_to_legal_beancount_names() {
        let accounts = vec![
            account("资产:银行存款:储备金专户", AccountKind::Asset),
            account("负债:专项应付款:6·30资金", AccountKind::Liability),
            account("支出:生产（劳务）成本", AccountKind::Expense),
            account("assets:bank", AccountKind::Asset),
            account("银行:基本户", AccountKind::Asset),
            account("资产:银行存款:储备金专户:x y", AccountKind::Asset),
            account("资产:银行存款:储备金专户:x-y", AccountKind::Asset),
        ];
        let names = beancount_account_names(&accounts);
        assert_eq!(
            names["资产:银行存款:储备金专户"],
            "Assets:Y银行存款:C储备金专户"
        );
        assert_eq!(
            names["负债:专项应付款:6·30资金"],
            "Liabilities:Z专项应付款:6-30资金"
        );
        assert_eq!(names["支出:生产（劳务）成本"], "Expenses:S生产-劳务-成本");
        assert_eq!(names["assets:bank"], "Assets:Bank");
        assert_eq!(names["银行:基本户"], "Assets:Y银行:J基本户");
        let a = &names["资产:银行存款:储备金专户:x y"];
        let b = &names["资产:银行存款:储备金专户:x-y"];
        assert_ne!(a, b);
        assert!(a.starts_with("Assets:Y银行存款:C储备金专户:X-y"));
    }
}
