//! The simulated town's files: its household register, voucher files (good and bad), bank
//! result files and its allocation policy, written as a clerk would hand them in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::money::Amount;
use crate::synth::{distinct_id_number, Rng};

/// The bank account dividends go into and payments leave from.
pub const BANK: &str = "资产:银行存款:基本户";
pub const BANK_631: &str = "资产:银行存款:631专户";
pub const FUND_630: &str = "负债:专项应付款:6·30资金";
pub const FUND_631: &str = "负债:专项应付款:631资金";
pub const RESERVE: &str = "负债:专项应付款:防止返贫储备金";
pub const INSURANCE: &str = "支出:公益支出:防贫保";
pub const RELIEF: &str = "支出:公益支出:临时救助";

/// Accounts the town has besides the standard chart (the dynamic-assistance fund is made by
/// the first tilt).
pub const TOWN_ACCOUNTS: [(&str, crate::ledger::AccountKind); 7] = {
    use crate::ledger::AccountKind::*;
    [
        (BANK, Asset),
        (BANK_631, Asset),
        (FUND_630, Liability),
        (FUND_631, Liability),
        (RESERVE, Liability),
        (INSURANCE, Expense),
        (RELIEF, Expense),
    ]
};

const VILLAGES: [&str; 4] = ["胡荔村", "西一村", "红光村", "莲塘村"];
const SURNAMES: [&str; 8] = ["叶", "冯", "梁", "陈", "黄", "李", "吴", "张"];
const GIVEN: [&str; 8] = [
    "建国", "培强", "带娣", "伟明", "秀英", "志红", "金凤", "国华",
];
use crate::synth::{CATEGORIES, CAUSES, LABOUR, LEVELS};

/// A household as the simulation keeps it, to write the register again with changes.
#[derive(Clone, Debug)]
pub struct Household {
    pub n: u64,
    pub village: &'static str,
    pub name: String,
    pub members: u32,
    pub income: Amount,
    pub category: &'static str,
    pub level: &'static str,
    pub causes: &'static str,
    pub labour: &'static str,
}

impl Household {
    pub fn new(n: u64, rng: &mut Rng) -> Household {
        let mut h = Household {
            n,
            village: pick(rng, &VILLAGES),
            name: format!("{}{}", pick(rng, &SURNAMES), pick(rng, &GIVEN)),
            members: 1,
            income: Amount::ZERO,
            category: "",
            level: "",
            causes: "",
            labour: "",
        };
        h.change(rng);
        h
    }

    pub fn id(&self) -> String {
        format!("H{:04}", self.n)
    }

    pub fn card(&self) -> String {
        format!("6217995{:012}", 7_000_000 + self.n * 37)
    }

    /// New register values, as a re-survey finds them.
    pub fn change(&mut self, rng: &mut Rng) {
        self.members = 1 + rng.below(6) as u32;
        self.income = Amount::from_fen(200_000 + rng.below(1_200_000) as i64);
        // Most households are in a monitoring category.
        self.category = if rng.below(6) == 0 {
            ""
        } else {
            CATEGORIES[rng.below(4) as usize]
        };
        self.level = pick(rng, &LEVELS);
        self.causes = pick(rng, &CAUSES);
        self.labour = pick(rng, &LABOUR);
    }

    fn row(&self) -> String {
        format!(
            "{},{},{},{},{},{},{},{},{},{},{}",
            self.id(),
            self.village,
            self.name,
            distinct_id_number(self.n),
            self.members,
            self.income,
            self.category,
            self.level,
            self.causes,
            self.labour,
            self.card()
        )
    }
}

pub fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.below(items.len() as u64) as usize]
}

/// A defect that makes the household register refused.
#[derive(Clone, Copy, Debug)]
pub enum RegisterDefect {
    CheckDigit,
    DuplicateId,
    NoMembers,
    NegativeIncome,
    SharedCard,
}

pub const REGISTER_DEFECTS: [RegisterDefect; 5] = [
    RegisterDefect::CheckDigit,
    RegisterDefect::DuplicateId,
    RegisterDefect::NoMembers,
    RegisterDefect::NegativeIncome,
    RegisterDefect::SharedCard,
];

