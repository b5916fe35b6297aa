//! The quarterly (or monthly) village-finance disclosure 村级财务公开表: for each village, the
//! period's income by kind, spending by kind with the households reached, assets and debts at
//! the period's start and end, and the distribution of income (the tilt, the allocation runs
//! with their households); households appear only masked, in a run's or a grant's list.
//!
//! **Which village a figure belongs to** (a town keeping several villages' books in one
//! ledger, 村账镇代管):
//! 1. the account's village: an account with a segment (after the first) equal to a village's
//!    name (`资产:银行存款:胡荔村`, `收入:投资收益:扶贫车间:胡荔村`); a household's payable
//!    account (`负债:应付款:农户:H0001`) belongs to the household's village; a project owned by a
//!    village (`project add --owner 胡荔村`) brings its income account (`收入:投资收益:扶贫车间`)
//!    and its investment (a 长期投资 sub-account whose last segment is the project's name or
//!    id, or the start of exactly one project's name: `资产:长期投资:罗非鱼` for 罗非鱼养殖);
//! 2. else, for the period's income, spending and distribution, the posting's household tag:
//!    the household's village in the register;
//! 3. else the voucher's village: when the postings of a voucher that have a village by 1 or
//!    2 all have the same one, the voucher's other postings go with them (the upkeep paid out
//!    of a village project's dividend, the 6·30 money recognised as income when it pays a
//!    household's stipend);
//! 4. everything else is town-level, shown in the town-level disclosure (未分配到村).
//!
//! Balances (assets and debts) follow the account only (rule 1): a town account's balance is
//! the town's, whatever households its postings name.
//!
//! The villages are those of the household register in force on the period's last day, the
//! project owners that are villages, and the villages accounts name: a segment after the first
//! ending in 村 or 社区, at least three characters long, other than 乡村 and 农村 words
//! (`资产:银行存款:新建村`).
//!
//! Every village's figures come from one pass over the period's transactions (by the date
//! index) and the accounts' balances at the period's start and end (the account index's
//! monthly totals).

mod document;
pub mod files;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::funds::project::Project;
use crate::ledger::{Account, AccountKind};
use crate::money::{Amount, Total};
use crate::store::{Ledger, PeriodTilt, RunLine, RunRecord, PAYABLE_PREFIX};

use super::document::Lang;
use super::tr;

/// The period a disclosure covers: a calendar quarter or a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Quarter { year: i32, quarter: u32 },
    Month { year: i32, month: u32 },
}

impl Period {
    /// `2024Q3` (also `2024q3`, `2024-Q3`).
    pub fn quarter(text: &str) -> Result<Period> {
        let bad = || Error::rule(crate::tr!("disclose-bad-quarter", value = text));
        let t = text.trim();
        let (y, q) = t
            .split_once(['Q', 'q'])
            .ok_or_else(bad)
            .map(|(y, q)| (y.trim_end_matches('-'), q))?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let quarter: u32 = q.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=4).contains(&quarter) || !(1000..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Period::Quarter { year, quarter })
    }

    /// `2024-09` (also `2024-9`).
    pub fn month(text: &str) -> Result<Period> {
        let bad = || Error::rule(crate::tr!("disclose-bad-month", value = text));
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Period::Month { year, month })
    }

    pub fn first_day(self) -> NaiveDate {
        let (year, month) = match self {
            Period::Quarter { year, quarter } => (year, quarter * 3 - 2),
            Period::Month { year, month } => (year, month),
        };
        NaiveDate::from_ymd_opt(year, month, 1).expect("a valid period")
    }

    pub fn last_day(self) -> NaiveDate {
        let (year, month) = match self {
            Period::Quarter { year, quarter } => (year, quarter * 3),
            Period::Month { year, month } => (year, month),
        };
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).expect("a valid period")
    }

    /// How file names carry it: `2024Q3`, `2024-09`.
    pub fn label(self) -> String {
        match self {
            Period::Quarter { year, quarter } => format!("{year}Q{quarter}"),
            Period::Month { year, month } => format!("{year}-{month:02}"),
        }
    }

    /// How a reader says it: `2024年第三季度`, `2024年9月`; `Q3 2024`, `2024-09`.
    pub fn title(self, lang: Lang) -> String {
        const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];
        match (self, lang) {
            (Period::Quarter { year, quarter }, Lang::Zh) => {
                format!("{year}年第{}季度", QUARTERS[quarter as usize - 1])
            }
            (Period::Quarter { year, quarter }, Lang::En) => format!("Q{quarter} {year}"),
            (Period::Month { year, month }, Lang::Zh) => format!("{year}年{month}月"),
            (Period::Month { year, month }, Lang::En) => format!("{year}-{month:02}"),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Kinds of income (收入).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IncomeKind {
    /// 502 投资收益: dividends and rent, by project.
    Investment,
    /// 503 补助收入.
    Subsidy,
    /// Every other income (501 经营收入, 504 其他收入 …).
    Other,
}

/// Kinds of spending (支出).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SpendKind {
    /// 514 公益支出 (but the jobs' wages): stipends, relief, job awards …
    PublicWelfare,
    /// Wages of public-welfare jobs 公益性岗位: an expense account with a segment naming 岗位.
    Jobs,
    /// 401 生产（劳务）成本, 511 经营支出, 512 税金及附加, 513 管理费用.
    Operating,
    /// Every other expense (515 其他支出, 521 所得税费用 …).
    Other,
}

