# 各命令与参数的说明。命令的键是它的路径（help-allocate-plan）；参数的键是命令的键加参数名
# （help-allocate-plan-policy），多个命令共用的参数用 help-arg-参数名。-long 键是 --help 的详细说明。

help-townledger = 防返贫资金复式记账：产业分红、收益倾斜分配、储备金、农户明细单
help-townledger-ledger = 账套文件
help-townledger-operator = 记账人（记入每笔凭证）；默认为登录名
help-townledger-lang = 提示与帮助的语言：zh（默认）或 en；在命令行上给出时，所打印报表也用该语言

# 多个命令共用。
help-arg-format = 输出格式：text、csv、json、xlsx 或 pdf；默认按 --out 文件的扩展名，否则为 text
help-arg-out = 写入此文件而不是标准输出（.txt、.csv、.json、.xlsx 或 .pdf）
help-arg-font = PDF 所用字体（TTF、OTF 或 TTC；`文件.ttc#2` 选第几个字形）；默认为内置的思源黑体子集
help-arg-from = 只计此日及以后的分录（YYYY-MM-DD）
help-arg-to = 只计此日及以前的分录（YYYY-MM-DD）
help-arg-run = 分配批次号（见 `allocate list`）
help-arg-unmasked = 显示完整姓名、身份证号和卡号（供镇办明确导出之用）

help-init = 新建账套，使用标准会计科目表（财会〔2023〕14号）
help-init-town = 账套所属的镇（印在明细单上），如 程村镇

help-accounts = 列出或新增会计科目
help-accounts-list = 列出全部科目及其编码和类型
help-accounts-add = 新增科目
help-accounts-add-name = 科目全称，各级以 “:” 连接（资产:银行存款:储备金专户）
help-accounts-add-kind = 类型：asset（资产）、liability（负债）、net_assets（净资产）、income（收入）或 expense（支出）；不给则按一级科目判断
help-accounts-add-code = 科目编码（如 10201）；凡可写科目名处都可用编码

help-import = 向账套导入数据（全部成功或全部不写）
help-import-postings = 导入凭证文件过账（CSV，或 .xlsx、.xls、.ods 工作簿的第一张表）；全部成功或全部不写
help-import-postings-long =
    导入凭证文件过账：CSV，或第一张表含下列各列的工作簿（.xlsx、.xls、.ods）。全部成功或全部不写：文件中只要有一行有误就不过账，每一行错误都按 “文件:行号: 原因” 报出。

    认得的列名（按表头识别，顺序不限，中英文均可；其他列忽略）：
      凭证号、交易号、凭证字号、凭证编号（txn_id）：凭证号相同的各行合为一张凭证
      日期、记账日期、凭证日期、业务日期（date）：YYYY-MM-DD 或 YYYY/MM/DD
      科目、账户、会计科目、科目名称、科目全称（account）；或 科目编码、科目代码（account_code）
      金额（amount，借方为正、贷方为负）；或 借方、借方金额、借（debit）与 贷方、贷方金额、贷（credit）
      摘要、备注（memo）
      户编号、农户（household，可选）
      参考号、单据号（ref，可选）
help-import-postings-file = 凭证文件（.csv、.xlsx、.xls 或 .ods）
help-import-postings-encoding = 文件编码：utf-8 或 gbk；不给则自动识别
help-import-postings-create-accounts = 自动新增未知科目（类型按一级科目判断）
help-import-postings-dry-run = 只检查文件并报告将过账的内容，不过账

help-balance = 科目余额表：各科目期初余额、本期借贷方发生额、期末余额，及各级小计
help-balance-as-of = 截至此日日终的余额（同 --to）
help-balance-depth = 只显示前几级科目；更深的余额汇入上级

help-register = 科目明细账：某科目（含下级科目）的每笔分录及累计余额
help-register-account = 科目名称或编码；包括其下级科目

help-export = 导出全部日记账，供 hledger、ledger-cli 或 Beancount 使用，或导出为分录 CSV
help-export-format = 导出格式：ledger、beancount 或 csv（详见 --help）
help-export-format-long =
    导出格式，可选：
      ledger     hledger 与 ledger-cli 的日记账（也可写 hledger、journal）
      beancount  Beancount 账本文件（也可写 bean）
      csv        `import postings` 可读的分录 CSV：可原样导入另一账套
