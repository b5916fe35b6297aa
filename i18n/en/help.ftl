# Help of every command and argument. A command's key is its path (help-allocate-plan); an
# argument's is the command's key and its name (help-allocate-plan-policy), or help-arg-NAME
# for an argument many commands share. A -long key is the longer text of --help.

help-townledger = Double-entry ledger for anti-poverty-return funds (防返贫): dividends, tilted allocation, reserve fund, statements
help-townledger-ledger = The ledger file
help-townledger-operator = Who is posting (recorded on every transaction); defaults to the login name
help-townledger-lang = The language of messages and help: zh (default) or en; on the command line it also sets the language of the report printed

# Shared by many commands.
help-arg-format = Format: text, csv, json, xlsx or pdf; default the --out file's extension, else text
help-arg-out = Write to this file instead of standard output (.txt, .csv, .json, .xlsx or .pdf)
help-arg-font = Font for PDF output (TTF, OTF or TTC; `file.ttc#2` picks a face); default the built-in Noto Sans SC subset
help-arg-from = Only postings on or after this day (YYYY-MM-DD)
help-arg-to = Only postings on or before this day (YYYY-MM-DD)
help-arg-run = The allocation run's number (see `allocate list`)
help-arg-unmasked = Show full names, ID and card numbers (an explicit export for the town office)

help-init = Create a new ledger with the standard chart of accounts (财会〔2023〕14号)
help-init-town = The town whose books these are (printed on statements), e.g. 程村镇

help-accounts = List or add accounts
help-accounts-list = List every account with its code and type
help-accounts-add = Add an account
help-accounts-add-name = Full name, segments joined by ':' (资产:银行存款:储备金专户)
help-accounts-add-kind = asset, liability, net_assets, income or expense; taken from the top segment if omitted
help-accounts-add-code = Account code (e.g. 10201); usable wherever a name is

help-import = Import data into the ledger (all or nothing)
help-import-postings = Post a voucher file (CSV, or the first sheet of a .xlsx, .xls or .ods workbook); all or nothing
help-import-postings-long =
    Post a voucher file: CSV, or a workbook (.xlsx, .xls, .ods) whose first sheet has the columns below. All or nothing: a file with any bad row posts nothing, and every bad row is reported as FILE:LINE: reason.

    Columns (by header, in any order, Chinese or English; other columns are ignored):
      txn_id    凭证号, 交易号, 凭证字号, 凭证编号: rows with the same number make one voucher
      date      日期, 记账日期, 凭证日期, 业务日期 (YYYY-MM-DD or YYYY/MM/DD)
      account   科目, 账户, 会计科目, 科目名称, 科目全称; or account_code 科目编码, 科目代码
      amount    金额 (debit positive, credit negative); or debit 借方, 借方金额, 借 and credit 贷方, 贷方金额, 贷
      memo      摘要, 备注, description
      household 户编号, 农户 (optional)
      ref       参考号, 单据号, reference (optional)
help-import-postings-file = The voucher file (.csv, .xlsx, .xls or .ods)
help-import-postings-encoding = utf-8 or gbk; detected when omitted
help-import-postings-create-accounts = Create unknown accounts (type from the top segment of the name)
help-import-postings-dry-run = Check the file and report what would be posted, without posting

help-balance = The 科目余额表: each account's opening balance, the period's debits and credits and its closing balance, with subtotals by level
help-balance-as-of = Balances at the end of this day (same as --to)
help-balance-depth = Show this many account levels; deeper balances roll up

help-register = Every posting of an account (and its sub-accounts) with a running balance
help-register-account = Account name or code; its sub-accounts are included

help-export = Write the whole journal for hledger, ledger-cli or Beancount, or as the postings CSV
help-export-format = ledger, beancount or csv (see --help)
help-export-format-long =
    The format, one of:
      ledger     a journal for hledger and ledger-cli (also: hledger, journal)
      beancount  a Beancount file (also: bean)
      csv        the postings CSV that `import postings` reads: a round trip into another ledger
help-export-out = Write to this file instead of standard output

help-reverse = Post the mirror entry of a voucher, linked to it
help-reverse-voucher = The voucher to reverse: the ledger's number (2024-12-0007) or the clerk's own (记-002, its txn_id)
help-reverse-reason = Why (kept with the reversal)
help-reverse-date = Date of the reversal; today if omitted

help-verify = Recompute both audit chains, every total and every table; exit 0 only if nothing was altered
help-verify-public-key = The office's public key (`office.pub`): every checkpoint is checked, and at least one must be signed by this key

