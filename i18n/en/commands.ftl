# What the commands print.
standard-output = standard output
chain-head = chain head { $head }
option-refused = { $option }: { $reason }
household-not-found = no household { $id } in the register
period-from-after-to = --from { $from } is after --to { $to }

out-format-mismatch = --format { $format } but --out { $out } names a { $named } file; give a matching extension
out-binary-to-terminal = { $format } output is binary and standard output is a terminal: use --out FILE, or redirect (> FILE)
out-unknown-extension = --out { $out }: unknown extension '.{ $extension }' (known: { $known })

init-created = created { $ledger } with the village collective chart of accounts (财会〔2023〕14号, { $accounts } accounts)

accounts-type-unknown = cannot tell the type of '{ $name }' from its top segment: pass --type
accounts-added = added account { $name } ({ $kind })

import-dry-run = { $file }: dry run: { $posted } transaction(s) would be posted, { $already } already posted; nothing was written
import-nothing-posted = { $file }: nothing posted: all { $already } transaction(s) were already posted
import-posted = { $file }: posted { $posted } transaction(s), { $postings } posting(s), vouchers { $first } … { $last }
import-skipped = ; { $already } already posted, skipped
import-accounts-created = created { $count } account(s): { $names }
import-accounts-more = {" "}and { $more } more (townledger accounts list)

households-imported = { $file }: { $read } households read; { $added } added, { $changed } changed (in force from { $effective }), { $unchanged } unchanged
households-changed = changed: { $ids }
households-not-in-file = { $count } household(s) in the ledger are not in this file and were kept as they were

allocate-planned = planned run { $run }: { $amount } from { $fund } on { $date } under "{ $policy }" (sha256 { $sha256 })
allocate-planned-counts = { $eligible } households eligible, { $excluded } excluded; { $floor } at the floor, { $cap } at the cap; fixed items { $fixed }, apportioned { $apportioned }
allocate-note = note: { $note }
allocate-role-village = village
allocate-role-town = town
allocate-approved = run { $run } approved by { $approver } ({ $role }) on { $date }; status { $status }
allocate-notice-published = notice of run { $run } published { $published }; payment may start { $earliest }
allocate-force-needs-reason = --force needs --reason TEXT
allocate-posted = run { $run } posted as voucher { $voucher }: { $amount } owed to households from { $fund }
allocate-reversed = run { $run } reversed by run { $new_run } (voucher { $voucher })
run-status-planned = planned
run-status-village-approved = village-approved
run-status-approved = approved
run-status-noticed = noticed
run-status-posted = posted
run-status-reversed = reversed
run-status-reversal = reversal

pay-paid = run { $run }: paid { $households } household(s), { $amount } from { $from } (voucher { $voucher }, { $date })
pay-nothing = run { $run }: nothing paid
pay-still-payable = still payable ({ $count }):

reverse-done = reversed { $voucher } by { $reversal } ({ $date })
reverse-done-named = reversed { $voucher } ({ $original }) by { $reversal } ({ $date })

verify-journal-ok = ok: { $transactions } transactions, { $postings } postings; every voucher matches its audit hash and balances
verify-records-ok = ok: { $records } records cover { $tables } tables ({ $rows } rows); every row is as recorded
verify-no-checkpoint = no signed checkpoint yet (townledger checkpoint --key FILE)
verify-checkpoints-signed = ok: { $checkpoints } checkpoint(s), { $signed } signed by key { $key }; the last #{ $last } signed { $at } by { $last_key }
verify-checkpoints-hold = ok: { $checkpoints } checkpoint(s) hold (each under its own key; pass --public-key to require yours); the last #{ $last } signed { $at } by key { $last_key }

checkpoint-signed = checkpoint #{ $id } signed by key { $key }: { $transactions } transactions, { $records } records

key-secret-written = secret key { $file } (keep it outside the ledger, away from whoever can write the ledger file)
key-public-written = public key { $file } (key { $key })