help-export-out = 写入此文件而不是标准输出

help-reverse = 红字冲销一张凭证（生成与之关联的相反分录）
help-reverse-voucher = 要冲销的凭证：账簿凭证号（2024-12-0007）或会计自编凭证号（记-002，即 txn_id）
help-reverse-reason = 冲销原因（随冲销凭证保存）
help-reverse-date = 冲销日期；默认今天

help-verify = 重新核算两条审计链、各项合计和各张表；未被改动才以 0 退出
help-verify-public-key = 镇办的公钥（`office.pub`）：逐个核验检查点，且至少一个须由此密钥签名

help-checkpoint = 用镇办的密钥（保存在账套之外）对账套当前状态签名
help-checkpoint-key = 镇办的私钥（由 `townledger key new 文件` 生成），保存在账套之外

help-key = 检查点签名密钥
help-key-new = 生成新的 Ed25519 密钥对：私钥写入 文件（仅所有者可读），公钥写在旁边（`office.key` → `office.pub`）；不会覆盖已有文件
help-key-new-file = 私钥写入的位置

help-households = 监测户名册：导入（CSV/XLSX，保留历史）、列表、变更历史
help-households-import = 导入监测户名册（CSV 或 XLSX）；有变化的农户记为新版本
help-households-import-file = 名册文件（.csv 或 .xlsx）
help-households-import-effective = 文件中数据的生效日期（默认今天）；农户的第一个版本也适用于更早的日期
help-households-import-encoding = CSV 的编码：utf-8 或 gbk；不给则自动识别
help-households-list = 某日有效的名册；除非给出 --unmasked，身份证号和卡号都打码
help-households-list-as-of = 名册截至的日期（默认今天）
help-households-history = 一户的历次变更
help-households-history-id = 户编号，如 H0001

help-allocate = 分配批次：测算、查看、审批、公示、过账、冲销、列表
help-allocate-plan = 测算一个分配批次：每户的权重和精确分配额；最后一行打印批次号
help-allocate-plan-policy = 分配方案文件（TOML）：谁可分配、权重、保底与封顶、固定项目
help-allocate-plan-fund = 资金名称或别名（动态帮扶 / dynamic、631、6·30、储备金），或科目名称
help-allocate-plan-amount = 分配总额，元（520000 或 520,000.00）
help-allocate-plan-date = 分配日期：使用此日有效的农户数据
help-allocate-plan-year = 方案年度（监测线）；默认为分配日期所在年
help-allocate-show = 批次中的每一户：权重构成、精确分配额、说明
help-allocate-approve = 审批批次：先 --role village（村），再 --role town（镇）；测算人不得审批
help-allocate-approve-by = 审批人（个人或机构，如 村委会）；不得为测算人
help-allocate-approve-role = village（村委会，先审）或 town（镇办，后审）
help-allocate-approve-date = 审批日期（默认今天；不得早于批次日期）
help-allocate-notice = 公示表（已打码）；打印后记下公示日期
help-allocate-notice-published = 公示日期（默认今天；以第一次公示为准；不得早于镇办审批）
help-allocate-post = 批次过账：由资金向每户记应付（只能一次）
help-allocate-post-date = 凭证日期（默认最早可付款日，若其晚于今天则为今天）
help-allocate-post-force = 在公示期结束前过账（须给出 --reason）
help-allocate-post-reason = 公示期未满即过账的原因（随批次保存）
help-allocate-reverse = 以一个冲销批次冲回已过账、未付款的批次
help-allocate-reverse-reason = 冲销原因（随冲销批次保存）
help-allocate-reverse-date = 冲销日期；默认今天
help-allocate-list = 列出全部批次

help-pay = 从银行账户向已过账批次的农户付款（或按银行回单文件）
help-pay-run = 要付款的分配批次
help-pay-date = 付款日期（默认今天）
help-pay-from = 付款的银行账户
help-pay-bank-file = 银行代发结果文件（CSV：household_id,amount,status[,ref,reason]）；只付成功的行，失败的仍为应付