help-checkpoint = Sign the ledger's head with the office's key (kept outside the ledger)
help-checkpoint-key = The office's secret key (written by `townledger key new FILE`), kept outside the ledger

help-key = Signing keys for checkpoints
help-key-new = Write a new Ed25519 key pair: the secret key to FILE (readable by its owner only), its public half beside it (`office.key` → `office.pub`); never overwrites a file
help-key-new-file = Where to write the secret key

help-households = The household register: import (CSV/XLSX, with history), list, history
help-households-import = Import the household register (CSV or XLSX); changed households get a new version
help-households-import-file = The register file (.csv or .xlsx)
help-households-import-effective = The date the file's values take effect (default: today); a household's first version also covers earlier dates
help-households-import-encoding = utf-8 or gbk for CSV; detected when omitted
help-households-list = The register as in force on a date; ID and card numbers masked unless --unmasked
help-households-list-as-of = The date the register is shown as of (default: today)
help-households-history = One household's versions over time
help-households-history-id = The household's number (户编号), e.g. H0001

help-allocate = Allocation runs: plan, show, approve, notice, post, reverse, list
help-allocate-plan = Plan a run: weights and exact shares for every household; prints the run id last
help-allocate-plan-policy = The policy file (TOML): who is eligible, weights, floor and cap, fixed items
help-allocate-plan-fund = Fund name or alias (动态帮扶 / dynamic, 631, 6·30, 储备金) or an account name
help-allocate-plan-amount = The amount to allocate, yuan (520000 or 520,000.00)
help-allocate-plan-date = The allocation date: the household data in force on it are used
help-allocate-plan-year = The policy year (monitoring line); default the date's year
help-allocate-show = Every household of a run: weight parts, exact share, explanation
help-allocate-approve = Approve a run: first --role village, then --role town; never by the proposer
help-allocate-approve-by = Who approves (a person or body, e.g. 村委会); not the proposer
help-allocate-approve-role = village (the village committee, first) or town (the town office, second)
help-allocate-approve-date = The date of the decision (default today; not before the run's date)
help-allocate-notice = The public notice (公示), masked; records its publication date once it is printed
help-allocate-notice-published = Publication date (default today; fixed by the first notice; not before the town's approval)
help-allocate-post = Post the run: the fund pays each household's payable (once only)
help-allocate-post-date = Voucher date (default the earliest payment date, or today if that is later)
help-allocate-post-force = Post before the notice period ends (needs --reason)
help-allocate-post-reason = Why the run is posted before the notice period ends (kept with the run)
help-allocate-reverse = Reverse a posted, unpaid run by a reversing run
help-allocate-reverse-reason = Why (kept with the reversing run)
help-allocate-reverse-date = Date of the reversal; today if omitted
help-allocate-list = List the runs

help-pay = Pay a posted run's households from a bank account (or the bank's result file)
help-pay-run = The allocation run to pay
help-pay-date = Payment date (default today)
help-pay-from = The bank account paid from
help-pay-bank-file = The bank's payment result file (CSV: household_id,amount,status[,ref,reason]); only successful lines are paid, failures stay payable

help-project = Industry projects: add, list
help-project-add = Add an industry project and its income account 收入:投资收益:<name>
help-project-add-id = Project id: lower-case ASCII letters, digits, '-' or '_' (oyster)
help-project-add-name = Chinese name (程村蚝养殖与加工); names the income account
help-project-add-invested = Amount invested, yuan (1130000 or 1,130,000.00)
help-project-add-rate = Expected annual rate: dividend or rent ÷ investment (0.12 or 12%)
help-project-add-owner = The owning village or the town; the town if omitted
help-project-add-kind = dividend or rent
help-project-list = List the projects with their investment, rate and expected yearly income

help-dividend = Project dividends: record one, report expected against received
help-dividend-record = Record a dividend (or rent) from a project: land rent and upkeep are paid from it first
help-dividend-record-project = The project id (see `project list`)
help-dividend-record-date = The day the dividend was received (YYYY-MM-DD or YYYY/MM/DD)
help-dividend-record-amount = The gross dividend, yuan
help-dividend-record-rent = Land rent paid out of it, yuan
help-dividend-record-upkeep = Upkeep (运维) paid out of it, yuan
help-dividend-record-to = The asset account the rest is paid into (default 资产:银行存款:基本户)
help-dividend-record-memo = The transaction's memo (default "<name> <year>年分红")
help-dividend-record-year = The year the income belongs to (default: the date's year)
help-dividend-record-excess-to = Set the excess over the project's expected income (超额分红) aside into this fund (储备金)
help-dividend-report = Expected against received income per project and year
help-dividend-report-year = Only this year (default: every year with dividends)

help-tilt = Set aside a share of the year's project income into the dynamic-assistance fund
help-tilt-year = The year whose project income is tilted
help-tilt-share = Share of each project's net income set aside: 0.10–0.12 (or 10%–12%)
help-tilt-projects = Only this project (repeat for several); default every project with a dividend in the year
help-tilt-from-630 = A contribution from the 6·30 fund into the dynamic-assistance fund, yuan
help-tilt-date = The tilt's date (default: December 31 of the year)
help-tilt-override-range = Allow a share outside 0.10–0.12 (needs --reason)
help-tilt-reason = Why the share is overridden (kept with the tilt)

help-statement = Household statements as Chinese PDFs: one household, a village, or the whole town
help-statement-household = One household's statement (农户收益分配明细单)
help-statement-household-id = The household's number (户编号), e.g. H0001
help-statement-household-out = The file to write; its extension picks the format (.pdf, .xlsx, .csv, .json, .txt)
help-statement-village = A PDF for every household of a village (also those with nothing in the period)
help-statement-village-village = The village (as written in the register, e.g. 程村)
help-statement-village-out = The folder to write into (one subfolder per village)
help-statement-village-threads = Threads that print the statements
help-statement-town = A PDF for every household of every village
help-statement-town-out = The folder to write into (one subfolder per village)
help-statement-town-threads = Threads that print the statements
help-statement-household-year = A calendar year (the same as --from YEAR-01-01 --to YEAR-12-31)
help-statement-village-year = A calendar year (the same as --from YEAR-01-01 --to YEAR-12-31)
help-statement-town-year = A calendar year (the same as --from YEAR-01-01 --to YEAR-12-31)
help-statement-household-font = Another font (TTF, OTF or TTC; `file.ttc#2` picks a face)
help-statement-village-font = Another font (TTF, OTF or TTC; `file.ttc#2` picks a face)
help-statement-town-font = Another font (TTF, OTF or TTC; `file.ttc#2` picks a face)
help-statement-household-from = The first day of the period (with --to)
help-statement-household-to = The last day of the period (with --from)
help-statement-village-from = The first day of the period (with --to)
help-statement-village-to = The last day of the period (with --from)
help-statement-town-from = The first day of the period (with --to)
help-statement-town-to = The last day of the period (with --from)

help-demo = Build the demo town's ledger from ledgers/demo/ and print its reports
help-demo-out = Where the demo ledger and its reports go
help-demo-data = The demo town's data (ledgers/demo)

help-bench = Time import, balance and register on a generated town journal
help-bench-transactions = Number of transactions to generate
help-bench-households = Number of household accounts
help-bench-dir = Work directory (the journal and the ledger are written here)
help-bench-runs = Runs of each read command; the median is reported
help-bench-allocation = Instead of the journal benchmark: plan, post and pay one allocation run across this many households
help-bench-journal = With --allocation: first import a generated journal of this many transactions into the same ledger, so that the closing `verify` covers both (the journal and the run's tables)
help-bench-funds = Also import the same journal with fund columns (a tenth of its transactions saying what fund money is spent on), side by side with the plain one, and time `fund show` and `fund statement`

help-simulate = Random sequences of every command that writes, with failures injected, checking the books after every step; a failing seed replays the same run
help-simulate-seed = The seed: the same seed takes the same steps (default: drawn from the clock, and printed)
help-simulate-sequences = How many sequences (each a fresh town and ledger)
help-simulate-steps = Steps per sequence
help-simulate-sequence = Run only this sequence of the run (numbered from 0), as the whole run takes it
help-simulate-kills = Rounds of `import postings` through this binary killed with SIGKILL at a random moment
help-simulate-kill-transactions = Transactions in the journal those rounds import
help-simulate-dir = Where the ledgers go (default: a new folder in the system's temporary folder); a sequence that passes leaves nothing, a failing one its ledger and files
help-simulate-log = Print every step (its command and outcome) as it is taken

help-balance-accounts = Only these accounts and their sub-accounts (code or name: 241, 负债:专项应付款)
help-balance-style = cn: the 科目余额表 (default for text, PDF, XLSX); plain: the trial balance. CSV and JSON keep account,balance unless --style cn
help-balance-entity = The reporting entity 编制单位; default the town set with init --town
help-voucher = Show one voucher (记账凭证), named by the ledger's number or the clerk's own
help-voucher-voucher = The voucher: the ledger's number (2024-03-0002) or the clerk's own (记-002, its txn_id in the imported file)
help-fund = The funds the town runs: list, add, rules, contribute, spend, show, statement
help-fund-list = Every fund: what it holds, its account, its bank account, its aliases
help-fund-add = Register a fund (its accounts are created when missing)
help-fund-add-id = The fund's id, one word (助学基金); commands name the fund by it
help-fund-add-account = Its liability account, under 负债:专项应付款 (负债:专项应付款:助学基金)
help-fund-add-bank = The bank account that holds its money, under 资产:银行存款 (a 专户, or the 基本户)
help-fund-add-kind = What it is: dynamic, 631, donation, reserve, insurance or other
help-fund-add-name = Its full name; the id if omitted
help-fund-add-aliases = Another name commands may use for it (repeatable)
help-fund-rules = The funds' rules (funds.toml): load a file, or show the rules in force
help-fund-rules-file = The rules file to load (funds.toml); without it, the rules in force are shown
help-fund-contribute = Money into a fund: a 631 transfer from its source, a 6·30 gift from its donor
help-fund-contribute-fund = The fund (631, 630, 储备金 …)
help-fund-contribute-source = Where the money comes from (631: 省级, 帮扶市, 本市 …)
help-fund-contribute-donor = Who gave it (a 6·30 gift)
help-fund-contribute-restricted = The purpose a gift is restricted to (定向); without it, unrestricted
help-fund-contribute-amount = Yuan, exact to the fen
help-fund-contribute-date = The day the money arrived (default today)
help-fund-contribute-memo = The voucher's description (default: the fund, the source or donor)
help-fund-contribute-reference = An outside reference: the bank's serial number
help-fund-contribute-in-kind = A gift in kind (goods) at its value: kept on 资产:受赠物资, never as cash
help-fund-spend = Money out of a fund, for a purpose
help-fund-spend-fund = The fund (631, 630, 储备金 …)
help-fund-spend-purpose = What the money is spent on (就业补贴, 助学 …), as funds.toml allows
help-fund-spend-household = The household paid
help-fund-spend-project = The project the money goes to
help-fund-spend-amount = Yuan, exact to the fen
help-fund-spend-date = The day it is paid (default today)
help-fund-spend-memo = The voucher's description (default: the fund, the purpose, the household)
help-fund-spend-reference = An outside reference: the bank's serial number
help-fund-spend-to = The account credited instead of the fund's bank account (a payable, paid later)
help-fund-spend-in-kind = Goods given in kind handed out: 资产:受赠物资 is credited, not the bank
help-fund-show = One fund's year: receipts by source or donor, payments by purpose, restricted money
help-fund-show-fund = The fund (631, 630, 储备金 …)
help-fund-show-year = The year (a fund with a campaign year, as 6·30, shows that year: June to May)
help-insurance = Anti-poverty insurance 防贫保: the year's roster, the premium to the insurer, claims
help-insurance-enroll = Build a year's roster from the household register and its premium
help-insurance-enroll-year = The insurance year
help-insurance-enroll-per-member = The premium per insured person, yuan
help-insurance-enroll-insurer = The insurance company (the payee of the premium)
help-insurance-enroll-categories = The categories insured: unstable, marginal, sudden, watch (or their Chinese names)
help-insurance-enroll-date = The day the register is read on (default January 1 of the year)
help-insurance-pay-premium = Pay a year's premium to the insurer from a fund
help-insurance-pay-premium-year = The insurance year
help-insurance-pay-premium-date = The day it is paid
help-insurance-pay-premium-from = The fund that pays it (631, 630, dynamic …)
help-insurance-claim = Receive a claim the insurer pays for a household (its payable; --paid passes it on)
help-insurance-claim-household = The insured household
help-insurance-claim-amount = Yuan, exact to the fen
help-insurance-claim-cause = Why (意外, 因病, 因灾 …)
help-insurance-claim-date = The day the insurer paid it
help-insurance-claim-year = The roster's year (default the date's year)
help-insurance-claim-paid = Pass it on to the household's card at once
help-insurance-pay-claims = Pass every claim received and not yet paid on to its household
help-insurance-pay-claims-date = The day they are paid
help-insurance-pay-claims-year = Only the claims of this year's roster
help-insurance-show = A year's roster, premium and claims
help-insurance-show-year = The insurance year
help-period = Closing the books 结账: close a month, reopen it, list what is closed
help-period-close = Close the books through a month (YYYY-MM) after checking them: nothing may then be posted or reversed dated in it or before
help-period-close-month = The month, YYYY-MM
help-period-close-by = Who closes the books (default: the operator)
help-period-reopen = Reopen a closed month (and every later one), with a reason, by someone who did not close it
help-period-reopen-month = The month, YYYY-MM
help-period-reopen-reason = Why the month is reopened
help-period-reopen-by = Who reopens it (default: the operator); not whoever closed it
help-period-list = Every close and reopen, and the months closed now

help-notes = {" "}[{ $notes }]
help-note-separator = ] [
help-note-default = default: { $value }
help-note-possible = possible values: { $values }
help-note-env = env: { $name }
help-bank = The bank's own statements: import one, list an account's
help-bank-import = Import the bank's statement of an account (CSV in GBK or UTF-8, or a workbook, as the bank exports it); all or nothing
help-bank-import-account = The bank account in the books (资产:银行存款:储备金专户)
help-bank-import-file = The bank's statement file
help-bank-import-name = The statement's name (default its month, 2024-09)
help-bank-import-mapping = A column mapping (TOML) for a layout the built-in ones miss
help-bank-import-encoding = utf-8 or gbk; detected when omitted
help-bank-import-opening = The opening balance, for a file without a balance column
help-bank-statements = Each statement of an account: period, opening and closing balance, lines, matched
help-bank-statements-account = The bank account in the books
help-reconcile = Bank reconciliation: match the statement with the books, list what is left on each side, the 银行存款余额调节表, lock
help-reconcile-account = The bank account in the books (资产:银行存款:储备金专户)
help-reconcile-statement = The statement (2024-09); default the latest
help-reconcile-window = How many days apart a bank line and its voucher may be dated
help-reconcile-match = Match bank lines with vouchers by hand: the amounts must agree to the fen
help-reconcile-match-account = The bank account in the books
help-reconcile-match-bank-line = A bank line (its number in reconcile's list); repeat for several
help-reconcile-match-voucher = A voucher (the ledger's number or the clerk's own); repeat for several
help-reconcile-unmatch = Undo the match of a bank line (or of a voucher)
help-reconcile-unmatch-account = The bank account in the books
help-reconcile-unmatch-bank-line = The bank line whose match is undone
help-reconcile-unmatch-voucher = Or the voucher whose match is undone
help-reconcile-report = The 银行存款余额调节表 of a statement (text, CSV, JSON, XLSX or PDF)
help-reconcile-report-account = The bank account in the books
help-reconcile-report-statement = The statement (2024-09); default the latest
help-reconcile-lock = Lock a reconciled statement: its matches stay, its vouchers cannot be reversed
help-reconcile-lock-account = The bank account in the books
help-reconcile-lock-statement = The statement (2024-09)
help-reconcile-unlock = Unlock a locked statement, with a reason
help-reconcile-unlock-account = The bank account in the books
help-reconcile-unlock-statement = The statement (2024-09)
help-reconcile-unlock-reason = Why it is unlocked
help-period-close-force = Close although a bank account's statements for the months are missing or not reconciled and locked (with --reason)
help-period-close-reason = Why the books are closed by force (kept with the close)
help-bench-reconcile = Instead of the journal benchmark: a year of one bank account with this many postings, and the bank's statement of --bank-lines lines imported and matched against them
help-bench-bank-lines = With --reconcile: the statement's lines
help-user = The people who sign in to the web application: add, list, disable
help-user-add = Add a user with a role; the password is asked twice (or read from standard input)
help-user-add-name = The user's name (as recorded on every transaction they post)
help-user-add-role = village, town, cashier, inspector or admin
help-user-add-password-stdin = Read the password from the first line of standard input instead of asking
help-user-list = Every user with their role and whether disabled
help-user-disable = Disable a user: kept on record, can no longer sign in
help-user-disable-name = The user to disable
help-serve = The web application on the ledger (http://127.0.0.1:8080 unless told otherwise)
help-serve-addr = The address and port to listen on (default 127.0.0.1:8080: only this machine); port 0 picks a free one
help-demo-serve = Then add one user of each role (passwords printed once) and serve the demo ledger on the web
help-demo-addr = With --serve: the address and port to listen on
help-bench-web = Instead of the journal benchmark: import the generated journal, start `serve` on it and time the web pages (overview, trial balance, a register's first and a far page, a voucher) as a signed-in user
help-bench-clients = With --web: a load test instead: this many clients (each signed in as a user of its own) read pages over keep-alive connections for --seconds while one clerk posts voucher files through the import page; then the posted vouchers are checked in the ledger
help-bench-seconds = With --clients: how long the clients read
