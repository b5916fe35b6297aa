//! The steps a simulation takes: each one a command that writes, with its arguments drawn at
//! random from what the town has (its runs, vouchers, projects …), and what must come of it
//! where that is known (bad input must be refused; a good voucher file must be posted). Each
//! step runs the same library calls as its command in `src/cmd/`.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;

use super::town::{self, FileDefect, Household, Voucher};
use super::Sim;
use crate::allocate::run as workflow;
use crate::error::Result;
use crate::funds::dividend::{record_dividend, NewDividend};
use crate::funds::project::{add_project, parse_rate, NewProject, ProjectKind};
use crate::funds::tilt::{dynamic_fund, tilt, TiltRequest};
use crate::households::read_households;
use crate::import::postings::{import_postings, ImportOptions};
use crate::money::Amount;
use crate::render::{render_to_vec, Format, RenderOptions};
use crate::report::allocation::notice_document;
use crate::report::document::Lang;
use crate::reversal::reverse_voucher;
use crate::store::{Ledger, RunRecord};

/// Who works in the simulated town. The clerk plans runs (and so may not approve them).
pub const CLERK: &str = "镇财务 李会计";
pub const VILLAGE: &str = "村委会 王主任";
pub const TOWN: &str = "镇农办 陈主任";
pub const CASHIER: &str = "出纳 张三";

/// What must come of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Either outcome is right (the rules decide).
    Either,
    /// The step must be refused.
    Refusal,
    /// The step must succeed.
    Success,
}

/// A step ready to run.
pub struct Planned {
    /// The step as a command line, for people (`pay 3 --date 2025-01-06 (by 出纳 张三)`).
    pub command: String,
    /// Which kind of step (for the summary).
    pub kind: &'static str,
    pub operator: &'static str,
    pub expect: Expect,
    pub action: Action,
    /// What the simulation remembers if the step succeeds.
    pub remember: Remember,
}

pub enum Remember {
    Nothing,
    Imported(PathBuf, Vec<Voucher>),
    Households(Vec<Household>),
}

pub enum Action {
    Import {
        file: PathBuf,
        create_accounts: bool,
    },
    Households {
        file: PathBuf,
        effective: NaiveDate,
    },
    Project(NewProject),
    Dividend(NewDividend),
    Tilt(TiltRequest),
    Plan {
        fund: String,
        pool: Amount,
        date: NaiveDate,
    },
    Approve {
        run: i64,
        by: String,
        role: &'static str,
    },
    Notice {
        run: i64,
    },
    Post {
        run: i64,
        force: Option<String>,
    },
    Pay {
        run: i64,
        date: NaiveDate,
        bank_file: Option<PathBuf>,
    },
    ReverseRun {
        run: i64,
    },
    Reverse {
        voucher: String,
    },
}

/// The kinds of step and how often each is drawn.
const KINDS: [(&str, u64); 28] = [
    ("advance", 10),
    ("import", 8),
    ("import-bad", 4),
    ("import-again", 2),
    ("import-changed", 2),
    ("households", 2),
    ("households-bad", 2),
    ("project", 1),
    ("project-bad", 1),
    ("dividend", 8),
    ("dividend-bad", 2),
    ("tilt", 5),
    ("tilt-bad", 1),
    ("plan", 5),
    ("plan-bad", 1),
    ("approve", 10),
    ("approve-by-proposer", 2),
    ("notice", 5),
    ("post", 5),
    ("post-early", 2),
    ("pay", 6),
    ("pay-early", 2),
    ("pay-by-approver", 1),
    ("allocate-reverse", 2),
    ("reverse", 6),
    ("reverse-twice", 2),
    ("bank-return", 3),
    ("reverse-unknown", 1),
];

/// The kind's name as a `'static` one.
fn kind_of(kind: &str) -> &'static str {
    KINDS
        .iter()
        .map(|(k, _)| *k)
        .find(|k| *k == kind)
        .unwrap_or("reverse")
}

