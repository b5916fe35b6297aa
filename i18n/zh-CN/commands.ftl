# What the commands print.
standard-output = 标准输出
chain-head = 审计链头 { $head }
option-refused = { $option }：{ $reason }
household-not-found = 名册中没有农户 { $id }
period-from-after-to = --from { $from } 晚于 --to { $to }

out-format-mismatch = --format { $format } 与 --out { $out } 不符（该文件是 { $named } 格式）；请用相符的扩展名
out-binary-to-terminal = { $format } 是二进制格式，而标准输出是终端：请用 --out 文件，或重定向（> 文件）
out-unknown-extension = --out { $out }：未知的扩展名 “.{ $extension }”（可用：{ $known }）

init-created = 已新建账套 { $ledger }，使用村集体经济组织会计科目表（财会〔2023〕14号，{ $accounts } 个科目）

accounts-type-unknown = 无法从一级科目判断 “{ $name }” 的类型：请给出 --type
accounts-added = 已新增科目 { $name }（{ $kind }）

import-dry-run = { $file }：试运行：将过账 { $posted } 笔凭证，{ $already } 笔此前已过账；未写入任何内容
import-nothing-posted = { $file }：未过账：全部 { $already } 笔凭证此前均已过账
import-posted = { $file }：已过账 { $posted } 笔凭证、{ $postings } 条分录，凭证号 { $first } … { $last }
import-skipped = ；{ $already } 笔此前已过账，已跳过
import-accounts-created = 新增 { $count } 个科目：{ $names }
import-accounts-more = 等，另有 { $more } 个（见 townledger accounts list）

households-imported = { $file }：读入 { $read } 户；新增 { $added } 户，变更 { $changed } 户（自 { $effective } 起生效），未变 { $unchanged } 户
households-changed = 变更：{ $ids }
households-not-in-file = 账套中有 { $count } 户不在此文件中，保持原样

allocate-planned = 已测算批次 { $run }：从 { $fund } 分配 { $amount }，日期 { $date }，方案 “{ $policy }”（sha256 { $sha256 }）
allocate-planned-counts = 可分配 { $eligible } 户，排除 { $excluded } 户；{ $floor } 户按保底，{ $cap } 户按封顶；固定项目 { $fixed }，按权重分配 { $apportioned }
allocate-note = 注意：{ $note }
allocate-role-village = 村
allocate-role-town = 镇
allocate-approved = 批次 { $run } 已由 { $approver }（{ $role }）于 { $date } 审批；状态：{ $status }
allocate-notice-published = 批次 { $run } 已于 { $published } 公示；自 { $earliest } 起可付款
allocate-force-needs-reason = --force 须同时给出 --reason 原因
allocate-posted = 批次 { $run } 已过账，凭证号 { $voucher }：从 { $fund } 应付农户 { $amount }
allocate-reversed = 批次 { $run } 已由批次 { $new_run } 冲销（凭证号 { $voucher }）
run-status-planned = 已测算
run-status-village-approved = 村已审批
run-status-approved = 已审批
run-status-noticed = 已公示
run-status-posted = 已过账
run-status-reversed = 已冲销
run-status-reversal = 冲销批次

pay-paid = 批次 { $run }：已向 { $households } 户付款 { $amount }，付款账户 { $from }（凭证号 { $voucher }，{ $date }）
pay-nothing = 批次 { $run }：没有付款
pay-still-payable = 仍未付（{ $count } 户）：

reverse-done = 凭证 { $voucher } 已由 { $reversal } 冲销（{ $date }）
reverse-done-named = 凭证 { $voucher }（{ $original }）已由 { $reversal } 冲销（{ $date }）

verify-journal-ok = 通过：{ $transactions } 笔凭证、{ $postings } 条分录；每张凭证都与其审计哈希相符且借贷平衡
verify-records-ok = 通过：{ $records } 条记录覆盖 { $tables } 张表（{ $rows } 行）；每一行都与记录相符
verify-no-checkpoint = 尚无签名检查点（townledger checkpoint --key 文件）
verify-checkpoints-signed = 通过：{ $checkpoints } 个检查点，其中 { $signed } 个由密钥 { $key } 签名；最后一个 #{ $last } 于 { $at } 由 { $last_key } 签名
verify-checkpoints-hold = 通过：{ $checkpoints } 个检查点均成立（各按其自身密钥；给出 --public-key 可要求必须是你的密钥）；最后一个 #{ $last } 于 { $at } 由密钥 { $last_key } 签名

checkpoint-signed = 检查点 #{ $id } 已由密钥 { $key } 签名：{ $transactions } 笔凭证，{ $records } 条记录