help-project = 产业项目：新增、列表
help-project-add = 新增产业项目及其收入科目 收入:投资收益:<名称>
help-project-add-id = 项目代号：小写英文字母、数字、“-” 或 “_”（如 oyster）
help-project-add-name = 中文名称（如 程村蚝养殖与加工）；用作收入科目名
help-project-add-invested = 投资额，元（1130000 或 1,130,000.00）
help-project-add-rate = 预期年收益率：分红或租金 ÷ 投资额（0.12 或 12%）
help-project-add-owner = 所属村或镇；不给则为镇
help-project-add-kind = 类型：dividend（分红）或 rent（租金）
help-project-list = 列出各项目的投资额、收益率和预期年收益

help-dividend = 项目分红：登记一笔，按年核对应收与实收
help-dividend-record = 登记项目的一笔分红（或租金）：先从中支付土地租金和运维费
help-dividend-record-project = 项目代号（见 `project list`）
help-dividend-record-date = 收到分红的日期（YYYY-MM-DD 或 YYYY/MM/DD）
help-dividend-record-amount = 分红总额，元
help-dividend-record-rent = 从中支付的土地租金，元
help-dividend-record-upkeep = 从中支付的运维费，元
help-dividend-record-to = 余款存入的资产科目（默认 资产:银行存款:基本户）
help-dividend-record-memo = 凭证摘要（默认 “<名称> <年度>年分红”）
help-dividend-record-year = 收益所属年度（默认为日期所在年）
help-dividend-record-excess-to = 将超出项目预期收益的部分（超额分红）转入该资金（如 储备金）
help-dividend-report = 按项目和年度核对应收与实收
help-dividend-report-year = 只看此年度（默认有分红的各年度）

help-tilt = 从本年度项目收益中按比例提取，转入动态帮扶资金
help-tilt-year = 提取收益的年度
help-tilt-share = 从各项目净收益中提取的比例：0.10–0.12（或 10%–12%）
help-tilt-projects = 只提取此项目（可重复给出）；默认为本年度有分红的全部项目
help-tilt-from-630 = 从 6·30 资金转入动态帮扶资金的金额，元
help-tilt-date = 提取日期（默认为该年 12 月 31 日）
help-tilt-override-range = 允许比例超出 0.10–0.12（须给出 --reason）
help-tilt-reason = 超出比例的原因（随提取凭证保存）

help-statement = 农户明细单（中文 PDF）：一户、一个村或全镇
help-statement-household = 一户的农户收益分配明细单
help-statement-household-id = 户编号，如 H0001
help-statement-household-out = 写入的文件；扩展名决定格式（.pdf、.xlsx、.csv、.json、.txt）
help-statement-village = 为一个村的每一户生成 PDF（期间内无发生额的也打印）
help-statement-village-village = 村名（与名册一致，如 程村）
help-statement-village-out = 写入的文件夹（每村一个子文件夹）
help-statement-village-threads = 打印明细单的线程数
help-statement-town = 为全镇每个村的每一户生成 PDF
help-statement-town-out = 写入的文件夹（每村一个子文件夹）
help-statement-town-threads = 打印明细单的线程数
help-statement-household-year = 一个自然年（同 --from 年-01-01 --to 年-12-31）
help-statement-village-year = 一个自然年（同 --from 年-01-01 --to 年-12-31）
help-statement-town-year = 一个自然年（同 --from 年-01-01 --to 年-12-31）
help-statement-household-font = 另用字体（TTF、OTF 或 TTC；`文件.ttc#2` 选第几个字形）
help-statement-village-font = 另用字体（TTF、OTF 或 TTC；`文件.ttc#2` 选第几个字形）
help-statement-town-font = 另用字体（TTF、OTF 或 TTC；`文件.ttc#2` 选第几个字形）
help-statement-household-from = 期间首日（与 --to 同用）
help-statement-household-to = 期间末日（与 --from 同用）
help-statement-village-from = 期间首日（与 --to 同用）
help-statement-village-to = 期间末日（与 --from 同用）
help-statement-town-from = 期间首日（与 --to 同用）
help-statement-town-to = 期间末日（与 --from 同用）

