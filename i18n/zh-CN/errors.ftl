rows-nothing-written = 共 { $count } 处错误，未写入任何内容
