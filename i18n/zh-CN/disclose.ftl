# 村级财务公开表（townledger disclose …）。

## 帮助

help-disclose = 村级财务公开表（按季度或按月）：收入、支出、资产负债、收益分配；一个村，或每个村一份写入文件夹
help-disclose-village = 村名（与农户名册、项目所有者或科目名中的村名一致）
help-disclose-town = 每个村一份（另加镇级一份：不属于任何村的收支），写入 --out 指定的文件夹
help-disclose-quarter = 季度，如 2024Q3
help-disclose-month = 月份（按月公开的村），如 2024-09
help-disclose-format = 输出格式：text、csv、json、xlsx 或 pdf；默认按 --out 文件的扩展名，否则为 text；用 --town 时默认为 pdf
help-disclose-threads = 生成 --town 各文件的线程数
help-disclose-out = 写入的文件（扩展名决定格式）；用 --town 时为写入的文件夹
help-bench-disclose = 不做记账基准测试，改为：生成含 50 个村的科目和农户、共这么多笔凭证的账套，计时 disclose --town

## 消息

disclose-bad-quarter = “{ $value }”不是季度：请写作 2024Q3
disclose-bad-month = “{ $value }”不是月份：请写作 2024-09
disclose-no-village = 没有名为 { $village } 的村（各村：{ $villages }）
disclose-written = { $out }：{ $village }，{ $period }：收入 { $income }，支出 { $spending }，受益 { $households } 户
disclose-town-written = 已将 { $period } 的 { $count } 份公开表写入 { $out }（{ $kilobytes } kB，{ $seconds } 秒）
disclose-file = { $village }：{ $path }（收入 { $income }，支出 { $spending }，受益 { $households } 户）
disclose-town-failed = { $count } 个村失败：
disclose-village-not-file = 村名 "{ $village }" 不能用作文件名：{ $why }；未生成公开表
disclose-outside-dir = 公开表会写到 { $dir } 之外的 { $path }；未生成公开表
disclose-would-overwrite = 其文件 { $path } 已属于 { $other }；未生成公开表
bench-disclose-run = disclose --town：{ $transactions } 笔凭证，{ $villages } 个村，{ $households } 户（{ $path }）
demo-disclosures = -- { $period } 村级财务公开表：{ $count } 份 PDF 在 { $dir }（每村一份，另加镇级一份）；{ $failed } 份失败