/// Kinds of balances: assets and debts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BalanceKind {
    /// 101 库存现金, 102 银行存款.
    Cash,
    /// 112 应收款.
    Receivable,
    /// 141 长期投资: the investments in the projects.
    Investment,
    OtherAsset,
    /// 211 应付款, the households' payables among them.
    Payable,
    /// 212 应付工资, 213 应付劳务费.
    Wages,
    /// 241 专项应付款: the special funds.
    Special,
    OtherDebt,
}

impl BalanceKind {
    pub fn is_asset(self) -> bool {
        matches!(
            self,
            BalanceKind::Cash
                | BalanceKind::Receivable
                | BalanceKind::Investment
                | BalanceKind::OtherAsset
        )
    }
}

/// What part of the disclosure an account's postings feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Income(IncomeKind),
    Spending(SpendKind),
    /// 322 收益分配: distributions of income booked as such.
    Distribution,
    Balance(BalanceKind),
    /// Net assets other than 收益分配: neither shown nor summed.
    None,
}

impl Section {
    fn is_flow(self) -> bool {
        matches!(
            self,
            Section::Income(_) | Section::Spending(_) | Section::Distribution
        )
    }
}

/// The standard chart's account an account falls under, by name (`收入:投资收益:扶贫车间` →
/// 502), else by the first three digits of its own or its nearest coded ancestor's code.
fn standard_code(account: &Account, codes: &HashMap<String, String>) -> Option<String> {
    for (code, name, _) in crate::ledger::chart::VILLAGE_COLLECTIVE_2023 {
        if account.name == *name
            || (account.name.starts_with(name) && account.name[name.len()..].starts_with(':'))
        {
            return Some(code.to_string());
        }
    }
    let mut name: &str = &account.name;
    loop {
        if let Some(code) = codes.get(name).filter(|c| c.len() >= 3) {
            let head = &code[..3];
            if head.bytes().all(|b| b.is_ascii_digit()) {
                return Some(head.to_string());
            }
        }
        match name.rfind(':') {
            Some(at) => name = &name[..at],
            None => return None,
        }
    }
}