/// A voucher of the journal, as the steps choose among them.
struct Posted {
    voucher: String,
    id: i64,
    reversed: bool,
    /// A run's payment (its reversal is a bank return).
    payment: bool,
}

impl Sim {
    /// Draw the next step.
    pub(super) fn plan_step(&mut self) -> Result<Planned> {
        let total: u64 = KINDS.iter().map(|(_, w)| w).sum();
        let mut r = self.rng.below(total);
        let mut kind = KINDS[0].0;
        for (k, w) in KINDS {
            if r < w {
                kind = k;
                break;
            }
            r -= w;
        }
        // A step that finds nothing to act on (no run to approve …) becomes another.
        for kind in [kind, "advance", "plan"] {
            if let Some(p) = self.plan_kind(kind)? {
                return Ok(p);
            }
        }
        self.plan_import(Some(town::FILE_DEFECTS[0]))
            .map(|p| p.expect("a voucher file can always be written"))
    }

    fn plan_kind(&mut self, kind: &str) -> Result<Option<Planned>> {
        match kind {
            "advance" => self.plan_advance(),
            "import" => self.plan_import(None),
            "import-bad" => {
                let defect = town::pick(&mut self.rng, &town::FILE_DEFECTS);
                self.plan_import(Some(defect))
            }
            "import-again" => Ok(self.plan_import_again()),
            "import-changed" => self.plan_import_changed(),
            "households" => self.plan_households(false),
            "households-bad" => self.plan_households(true),
            "project" => Ok(Some(self.plan_project(false))),
            "project-bad" => Ok(Some(self.plan_project(true))),
            "dividend" => self.plan_dividend(false),
            "dividend-bad" => self.plan_dividend(true),
            "tilt" => self.plan_tilt(false),
            "tilt-bad" => self.plan_tilt(true),
            "plan" => Ok(Some(self.plan_run(false))),
            "plan-bad" => Ok(Some(self.plan_run(true))),
            "approve" => self.plan_approve(false),
            "approve-by-proposer" => self.plan_approve(true),
            "notice" => self.plan_notice(),
            "post" => self.plan_post(false),
            "post-early" => self.plan_post(true),
            "pay" => self.plan_pay(None),
            "pay-early" => self.plan_pay(Some("early")),
            "pay-by-approver" => self.plan_pay(Some("approver")),
            "allocate-reverse" => self.plan_reverse_run(),
            "reverse" | "reverse-twice" | "bank-return" => self.plan_reverse(kind_of(kind)),
            "reverse-unknown" => Ok(Some(Planned {
                command: "reverse 2099-12-9999 --reason 冲错".into(),
                kind: "reverse-unknown",
                operator: CLERK,
                expect: Expect::Refusal,
                action: Action::Reverse {
                    voucher: "2099-12-9999".into(),
                },
                remember: Remember::Nothing,
            })),
            other => unreachable!("step kind {other}"),
        }
    }

    /// The next step of a run under way: approval, notice, posting or payment; else a
    /// dividend, or a tilt to fill the fund.
    fn plan_advance(&mut self) -> Result<Option<Planned>> {
        let mut next = Vec::new();
        for run in self.ledger().runs()? {
            if run.reverses_run.is_some() || run.reversed_by_run.is_some() {
                continue;
            }
            next.push(if run.town_by.is_none() {
                "approve"
            } else if run.published.is_none() {
                "notice"
            } else if run.posted_voucher.is_none() {
                "post"
            } else if self
                .ledger()
                .run_lines(run.id)?
                .iter()
                .any(|l| l.total > l.paid)
            {
                "pay"
            } else {
                continue;
            });
        }
        let kind = if next.is_empty() {
            let holds = -self.ledger().balance_of(&dynamic_fund(), None)?;
            if holds >= Amount::from_yuan(1_000) {
                "plan"
            } else {
                town::pick(&mut self.rng, &["dividend", "tilt"])
            }
        } else {
            next[self.rng.below(next.len() as u64) as usize]
        };
        self.plan_kind(kind)
    }

