//! Applications for grants: one ([`apply`]) or a file of them ([`import_grants`]).

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::rules::{check_caps, grant_rules, GrantRules};
use super::{now_text, Application, Gate, Grant, NOTE_MAX};
use crate::error::{Error, Result, RowError};
use crate::funds::registry::{fund_named, Fund, FundKind};
use crate::households::HouseholdRecord;
use crate::import::Encoding;
use crate::money::Amount;
use crate::store::Writer;
use crate::text::{check_household_id, check_stored_text, NAME_MAX};

/// The reserve funds and their rules, for checking applications.
struct Checker {
    funds: Vec<Fund>,
    rules: HashMap<String, GrantRules>,
}

/// An application that passed every check.
struct Checked {
    household: String,
    fund: String,
    cause: String,
    note: String,
}

impl Checker {
    fn new(w: &Writer<'_>) -> Result<Checker> {
        let funds = w.funds()?;
        let mut rules = HashMap::new();
        for fund in funds.iter().filter(|f| f.kind == FundKind::Reserve) {
            rules.insert(fund.id.clone(), grant_rules(w, fund)?);
        }
        Ok(Checker { funds, rules })
    }

    /// The reserve fund `name` names, with its rules.
    fn fund(&self, name: &str) -> std::result::Result<(&Fund, &GrantRules), String> {
        let name = name.trim();
        let fund = fund_named(&self.funds, name).ok_or_else(|| {
            crate::tr!(
                "grant-fund-unknown",
                fund = name,
                known = self
                    .funds
                    .iter()
                    .filter(|f| f.kind == FundKind::Reserve)
                    .map(|f| f.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        match self.rules.get(&fund.id) {
            Some(rules) => Ok((fund, rules)),
            None => Err(crate::tr!(
                "grant-fund-not-reserve",
                fund = fund.id.as_str(),
                name = fund.name.as_str(),
                kind = fund.kind.as_str()
            )),
        }
    }

    /// Every check of an application, the first problem found as the reason; `household` is
    /// the household's version in force on the application's date, if registered.
    fn check(
        &self,
        app: &Application,
        household: Option<&HouseholdRecord>,
        today: NaiveDate,
    ) -> std::result::Result<Checked, String> {
        let id = app.household.trim();
        check_household_id(&crate::tr!("grant-field-household"), id)?;
        let (fund, rules) = self.fund(&app.fund)?;
        let Some(household) = household else {
            return Err(crate::tr!("grant-household-unknown", household = id));
        };
        if !household
            .category
            .is_some_and(|c| rules.categories.contains(&c))
        {
            return Err(crate::tr!(
                "grant-category-ineligible",
                household = id,
                category = household
                    .category
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_else(|| crate::tr!("grant-category-none")),
                fund = fund.name.as_str(),
                allowed = rules.categories_text()
            ));
        }
        check_stored_text(&crate::tr!("grant-field-cause"), &app.cause, NAME_MAX)?;
        let Some(cause) = rules.cause(&app.cause) else {
            return Err(crate::tr!(
                "grant-cause-ineligible",
                cause = app.cause.trim(),
                fund = fund.name.as_str(),
                causes = rules.causes_text()
            ));
        };
        if app.amount <= Amount::ZERO {
            return Err(crate::tr!(
                "grant-amount-not-positive",
                amount = app.amount.grouped()
            ));
        }
        if app.loss <= Amount::ZERO {
            return Err(crate::tr!(
                "grant-loss-not-positive",
                loss = app.loss.grouped()
            ));
        }
        check_caps(rules, app.amount, app.loss)?;
        if app.amount > rules.max_per_household_year {
            return Err(crate::tr!(
                "grant-over-year-cap",
                amount = app.amount.grouped(),
                max = rules.max_per_household_year.grouped()
            ));
        }
        check_stored_text(&crate::tr!("grant-field-note"), &app.note, NOTE_MAX)?;
        if app.date > today {
            return Err(crate::tr!(
                "grant-date-future",
                date = app.date,
                today = today
            ));
        }
        Ok(Checked {
            household: id.to_string(),
            fund: fund.id.clone(),
            cause: cause.to_string(),
            note: app.note.trim().to_string(),
        })
    }
}

fn grant_from(
    id: i64,
    checked: Checked,
    app: &Application,
    gates: Vec<Gate>,
    applicant: &str,
    at: &str,
) -> Grant {
    Grant {
        id,
        household: checked.household,
        fund: checked.fund,
        amount: app.amount,
        cause: checked.cause,
        loss: app.loss,
        note: checked.note,
        gates,
        applied_on: app.date,
        applicant: applicant.to_string(),
        applied_at: at.to_string(),
        dated: app.dated,
    }
}

/// Apply for a grant as the writer's operator (the applicant). Refused, with the rule named:
/// an unknown household or fund, a fund that is not a reserve fund, a household outside the
/// eligible categories, a cause the fund does not grant for, an amount or a loss of 0.00 or
/// less, an amount above the cap for the loss or above the yearly cap, a date after `today`.
pub fn apply(w: &mut Writer<'_>, app: &Application, today: NaiveDate) -> Result<Grant> {
    w.check_open(app.date)?;
    let checker = Checker::new(w)?;
    let id = app.household.trim();
    check_household_id(&crate::tr!("grant-field-household"), id).map_err(Error::Rule)?;
    let household = w.household_on(id, app.date)?;
    let checked = checker
        .check(app, household.as_ref(), today)
        .map_err(Error::Rule)?;
    let gates = checker.rules[&checked.fund].gates.clone();
    let grant = grant_from(
        w.next_grant_id()?,
        checked,
        app,
        gates,
        w.operator(),
        &now_text(),
    );
    w.insert_grants(std::slice::from_ref(&grant))?;
    Ok(grant)
}

/// Apply for every grant of `rows` (each with the line that names it in `file`) as the
/// writer's operator: every row is checked as [`apply`] checks one, every bad row reported
/// (`FILE:ROW: reason`) and nothing written while any is bad. Rows that could not be read
/// come as their reason. The grants get their ids in row order.
pub fn apply_many(
    w: &mut Writer<'_>,
    file: &str,
    rows: Vec<(u64, std::result::Result<Application, String>)>,
    today: NaiveDate,
) -> Result<Vec<Grant>> {
    let checker = Checker::new(w)?;
    // The register as in force on each date named (one date, usually).
    let mut registers: HashMap<NaiveDate, HashMap<String, HouseholdRecord>> = HashMap::new();
    for (_, row) in &rows {
        if let Ok(app) = row {
            if let std::collections::hash_map::Entry::Vacant(e) = registers.entry(app.date) {
                e.insert(
                    w.households_on(app.date)?
                        .into_iter()
                        .map(|h| (h.id.clone(), h))
                        .collect(),
                );
            }
        }
    }
    let mut errors = Vec::new();
    let mut checked = Vec::with_capacity(rows.len());
    for (line, row) in &rows {
        let result = row.as_ref().map_err(String::clone).and_then(|app| {
            w.check_open(app.date).map_err(|e| e.to_string())?;
            let household = registers[&app.date].get(app.household.trim());
            checker.check(app, household, today).map(|c| (c, app))
        });
        match result {
            Ok(c) => checked.push(c),
            Err(reason) => errors.push(RowError::new(file, *line, reason)),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    if checked.is_empty() {
        return Err(Error::Input(vec![RowError::new(
            file,
            0,
            crate::tr!("grant-import-empty"),
        )]));
    }
    let first = w.next_grant_id()?;
    let at = now_text();
    let operator = w.operator().to_string();
    let grants: Vec<Grant> = checked
        .into_iter()
        .enumerate()
        .map(|(i, (c, app))| {
            let gates = checker.rules[&c.fund].gates.clone();
            grant_from(first + i as i64, c, app, gates, &operator, &at)
        })
        .collect();
    w.insert_grants(&grants)?;
    Ok(grants)
}

/// Read an applications file (CSV or the first sheet of a workbook) and apply for every
/// grant in it (see [`apply_many`]), dated `date`.
pub fn import_grants(
    w: &mut Writer<'_>,
    path: &Path,
    encoding: Encoding,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Vec<Grant>> {
    let (file, rows) = crate::import::grants::read_applications(
        path,
        encoding,
        date.unwrap_or(today),
        date.is_some(),
    )?;
    apply_many(w, &file, rows, today)
}
