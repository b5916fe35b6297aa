//! Reading the rows below the header into bank lines, and the title rows above it.

use super::*;

/// Reads the rows of one file, collecting what the title rows say and every error.
pub(super) struct Reader<'a> {
    pub(super) file: &'a str,
    pub(super) layout: &'a Layout,
    pub(super) workbook: bool,
    pub(super) errors: Vec<RowError>,
    pub(super) opening: Option<Amount>,
    /// Lines read so far (a carried balance counts as the opening only before the first).
    pub(super) lines_read: usize,
    pub(super) account_number: Option<String>,
    pub(super) account_name: Option<String>,
}

pub(super) const ACCOUNT_KEYS: &[&str] = &[
    "账号",
    "帐号",
    "账户号码",
    "账户号",
    "账户",
    "卡号",
    "客户账号",
    "查询账号",
    "本方账号",
];
pub(super) const NAME_KEYS: &[&str] = &[
    "户名",
    "账户名称",
    "帐户名称",
    "账户名",
    "客户名称",
    "单位名称",
    "本方户名",
];
pub(super) const OPENING_KEYS: &[&str] =
    &["期初余额", "上期余额", "上日余额", "承前余额", "起始余额"];
/// Words that make a row a summary or a carried balance, not a line.
pub(super) const SUMMARY_MARKS: &[&str] = &[
    "合计",
    "小计",
    "累计",
    "总计",
    "期末余额",
    "本期余额",
    "过次页",
    "承前页",
    "总笔数",
];
/// Words of a row after the header that states the opening balance instead of a line.
pub(super) const OPENING_MARKS: &[&str] = &[
    "期初余额",
    "上期余额",
    "上日余额",
    "承前余额",
    "上期结转",
    "起始余额",
];

