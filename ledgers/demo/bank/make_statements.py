#!/usr/bin/env python3
"""The demo town's bank statements, as the bank exports them (GBK CSV with title, summary and
trailer rows; debit and credit columns; the running balance).

The bank's side is written from a demo ledger's postings to two bank accounts, then made a
bank's own: its lines carry the serial numbers the vouchers quote, its counterparties, and the
items the books do not have yet (a bank charge, the 4th quarter's interest) or the bank not
yet (a rent cheque deposited on 27 December that the bank credits on 2 January).

    python3 ledgers/demo/bank/make_statements.py reports/demo/townledger.db
"""
import csv
import io
import sqlite3
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent
HOUSEHOLDS = {r["id"]: r for r in csv.DictReader(open(OUT.parent / "households.csv", encoding="utf-8"))}
NAMES = {r["name"]: r for r in HOUSEHOLDS.values()}

ACCOUNTS = {
    "reserve": ("资产:银行存款:储备金专户", "4467 0101 0400 1888 6", "阳西县程村镇人民政府防止返贫储备金专户"),
    "basic": ("资产:银行存款:基本户", "4467 0101 0400 1666 2", "阳西县程村镇人民政府"),
}


def fen(x):
    return int(round(x))


def yuan(f):
    sign = "-" if f < 0 else ""
    f = abs(f)
    return f"{sign}{f // 100:,}.{f % 100:02d}"


def counterparty(memo, ref):
    for name, h in NAMES.items():
        if name in memo:
            return name, h["bank_card"]
    if "G1" in (ref or ""):
        h = HOUSEHOLDS["H0015"]
        return h["name"], h["bank_card"]
    for project in ["东水茶场", "罗非鱼养殖", "程村蚝养殖与加工", "沉香种植", "长角水库光伏", "扶贫车间"]:
        if project in memo:
            return project, ""
    if "慈善会" in memo or "企业" in memo:
        return memo.split("“")[0].replace("收", ""), ""
    if "太平洋财险" in memo:
        return "太平洋财产保险股份有限公司阳西支公司", "4467 0101 0400 9999 1"
    return "", ""


def bank_text(memo):
    if "工资" in memo:
        return "代发工资"
    if "助学金" in memo:
        return "转账 助学金"
    if "结息" in memo:
        return "结息"
    if "管理费" in memo:
        return "账户管理费"
    if "分红" in memo or "租金" in memo:
        return "来账 " + memo[:12]
    if "救助" in memo:
        return "转账 救助款"
    if "第1批" in memo:
        return "代发 动态帮扶 第1批"
    return memo[:16]


def write(path, account, month_label, opening, lines):
    name, number, holder = ACCOUNTS[account]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["中国农业银行账户交易明细"])
    w.writerow([f"账号：{number}"])
    w.writerow([f"户名：{holder}"])
    w.writerow([f"起止日期：{month_label}"])
    w.writerow([f"期初余额：{yuan(opening)}"])
    w.writerow(["交易日期", "交易时间", "摘要", "借方发生额", "贷方发生额", "余额", "对方账号", "对方户名", "交易流水号"])
    bal = opening
    debit = credit = 0
    for (date, time, text, amount, cp, cp_account, serial) in lines:
        bal += amount
        if amount < 0:
            debit -= amount
        else:
            credit += amount
        w.writerow([date.replace("-", ""), time, text,
                    yuan(-amount) if amount < 0 else "", yuan(amount) if amount > 0 else "",
                    yuan(bal), cp_account, cp, serial])
    w.writerow(["合计", "", f"共{len(lines)}笔", yuan(debit), yuan(credit), "", "", "", ""])
    w.writerow([f"期末余额：{yuan(bal)}"])
    w.writerow(["打印时间：2025-02-05 09:30:12  本回单仅供对账使用"])
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return bal


def main(db):
    c = sqlite3.connect(db)

    def postings(account, start, end):
        return [
            dict(date=r[0], amount=r[1], memo=r[2], ref=r[3], voucher=r[4])
            for r in c.execute(
                """select p.date, p.amount, coalesce(p.memo, t.memo), p.ref, t.voucher
                   from postings p join accounts a on a.id = p.account join transactions t on t.id = p.txn
                   where a.name = ? and p.date between ? and ? order by p.date, t.id""",
                (account, start, end),
            )
        ]

    def opening_of(account, before):
        return c.execute(
            "select coalesce(sum(p.amount),0) from postings p join accounts a on a.id=p.account where a.name=? and p.date < ?",
            (account, before),
        ).fetchone()[0]

    def lines_of(ps, skip=()):
        out = []
        for i, p in enumerate(ps):
            if p["voucher"] in skip:
                continue
            cp, cp_account = counterparty(p["memo"], p["ref"])
            serial = p["ref"] if (p["ref"] or "").startswith("NX") else ""
            out.append((p["date"], f"{9 + i % 8:02d}{(7 * i) % 60:02d}{(13 * i) % 60:02d}",
                        bank_text(p["memo"]), p["amount"], cp, cp_account, serial))
        return out

    # The reserve fund's 专户: August to November (October and November without a line).
    acc = ACCOUNTS["reserve"][0]
    bal = opening_of(acc, "2024-08-01")
    for month, end in [("2024-08", "31"), ("2024-09", "30"), ("2024-10", "31"), ("2024-11", "30")]:
        ps = postings(acc, f"{month}-01", f"{month}-{end}")
        bal = write(OUT / f"reserve-{month}.csv", "reserve", f"{month}-01 至 {month}-{end}", bal, lines_of(ps))

    # The basic account: November to January.
    acc = ACCOUNTS["basic"][0]
    bal = opening_of(acc, "2024-11-01")
    nov = lines_of(postings(acc, "2024-11-01", "2024-11-30"))
    bal = write(OUT / "basic-2024-11.csv", "basic", "2024-11-01 至 2024-11-30", bal, nov)
    dec_books = postings(acc, "2024-12-01", "2024-12-31")
    rent = next(p for p in dec_books if "租金" in p["memo"])
    dec = lines_of(dec_books, skip={rent["voucher"]})
    dec.append(("2024-12-21", "020000", "结息 第4季度", 236_15, "", "", "NX202412210003"))
    dec.append(("2024-12-31", "235900", "账户管理费", -15_00, "", "", "NX202412310001"))
    dec.sort(key=lambda l: (l[0], l[1]))
    bal = write(OUT / "basic-2024-12.csv", "basic", "2024-12-01 至 2024-12-31", bal, dec)
    jan = [("2025-01-02", "101500", "支票存入 扶贫车间租金", rent["amount"], "阳西县程村镇扶贫车间", "", "")]
    jan += lines_of(postings(acc, "2025-01-01", "2025-01-31"))
    write(OUT / "basic-2025-01.csv", "basic", "2025-01-01 至 2025-01-31", bal, jan)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "reports/demo/townledger.db")
