# 资金收支明细表与预算（townledger fund statement、townledger budget …）。

## 帮助

help-fund-statement = 任意期间的资金收支明细表：期初、按来源和捐赠方的收入、按用途的支出及受益户数人数、期末；可按月、季、年；可对照预算
help-fund-statement-fund = 资金（631、630、储备金……）
help-fund-statement-year = 资金年度（6·30 资金为 6 月至次年 5 月）；或用 --from 和 --to
help-fund-statement-from = 期间第一天（YYYY-MM-DD）
help-fund-statement-to = 期间最后一天（YYYY-MM-DD）
help-fund-statement-by = 按月、季或年分行：month、quarter 或 year
help-fund-statement-budget = 各用途实际支出对照本年度预算，并列出使用率
help-budget = 资金预算（按年度和用途）：设定、导入、列表
help-budget-set = 设定某项资金某年度某用途的预算（再次设定即替换金额）
help-budget-set-fund = 资金（631、630、储备金……）
help-budget-set-year = 资金年度
help-budget-set-purpose = 用途（就业补贴……），须为资金规则允许的用途
help-budget-set-amount = 金额，元，精确到分
help-budget-import = 从 CSV 或 XLSX 文件设定预算（资金、年度、用途、金额）；逐行报告全部错误，有错则一行不写
help-budget-import-file = 预算文件（.csv 或 .xlsx）
help-budget-import-encoding = CSV 的编码：utf-8 或 gbk；不写则自动识别
help-budget-list = 已设定的预算，含设定时间和操作员
help-budget-list-fund = 只列此资金的预算
help-budget-list-year = 只列此年度的预算

## 消息

budget-set = 预算 { $fund } { $year } 年度 { $purpose }：{ $amount }
budget-replaced = 预算 { $fund } { $year } 年度 { $purpose }：{ $amount }（原为 { $before }）
budget-imported = 已从 { $file } 设定 { $count } 条预算
budget-import-empty = 文件中没有预算
budget-import-missing-column = 缺少列 “{ $name }”（{ $chinese }）
budget-import-field-empty = { $field } 为空
budget-import-repeated = { $fund } { $year } 年度 { $purpose } 的预算已在第 { $first } 行给出
budget-year-invalid = “{ $year }” 不是年度（四位数字，如 2024）
budget-amount-negative = 预算不能小于零（得到 { $amount }）
budget-needs-year = --budget 需要资金的同一年度内的期间：请用 --year，或同一年度内的 --from 和 --to
statement-by-unknown = “{ $value }” 不是分期方式：month（月）、quarter（季）或 year（年）
statement-period-empty = 期间 { $from } ~ { $to } 没有日子：--from 晚于 --to
demo-budget = 2024 年度预算（{ $file }）：{ $count } 条（{ $funds }），合计 { $total }
demo-fund-statements = 2024 年资金收支明细表（按季，对照预算）：{ $files }