    fn file(&mut self, stem: &str, ext: &str, text: &str) -> Result<PathBuf> {
        self.files += 1;
        town::write(&self.dir, &format!("{stem}-{:04}.{ext}", self.files), text)
    }

    fn ledger(&self) -> &Ledger {
        self.ledger.as_ref().expect("the ledger is open")
    }

    fn plan_import(&mut self, defect: Option<FileDefect>) -> Result<Option<Planned>> {
        let n = 1 + self.rng.below(4);
        let mut vouchers = Vec::new();
        for _ in 0..n {
            self.next_txn += 1;
            let id = format!("S{}-{}", self.sequence, self.next_txn);
            let back = self.rng.below(40) as i64;
            let date = (self.clock - Duration::days(back)).max(self.start);
            vouchers.push(town::voucher(&mut self.rng, id, date, &self.households));
        }
        let file = self.file("vouchers", "csv", &town::voucher_csv(&vouchers, defect))?;
        // New kinds of spending name accounts the chart does not have yet.
        let create_accounts = defect.is_none();
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        Ok(Some(match defect {
            None => Planned {
                command: format!("import postings {name} --create-accounts"),
                kind: "import",
                operator: CLERK,
                expect: Expect::Success,
                action: Action::Import {
                    file: file.clone(),
                    create_accounts,
                },
                remember: Remember::Imported(file, vouchers),
            },
            Some(defect) => Planned {
                command: format!("import postings {name} ({defect:?})"),
                kind: "import-bad",
                operator: CLERK,
                expect: Expect::Refusal,
                action: Action::Import {
                    file,
                    create_accounts,
                },
                remember: Remember::Nothing,
            },
        }))
    }

    /// A file imported before, again: nothing is posted, and that is no error.
    fn plan_import_again(&mut self) -> Option<Planned> {
        if self.imported.is_empty() {
            return None;
        }
        let at = self.rng.below(self.imported.len() as u64) as usize;
        let file = self.imported[at].0.clone();
        Some(Planned {
            command: format!(
                "import postings {} --create-accounts (again)",
                file.file_name().unwrap_or_default().to_string_lossy()
            ),
            kind: "import-again",
            operator: CLERK,
            expect: Expect::Success,
            action: Action::Import {
                file,
                create_accounts: true,
            },
            remember: Remember::Nothing,
        })
    }

    /// A txn_id posted before, with other amounts: refused.
    fn plan_import_changed(&mut self) -> Result<Option<Planned>> {
        if self.imported.is_empty() {
            return Ok(None);
        }
        let at = self.rng.below(self.imported.len() as u64) as usize;
        let vouchers = &self.imported[at].1;
        let mut v = vouchers[self.rng.below(vouchers.len() as u64) as usize].clone();
        for row in &mut v.rows {
            row.1 = row.1 + row.1;
        }
        let file = self.file("vouchers", "csv", &town::voucher_csv(&[v], None))?;
        Ok(Some(Planned {
            command: format!(
                "import postings {} --create-accounts (a posted txn_id, other amounts)",
                file.file_name().unwrap_or_default().to_string_lossy()
            ),
            kind: "import-changed",
            operator: CLERK,
            expect: Expect::Refusal,
            action: Action::Import {
                file,
                create_accounts: true,
            },
            remember: Remember::Nothing,
        }))
    }

