//! The demo town: a fresh ledger built from `ledgers/demo/`, never touching a user's ledger.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::import::postings::{import_postings, ImportOptions, ImportSummary};
use crate::ledger::chart::VILLAGE_COLLECTIVE_2023;
use crate::store::Ledger;

/// Where the demo data lives: `ledgers/demo` under the current directory, else beside the
/// source tree this binary was built from.
pub fn data_dir() -> PathBuf {
    let here = PathBuf::from("ledgers/demo");
    if here.join("vouchers-2024.csv").exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ledgers/demo")
}

/// Remove a previous demo ledger (and its WAL files) in `out`.
fn clear_ledger(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
        }
    }
    Ok(())
}

pub struct Demo {
    pub ledger: Ledger,
    pub vouchers: ImportSummary,
}

/// Build the demo ledger at `out/townledger.db` from `data`.
pub fn build(data: &Path, out: &Path, operator: &str) -> Result<Demo> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let path = out.join("townledger.db");
    clear_ledger(&path)?;
    let mut ledger = Ledger::create(&path)?;
    let vouchers = ledger.write(operator, |w| {
        for (code, name, kind) in VILLAGE_COLLECTIVE_2023 {
            w.add_account(name, *kind, Some(code))?;
        }
        w.set_town_name("阳西县程村镇（示例）")?;
        let rules_path = data.join("funds.toml");
        let text = std::fs::read_to_string(&rules_path).map_err(|e| Error::io(&rules_path, e))?;
        let rules =
            crate::funds::rules::FundRules::from_toml_str(&text, "funds.toml", &w.funds()?)?;
        w.load_fund_rules(&rules)?;
        import_postings(
            w,
            &data.join("vouchers-2024.csv"),
            &ImportOptions {
                encoding: None,
                create_accounts: true,
            },
        )
    })?;
    Ok(Demo { ledger, vouchers })
}

/// What the allocation part of the demo did.
pub struct DemoAllocation {
    pub households: usize,
    pub funds: Vec<String>,
    pub run: i64,
    pub plan: crate::allocate::Plan,
    pub voucher: String,
    pub bank_file: PathBuf,
    pub first_payment: crate::allocate::run::PaySummary,
    pub second_payment: crate::allocate::run::PaySummary,
}

/// The village committee's year end on the demo ledger: the household register, the projects'
/// dividends and the tilt, the insurance year, the reserve fund's relief grants through the three
/// gates (one paid, one rejected), the 2024 budget, then one allocation run through approval, notice, posting and payment
/// (the bank's result file, written to `out`, reports one failure, paid two days later).
pub fn allocate(
    ledger: &mut Ledger,
    data: &Path,
    out: &Path,
    operator: &str,
) -> Result<DemoAllocation> {
    use crate::allocate::run as workflow;
    use chrono::NaiveDate;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let records = crate::households::read_households(&data.join("households.xlsx"))?;
    ledger.write(operator, |w| w.import_households(&records, day(2024, 1, 1)))?;
    let mut funds = crate::funds::demo::record_demo_funds(ledger, operator)?;
    funds.extend(crate::funds::demo::insure_demo_households(
        ledger, operator,
    )?);
    funds.extend(crate::funds::demo::grant_demo_relief(ledger, operator)?);
    funds.extend(crate::funds::demo::set_demo_budgets(
        ledger, data, operator,
    )?);
    let fund = crate::funds::tilt::dynamic_fund();
    let (run, plan) = ledger.write(operator, |w| {
        workflow::plan_run(
            w,
            &data.join("policy-2024.toml"),
            &fund,
            crate::money::Amount::from_yuan(520_000),
            day(2024, 12, 28),
            None,
        )
    })?;
    let voucher = ledger.write(operator, |w| {
        let today = chrono::Local::now().date_naive();
        workflow::approve(w, run, "村委会", "village", day(2024, 12, 29), today)?;
        workflow::approve(w, run, "镇农办", "town", day(2024, 12, 30), today)?;
        workflow::publish(w, run, Some(day(2024, 12, 30)), today)?;
        workflow::post(w, run, today, None, None)
    })?;
    // The bank pays every card but one (a frozen account), as its result file says.
    let lines = ledger.run_lines(run)?;
    let mut bank = String::from("户编号,金额,状态,流水号,失败原因\n");
    let mut failed = false;
    for (i, l) in lines.iter().filter(|l| !l.total.is_zero()).enumerate() {
        if !failed && i == 1 {
            bank.push_str(&format!("{},{},失败,,账户已冻结\n", l.household, l.total));
            failed = true;
        } else {
            bank.push_str(&format!(
                "{},{},成功,YX2025010700{i:03},\n",
                l.household, l.total
            ));
        }
    }
    let bank_file = out.join("bank-result-2025-01-07.csv");
    std::fs::write(&bank_file, bank).map_err(|e| Error::io(&bank_file, e))?;
    let from = "资产:银行存款:基本户";
    let first_payment = ledger.write(operator, |w| {
        workflow::pay(w, run, day(2025, 1, 7), from, Some(&bank_file))
    })?;
    let second_payment = ledger.write(operator, |w| {
        workflow::pay(w, run, day(2025, 1, 9), from, None)
    })?;
    // The finance clerk reconciles the bank accounts with the bank's statements and locks them
    // through November, then closes January to November: their vouchers stay as reported.
    funds.push(crate::reconcile::demo::reconcile_demo_accounts(
        ledger, data, operator,
    )?);
    // The town's finance clerk closes January to November: their vouchers stay as reported.
    let closed = crate::period::close(ledger, "2024-11", "镇财务", operator)?;
    funds.push(crate::tr!(
        "demo-closed",
        month = closed.month.as_str(),
        transactions = closed.transactions
    ));
    Ok(DemoAllocation {
        households: records.len(),
        funds,
        run,
        plan,
        voucher,
        bank_file,
        first_payment,
        second_payment,
    })
}