/// The section of an account: by its standard account, else by its type.
fn section_of(account: &Account, code: Option<&str>) -> Section {
    let segments = || account.name.split(':').skip(1);
    match account.kind {
        AccountKind::Income => Section::Income(match code {
            Some("502") => IncomeKind::Investment,
            Some("503") => IncomeKind::Subsidy,
            _ => IncomeKind::Other,
        }),
        AccountKind::Expense => Section::Spending(if segments().any(|s| s.contains("岗位")) {
            SpendKind::Jobs
        } else {
            match code {
                Some("514") => SpendKind::PublicWelfare,
                Some("401" | "511" | "512" | "513") => SpendKind::Operating,
                _ => SpendKind::Other,
            }
        }),
        AccountKind::NetAssets if code == Some("322") => Section::Distribution,
        AccountKind::NetAssets => Section::None,
        AccountKind::Asset => Section::Balance(match code {
            Some("101" | "102") => BalanceKind::Cash,
            Some("112") => BalanceKind::Receivable,
            Some("141") => BalanceKind::Investment,
            _ => BalanceKind::OtherAsset,
        }),
        AccountKind::Liability => Section::Balance(match code {
            Some("211") => BalanceKind::Payable,
            Some("212" | "213") => BalanceKind::Wages,
            Some("241") => BalanceKind::Special,
            _ => BalanceKind::OtherDebt,
        }),
    }
}

/// Whether `segment` names a village by its form: ends in 村 or 社区, at least three
/// characters, and is not one of the words 乡村 / 农村 end in.
pub fn named_like_village(segment: &str) -> bool {
    (segment.ends_with('村') || segment.ends_with("社区"))
        && segment.chars().count() >= 3
        && !segment.ends_with("乡村")
        && !segment.ends_with("农村")
}

/// One line of a section: an account, or several alike (the same item in per-village trees).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineKey {
    pub section: Section,
    /// What the line is called: the account's name without its top segment, its village and
    /// a household's id; income and spending without their standard account when something
    /// is left (`助学金`, `扶贫车间（租金）`).
    pub item: String,
}

/// How an account is disclosed.
#[derive(Clone, Copy, Debug)]
struct AccountPlace {
    /// Its village by rule 1, if any (an index into the villages).
    village: Option<u32>,
    /// Its line (an index into the lines).
    line: u32,
    /// Whether it is a household's payable account.
    household_payable: bool,
}

/// The villages of a ledger and what belongs to each.
pub struct Villages {
    /// Their names, sorted.
    pub names: Vec<String>,
    by_name: HashMap<String, u32>,
    /// Each household's village, by household id.
    household_village: FxHashMap<String, u32>,
    /// Each household's head, by household id (for the masked lists).
    heads: HashMap<String, String>,
}

impl Villages {
    /// The slot of figures that belong to no village.
    pub fn town_slot(&self) -> usize {
        self.names.len()
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).map(|&i| i as usize)
    }
}

fn is_village_owner(owner: &str, register: &BTreeSet<String>) -> bool {
    register.contains(owner) || named_like_village(owner)
}

/// The last segment of a 长期投资 account names `project` (its name, its id, or the start of
/// its name when it starts no other project's name).
fn names_project(segment: &str, project: &Project, projects: &[Project]) -> bool {
    if segment == project.name || segment == project.id {
        return true;
    }
    segment.chars().count() >= 2
        && project.name.starts_with(segment)
        && projects
            .iter()
            .filter(|p| p.name.starts_with(segment))
            .count()
            == 1
}

/// Every account's village (rule 1), line and whether it is a household's payable; the lines.
struct Chart {
    /// By account id.
    places: Vec<Option<AccountPlace>>,
    lines: Vec<LineKey>,
}

fn item_of(
    account: &Account,
    section: Section,
    code: Option<&str>,
    villages: &Villages,
    projects: &[Project],
    payable: bool,
) -> String {
    let mut segments: Vec<&str> = account
        .name
        .split(':')
        .skip(1)
        .filter(|s| !villages.by_name.contains_key(*s))
        .collect();
    if payable {
        segments.pop();
    }
    let standard = code.and_then(|c| {
        crate::ledger::chart::VILLAGE_COLLECTIVE_2023
            .iter()
            .find(|(code, _, _)| *code == c)
            .map(|(_, name, _)| name.rsplit(':').next().unwrap_or(name))
    });
    let flow = matches!(
        section,
        Section::Income(_) | Section::Spending(_) | Section::Distribution
    );
    if flow && segments.len() > 1 && standard == segments.first().copied() {
        segments.remove(0);
    }
    let item = if segments.is_empty() {
        standard.unwrap_or(account.kind.chinese()).to_string()
    } else {
        segments.join(":")
    };
    if section == Section::Income(IncomeKind::Investment) {
        if let Some(p) = projects.iter().find(|p| p.name == item) {
            return format!("{item}（{}）", p.kind.chinese());
        }
    }
    item
}