    fn plan_households(&mut self, bad: bool) -> Result<Option<Planned>> {
        let mut households = self.households.clone();
        let defect = if bad {
            let at = self.rng.below(households.len() as u64) as usize;
            Some((town::pick(&mut self.rng, &town::REGISTER_DEFECTS), at))
        } else {
            match self.rng.below(3) {
                0 => {} // the same register again: nothing changes
                1 => {
                    for _ in 0..1 + self.rng.below(2) {
                        let at = self.rng.below(households.len() as u64) as usize;
                        households[at].change(&mut self.rng);
                    }
                }
                _ => {
                    self.next_household += 1;
                    households.push(Household::new(self.next_household, &mut self.rng));
                }
            }
            None
        };
        let file = self.file(
            "households",
            "csv",
            &town::register_csv(&households, defect),
        )?;
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        Ok(Some(Planned {
            command: match defect {
                None => format!("households import {name} --effective {}", self.clock),
                Some((d, at)) => format!(
                    "households import {name} --effective {} ({d:?} on row {})",
                    self.clock,
                    at + 2
                ),
            },
            kind: if bad { "households-bad" } else { "households" },
            operator: CLERK,
            expect: if bad {
                Expect::Refusal
            } else {
                Expect::Success
            },
            action: Action::Households {
                file,
                effective: self.clock,
            },
            remember: if bad {
                Remember::Nothing
            } else {
                Remember::Households(households)
            },
        }))
    }

    fn plan_project(&mut self, bad: bool) -> Planned {
        const NAMES: [&str; 6] = [
            "程村蚝养殖与加工",
            "长角水库光伏",
            "罗非鱼养殖",
            "沉香种植",
            "东水茶场",
            "扶贫车间",
        ];
        let existing = self.ledger().projects().unwrap_or_default();
        self.next_project += 1;
        let n = self.next_project;
        let mut new = NewProject {
            id: format!("p{n}"),
            name: format!("{}{n}", NAMES[n as usize % NAMES.len()]),
            invested: Amount::from_yuan(100_000 + self.rng.below(2_000_000) as i64),
            rate: Decimal::new(5 + self.rng.below(11) as i64, 2),
            owner: (self.rng.below(2) == 0)
                .then(|| town::pick(&mut self.rng, &["胡荔村", "西一村"]).to_string()),
            kind: if self.rng.below(4) == 0 {
                ProjectKind::Rent
            } else {
                ProjectKind::Dividend
            },
        };
        let mut what = String::new();
        if bad {
            match self.rng.below(3) {
                0 if !existing.is_empty() => {
                    new.id = existing[self.rng.below(existing.len() as u64) as usize]
                        .id
                        .clone();
                    what = " (an existing id)".into();
                }
                1 => {
                    new.rate = Decimal::ZERO;
                    what = " (rate 0)".into();
                }
                _ => {
                    new.invested = Amount::ZERO;
                    what = " (nothing invested)".into();
                }
            }
        }
        Planned {
            command: format!(
                "project add {} --name {} --invested {} --rate {}{what}",
                new.id, new.name, new.invested, new.rate
            ),
            kind: if bad { "project-bad" } else { "project" },
            operator: CLERK,
            expect: if bad {
                Expect::Refusal
            } else {
                Expect::Success
            },
            action: Action::Project(new),
            remember: Remember::Nothing,
        }
    }

    fn plan_dividend(&mut self, bad: bool) -> Result<Option<Planned>> {
        let projects = self.ledger().projects()?;
        if projects.is_empty() {
            return Ok(Some(self.plan_project(false)));
        }
        let project = projects[self.rng.below(projects.len() as u64) as usize]
            .id
            .clone();
        let amount = Amount::from_fen(500_000 + self.rng.below(15_000_000) as i64);
        let mut new = NewDividend {
            project,
            date: self.clock,
            amount,
            rent: Amount::from_fen((amount.fen() / 20) * self.rng.below(2) as i64),
            upkeep: Amount::from_fen(self.rng.below(amount.fen() as u64 / 20) as i64),
            to: None,
            memo: None,
            // Last year's income, received early this year.
            year: (self.clock.month() <= 3 && self.rng.below(3) == 0)
                .then(|| self.clock.year() - 1),
            excess_to: None,
        };
        let mut what = String::new();
        if bad {
            match self.rng.below(3) {
                0 => {
                    new.rent = amount;
                    new.upkeep = Amount::from_fen(1);
                    what = " (rent and upkeep above the dividend)".into();
                }
                1 => {
                    new.amount = Amount::ZERO;
                    what = " (amount 0)".into();
                }
                _ => {
                    new.project = "nosuch".into();
                    what = " (unknown project)".into();
                }
            }
        }
        Ok(Some(Planned {
            command: format!(
                "dividend record {} --date {} --amount {} --rent {} --upkeep {}{}{what}",
                new.project,
                new.date,
                new.amount,
                new.rent,
                new.upkeep,
                new.year.map(|y| format!(" --year {y}")).unwrap_or_default()
            ),
            kind: if bad { "dividend-bad" } else { "dividend" },
            operator: CLERK,
            expect: if bad { Expect::Refusal } else { Expect::Either },
            action: Action::Dividend(new),
            remember: Remember::Nothing,
        }))
    }

