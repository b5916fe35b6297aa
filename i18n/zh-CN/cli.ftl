# The command line: help layout and clap's messages.
help-heading-usage = 用法：
help-heading-commands = 命令
help-heading-arguments = 参数
help-heading-global = 全局选项
help-heading-options = 选项
help-value-command = 命令
help-flag-help = 显示帮助（-h 为摘要，--help 为详细说明）
help-flag-version = 显示版本号
help-help = 显示本说明，或所给命令的说明
help-help-command = 要查看说明的命令（可多级，如 allocate plan）

cli-error = 错误：{ $message }
cli-usage = 用法：{ $usage }
cli-more-help = 更多说明请用 --help。
cli-suggestion = 提示：是否想用 “{ $suggestion }”？
cli-unknown-language = 未知语言 “{ $value }”（可用 zh、zh-CN 或 en）
cli-missing-value = 参数 { $arg } 需要一个值，但没有给出
cli-invalid-value = 参数 { $arg } 的值 “{ $value }” 无效
cli-invalid-value-one-of = 参数 { $arg } 的值 “{ $value }” 无效（可选：{ $valid }）
cli-value-refused = 参数 { $arg } 的值 “{ $value }” 无效：{ $reason }
cli-unknown-argument = 无法识别的参数 “{ $arg }”
cli-unknown-command = 无法识别的命令 “{ $name }”
cli-missing-argument = 缺少必需的参数：{ $arg }
cli-missing-command = 缺少子命令 { $name }
cli-conflict = 参数 { $arg } 不能与 { $other } 同时使用
cli-no-equals = 参数 { $arg } 的值须用 “=” 连接
cli-value-count = 参数 { $arg } 的值个数不对
cli-invalid-utf8 = 参数中含有无效的 UTF-8 字符
cli-other = 命令行有误（{ $detail }）