fn chart(accounts: &[Account], villages: &Villages, projects: &[Project]) -> Chart {
    let codes: HashMap<String, String> = accounts
        .iter()
        .filter_map(|a| a.code.clone().map(|c| (a.name.clone(), c)))
        .collect();
    let owner_of = |p: &Project| villages.by_name.get(&p.owner).copied();
    let mut lines: Vec<LineKey> = Vec::new();
    let mut line_index: HashMap<LineKey, u32> = HashMap::new();
    let last_id = accounts.iter().map(|a| a.id).max().unwrap_or(0);
    let mut places = vec![None; usize::try_from(last_id).unwrap_or(0) + 1];
    for a in accounts {
        let code = standard_code(a, &codes);
        let section = section_of(a, code.as_deref());
        let payable = a
            .name
            .strip_prefix(PAYABLE_PREFIX)
            .filter(|id| !id.contains(':'));
        // Rule 1: a segment naming a village; a household's payable; a village's project.
        let mut village = a
            .name
            .split(':')
            .skip(1)
            .find_map(|s| villages.by_name.get(s).copied());
        if village.is_none() {
            if let Some(id) = payable {
                village = villages.household_village.get(id).copied();
            }
        }
        if village.is_none() {
            village = match section {
                Section::Income(IncomeKind::Investment) => projects
                    .iter()
                    .find(|p| {
                        a.name == p.account
                            || (a.name.starts_with(&p.account)
                                && a.name[p.account.len()..].starts_with(':'))
                    })
                    .and_then(owner_of),
                Section::Balance(BalanceKind::Investment) => {
                    let last = a.name.rsplit(':').next().unwrap_or_default();
                    projects
                        .iter()
                        .find(|p| names_project(last, p, projects))
                        .and_then(owner_of)
                }
                _ => None,
            };
        }
        let item = item_of(
            a,
            section,
            code.as_deref(),
            villages,
            projects,
            payable.is_some(),
        );
        let key = LineKey { section, item };
        let line = *line_index.entry(key.clone()).or_insert_with(|| {
            lines.push(key);
            (lines.len() - 1) as u32
        });
        if let Some(place) = usize::try_from(a.id).ok().and_then(|i| places.get_mut(i)) {
            *place = Some(AccountPlace {
                village,
                line,
                household_payable: payable.is_some(),
            });
        }
    }
    Chart { places, lines }
}

fn place_of(places: &[Option<AccountPlace>], account: i64) -> Option<&AccountPlace> {
    usize::try_from(account)
        .ok()
        .and_then(|i| places.get(i))
        .and_then(Option::as_ref)
}

/// The villages on `on`: the register's, the project owners that are villages, and those the
/// accounts name (see the module's documentation).
pub fn villages(ledger: &Ledger, on: NaiveDate) -> Result<Villages> {
    let households = ledger.households_on(on)?;
    let register: BTreeSet<String> = households.iter().map(|h| h.village.clone()).collect();
    let mut names = register.clone();
    for p in ledger.projects()? {
        if is_village_owner(&p.owner, &register) {
            names.insert(p.owner.clone());
        }
    }
    for a in ledger.accounts()? {
        for s in a.name.split(':').skip(1) {
            if named_like_village(s) {
                names.insert(s.to_string());
            }
        }
    }
    let names: Vec<String> = names.into_iter().collect();
    let by_name: HashMap<String, u32> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u32))
        .collect();
    let mut household_village =
        FxHashMap::with_capacity_and_hasher(households.len(), Default::default());
    let mut heads = HashMap::with_capacity(households.len());
    for h in households {
        household_village.insert(h.id.clone(), by_name[&h.village]);
        heads.insert(h.id, h.name);
    }
    Ok(Villages {
        names,
        by_name,
        household_village,
        heads,
    })
}