    fn plan_tilt(&mut self, bad: bool) -> Result<Option<Planned>> {
        // Mostly last year's income, early in the year; this year's near its end.
        let this_year = self.clock.month() >= 11 && self.rng.below(2) == 0;
        let year = self.clock.year() - i32::from(!this_year);
        let share = town::pick(&mut self.rng, &["0.10", "0.11", "0.12", "0.115"]);
        let holds = -self.ledger().balance_of(town::FUND_630, None)?;
        let from_630 = (self.rng.below(3) == 0 && holds.fen() > 0).then(|| {
            // Now and then more than the fund holds: refused.
            Amount::from_fen(1 + self.rng.below(holds.fen() as u64 * 5 / 4) as i64)
        });
        let mut req = TiltRequest {
            year,
            share: parse_rate(share).expect("a valid share"),
            projects: Vec::new(),
            from_630,
            date: Some(self.clock),
            override_range: false,
            reason: None,
        };
        let mut what = String::new();
        if bad {
            if self.rng.below(2) == 0 {
                req.share = parse_rate("0.2").expect("a valid share");
                what = " (outside 0.10–0.12 without --override)".into();
            } else {
                req.share = parse_rate("0.3").expect("a valid share");
                req.override_range = true;
                what = " (--override without --reason)".into();
            }
        }
        Ok(Some(Planned {
            command: format!(
                "tilt --year {year} --share {} --date {}{}{}{what}",
                req.share,
                self.clock,
                from_630
                    .map(|a| format!(" --from-630 {a}"))
                    .unwrap_or_default(),
                if req.override_range {
                    " --override"
                } else {
                    ""
                }
            ),
            kind: if bad { "tilt-bad" } else { "tilt" },
            operator: CLERK,
            expect: if bad { Expect::Refusal } else { Expect::Either },
            action: Action::Tilt(req),
            remember: Remember::Nothing,
        }))
    }

    fn plan_run(&mut self, bad: bool) -> Planned {
        let mut fund = dynamic_fund();
        // Mostly what the fund can pay, now and then more (its posting is then refused).
        let holds = -self.ledger().balance_of(&fund, None).unwrap_or_default();
        let mut pool = if holds >= Amount::from_yuan(1_000) {
            let fifths = 1 + self.rng.below(6) as i64;
            Amount::from_fen(holds.fen() / 5 * fifths - self.rng.below(10_000) as i64)
        } else {
            Amount::from_fen(100_000 + self.rng.below(2_000_000) as i64)
        };
        let mut what = "";
        if bad {
            if self.rng.below(2) == 0 {
                pool = Amount::ZERO;
                what = " (pool 0)";
            } else {
                fund = "负债:专项应付款:不存在".into();
                what = " (no such fund)";
            }
        }
        Planned {
            command: format!(
                "allocate plan --policy policy.toml --fund {fund} --amount {pool} --date {}{what}",
                self.clock
            ),
            kind: if bad { "plan-bad" } else { "plan" },
            operator: CLERK,
            expect: if bad { Expect::Refusal } else { Expect::Either },
            action: Action::Plan {
                fund,
                pool,
                date: self.clock,
            },
            remember: Remember::Nothing,
        }
    }

