# The village-finance disclosure 村级财务公开表 (townledger disclose …).

## Help

help-disclose = The village-finance disclosure 村级财务公开表 of a quarter or a month: income, spending, assets and debts, the distribution of income; one village, or every village into a folder
help-disclose-village = The village (as the household register, a project's owner or an account names it)
help-disclose-town = Every village, one file each (and the town level's, what belongs to no village), into the folder --out
help-disclose-quarter = A calendar quarter, e.g. 2024Q3
help-disclose-month = A month, where the village publishes monthly, e.g. 2024-09
help-disclose-format = text, csv, json, xlsx or pdf; default the --out file's extension, else text; with --town, pdf
help-disclose-threads = Threads rendering the files of --town
help-disclose-out = The file to write (its extension picks the format); with --town, the folder to write into
help-bench-disclose = Instead of the journal benchmark: generate a ledger of this many transactions over 50 villages' accounts and households, and time disclose --town

## Messages

disclose-bad-quarter = '{ $value }' is not a quarter: write it as 2024Q3
disclose-bad-month = '{ $value }' is not a month: write it as 2024-09
disclose-no-village = village { $village } is not known (villages: { $villages })
disclose-written = { $out }: { $village }, { $period }: income { $income }, spending { $spending }, { $households } household(s) reached
disclose-town-written = wrote { $count } disclosure(s) of { $period } to { $out } ({ $kilobytes } kB, { $seconds } s)
disclose-file = { $village }: { $path } (income { $income }, spending { $spending }, { $households } household(s) reached)
disclose-town-failed = { $count } village(s) failed:
disclose-village-not-file = the village "{ $village }" cannot name a file: { $why }; no disclosure written
disclose-outside-dir = the disclosure would be written to { $path }, outside { $dir }; no disclosure written
disclose-would-overwrite = its file { $path } is { $other }'s already; no disclosure written
bench-disclose-run = disclose --town on { $transactions } transactions, { $villages } villages, { $households } households ({ $path })
demo-disclosures = -- village-finance disclosures of { $period }: { $count } PDF(s) in { $dir } (every village's and the town level's); { $failed } failed