/// A line of income, spending or distribution: its item, the households reached (spending),
/// the amount (income as a positive figure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowLine {
    pub item: String,
    pub households: usize,
    pub amount: Amount,
}

/// A line of assets or debts: the item, households owed (a household payable), the balance at
/// the period's start and end (a debt as a positive figure).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BalanceLine {
    pub kind: BalanceKind,
    pub item: String,
    pub households: usize,
    pub opening: Amount,
    pub closing: Amount,
}

/// A tilt of a project of this village (or, town-level, of the town's own projects).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TiltLine {
    pub project: String,
    pub tilt: PeriodTilt,
}

/// A run's part in this village: its households with something allocated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunPart {
    pub run: RunRecord,
    /// The day its voucher posted it.
    pub posted: NaiveDate,
    pub lines: Vec<RunLine>,
    pub total: Amount,
}

/// A relief grant paid in the period to a household of this village.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantLine {
    pub grant: String,
    pub household: String,
    /// The head's name as the register has it (masked when printed).
    pub head: String,
    pub cause: String,
    pub date: NaiveDate,
    pub voucher: String,
    pub amount: Amount,
}

/// One village's disclosure (or the town level's: what belongs to no village).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disclosure {
    /// `None`: the town level.
    pub village: Option<String>,
    pub period: Period,
    pub income: BTreeMap<IncomeKind, Vec<FlowLine>>,
    pub spending: BTreeMap<SpendKind, Vec<FlowLine>>,
    /// Households reached by each kind of spending (each counted once).
    pub spending_households: BTreeMap<SpendKind, usize>,
    /// Households reached by any spending.
    pub households_reached: usize,
    pub balances: Vec<BalanceLine>,
    /// Distributions booked to 322 收益分配.
    pub distributed: Vec<FlowLine>,
    pub tilts: Vec<TiltLine>,
    pub runs: Vec<RunPart>,
    pub grants: Vec<GrantLine>,
}

fn amount(fen: i128, what: impl FnOnce() -> String) -> Result<Amount> {
    Total::ZERO.plus_fen(fen).checked(what)
}

impl Disclosure {
    pub fn income_total(&self) -> Amount {
        self.income.values().flatten().map(|l| l.amount).sum()
    }

    pub fn spending_total(&self) -> Amount {
        self.spending.values().flatten().map(|l| l.amount).sum()
    }

    pub fn assets(&self, closing: bool) -> Amount {
        self.balance_sum(true, closing)
    }

    pub fn debts(&self, closing: bool) -> Amount {
        self.balance_sum(false, closing)
    }

    fn balance_sum(&self, assets: bool, closing: bool) -> Amount {
        self.balances
            .iter()
            .filter(|l| l.kind.is_asset() == assets)
            .map(|l| if closing { l.closing } else { l.opening })
            .sum()
    }

    /// Whether it shows nothing at all.
    pub fn is_empty(&self) -> bool {
        self.income.is_empty()
            && self.spending.is_empty()
            && self.balances.is_empty()
            && self.distributed.is_empty()
            && self.tilts.is_empty()
            && self.runs.is_empty()
            && self.grants.is_empty()
    }

    /// Its name for people: the village, or `未分配到村（镇级）`.
    pub fn name(&self, lang: Lang) -> String {
        match &self.village {
            Some(v) => v.clone(),
            None => town_level_name(lang).to_string(),
        }
    }
}

/// What the town-level disclosure is called.
pub fn town_level_name(lang: Lang) -> &'static str {
    tr(
        lang,
        "未分配到村（镇级）",
        "not assigned to a village (town level)",
    )
}

