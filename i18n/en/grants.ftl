# Relief grants from the reserve fund through the gates of review (townledger grant …).

## Help

help-grant = Relief grants from the reserve fund through the three gates: apply, review, pay, list
help-grant-apply = Apply for a grant for a household; prints the grant's id (G1, G2 …) alone on the last line
help-grant-apply-household = The household (its id in the register)
help-grant-apply-fund = The reserve fund it is paid from, by id, alias, name or account (储备金)
help-grant-apply-amount = The amount applied for, yuan (at most the fund's share of the loss and its cap)
help-grant-apply-cause = The cause (因病, 因灾, 因意外, 因学, 因残, 因失业 …)
help-grant-apply-loss = The household's loss, yuan
help-grant-apply-note = What happened, in a few words (goes into the payment voucher's memo)
help-grant-apply-date = The day of the application (default today)
help-grant-review = Record a gate's decision: --pass, or --reject with a --reason (which ends the grant)
help-grant-review-grant = The grant (G1, G2 …)
help-grant-review-all-pending = Instead of one grant: every grant waiting at this gate (all or none)
help-grant-review-gate = The gate: village (村级核实), data (部门数据比对) or sector (行业稽核); in order
help-grant-review-pass = The gate passes the grant
help-grant-review-reject = The gate rejects the grant (needs --reason); the grant ends
help-grant-review-by = Who decides (the applicant reviews nothing; no one passes two gates of a grant)
help-grant-review-reason = Why the grant is rejected
help-grant-review-note = A note on the decision
help-grant-review-date = The day of the decision (default today)
help-grant-pay = Pay a grant that passed every gate, from its fund's bank account, in one voucher
help-grant-pay-grant = The grant (G1, G2 …)
help-grant-pay-all-passed = Instead of one grant: every grant that passed every gate and is not paid (all or none)
help-grant-pay-date = The payment date (default today)
help-grant-pay-by = Who pays (default the operator); must not have applied or passed a gate
help-grant-list = Every grant: household, fund, amount, cause, loss, status, gates passed, payment voucher
help-grant-list-status = Only grants with this status: pending, passed, rejected or paid
help-grant-show = One grant: the application, each gate's decision (who, when, note), its payment voucher
help-grant-show-grant = The grant (G1, G2 …)
help-grant-import = Apply for many grants from a CSV or XLSX file (household, fund, amount, cause, loss, note); every bad row reported, nothing written if any
help-grant-import-file = The applications file (.csv or .xlsx)
help-grant-import-date = The day of the applications (default today)
help-grant-import-encoding = utf-8 or gbk for CSV; detected when omitted
help-bench-grants = Instead of the journal benchmark: import this many grant applications, pass them through the three gates and pay them

## Gates, statuses, rules

grant-gate-label = { $id } ({ $name })
grant-gate-unknown = unknown gate '{ $gate }' (gates: { $known })
grant-status-unknown = unknown status '{ $status }' ({ $known })
grant-rules-empty = the grant rules name no { $key }
grant-rules-gate-twice = the grant rules name gate { $gate } twice
grant-rules-share-range = share_of_loss { $share } must be more than 0% and at most 100%
grant-rules-cap-range = { $key } must be more than 0.00 (not { $cap })
grant-rules-share-text = '{ $text }' is not a share (write "15%" or "0.15")
grant-rules-share-expected = a share written as text: "15%" or "0.15"
grant-rules-amount-expected = an amount of yuan: "5000", "5,000.00" or 5000
grant-rules-invalid = the grant rules of fund { $fund }: { $reason }
grant-id-bad = '{ $text }' is not a grant id (G1, G2 …)
grant-not-found = no grant { $grant } (grants are numbered G1, G2 … in the order they were applied for)
grant-unreadable = a grant row cannot be read ({ $what }): the ledger was altered outside townledger

## Applications

grant-field-household = household
grant-field-cause = cause
grant-field-note = note
grant-field-reason = reason (--reason)
grant-field-reviewer = who reviews (--by)
grant-field-payer = who pays (--by or the operator)
grant-fund-unknown = no fund is named '{ $fund }' (reserve funds: { $known })
grant-fund-not-reserve = fund { $fund } ({ $name }) is a { $kind } fund: grants are paid only from a reserve fund
grant-fund-gone = grant { $grant }: its fund { $fund } is no longer registered
grant-household-unknown = household { $household } is not in the household register
grant-category-ineligible = household { $household } is { $category }: grants from { $fund } go only to { $allowed }
grant-category-none = in no monitoring category
grant-cause-ineligible = cause '{ $cause }' is not one that { $fund } grants for ({ $causes })
grant-amount-not-positive = the amount must be more than 0.00 (not { $amount })
grant-loss-not-positive = the loss must be more than 0.00 (not { $loss })
grant-cap-per-grant = { $amount } is above the cap for a loss of { $loss }: a grant is at most { $share } of the loss and at most { $max }, here { $cap }
grant-over-year-cap = { $amount } is above what a household may be paid in a year ({ $max })
grant-date-future = the date { $date } is after today ({ $today })
grant-applied = grant { $grant }: { $household } applies for { $amount } from { $fund } ({ $cause }, loss { $loss }); gates: { $gates }
grant-imported = { $count ->
    [one] 1 grant applied for: { $first }
   *[other] { $count } grants applied for: { $first } to { $last }
}
grant-import-empty = no application in the file
grant-import-unreadable-row = unreadable row: { $reason }
grant-import-missing-column = column '{ $name }' ({ $chinese }) is missing
grant-import-inexact = { $field }: the number in this cell is too long to be exact (format the cell as text)
grant-import-cell-error = { $field }: the cell holds the error { $error }

## Review

grant-review-needs-by = who decides must be named (--by)
grant-reject-needs-reason = a rejection needs a reason (--reason)
grant-paid-already = grant { $grant } was paid already (voucher { $voucher } on { $date })
grant-rejected-ended = grant { $grant } was rejected at gate { $gate } by { $by } ({ $reason }): a rejected grant has ended
grant-gate-not-required = grant { $grant } does not go through gate { $gate } (its gates: { $gates })
grant-gate-decided = gate { $gate } of grant { $grant } was decided already, by { $by } on { $on }
grant-gate-order = gate { $gate } of grant { $grant } comes after gate { $before }, which has not passed yet: the gates pass in order
grant-applicant-reviews = { $by } applied for grant { $grant }: the applicant reviews nothing
grant-same-reviewer = { $by } passed gate { $gate } of grant { $grant } already: no one passes two gates of the same grant
grant-review-before-gate = gate { $gate } of grant { $grant } cannot be decided on { $on }, before gate { $before } passed on { $date }
grant-review-before-application = gate { $gate } of grant { $grant } cannot be decided on { $on }, before the application on { $date }
grant-none-waiting = no grant is waiting at gate { $gate }
grant-refused-more = … and { $count } more
grant-reviewed-next = grant { $grant }: gate { $gate } passed by { $by } on { $on }; next: gate { $next }
grant-reviewed-all = grant { $grant }: gate { $gate } passed by { $by } on { $on }; every gate has passed: the grant may be paid
grant-reviewed-rejected = grant { $grant }: rejected at gate { $gate } by { $by } on { $on } ({ $reason }); the grant has ended
grant-reviewed-many = { $count ->
    [one] 1 grant
   *[other] { $count } grants
} { $passed ->
    [true] passed
   *[false] rejected
} at gate { $gate } by { $by } on { $on }

## Payment

grant-pay-needs-by = who pays must be named (--by or the operator)
grant-none-passed = no grant has passed every gate and waits to be paid
grant-not-passed = grant { $grant } cannot be paid: gate { $gate } has not passed
grant-payer-reviewer = { $payer } passed gate { $gate } of grant { $grant }: whoever pays passed no gate
grant-pay-too-early = grant { $grant } cannot be paid on { $date }, before its gate { $gate } passed ({ $on })
grant-cap-household-year = grant { $grant }: household { $household } was paid { $paid } in grants in { $year }; { $amount } more is above the cap per household and year ({ $max })
grant-paid = grant { $grant }: paid { $amount } to { $household } from { $bank } on { $date }, voucher { $voucher }
reverse-grant-passed-again = grant { $grant } is passed again and may be paid again (money returned)
reverse-grant-reversal = { $voucher } reverses grant { $grant }'s payment { $original }: pay the grant again instead (townledger grant pay { $grant })
bench-grants-run = { $grants } grant applications over { $households } eligible households; { $paid } paid

## The demo town

demo-grant-paid = reserve-fund grant { $grant }: { $household } applied for { $amount } ({ $cause }, loss { $loss }) on { $applied } by { $applicant }; gates: { $gates }; paid on { $date } by { $payer } from { $bank }, voucher { $voucher }
demo-grant-rejected = grant { $grant }: { $household } applied for { $amount } ({ $cause }, loss { $loss }) on { $applied }; rejected at gate { $gate } by { $by } on { $on } ({ $reason })