key-secret-written = 私钥 { $file }（请保存在账套之外，远离能写账套文件的人）
key-public-written = 公钥 { $file }（密钥 { $key }）

statement-year-out-of-range = 年度 { $year } 超出范围
statement-period-needed = 请给出 --year 年度，或 --from 日期 与 --to 日期
statement-out-extension = --out { $out }：由扩展名决定格式（可用：{ $known }）
statement-household-failed = 农户 { $id }：{ $reason }
statement-written = { $out }：{ $id } 的明细单，{ $from } 至 { $to }：{ $lines } 行，分配 { $allocated }，已付 { $paid }，应付 { $payable }（{ $bytes } 字节）
statement-no-village = 村 { $village } 没有农户（各村：{ $villages }）
statement-register-empty = 监测户名册为空
statement-batch-written = 已将 { $count } 份明细单写入 { $out }：{ $pages } 页，{ $megabytes } MB，{ $seconds } 秒
statement-batch-empty = { $count } 户在此期间没有发生额（照样打印）：{ $ids }
statement-batch-failed = { $count } 户失败：

demo-start = == townledger 示范：程村镇（示范镇），数据来自 { $data }
demo-imported = -- 已从 vouchers-2024.csv 导入 { $vouchers } 张凭证（{ $postings } 条分录）到 { $ledger }
demo-households = -- 监测户名册：{ $count } 户（households.xlsx）
demo-run = -- 分配批次 { $run }：动态帮扶资金 520,000.00，方案 “{ $policy }”：可分配 { $eligible } 户，排除 { $excluded } 户，{ $cap } 户按封顶；固定项目 { $fixed }
demo-approved = -- 村委会（村，2024-12-29）与镇农办（镇，2024-12-30）审批；2024-12-30 公示，自 2025-01-07 起付款（5 个工作日，元旦放假）；过账凭证 { $voucher }
demo-paid = -- 按银行文件 { $file } 向 { $paid } 户付款 { $amount }；仍有 { $unpaid } 户未付；2025-01-09 又向 { $more } 户付款 { $more_amount }
demo-statements = -- 明细单：{ $files } 份 PDF（{ $pages } 页，{ $megabytes } MB）在 { $dir }；{ $empty } 户在此期间没有发生额
demo-statements-failed = ；{ $count } 户失败
demo-verified = -- 核验：通过，{ $transactions } 笔凭证，审计链头 { $head }
demo-written = -- 已写入：
account-kind-asset = 资产
account-kind-liability = 负债
account-kind-net_assets = 净资产
account-kind-income = 收入
account-kind-expense = 支出
balance-as-of-and-to = --as-of 与 --to 只能给其一
balance-depth-zero = --depth 至少为 1
file-name-empty = 名称为空
file-name-dots = 名称是 `{ $text }`
file-name-leading-dot = 名称以点（.）开头
file-name-separator = 名称含有路径分隔符 `{ $char }`
file-name-control = 名称含有控制字符或不可见字符 { $code }
file-name-trailing = 名称以空格或点（.）结尾
statement-village-not-folder = 所在村 "{ $village }" 不能用作文件夹名：{ $why }；未生成明细单
statement-id-not-file = 户编号 "{ $id }" 不能用作文件名：{ $why }；未生成明细单
statement-period-not-file = 期间 "{ $period }" 不能用作文件名的一部分：{ $why }
statement-outside-dir = 明细单会写到 { $dir } 之外的 { $path }；未生成明细单
statement-would-overwrite = 明细单会覆盖 { $other } 的明细单（{ $path }）；未生成明细单
export-format-unknown = 未知的导出格式 “{ $format }”（ledger、beancount 或 csv）
simulate-sequence-out-of-range = --sequence { $sequence }：本次模拟的序列编号为 0 至 { $last }
simulate-start = 模拟中：种子 { $seed }，{ $sequences } 个序列，每个 { $steps } 步，目录 { $dir }
simulate-progress = { $done }/{ $sequences } 个序列，{ $steps } 步，拒绝 { $refused } 次，注入故障 { $injected } 次，{ $seconds } 秒
simulate-ok = 通过：每一步之后各项不变量均成立（重现：townledger simulate --seed { $seed } --sequences { $sequences } --steps { $steps }）
bench-step-failed = 基准测试步骤 { $step } 失败：{ $stderr }
bench-fund-out-of-range = 资金余额超出范围
bench-allocation-run = 分配批次：{ $households } 户，分配总额 { $pool }
bench-generated = 已生成 { $transactions } 笔交易、{ $households } 户：{ $path }（{ $megabytes } MB），用时 { $seconds } 秒
bench-ledger-file = 账套文件：{ $megabytes } MB