/// The register CSV of `households`, with `defect` in one row (`at`).
pub fn register_csv(households: &[Household], defect: Option<(RegisterDefect, usize)>) -> String {
    let mut s = String::from(
        "id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card\n",
    );
    for (i, h) in households.iter().enumerate() {
        let mut row = h.row();
        if let Some((defect, at)) = defect.filter(|(_, at)| *at == i) {
            let mut bad = h.clone();
            row = match defect {
                RegisterDefect::CheckDigit => {
                    // The right number with its last character changed.
                    let good = distinct_id_number(h.n);
                    let last = if good.ends_with('0') { '1' } else { '0' };
                    row.replace(&good, &format!("{}{last}", &good[..17]))
                }
                RegisterDefect::DuplicateId => {
                    let other = &households[(at + 1) % households.len()];
                    format!("{row}\n{}", other.row())
                }
                RegisterDefect::NoMembers => {
                    bad.members = 0;
                    bad.row()
                }
                RegisterDefect::NegativeIncome => {
                    bad.income = -bad.income - Amount::from_fen(1);
                    bad.row()
                }
                RegisterDefect::SharedCard => {
                    let other = &households[(at + 1) % households.len()];
                    row.replace(&h.card(), &other.card())
                }
            };
        }
        s.push_str(&row);
        s.push('\n');
    }
    s
}

/// One transaction of a voucher file.
#[derive(Clone, Debug)]
pub struct Voucher {
    pub txn_id: String,
    pub date: NaiveDate,
    /// (account, amount, memo, household)
    pub rows: Vec<(String, Amount, String, String)>,
}

/// A transaction the town books through a voucher file: a 6·30 donation, a 631 contribution,
/// an insurance premium, a relief grant, or a new kind of spending on a new account.
pub fn voucher(
    rng: &mut Rng,
    txn_id: String,
    date: NaiveDate,
    households: &[Household],
) -> Voucher {
    let amount = Amount::from_fen(10_000 + rng.below(5_000_000) as i64);
    let someone = if households.is_empty() {
        String::new()
    } else {
        households[rng.below(households.len() as u64) as usize].id()
    };
    let row = |account: &str, amount: Amount, memo: &str, household: &str| {
        (
            account.to_string(),
            amount,
            memo.to_string(),
            household.to_string(),
        )
    };
    let rows = match rng.below(6) {
        0 => vec![
            row(BANK, amount, "6·30 扶贫济困日捐款", ""),
            row(FUND_630, -amount, "6·30 扶贫济困日捐款", ""),
        ],
        1 => {
            // The 631 fund, paid in 6:3:1 by three sources.
            let province = Amount::from_fen(amount.fen() / 10 * 6);
            let city = Amount::from_fen(amount.fen() / 10 * 3);
            let local = Amount::from_fen(amount.fen() / 10);
            vec![
                row(BANK_631, province + city + local, "631资金到账", ""),
                row(FUND_631, -province, "631资金 省级 60%", ""),
                row(FUND_631, -city, "631资金 对口帮扶市 30%", ""),
                row(FUND_631, -local, "631资金 本市 10%", ""),
            ]
        }
        2 => vec![
            row(INSURANCE, amount, "防贫保保费", &someone),
            row(BANK, -amount, "防贫保保费", ""),
        ],
        3 => vec![
            row(BANK, amount, "防止返贫储备金 拨入", ""),
            row(RESERVE, -amount, "防止返贫储备金 拨入", ""),
        ],
        4 => {
            // A relief grant from the reserve fund, after the three-gate review, paid the day
            // the fund's money arrives (a fund never pays out more than it holds).
            let grant = Amount::from_fen(amount.fen() / 20);
            vec![
                row(BANK, amount, "防止返贫储备金 拨入", ""),
                row(RESERVE, -amount, "防止返贫储备金 拨入", ""),
                row(RESERVE, grant, "临时救助（三关审核）", &someone),
                row(BANK, -grant, "临时救助 转账", ""),
            ]
        }
        _ => vec![
            row(
                &format!("支出:公益支出:公益岗位{}", rng.below(3)),
                amount,
                "公益性岗位工资",
                &someone,
            ),
            row(BANK, -amount, "公益性岗位工资", ""),
        ],
    };
    Voucher { txn_id, date, rows }
}