impl Reader<'_> {
    pub(super) fn error(&mut self, line: u64, reason: String) {
        self.errors.push(RowError::new(self.file, line, reason));
    }

    /// A row above the header: 账号, 户名 and 期初余额 are taken from it.
    pub(super) fn title_row(&mut self, line: u64, texts: &[String]) {
        for (key, value) in labelled_values(texts) {
            let key = key.as_str();
            if ACCOUNT_KEYS.contains(&key) {
                if self.account_number.is_none() && !value.is_empty() {
                    self.account_number = Some(value);
                }
            } else if NAME_KEYS.contains(&key) {
                if self.account_name.is_none() && !value.is_empty() {
                    self.account_name = Some(value);
                }
            } else if OPENING_KEYS.contains(&key) && self.opening.is_none() && !value.is_empty() {
                match parse_money(&value, false) {
                    Ok(Some(a)) => self.opening = Some(a),
                    Ok(None) => {}
                    Err(reason) => {
                        self.error(
                            line,
                            crate::tr!("bank-opening-unreadable", text = value, reason = reason),
                        );
                    }
                }
            }
        }
    }

    pub(super) fn text(
        &mut self,
        line: u64,
        texts: &[String],
        cells: &[Cell],
        field: Field,
    ) -> String {
        let Some(c) = self.layout.cols[field as usize] else {
            return String::new();
        };
        self.text_at(line, texts, cells, c)
    }

    pub(super) fn text_at(
        &mut self,
        line: u64,
        texts: &[String],
        cells: &[Cell],
        c: usize,
    ) -> String {
        let header = self.layout.headers.get(c).cloned().unwrap_or_default();
        match cells.get(c) {
            Some(Cell::Inexact) => {
                self.error(line, crate::tr!("grant-import-inexact", field = header));
                String::new()
            }
            Some(Cell::Error(e)) => {
                self.error(
                    line,
                    crate::tr!(
                        "grant-import-cell-error",
                        field = header,
                        error = e.as_str()
                    ),
                );
                String::new()
            }
            _ => texts.get(c).cloned().unwrap_or_default(),
        }
    }

    /// A row below the header: a line, or nothing (a blank, summary or trailer row, or a row
    /// with errors, which are collected).
    pub(super) fn data_row(
        &mut self,
        line: u64,
        texts: &[String],
        cells: &[Cell],
    ) -> Option<BankLine> {
        let layout = self.layout;
        if texts.iter().all(String::is_empty) {
            return None;
        }
        let first = texts
            .iter()
            .find(|t| !t.is_empty())
            .map_or("", String::as_str);
        let date_cell = layout.cols[Field::Date as usize]
            .and_then(|c| texts.get(c))
            .map_or("", String::as_str);
        let is_summary = |t: &str| {
            SUMMARY_MARKS.iter().any(|m| t.contains(m)) || (t.starts_with('共') && t.contains('笔'))
        };
        let summary_cell = layout.cols[Field::Summary as usize]
            .and_then(|c| texts.get(c))
            .map(|t| without_spaces(t))
            .unwrap_or_default();
        let subtotal = summary_cell.chars().count() <= 6
            && ["合计", "小计", "累计", "总计"]
                .iter()
                .any(|m| summary_cell.ends_with(m));
        if is_summary(first) || is_summary(date_cell) || subtotal {
            return None;
        }
        let before = self.errors.len();
        let date_text = self.text(line, texts, cells, Field::Date);
        // The money cells of the line, as written.
        let money_fields: &[Field] = match layout.kind {
            Kind::DebitCredit => &[Field::Income, Field::Expense],
            Kind::Signed | Kind::Direction => &[Field::Amount],
        };
        let money_texts: Vec<(Field, String)> = money_fields
            .iter()
            .map(|f| (*f, self.text(line, texts, cells, *f)))
            .collect();
        let no_money = money_texts.iter().all(|(_, t)| is_blank_money(t));
        if no_money
            && OPENING_MARKS
                .iter()
                .any(|m| texts.iter().any(|t| t.contains(m)))
        {
            // 上期结转 / 承前页: a row that carries the opening balance.
            let balance = self.text(line, texts, cells, Field::Balance);
            if let Ok(Some(b)) = parse_money(&balance, self.workbook) {
                if self.opening.is_none() && self.lines_read == 0 {
                    self.opening = Some(b);
                }
            }
            return None;
        }
        let date = parse_date(&date_text, layout.date_format.as_deref(), self.workbook);
        if date.is_none() && no_money {
            // Trailer text (打印时间：…, 注：…, 2024年10月8日打印): neither a date nor money.
            return None;
        }
        if date.is_none() {
            self.error(
                line,
                crate::tr!(
                    "bank-date-unreadable",
                    column = layout.header(Field::Date),
                    text = date_text.as_str()
                ),
            );
        }
        let amount = self.amount(line, texts, cells, &money_texts);
        let balance_text = self.text(line, texts, cells, Field::Balance);
        let balance = match parse_money(&balance_text, self.workbook) {
            Ok(b) => b,
            Err(reason) => {
                self.error(
                    line,
                    crate::tr!(
                        "bank-amount-unreadable",
                        column = layout.header(Field::Balance),
                        text = balance_text.as_str(),
                        reason = reason
                    ),
                );
                None
            }
        };
        let mut text: Vec<String> = Vec::new();
        for c in layout.text.clone() {
            let t = self.text_at(line, texts, cells, c);
            if !t.is_empty() && !text.contains(&t) {
                text.push(t);
            }
        }
        let counterparty = self.text(line, texts, cells, Field::Counterparty);
        let counterparty_account = self.text(line, texts, cells, Field::CounterpartyAccount);
        let serial = self.text(line, texts, cells, Field::Serial);
        self.lines_read += 1;
        if self.errors.len() > before {
            return None;
        }
        Some(BankLine {
            row: line,
            date: date?,
            amount: amount?,
            balance,
            text: text.join(" "),
            counterparty,
            counterparty_account,
            serial: (!serial.is_empty()).then_some(serial),
        })
    }

    /// The line's signed amount, or `None` with the reason collected.
    pub(super) fn amount(
        &mut self,
        line: u64,
        texts: &[String],
        cells: &[Cell],
        money: &[(Field, String)],
    ) -> Option<Amount> {
        let layout = self.layout;
        let read = |this: &mut Self, field: Field, text: &str| -> Option<Option<Amount>> {
            match parse_money(text, this.workbook) {
                Ok(a) => Some(a),
                Err(reason) => {
                    this.error(
                        line,
                        crate::tr!(
                            "bank-amount-unreadable",
                            column = layout.header(field),
                            text = text,
                            reason = reason
                        ),
                    );
                    None
                }
            }
        };
        let values: Vec<Option<Option<Amount>>> =
            money.iter().map(|(f, t)| read(self, *f, t)).collect();
        if values.iter().any(Option::is_none) {
            return None;
        }
        let values: Vec<Option<Amount>> = values.into_iter().flatten().collect();
        if values.iter().all(Option::is_none) {
            self.error(line, crate::tr!("bank-no-amount"));
            return None;
        }
        match layout.kind {
            Kind::DebitCredit => {
                let income = values[0].unwrap_or(Amount::ZERO);
                let mut expense = values.get(1).copied().flatten().unwrap_or(Amount::ZERO);
                if layout.expense_negative {
                    expense = -expense;
                }
                if !income.is_zero() && !expense.is_zero() {
                    self.error(
                        line,
                        crate::tr!(
                            "bank-both-sides",
                            income = layout.header(Field::Income),
                            expense = layout.header(Field::Expense),
                            credit = income.grouped(),
                            debit = expense.grouped()
                        ),
                    );
                    return None;
                }
                Some(if expense.is_zero() { income } else { -expense })
            }
            Kind::Signed => values[0],
            Kind::Direction => {
                let amount = values[0]?;
                let mark = self.text(line, texts, cells, Field::Direction);
                let is = |marks: &[String]| {
                    marks
                        .iter()
                        .any(|m| m.to_uppercase() == mark.to_uppercase() && !m.is_empty())
                };
                let out = if mark.is_empty() {
                    self.error(
                        line,
                        crate::tr!(
                            "bank-direction-empty",
                            column = layout.header(Field::Direction)
                        ),
                    );
                    return None;
                } else if is(&layout.out_marks) {
                    true
                } else if is(&layout.in_marks) {
                    false
                } else {
                    let marks = layout
                        .out_marks
                        .iter()
                        .chain(&layout.in_marks)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.error(
                        line,
                        crate::tr!(
                            "bank-direction-unknown",
                            text = mark.as_str(),
                            marks = marks
                        ),
                    );
                    return None;
                };
                if out {
                    Some(-amount.abs())
                } else if amount.is_negative() {
                    self.error(
                        line,
                        crate::tr!(
                            "bank-direction-sign",
                            amount = amount.grouped(),
                            mark = mark.as_str()
                        ),
                    );
                    None
                } else {
                    Some(amount)
                }
            }
        }
    }
}