    /// A run among those `wanted` picks (else any run), or `None` when there is none.
    fn pick_run(&mut self, wanted: impl Fn(&RunRecord) -> bool) -> Result<Option<RunRecord>> {
        let runs = self.ledger().runs()?;
        if runs.is_empty() {
            return Ok(None);
        }
        let good: Vec<&RunRecord> = runs.iter().filter(|r| wanted(r)).collect();
        // Mostly a run the step suits; now and then any run, to be refused or not.
        let any = self.rng.below(8) == 0;
        if !good.is_empty() && !any {
            return Ok(Some(
                good[self.rng.below(good.len() as u64) as usize].clone(),
            ));
        }
        if good.is_empty() && !any {
            return Ok(None);
        }
        Ok(Some(
            runs[self.rng.below(runs.len() as u64) as usize].clone(),
        ))
    }

    /// The same name as people write it: surrounding spaces, doubled spaces, other case.
    fn written(&mut self, name: &str) -> String {
        match self.rng.below(4) {
            0 => format!("  {name} "),
            1 => name.replace(' ', "   "),
            2 => name.to_uppercase(),
            _ => name.to_string(),
        }
    }

    fn plan_approve(&mut self, by_proposer: bool) -> Result<Option<Planned>> {
        let Some(run) = self.pick_run(|r| r.reverses_run.is_none() && r.town_by.is_none())? else {
            return Ok(None);
        };
        let role = if run.village_by.is_none() {
            "village"
        } else {
            "town"
        };
        let by = if by_proposer {
            self.written(&run.proposer)
        } else if role == "village" {
            self.written(VILLAGE)
        } else {
            self.written(TOWN)
        };
        Ok(Some(Planned {
            command: format!(
                "allocate approve {} --by '{by}' --role {role} --date {}",
                run.id, self.clock
            ),
            kind: if by_proposer {
                "approve-by-proposer"
            } else {
                "approve"
            },
            operator: CLERK,
            expect: if by_proposer {
                Expect::Refusal
            } else {
                Expect::Either
            },
            action: Action::Approve {
                run: run.id,
                by,
                role,
            },
            remember: Remember::Nothing,
        }))
    }

    fn plan_notice(&mut self) -> Result<Option<Planned>> {
        let Some(run) = self.pick_run(|r| r.town_by.is_some() && r.published.is_none())? else {
            return Ok(None);
        };
        Ok(Some(Planned {
            command: format!(
                "allocate notice {} --published {} --format text",
                run.id, self.clock
            ),
            kind: "notice",
            operator: CLERK,
            expect: Expect::Either,
            action: Action::Notice { run: run.id },
            remember: Remember::Nothing,
        }))
    }

    fn plan_post(&mut self, early: bool) -> Result<Option<Planned>> {
        let today = self.clock;
        let Some(run) = self.pick_run(|r| {
            r.published.is_some()
                && r.posted_voucher.is_none()
                && (!early || r.earliest_payment.is_some_and(|e| today < e))
        })?
        else {
            return Ok(None);
        };
        let before_notice_ends = run.earliest_payment.is_some_and(|e| today < e);
        if early && !(before_notice_ends && run.posted_voucher.is_none()) {
            return Ok(None);
        }
        let force = (!early && before_notice_ends && self.rng.below(2) == 0)
            .then(|| "春节前紧急发放".to_string());
        // Refused for certain: posted already, no notice, too early without --force, or the
        // fund holds less than the pool (overspending).
        let available = -self.ledger().balance_of(&run.fund, None)?;
        let refused = run.posted_voucher.is_some()
            || run.published.is_none()
            || (before_notice_ends && force.is_none())
            || available < run.pool;
        Ok(Some(Planned {
            command: format!(
                "allocate post {}{} (today {today}; the fund holds {available}, the pool is {})",
                run.id,
                force
                    .as_deref()
                    .map(|r| format!(" --force --reason {r}"))
                    .unwrap_or_default(),
                run.pool
            ),
            kind: if early { "post-early" } else { "post" },
            operator: CLERK,
            expect: if refused {
                Expect::Refusal
            } else {
                Expect::Either
            },
            action: Action::Post { run: run.id, force },
            remember: Remember::Nothing,
        }))
    }