help-demo = 用 ledgers/demo/ 的数据建立示范镇账套并打印其报表
help-demo-out = 示范账套及其报表的存放位置
help-demo-data = 示范镇的数据（ledgers/demo）

help-bench = 在生成的全镇日记账上测量导入、余额表和明细账的耗时
help-bench-transactions = 生成的凭证笔数
help-bench-households = 农户科目数
help-bench-dir = 工作目录（日记账和账套写在这里）
help-bench-runs = 每个查询命令运行的次数；报告中位数
help-bench-allocation = 改为测量分配：对这么多户测算、过账并付款一个批次
help-bench-journal = 与 --allocation 同用：先向同一账套导入这么多笔生成的凭证，使最后的 `verify` 同时覆盖两者（日记账和批次各表）
help-bench-funds = 另将同一账目加上资金栏（其中十分之一的交易写明资金用途）导入，与不带资金栏的导入并排计时，并计时 `fund show` 和 `fund statement`

help-simulate = 随机执行各写入命令的序列并注入故障，每一步后核对账目；失败的种子可重放同样的过程
help-simulate-seed = 随机种子：同一种子走同样的步骤（默认取自时钟，并打印出来）
help-simulate-sequences = 序列数（每个序列一个新的镇和账套）
help-simulate-steps = 每个序列的步数
help-simulate-sequence = 只运行第几个序列（从 0 起），与整次运行中的该序列相同
help-simulate-kills = 通过本程序执行 `import postings` 并在随机时刻以 SIGKILL 中止的轮数
help-simulate-kill-transactions = 这些轮次导入的日记账的凭证笔数
help-simulate-dir = 账套存放位置（默认在系统临时目录新建文件夹）；通过的序列不留文件，失败的留下账套和文件
help-simulate-log = 逐步打印每一步（命令及结果）