/// Every village's disclosure of `period` and the town level's.
pub struct TownDisclosure {
    pub town: Option<String>,
    pub period: Period,
    pub villages: Vec<Disclosure>,
    pub town_level: Disclosure,
}

impl TownDisclosure {
    /// The disclosure of `village`, if it is one.
    pub fn village(&self, village: &str) -> Option<&Disclosure> {
        self.villages
            .iter()
            .find(|d| d.village.as_deref() == Some(village))
    }

    /// Every village's disclosure, then the town level's.
    pub fn all(&self) -> impl Iterator<Item = &Disclosure> + '_ {
        self.villages
            .iter()
            .chain(std::iter::once(&self.town_level))
    }

    /// The village names.
    pub fn names(&self) -> Vec<&str> {
        self.villages
            .iter()
            .filter_map(|d| d.village.as_deref())
            .collect()
    }
}

/// Sums of one slot (a village or the town level).
#[derive(Default)]
struct Slot {
    /// By line: the period's net (debit positive).
    flows: FxHashMap<u32, i128>,
    /// By (line, household): the household's net on that line.
    household_flows: FxHashMap<(u32, u32), i128>,
    /// By line: (opening, closing, households owed at the end).
    balances: FxHashMap<u32, (i128, i128, usize)>,
}

/// Compute the disclosure of every village for `period` (and of the town level): one pass
/// over the period's transactions, the balances at its start and end, the tilts, runs and
/// grants of the period.
pub fn town_disclosure(ledger: &Ledger, period: Period) -> Result<TownDisclosure> {
    let (from, to) = (period.first_day(), period.last_day());
    let villages = villages(ledger, to)?;
    let projects = ledger.projects()?;
    let accounts = ledger.accounts()?;
    let Chart { places, lines } = chart(&accounts, &villages, &projects);
    let town = villages.town_slot();
    let mut slots: Vec<Slot> = (0..=town).map(|_| Slot::default()).collect();

    // Household ids as numbers: the register's first, then any other tag met.
    let mut household_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut household_of = |tag: &str| -> u32 {
        if let Some(&i) = household_ids.get(tag) {
            return i;
        }
        let i = household_ids.len() as u32;
        household_ids.insert(tag.to_string(), i);
        i
    };
    // The period's flows, a transaction at a time: each posting's village by rule 1, else
    // by its tag (rule 2); the voucher's village when they agree (rule 3); else the town.
    let mut own: Vec<Option<u32>> = Vec::new();
    ledger.for_each_transaction_between(from, to, |_, postings| {
        own.clear();
        let mut voucher: Option<Option<u32>> = None;
        for p in postings {
            let place = place_of(&places, p.account);
            let village = place.and_then(|pl| pl.village).or_else(|| {
                p.household
                    .as_deref()
                    .and_then(|h| villages.household_village.get(h).copied())
            });
            if let Some(v) = village {
                voucher = match voucher {
                    None => Some(Some(v)),
                    Some(Some(w)) if w == v => Some(Some(v)),
                    _ => Some(None),
                };
            }
            own.push(village);
        }
        let voucher = voucher.flatten();
        for (p, village) in postings.iter().zip(&own) {
            let Some(place) = place_of(&places, p.account) else {
                continue;
            };
            let section = lines[place.line as usize].section;
            if !section.is_flow() {
                continue;
            }
            let slot = village.or(voucher).map_or(town, |v| v as usize);
            let slot = &mut slots[slot];
            *slot.flows.entry(place.line).or_default() += i128::from(p.fen);
            if let (Section::Spending(_), Some(h)) = (section, p.household.as_deref()) {
                *slot
                    .household_flows
                    .entry((place.line, household_of(h)))
                    .or_default() += i128::from(p.fen);
            }
        }
        Ok(())
    })?;

    // Balances at the period's start and end: by the account's village only.
    let opening = match from.pred_opt() {
        Some(before) => ledger.balances(None, Some(before))?,
        None => Vec::new(),
    };
    let closing = ledger.balances(None, Some(to))?;
    for (balances, at_end) in [(&opening, false), (&closing, true)] {
        for b in balances {
            let Some(place) = place_of(&places, b.account.id) else {
                continue;
            };
            if !matches!(lines[place.line as usize].section, Section::Balance(_)) {
                continue;
            }
            let slot = place.village.map_or(town, |v| v as usize);
            let entry = slots[slot].balances.entry(place.line).or_default();
            let fen = i128::from(b.amount.fen());
            if at_end {
                entry.1 += fen;
                if place.household_payable && fen != 0 {
                    entry.2 += 1;
                }
            } else {
                entry.0 += fen;
            }
        }
    }

    let mut out: Vec<Disclosure> = Vec::with_capacity(town + 1);
    for (i, slot) in slots.into_iter().enumerate() {
        let name = villages.names.get(i).cloned();
        out.push(slot_disclosure(slot, name, period, &lines)?);
    }

    // The tilts of the period: a village's projects in its disclosure, the town's own in the
    // town level's.
    let project_names: HashMap<&str, &Project> =
        projects.iter().map(|p| (p.id.as_str(), p)).collect();
    for tilt in ledger.tilts_between(from, to)? {
        let project = project_names.get(tilt.project.as_str());
        let slot = project
            .and_then(|p| villages.index(&p.owner))
            .unwrap_or(town);
        out[slot].tilts.push(TiltLine {
            project: project.map_or_else(|| tilt.project.clone(), |p| p.name.clone()),
            tilt,
        });
    }
    // The runs posted in the period: each village's households.
    for (run, posted) in ledger.runs_posted_between(from, to)? {
        let mut parts: BTreeMap<usize, Vec<RunLine>> = BTreeMap::new();
        for l in ledger.run_lines(run.id)? {
            if l.excluded.is_some() || l.total.is_zero() {
                continue;
            }
            let slot = villages.index(&l.village).unwrap_or(town);
            parts.entry(slot).or_default().push(l);
        }
        for (slot, lines) in parts {
            let total = lines.iter().map(|l| l.total).sum();
            out[slot].runs.push(RunPart {
                run: run.clone(),
                posted,
                lines,
                total,
            });
        }
    }
    // The relief grants paid in the period (and not returned).
    for state in ledger.grant_states()? {
        for p in &state.payments {
            if p.reversed_by.is_some() || p.date < from || p.date > to {
                continue;
            }
            let g = &state.grant;
            let slot = villages
                .household_village
                .get(&g.household)
                .map_or(town, |&v| v as usize);
            out[slot].grants.push(GrantLine {
                grant: g.label(),
                household: g.household.clone(),
                head: villages
                    .heads
                    .get(&g.household)
                    .cloned()
                    .unwrap_or_default(),
                cause: g.cause.clone(),
                date: p.date,
                voucher: p.voucher.clone(),
                amount: g.amount,
            });
        }
    }
    for d in &mut out {
        d.grants
            .sort_by(|a, b| (a.date, &a.grant).cmp(&(b.date, &b.grant)));
    }
    let town_level = out.pop().expect("the town level's slot");
    Ok(TownDisclosure {
        town: ledger.town_name()?,
        period,
        villages: out,
        town_level,
    })
}