/// A defect that makes a voucher file refused.
#[derive(Clone, Copy, Debug)]
pub enum FileDefect {
    Unbalanced,
    UnknownAccount,
    ThirdDecimal,
    BadDate,
    NoTxnId,
    /// A transaction split by another one with the same txn_id later in the file is fine;
    /// an account that is a code nobody has is not.
    UnknownCode,
}

pub const FILE_DEFECTS: [FileDefect; 6] = [
    FileDefect::Unbalanced,
    FileDefect::UnknownAccount,
    FileDefect::ThirdDecimal,
    FileDefect::BadDate,
    FileDefect::NoTxnId,
    FileDefect::UnknownCode,
];

/// The voucher file of `vouchers`, with `defect` in the last one.
pub fn voucher_csv(vouchers: &[Voucher], defect: Option<FileDefect>) -> String {
    let mut s = String::from("txn_id,date,account,amount,memo,household,ref\n");
    for (v, voucher) in vouchers.iter().enumerate() {
        let last = v + 1 == vouchers.len();
        for (r, (account, amount, memo, household)) in voucher.rows.iter().enumerate() {
            let (mut txn_id, mut date, mut account, mut amount_text) = (
                voucher.txn_id.clone(),
                voucher.date.to_string(),
                account.clone(),
                amount.to_string(),
            );
            if last && r == 0 {
                match defect {
                    Some(FileDefect::Unbalanced) => {
                        amount_text = (*amount + Amount::from_fen(1)).to_string()
                    }
                    Some(FileDefect::UnknownAccount) => {
                        account = "资产:银行存款:不存在的账户".into()
                    }
                    Some(FileDefect::ThirdDecimal) => amount_text = format!("{amount}5"),
                    Some(FileDefect::BadDate) => {
                        date = format!("{}-13-01", voucher.date.format("%Y"))
                    }
                    Some(FileDefect::NoTxnId) => txn_id.clear(),
                    Some(FileDefect::UnknownCode) => account = "99999".into(),
                    None => {}
                }
            }
            let _ = writeln!(
                s,
                "{txn_id},{date},{account},{amount_text},{memo},{household},"
            );
        }
    }
    s
}

/// A bank's result file for a run: `(household, amount, success)` lines.
pub fn bank_csv(lines: &[(String, Amount, bool)]) -> String {
    let mut s = String::from("户编号,金额,状态,流水号,失败原因\n");
    for (i, (household, amount, ok)) in lines.iter().enumerate() {
        if *ok {
            let _ = writeln!(s, "{household},{amount},成功,SIM{i:06},");
        } else {
            let _ = writeln!(s, "{household},{amount},失败,,账户已冻结");
        }
    }
    s
}

/// The allocation policy of the simulated town: the demo's kind of weights, with a small floor
/// and fixed item so that small pools can be allocated, monitoring lines for every year a
/// simulation reaches, and one household excluded.
pub const POLICY: &str = r#"name = "模拟镇 动态帮扶资金分配方案"

[lines]
2023 = "6800"
2024 = "7000"
2025 = "7300"
2026 = "7600"
2027 = "7900"
2028 = "8200"
2029 = "8500"
2030 = "8800"

[weights]
base = "500"
per_member = "300"
gap_factor = "0.5"

[multipliers]
no_labour = "1.3"
illness_disability = "1.2"

[categories]
"突发严重困难户" = "1.6"
"脱贫不稳定户" = "1.4"
"边缘易致贫户" = "1.2"
"关注户" = "1.0"

[risk_levels]
"红" = "1.5"
"黄" = "1.2"
"蓝" = "1.0"

[limits]
floor = "20"
cap = "30000"

[[fixed]]
name = "防贫保"
per_member = "40"

[[exclude]]
household = "H0003"
reason = "风险已消除"
"#;

/// Write `text` to `dir/name`.
pub fn write(dir: &Path, name: &str, text: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}