help-balance-accounts = 只列这些科目及其下级（科目编码或名称，如 241、负债:专项应付款）
help-balance-style = cn：科目余额表（文本、PDF、XLSX 默认）；plain：试算平衡表。CSV、JSON 默认 account,balance 两列，--style cn 给出整张表
help-balance-entity = 编制单位；默认为 init --town 设定的镇名
help-voucher = 查看一张凭证（记账凭证），按账簿凭证号或会计自编凭证号
help-voucher-voucher = 凭证：账簿凭证号（2024-03-0002）或会计自编凭证号（记-002，即导入文件中的 txn_id）
help-fund = 专项资金：列表、新增、规则、收入、支出、收支情况、收支明细表
help-fund-list = 各项资金：余额、科目、存放账户、别名
help-fund-add = 登记一项资金（科目不存在时一并建立）
help-fund-add-id = 资金编号，一个词（如 助学基金）；各命令以此称呼该资金
help-fund-add-account = 资金的负债科目，在 负债:专项应付款 之下（如 负债:专项应付款:助学基金）
help-fund-add-bank = 存放资金的银行账户，在 资产:银行存款 之下（专户，或基本户分账核算）
help-fund-add-kind = 类型：dynamic（动态帮扶）、631、donation（捐赠）、reserve（储备金）、insurance（防贫保）或 other
help-fund-add-name = 全称；不给则同编号
help-fund-add-aliases = 别名，各命令也可用它称呼该资金（可重复）
help-fund-rules = 资金规则（funds.toml）：导入规则文件，或查看现行规则
help-fund-rules-file = 要导入的规则文件（funds.toml）；不给则显示现行规则
help-fund-contribute = 资金收入：631 资金按来源拨入，6·30 捐赠写明捐赠方
help-fund-contribute-fund = 资金（631、630、储备金……）
help-fund-contribute-source = 资金来源（631：省级、帮扶市、本市……）
help-fund-contribute-donor = 捐赠方（6·30 捐赠）
help-fund-contribute-restricted = 定向捐赠的指定用途；不给则为非定向
help-fund-contribute-amount = 金额（元，精确到分）
help-fund-contribute-date = 到账日期（默认今天）
help-fund-contribute-memo = 凭证摘要（默认：资金名称、来源或捐赠方）
help-fund-contribute-reference = 外部单据号：银行流水号
help-fund-contribute-in-kind = 实物捐赠，按价值入账：记在 资产:受赠物资，不作为现金
help-fund-spend = 资金支出，写明用途
help-fund-spend-fund = 资金（631、630、储备金……）
help-fund-spend-purpose = 用途（就业补贴、助学……），须为 funds.toml 允许的用途
help-fund-spend-household = 收款农户
help-fund-spend-project = 资金投向的项目
help-fund-spend-amount = 金额（元，精确到分）
help-fund-spend-date = 支付日期（默认今天）
help-fund-spend-memo = 凭证摘要（默认：资金名称、用途、农户）
help-fund-spend-reference = 外部单据号：银行流水号
help-fund-spend-to = 贷记此科目而非资金的存放账户（如应付款，日后再付）
help-fund-spend-in-kind = 发放受赠实物：贷记 资产:受赠物资，而非银行存款
help-fund-show = 单项资金收支情况：按来源或捐赠方的收入、按用途的支出、定向资金
help-fund-show-fund = 资金（631、630、储备金……）
help-fund-show-year = 年度（有资金年度的资金如 6·30，显示该年度：6 月至次年 5 月）
help-insurance = 防贫保：年度参保名单、向保险公司缴保费、理赔
help-insurance-enroll = 按农户名册生成年度参保名单并计算保费
help-insurance-enroll-year = 保险年度
help-insurance-enroll-per-member = 每名参保人员的保费（元）
help-insurance-enroll-insurer = 保险公司（保费的收款方）
help-insurance-enroll-categories = 参保类别：unstable、marginal、sudden、watch（或中文名称）
help-insurance-enroll-date = 按哪一天的农户名册（默认当年 1 月 1 日）
help-insurance-pay-premium = 从某项资金向保险公司缴纳年度保费
help-insurance-pay-premium-year = 保险年度
help-insurance-pay-premium-date = 缴费日期
help-insurance-pay-premium-from = 列支的资金（631、630、dynamic……）
help-insurance-claim = 收到保险公司为某户支付的理赔款（记为应付该户；加 --paid 即时转付）
help-insurance-claim-household = 参保农户
help-insurance-claim-amount = 金额（元，精确到分）
help-insurance-claim-cause = 出险原因（意外、因病、因灾……）
help-insurance-claim-date = 理赔款到账日期
help-insurance-claim-year = 参保年度（默认到账日期所在年度）
help-insurance-claim-paid = 即时转付到农户一卡通
help-insurance-pay-claims = 将已收到、尚未转付的理赔款全部转付农户
help-insurance-pay-claims-date = 转付日期
help-insurance-pay-claims-year = 只转付该年度的理赔
help-insurance-show = 年度参保名单、保费与理赔
help-insurance-show-year = 保险年度
help-period = 结账：结账、反结账、查看结账记录
help-period-close = 核对账簿后结账至某月（YYYY-MM）：此后不得记入或冲销该月及以前日期的凭证
help-period-close-month = 月份，YYYY-MM
help-period-close-by = 结账人（默认：操作员）
help-period-reopen = 反结账：重新打开已结账的月份（及以后各月），须写明原因，且不得由结账人办理
help-period-reopen-month = 月份，YYYY-MM
help-period-reopen-reason = 反结账的原因
help-period-reopen-by = 反结账人（默认：操作员）；不得是结账人
help-period-list = 全部结账、反结账记录，以及当前已结账的月份