/// How a message beyond the largest total names a line.
fn what(l: &LineKey) -> impl FnOnce() -> String + '_ {
    move || l.item.clone()
}

/// One slot's sums as a disclosure.
fn slot_disclosure(
    slot: Slot,
    village: Option<String>,
    period: Period,
    lines: &[LineKey],
) -> Result<Disclosure> {
    let mut d = Disclosure {
        village,
        period,
        income: BTreeMap::new(),
        spending: BTreeMap::new(),
        spending_households: BTreeMap::new(),
        households_reached: 0,
        balances: Vec::new(),
        distributed: Vec::new(),
        tilts: Vec::new(),
        runs: Vec::new(),
        grants: Vec::new(),
    };
    // Households per line and per kind, counted where their net is not zero.
    let mut by_line: HashMap<u32, usize> = HashMap::new();
    let mut by_kind: HashMap<(SpendKind, u32), i128> = HashMap::new();
    let mut reached: HashMap<u32, i128> = HashMap::new();
    for (&(line, household), &fen) in &slot.household_flows {
        if fen != 0 {
            *by_line.entry(line).or_default() += 1;
        }
        if let Section::Spending(kind) = lines[line as usize].section {
            *by_kind.entry((kind, household)).or_default() += fen;
            *reached.entry(household).or_default() += fen;
        }
    }
    for ((kind, _), fen) in by_kind {
        if fen != 0 {
            *d.spending_households.entry(kind).or_default() += 1;
        }
    }
    d.households_reached = reached.values().filter(|f| **f != 0).count();
    let mut flows: Vec<(u32, i128)> = slot.flows.into_iter().filter(|(_, f)| *f != 0).collect();
    flows.sort_by(|a, b| lines[a.0 as usize].cmp(&lines[b.0 as usize]));
    for (line, fen) in flows {
        let key = &lines[line as usize];
        match key.section {
            Section::Income(kind) => d.income.entry(kind).or_default().push(FlowLine {
                item: key.item.clone(),
                households: 0,
                amount: amount(-fen, what(key))?,
            }),
            Section::Spending(kind) => d.spending.entry(kind).or_default().push(FlowLine {
                item: key.item.clone(),
                households: by_line.get(&line).copied().unwrap_or(0),
                amount: amount(fen, what(key))?,
            }),
            Section::Distribution => d.distributed.push(FlowLine {
                item: key.item.clone(),
                households: 0,
                amount: amount(fen, what(key))?,
            }),
            _ => {}
        }
    }
    let mut balances: Vec<(u32, (i128, i128, usize))> = slot
        .balances
        .into_iter()
        .filter(|(_, (o, c, _))| *o != 0 || *c != 0)
        .collect();
    balances.sort_by(|a, b| lines[a.0 as usize].cmp(&lines[b.0 as usize]));
    for (line, (opening, closing, households)) in balances {
        let key = &lines[line as usize];
        let Section::Balance(kind) = key.section else {
            continue;
        };
        // A debt as a positive figure.
        let sign = if kind.is_asset() { 1 } else { -1 };
        d.balances.push(BalanceLine {
            kind,
            item: key.item.clone(),
            households,
            opening: amount(sign * opening, what(key))?,
            closing: amount(sign * closing, what(key))?,
        });
    }
    Ok(d)
}