statement-year-out-of-range = year { $year } is out of range
statement-period-needed = give --year YEAR, or --from DATE and --to DATE
statement-out-extension = --out { $out }: the extension picks the format (known: { $known })
statement-household-failed = household { $id }: { $reason }
statement-written = { $out }: statement of { $id } for { $from } — { $to }: { $lines } line(s), allocated { $allocated }, paid { $paid }, payable { $payable } ({ $bytes } bytes)
statement-no-village = no households in village { $village } (villages: { $villages })
statement-register-empty = the household register is empty
statement-batch-written = wrote { $count } statement(s) to { $out }: { $pages } page(s), { $megabytes } MB, { $seconds } s
statement-batch-empty = { $count } household(s) had nothing in the period (printed all the same): { $ids }
statement-batch-failed = { $count } household(s) failed:

demo-start = == townledger demo: 程村镇 (demo town) from { $data }
demo-imported = -- imported { $vouchers } vouchers ({ $postings } postings) from vouchers-2024.csv into { $ledger }
demo-households = -- household register: { $count } households (households.xlsx)
demo-run = -- allocation run { $run }: 520,000.00 of 动态帮扶 under "{ $policy }": { $eligible } households eligible, { $excluded } excluded, { $cap } at the cap; fixed items { $fixed }
demo-approved = -- approved by 村委会 (village, 2024-12-29) and 镇农办 (town, 2024-12-30); notice published 2024-12-30, payment from 2025-01-07 (5 working days; New Year's Day is a holiday); posted as { $voucher }
demo-paid = -- paid { $paid } households { $amount } by the bank file { $file }; { $unpaid } still payable; paid { $more } more { $more_amount } on 2025-01-09
demo-statements = -- statements: { $files } PDFs ({ $pages } pages, { $megabytes } MB) in { $dir }; { $empty } households had nothing in the period
demo-statements-failed = ; { $count } failed
demo-verified = -- verify: ok, { $transactions } transactions, chain head { $head }
demo-written = -- written:
account-kind-asset = asset
account-kind-liability = liability
account-kind-net_assets = net_assets
account-kind-income = income
account-kind-expense = expense
balance-as-of-and-to = give --as-of or --to, not both
balance-depth-zero = --depth must be at least 1
file-name-empty = it is empty
file-name-dots = it is `{ $text }`
file-name-leading-dot = it starts with a dot
file-name-separator = it contains the path separator `{ $char }`
file-name-control = it contains the control or format character { $code }
file-name-trailing = it ends with a space or a dot
statement-village-not-folder = its village "{ $village }" cannot be a folder name: { $why }; no statement written
statement-id-not-file = its id "{ $id }" cannot be a file name: { $why }; no statement written
statement-period-not-file = the period "{ $period }" cannot be part of a file name: { $why }
statement-outside-dir = its statement would be written to { $path }, outside { $dir }; no statement written
statement-would-overwrite = its statement would overwrite { $other }'s ({ $path }); no statement written
export-format-unknown = unknown export format '{ $format }' (ledger, beancount or csv)
simulate-sequence-out-of-range = --sequence { $sequence }: the run has sequences 0 to { $last }
simulate-start = simulating: seed { $seed }, { $sequences } sequence(s) of { $steps } steps, in { $dir }
simulate-progress = { $done }/{ $sequences } sequences, { $steps } steps, { $refused } refused, { $injected } failures injected, { $seconds } s
simulate-ok = ok: every invariant held after every step (replay: townledger simulate --seed { $seed } --sequences { $sequences } --steps { $steps })
bench-step-failed = bench step { $step } failed: { $stderr }
bench-fund-out-of-range = the fund's balance is out of range
bench-allocation-run = allocation run across { $households } households, pool { $pool }
bench-generated = generated { $transactions } transactions, { $households } households: { $path } ({ $megabytes } MB) in { $seconds } s
bench-ledger-file = ledger file: { $megabytes } MB
