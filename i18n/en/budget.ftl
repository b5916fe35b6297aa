# Fund statements and budgets (townledger fund statement, townledger budget …).

## Help

help-fund-statement = The fund statement of any period: opening, receipts by source and donor, payments by purpose with the households and persons reached, closing; by month, quarter or year; against the budget
help-fund-statement-fund = The fund (631, 630, 储备金 …)
help-fund-statement-year = The fund's year (the 6·30 fund's runs June to May); or --from and --to
help-fund-statement-from = The first day of the period (YYYY-MM-DD)
help-fund-statement-to = The last day of the period (YYYY-MM-DD)
help-fund-statement-by = One row per month, quarter or year: month, quarter or year
help-fund-statement-budget = Each purpose's spending against its budget for the year, with the share used
help-budget = Fund budgets by year and purpose: set, import, list
help-budget-set = Set a fund's budget for a year and purpose (set again, the amount is replaced)
help-budget-set-fund = The fund (631, 630, 储备金 …)
help-budget-set-year = The fund's year
help-budget-set-purpose = What the money is for (就业补贴 …), as funds.toml allows
help-budget-set-amount = Yuan, exact to the fen
help-budget-import = Set the budget lines of a CSV or XLSX file (fund, year, purpose, amount); every bad row reported, nothing written if any
help-budget-import-file = The budget file (.csv or .xlsx)
help-budget-import-encoding = utf-8 or gbk for CSV; detected when omitted
help-budget-list = The budget lines set, with when and by whom
help-budget-list-fund = Only this fund's budget
help-budget-list-year = Only this year's

## Messages

budget-set = budget { $fund } { $year } { $purpose }: { $amount }
budget-replaced = budget { $fund } { $year } { $purpose }: { $amount } (was { $before })
budget-imported = { $count ->
    [one] set 1 budget line from { $file }
   *[other] set { $count } budget lines from { $file }
}
budget-import-empty = no budget line in the file
budget-import-missing-column = column '{ $name }' ({ $chinese }) is missing
budget-import-field-empty = { $field } is empty
budget-import-repeated = the budget of { $fund } { $year } { $purpose } is already given on row { $first }
budget-year-invalid = '{ $year }' is not a year (four digits, e.g. 2024)
budget-amount-negative = a budget cannot be less than nothing (got { $amount })
budget-needs-year = --budget needs a period within one year of the fund: give --year, or --from and --to in the same year
statement-by-unknown = '{ $value }' is not a period: month, quarter or year
statement-period-empty = the period { $from } ~ { $to } has no days: --from is after --to
demo-budget = budget 2024 from { $file }: { $count } lines ({ $funds }), { $total } in all
demo-fund-statements = fund statements 资金收支明细表 2024 by quarter, against the budget: { $files }