    fn plan_pay(&mut self, wrong: Option<&str>) -> Result<Option<Planned>> {
        let Some(run) = self.pick_run(|r| {
            r.posted_voucher.is_some() && r.reverses_run.is_none() && r.reversed_by_run.is_none()
        })?
        else {
            return Ok(None);
        };
        let mut date = self.clock;
        let mut operator = CASHIER;
        let mut refused = false;
        let mut note = String::new();
        match wrong {
            Some("early") => {
                let (Some(earliest), None) = (run.earliest_payment, &run.force_reason) else {
                    return Ok(None);
                };
                date = earliest - Duration::days(1);
                refused = true;
                note = " (before the notice period ends)".into();
            }
            Some(_) => {
                operator = VILLAGE;
                refused = true;
                note = " (by an approver)".into();
            }
            None => {}
        }
        let lines = self.ledger().run_lines(run.id)?;
        let due: Vec<(String, Amount)> = lines
            .iter()
            .filter(|l| l.total > l.paid)
            .map(|l| (l.household.clone(), l.total - l.paid))
            .collect();
        refused |= run.posted_voucher.is_none() || due.is_empty();
        let mut bank_file = None;
        if wrong.is_none() && !due.is_empty() && self.rng.below(5) < 2 {
            let mut bank = Vec::new();
            let mut bad_amount = false;
            for (household, amount) in &due {
                match self.rng.below(10) {
                    0 => {} // not in the bank's file: stays payable
                    1 | 2 => bank.push((household.clone(), *amount, false)),
                    3 if !bad_amount && self.rng.below(4) == 0 => {
                        bank.push((household.clone(), *amount + Amount::from_fen(1), true));
                        bad_amount = true;
                    }
                    _ => bank.push((household.clone(), *amount, true)),
                }
            }
            refused |= bad_amount;
            if bad_amount {
                note = " (an amount that is not what is payable)".into();
            }
            bank_file = Some(self.file("bank", "csv", &town::bank_csv(&bank))?);
        }
        Ok(Some(Planned {
            command: format!(
                "pay {} --date {date} --from {}{} (by {operator}){note}",
                run.id,
                town::BANK,
                bank_file
                    .as_ref()
                    .map(|f| format!(
                        " --bank-file {}",
                        f.file_name().unwrap_or_default().to_string_lossy()
                    ))
                    .unwrap_or_default()
            ),
            kind: match wrong {
                None => "pay",
                Some("early") => "pay-early",
                Some(_) => "pay-by-approver",
            },
            operator,
            expect: if refused {
                Expect::Refusal
            } else {
                Expect::Either
            },
            action: Action::Pay {
                run: run.id,
                date,
                bank_file,
            },
            remember: Remember::Nothing,
        }))
    }

    fn plan_reverse_run(&mut self) -> Result<Option<Planned>> {
        let Some(run) =
            self.pick_run(|r| r.posted_voucher.is_some() && r.reverses_run.is_none())?
        else {
            return Ok(None);
        };
        let paid = self
            .ledger()
            .run_lines(run.id)?
            .iter()
            .any(|l| !l.paid.is_zero());
        let refused = run.posted_voucher.is_none()
            || run.reversed_by_run.is_some()
            || run.reverses_run.is_some()
            || paid;
        Ok(Some(Planned {
            command: format!(
                "allocate reverse {} --reason 名单有误 --date {}",
                run.id, self.clock
            ),
            kind: "allocate-reverse",
            operator: CLERK,
            expect: if refused {
                Expect::Refusal
            } else {
                Expect::Either
            },
            action: Action::ReverseRun { run: run.id },
            remember: Remember::Nothing,
        }))
    }