pub use document::disclosure_document;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_and_span_their_days() {
        let q = Period::quarter("2024Q3").unwrap();
        assert_eq!(q.first_day().to_string(), "2024-07-01");
        assert_eq!(q.last_day().to_string(), "2024-09-30");
        assert_eq!(q.label(), "2024Q3");
        assert_eq!(q.title(Lang::Zh), "2024年第三季度");
        assert_eq!(
            Period::quarter("2024-q4").unwrap().last_day().to_string(),
            "2024-12-31"
        );
        let m = Period::month("2024-02").unwrap();
        assert_eq!(m.last_day().to_string(), "2024-02-29");
        assert_eq!(Period::month("2024-9").unwrap().label(), "2024-09");
        for bad in ["2024Q5", "2024Q0", "24Q1", "2024", "Q3", "2024Qx"] {
            assert!(Period::quarter(bad).is_err(), "{bad}");
        }
        for bad in ["2024-13", "2024-00", "2024", "2024/09", "x-01"] {
            assert!(Period::month(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn villages_are_named_by_their_form() {
        for yes in ["胡荔村", "新建村", "莲塘社区", "东方红村"] {
            assert!(named_like_village(yes), "{yes}");
        }
        for no in [
            "驻村",
            "村",
            "美丽乡村",
            "新农村",
            "基本户",
            "村级公益",
            "社区",
        ] {
            assert!(!named_like_village(no), "{no}");
        }
    }
}