help-notes = （{ $notes }）
help-note-separator = ；
help-note-default = 默认：{ $value }
help-note-possible = 可选：{ $values }
help-note-env = 环境变量：{ $name }
help-bank = 银行对账单：导入对账单，查看某账户的对账单
help-bank-import = 导入银行导出的对账单（GBK 或 UTF-8 的 CSV，或 Excel 工作簿）；全部成功或不作改动
help-bank-import-account = 账簿中的银行存款账户（资产:银行存款:储备金专户）
help-bank-import-file = 银行对账单文件
help-bank-import-name = 对账单名称（默认其月份，如 2024-09）
help-bank-import-mapping = 列对照文件（TOML），用于内置格式不认识的版式
help-bank-import-encoding = utf-8 或 gbk；省略时自动识别
help-bank-import-opening = 期初余额（文件没有余额列时）
help-bank-statements = 某账户的每份对账单：期间、期初期末余额、笔数、已勾对
help-bank-statements-account = 账簿中的银行存款账户
help-reconcile = 银行对账：自动勾对对账单与账簿，列出双方未达账项，编制银行存款余额调节表，锁定
help-reconcile-account = 账簿中的银行存款账户（资产:银行存款:储备金专户）
help-reconcile-statement = 对账单（2024-09）；默认最近一份
help-reconcile-window = 银行流水与凭证日期最多相差的天数
help-reconcile-match = 手工勾对银行流水与凭证：金额须分毫不差
help-reconcile-match-account = 账簿中的银行存款账户
help-reconcile-match-bank-line = 银行流水号（reconcile 列表中的行号）；可重复
help-reconcile-match-voucher = 凭证号（账簿编号或自编号）；可重复
help-reconcile-unmatch = 撤销某笔银行流水（或凭证）的勾对
help-reconcile-unmatch-account = 账簿中的银行存款账户
help-reconcile-unmatch-bank-line = 要撤销勾对的银行流水
help-reconcile-unmatch-voucher = 或要撤销勾对的凭证
help-reconcile-report = 对账单的银行存款余额调节表（文本、CSV、JSON、XLSX 或 PDF）
help-reconcile-report-account = 账簿中的银行存款账户
help-reconcile-report-statement = 对账单（2024-09）；默认最近一份
help-reconcile-lock = 锁定已对平的对账单：勾对不得撤销，相关凭证不得冲销
help-reconcile-lock-account = 账簿中的银行存款账户
help-reconcile-lock-statement = 对账单（2024-09）
help-reconcile-unlock = 解锁已锁定的对账单，须写明原因
help-reconcile-unlock-account = 账簿中的银行存款账户
help-reconcile-unlock-statement = 对账单（2024-09）
help-reconcile-unlock-reason = 解锁原因
help-period-close-force = 银行对账单缺失或未对平锁定时仍然结账（须 --reason）
help-period-close-reason = 强制结账的原因（随结账记录保存）
help-bench-reconcile = 不做日记账测试，改为：一个银行账户一年的这么多笔分录，导入 --bank-lines 笔银行流水并自动勾对
help-bench-bank-lines = 配合 --reconcile：对账单的流水笔数
help-user = 网页版的用户：添加、列出、停用
help-user-add = 添加一个用户并指定角色；密码询问两次（或从标准输入读取）
help-user-add-name = 用户名（记在其过账的每笔凭证上）
help-user-add-role = village（村委会）、town（镇财务）、cashier（出纳）、inspector（督查审计）或 admin（管理员）
help-user-add-password-stdin = 从标准输入的第一行读取密码，不再询问
help-user-list = 列出所有用户及其角色、是否停用
help-user-disable = 停用一个用户：记录保留，不能再登录
help-user-disable-name = 要停用的用户
help-serve = 在网页上提供账套（默认 http://127.0.0.1:8080）
help-serve-addr = 监听的地址和端口（默认 127.0.0.1:8080：仅本机）；端口 0 表示自动选择空闲端口
help-demo-serve = 随后为每个角色添加一个用户（密码只打印一次），并在网页上提供示范账套
help-demo-addr = 与 --serve 一起使用：监听的地址和端口
help-bench-web = 不做日记账基准，改为：导入生成的日记账，在其上启动 `serve`，以已登录用户计时各网页（概览、科目余额表、明细账的第一页与靠后一页、凭证）
help-bench-clients = 配合 --web：改做负载测试：这么多个客户端（各以自己的用户登录）在 --seconds 秒内通过长连接读取网页，同时一名会计通过导入页上传凭证文件；结束后在账中核对上传的凭证
help-bench-seconds = 配合 --clients：客户端读取的时长（秒）