    fn plan_reverse(&mut self, which: &'static str) -> Result<Option<Planned>> {
        let mut posted: Vec<Posted> = Vec::new();
        self.ledger().for_each_transaction(|t, _| {
            if let Some(of) = t.reverses {
                if let Some(p) = posted.iter_mut().find(|p| p.id == of) {
                    p.reversed = true;
                }
            }
            posted.push(Posted {
                voucher: t.voucher.clone(),
                id: t.id,
                reversed: false,
                payment: t.reverses.is_none() && t.memo.contains(" 发放 第"),
            });
            Ok(())
        })?;
        match which {
            "reverse-twice" => posted.retain(|p| p.reversed),
            "bank-return" => posted.retain(|p| p.payment && !p.reversed),
            _ => {}
        }
        if posted.is_empty() {
            return Ok(None);
        }
        let chosen = &posted[self.rng.below(posted.len() as u64) as usize];
        Ok(Some(Planned {
            command: format!(
                "reverse {} --reason 冲错 --date {}{}",
                chosen.voucher,
                self.clock,
                if chosen.reversed {
                    " (reversed before)"
                } else {
                    ""
                }
            ),
            kind: which,
            operator: CLERK,
            // The bank returned a payment: booked by reversing its voucher, always possible.
            expect: if chosen.reversed {
                Expect::Refusal
            } else if chosen.payment {
                Expect::Success
            } else {
                Expect::Either
            },
            action: Action::Reverse {
                voucher: chosen.voucher.clone(),
            },
            remember: Remember::Nothing,
        }))
    }
}

/// Run a step's action as its command does: the same library calls in the same kind of write
/// (`write_bulk` where the command uses it). `today` is the simulation's date.
pub fn execute(
    ledger: &mut Ledger,
    policy: &Path,
    today: NaiveDate,
    operator: &str,
    action: &Action,
) -> Result<()> {
    match action {
        Action::Import {
            file,
            create_accounts,
        } => {
            let options = ImportOptions {
                encoding: None,
                create_accounts: *create_accounts,
            };
            let import = |w: &mut crate::store::Writer<'_>| import_postings(w, file, &options);
            if ledger.has_external_ids()? {
                ledger.write(operator, import)?;
            } else {
                ledger.write_bulk(operator, import)?;
            }
        }
        Action::Households { file, effective } => {
            let records = read_households(file)?;
            ledger.write_bulk(operator, |w| w.import_households(&records, *effective))?;
        }
        Action::Project(new) => {
            ledger.write(operator, |w| add_project(w, new))?;
        }
        Action::Dividend(new) => {
            ledger.write(operator, |w| record_dividend(w, new))?;
        }
        Action::Tilt(req) => {
            ledger.write(operator, |w| tilt(w, req))?;
        }
        Action::Plan { fund, pool, date } => {
            ledger.write_bulk(operator, |w| {
                workflow::plan_run(w, policy, fund, *pool, *date, None)
            })?;
        }
        Action::Approve { run, by, role } => {
            ledger.write(operator, |w| {
                workflow::approve(w, *run, by, role, today, today)
            })?;
        }
        Action::Notice { run } => {
            let options = RenderOptions::new(chrono::Local::now().fixed_offset());
            ledger.write(operator, |w| {
                let record = workflow::publish(w, *run, Some(today), today)?;
                let lines = w.run_lines(*run)?;
                render_to_vec(
                    &notice_document(&record, &lines, None, Lang::Zh),
                    Format::Text,
                    &options,
                )?;
                Ok(())
            })?;
        }
        Action::Post { run, force } => {
            ledger.write_bulk(operator, |w| {
                workflow::post(w, *run, today, None, force.as_deref())
            })?;
        }
        Action::Pay {
            run,
            date,
            bank_file,
        } => {
            ledger.write_bulk(operator, |w| {
                workflow::pay(w, *run, *date, town::BANK, bank_file.as_deref())
            })?;
        }
        Action::ReverseRun { run } => {
            ledger.write(operator, |w| workflow::reverse(w, *run, "名单有误", today))?;
        }
        Action::Reverse { voucher } => {
            ledger.write(operator, |w| reverse_voucher(w, voucher, "冲错", today))?;
        }
    }
    Ok(())
}
