#!/usr/bin/env python3
"""Generate the demo town's data: a Chengcun-like town (程村镇, 阳西县, 阳江市, Guangdong).

Writes, next to this script:
  households.csv        the household register, UTF-8, English header, English labour values
  households.xlsx       the same register, Chinese headers and Chinese labour values
  vouchers-2024.csv     a year (2024-01 … 2024-11) of the town's bookkeeping in the postings format
  vouchers-2024-bad.csv a small file of deliberately bad rows, for error reporting

Deterministic: a fixed seed, fixed timestamps inside the xlsx, so re-running gives identical files.
Money is handled as Decimal throughout, never float. Needs openpyxl (pip install openpyxl).

Usage: python3 ledgers/demo/generate.py
"""

import csv
import datetime
import io
import random
import zipfile
from collections import Counter, OrderedDict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
SEED = 20240101
rng = random.Random(SEED)

# ---------------------------------------------------------------------------------------------
# ID numbers (GB 11643: ISO 7064 MOD 11-2) and card numbers (Luhn)
# ---------------------------------------------------------------------------------------------
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"
AREA_YANGXI = "441721"  # 阳西县


def check_char(first17):
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def id_is_valid(idn):
    if len(idn) != 18 or not idn[:17].isdigit():
        return False
    try:
        datetime.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return False
    return check_char(idn[:17]) == idn[17]


def make_id(birth, female, used):
    while True:
        seq = rng.randrange(0, 1000)
        if (seq % 2 == 0) != female:  # the 17th digit is odd for men, even for women
            continue
        first = f"{AREA_YANGXI}{birth:%Y%m%d}{seq:03d}"
        idn = first + check_char(first)
        if idn not in used:
            used.add(idn)
            return idn


def luhn_digit(partial):
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_card(used):
    while True:
        prefix = rng.choice(["6217995", "6228480", "6210985"])
        body = prefix + "".join(str(rng.randrange(10)) for _ in range(18 - len(prefix)))
        card = body + luhn_digit(body)
        if card not in used:
            used.add(card)
            return card


# ---------------------------------------------------------------------------------------------
# Households
# ---------------------------------------------------------------------------------------------
VILLAGES = ["胡荔村", "西一村", "红光村", "蓝袍村", "莲塘村"]
# Common surnames around Yangjiang, more frequent ones weighted up.
SURNAMES = ["陈", "林", "梁", "黄", "叶", "李", "冯", "关", "许", "刘", "杨", "吴", "谭", "莫",
            "姚", "蔡", "何", "邓", "曾", "欧阳"]
SURNAME_WEIGHTS = [9, 7, 7, 6, 5, 6, 4, 3, 3, 4, 3, 3, 2, 3, 2, 2, 3, 2, 2, 1]
MALE = ["志强", "国华", "伟明", "永康", "金水", "明辉", "德胜", "海波", "振华", "家富",
        "土生", "石养", "亚福", "锦荣", "汉文", "树林", "炳坤", "耀祖", "达明", "观福", "有才",
        "日新", "文标", "庆元", "水生", "其昌", "茂林", "广生", "培强", "荣光", "信权", "华清",
        "宗荣", "炳南", "泽民", "俊杰", "亚九", "振南", "惠民", "金福", "永祥", "德才", "启明",
        "业成", "显光", "贤彬", "绍华", "康宁", "伟雄", "平安"]
FEMALE = ["秀英", "玉梅", "桂兰", "亚妹", "丽珍", "美玲", "月娥", "带娣", "少琼", "彩霞",
          "金凤", "二妹", "惠芳", "小燕", "春兰", "爱珍"]

CATEGORY_PLAN = (["脱贫不稳定户"] * 10 + ["边缘易致贫户"] * 22 + ["突发严重困难户"] * 4
                 + ["关注户"] * 10 + [""] * 14)
LABOUR_ZH = {"full": "有劳动能力", "weak": "弱劳动能力", "none": "无劳动能力"}
INCOME_RANGE = {  # per-capita yuan: the poorest are the unstable and sudden-hardship groups
    "脱贫不稳定户": (3000, 6500),
    "突发严重困难户": (3000, 5500),
    "边缘易致贫户": (5200, 9200),
    "关注户": (7000, 11500),
    "": (9000, 15000),
}

# Households whose details come from the source articles; the rest are drawn at random.
SPECIAL = {
    # 胡荔村 叶某: late-stage lung cancer, spouse needs thyroid surgery, two children (11 years
    # and 8 months), no labour capacity left.
    "ye": dict(village="胡荔村", name="叶建国", birth=datetime.date(1971, 5, 16), female=False,
               members=4, income=Decimal("3180.00"), category="突发严重困难户", risk_level="红",
               causes=["因病", "因学"], labour="none"),
    # The rare character 䶮 (U+4DAE) in a head's name.
    "liu": dict(village="西一村", name="刘䶮", birth=datetime.date(1968, 11, 2), female=False,
                members=5, income=Decimal("4620.50"), category="脱贫不稳定户", risk_level="黄",
                causes=["因残", "因学"], labour="weak"),
    # A tilapia farmer whose pond lost 20,000+ yuan of fish: relief grant of 3,000 yuan.
    "fish": dict(village="西一村", name="陈亚生", birth=datetime.date(1965, 8, 21), female=False,
                 members=3, income=Decimal("3860.00"), category="脱贫不稳定户", risk_level="红",
                 causes=["因灾", "产业项目失败"], labour="full"),
}


# Main risk causes of the 30 unstable and marginal households drawn at random: with 刘䶮 (因残)
# that makes 20 of the 32 households "因病因残", as in the source article; 陈亚生 is 因灾.
MAIN_CAUSE_PLAN = (["因病"] * 12 + ["因残"] * 7 + ["因学"] * 3 + ["务工就业不稳"] * 4
                   + ["产业项目失败"] * 2 + ["因灾", "因意外"])


def pick_causes(category, cause_plan):
    if category == "":
        return []
    if category in ("脱贫不稳定户", "边缘易致贫户"):
        main = cause_plan.pop()
    else:
        main = rng.choices(["因病", "因残", "因学", "因灾", "因意外", "务工就业不稳", "产业项目失败"],
                           weights=[30, 18, 12, 6, 6, 16, 8])[0]
    causes = [main]
    if rng.random() < 0.35:
        extra = rng.choice(["因学", "务工就业不稳", "缺劳动力"])
        if extra not in causes:
            causes.append(extra)
    return causes


def pick_labour(causes):
    if "因残" in causes or "因病" in causes:
        return rng.choices(["none", "weak", "full"], weights=[4, 4, 2])[0]
    return rng.choices(["full", "weak", "none"], weights=[8, 2, 1])[0]


def pick_risk_level(category):
    return {
        "脱贫不稳定户": rng.choice(["红", "黄", "黄"]),
        "突发严重困难户": "红",
        "边缘易致贫户": rng.choice(["黄", "蓝", "蓝"]),
        "关注户": "蓝",
        "": "",
    }[category]


def money(lo, hi):
    """A per-capita income between lo and hi yuan, mostly whole yuan, sometimes to the jiao/fen."""
    yuan = rng.randrange(lo, hi)
    fen = rng.choice([0, 0, 0, 0, 50, rng.randrange(100)])
    return Decimal(yuan) + Decimal(fen) / 100


def make_households():
    used_ids, used_cards, used_names = set(), set(), set()
    plan = CATEGORY_PLAN[:]
    # The three special households take one unstable, one unstable and one sudden slot.
    for c in ["突发严重困难户", "脱贫不稳定户", "脱贫不稳定户"]:
        plan.remove(c)
    rng.shuffle(plan)
    cause_plan = MAIN_CAUSE_PLAN[:]
    rng.shuffle(cause_plan)
    given = {False: MALE[:], True: FEMALE[:]}
    for names in given.values():
        rng.shuffle(names)
    rows = []
    specials = {"胡荔村": ["ye"], "西一村": ["liu", "fish"]}
    per_village = [13, 12, 12, 12, 11]  # 60 households
    for village, n in zip(VILLAGES, per_village):
        for i in range(n):
            special = specials.get(village, [])
            if i < len(special):
                s = dict(SPECIAL[special[i]])
                used_names.add(s["name"])
            else:
                category = plan.pop()
                female = rng.random() < 0.2
                while True:
                    pool = given[female]
                    if not pool:
                        pool.extend(FEMALE if female else MALE)
                        rng.shuffle(pool)
                    name = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0] + pool.pop()
                    if name not in used_names:
                        used_names.add(name)
                        break
                lo, hi = INCOME_RANGE[category]
                causes = pick_causes(category, cause_plan)
                age = rng.randrange(28, 80)
                birth = datetime.date(2024 - age, rng.randrange(1, 13), rng.randrange(1, 29))
                s = dict(village=village, name=name, birth=birth, female=female,
                         members=rng.choices(range(1, 8), weights=[6, 10, 14, 16, 12, 6, 3])[0],
                         income=money(lo, hi), category=category,
                         risk_level=pick_risk_level(category), causes=causes,
                         labour=pick_labour(causes))
            s["id_number"] = make_id(s["birth"], s["female"], used_ids)
            s["bank_card"] = make_card(used_cards)
            rows.append(s)
    assert not plan and not cause_plan
    for n, r in enumerate(rows, 1):
        r["id"] = f"H{n:04d}"
    return rows


# ---------------------------------------------------------------------------------------------
# Vouchers
# ---------------------------------------------------------------------------------------------
D = Decimal
CENT = D("0.01")


def fen(x):
    return D(x).quantize(CENT, rounding=ROUND_HALF_UP)


class Book:
    def __init__(self):
        self.txns = []  # (txn_id, date, [(account, amount, memo, household, ref, tags)])
        self.per_month = Counter()

    def add(self, date, postings, memo, ref="", household=""):
        """postings: [(account, amount, household_or_None, tags)]; household None = the default;
        tags: the fund columns of the row ({"fund": "630", "purpose": "助学", "donor": …})."""
        month = date.strftime("%Y-%m")
        self.per_month[month] += 1
        txn_id = f"{month}-{self.per_month[month]:03d}"
        rows = []
        for p in postings:
            account, amount = p[0], fen(p[1])
            hh = (p[2] or "") if len(p) > 2 else ""
            tags = p[3] if len(p) > 3 else {}
            rows.append((account, amount, memo, hh, ref, tags))
        assert 2 <= len(rows) <= 4, (memo, rows)
        assert sum(r[1] for r in rows) == 0, (memo, rows)
        self.txns.append((txn_id, date, rows))


def workday(d):
    """The first working day on or after d (Saturday and Sunday move to Monday)."""
    while d.weekday() >= 5:
        d += datetime.timedelta(days=1)
    return d


def month_end(year, month):
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


bank_seq = Counter()


def bank_ref(date):
    bank_seq[date] += 1
    return f"NX{date:%Y%m%d}{bank_seq[date]:04d}"


# Account names.
CASH = "资产:库存现金"
BASIC = "资产:银行存款:基本户"
RESERVE_BANK = "资产:银行存款:储备金专户"
F631_BANK = "资产:银行存款:631专户"
RECEIVABLE = "资产:应收款"
INVEST = "资产:长期投资"
WAGES = "负债:应付工资"
FARMER = "负债:应付款:农户"
DYN = "负债:专项应付款:动态帮扶"
F631 = "负债:专项应付款:631资金"
RESERVE = "负债:专项应付款:防止返贫储备金"
F630 = "负债:专项应付款:6·30资金"
CAPITAL = "净资产:资本"
PUBLIC_FUND = "净资产:公积公益金"
SUBSIDY_INCOME = "收入:补助收入"
OTHER_INCOME = "收入:其他收入"
WELFARE = "支出:公益支出"
ADMIN = "支出:管理费用"


FUND_IDS = {DYN: "dynamic", F631: "631", F630: "630", RESERVE: "reserve"}


def fund_spend(book, date, expense, bank, fund, income, amount, memo, hh, ref, via_farmer=False,
               purpose=None):
    """Spending financed by a fund: the expense by purpose, the money out of the fund's bank
    account (or owed to the household first), and the fund's liability released to income, in
    one voucher so the fund's balance is always right."""
    out = (f"{FARMER}:{hh}", -amount, hh) if via_farmer else (bank, -amount, hh)
    tags = {"fund": FUND_IDS[fund], "purpose": purpose} if purpose and fund in FUND_IDS else {}
    book.add(date, [(expense, amount, hh), out, (fund, amount, None, tags), (income, -amount)],
             memo, ref)


def make_vouchers(hh):
    by_id = {h["id"]: h for h in hh}
    book = Book()
    jan1 = datetime.date(2024, 1, 1)

    # --- Opening balances, carried over from 2023 ---------------------------------------------
    book.add(jan1, [(f"{INVEST}:程村蚝", D("1130000.00")), (f"{INVEST}:光伏", D("3500000.00")),
                    (CAPITAL, D("-4630000.00"))],
             "期初余额：程村蚝养殖与加工销售扶贫项目入股113万元；长角水库光伏项目入股份额350万元")
    book.add(jan1, [(f"{INVEST}:罗非鱼", D("800000.00")), (f"{INVEST}:沉香", D("600000.00")),
                    (f"{INVEST}:东水茶场", D("300000.00")), (CAPITAL, D("-1700000.00"))],
             "期初余额：罗非鱼养殖、沉香种植、东水茶场产业项目入股")
    book.add(jan1, [(f"{INVEST}:扶贫车间", D("1000000.00")), (CAPITAL, D("-1000000.00"))],
             "期初余额：扶贫车间建设投入100万元（15间）")
    reserve_open = D("806352.18")
    book.add(jan1, [(RESERVE_BANK, reserve_open),
                    (RESERVE, -reserve_open, None, {"fund": "reserve", "source": "光伏超额分红结余"})],
             "期初余额：光伏项目2020年超额分红194.27万元使用后结余，设立防止返贫储备金",
             "储备金专户")
    f631_open = D("3862415.60")
    book.add(jan1, [(F631_BANK, f631_open), (F631, -f631_open)],
             "期初余额：2023年度631资金结余结转")
    dyn_open, f630_open, f630_school = D("186400.00"), D("68500.00"), D("40000.00")
    book.add(jan1, [(BASIC, dyn_open + f630_open), (DYN, -dyn_open),
                    (F630, -f630_school, None, {"fund": "630", "purpose": "助学"}),
                    (F630, -(f630_open - f630_school))],
             "期初余额：动态帮扶资金结余18.64万元、“6·30”帮扶资金结余6.85万元（其中定向助学4万元、"
             "非定向2.85万元），存基本户，分账核算")
    cash_open, recv_open, basic_own = D("2860.00"), D("2000.00"), D("228746.20")
    book.add(jan1, [(BASIC, basic_own), (CASH, cash_open), (RECEIVABLE, recv_open),
                    (PUBLIC_FUND, -(basic_own + cash_open + recv_open))],
             "期初余额：村集体自有资金、库存现金、应收镇农办备用金2000元")

    # --- The 631 fund: three sources in the ratio 6:3:1 of 20,000,000 ------------------------
    total_631 = D("20000000.00")
    for date, share, who, doc, source in [
        (datetime.date(2024, 3, 15), D("0.6"), "省级财政（60%）", "粤财农〔2024〕38号", "省级"),
        (datetime.date(2024, 4, 12), D("0.3"), "对口帮扶市珠海市（30%）", "珠财农〔2024〕15号",
         "帮扶市"),
        # The supported city's 10% comes in two parts; the county's 7.5% has not arrived by
        # the year end (the shortfall 缺口 that `fund show 631` flags).
        (datetime.date(2024, 5, 10), D("0.025"), "阳江市市级（2.5%）", "阳财农〔2024〕22号", "市级"),
    ]:
        amount = total_631 * share
        book.add(date, [(F631_BANK, amount), (F631, -amount, None, {"fund": "631", "source": source})],
                 f"收2024年驻镇帮镇扶村资金（631资金）{who}，文号{doc}", bank_ref(date))

    # --- 防贫保 premiums: paid to the insurer from the 631 fund by `townledger insurance` (the
    # roster from the register, 400 per person), not in this file.

    # --- "6·30" donations (Guangdong poverty-relief day), restricted and unrestricted -------
    for date, amount, memo, donor, purpose in [
        (datetime.date(2024, 7, 5), D("120000.00"),
         "收珠海市慈善会“6·30”捐款，定向：助学金（限用于监测户在校学生）", "珠海市慈善会", "助学"),
        (datetime.date(2024, 7, 12), D("85000.00"),
         "收阳江市慈善会“6·30”捐款，非定向（先保基本生活，再用于生产、保费、大病救助）",
         "阳江市慈善会", None),
        (datetime.date(2024, 7, 19), D("30000.00"),
         "收珠海爱心企业“6·30”捐款，定向：大病救助", "珠海某爱心企业", "大病救助"),
        (datetime.date(2024, 7, 26), D("150000.00"),
         "收阳西县慈善会“6·30”捐款，非定向（可用于动态帮扶）", "阳西县慈善会", None),
    ]:
        tags = {"fund": "630", "donor": donor, "purpose": purpose}
        book.add(date, [(BASIC, amount), (F630, -amount, None, tags)], memo, bank_ref(date))
    d = datetime.date(2024, 7, 22)
    book.add(d, [(F630, D("50000.00"), None, {"fund": "630", "purpose": "动态帮扶"}),
                 (DYN, D("-50000.00"))],
             "经镇审核，划拨“6·30”非定向资金5万元用于动态帮扶困难户", "程村农办〔2024〕31号")

    # --- Student stipends from 6·30 restricted donations: 300 (primary/junior) or 500 --------
    ye = next(h for h in hh if h["name"] == "叶建国")
    liu = next(h for h in hh if h["name"] == "刘䶮")
    schooling = [h for h in hh if "因学" in h["causes"] and h not in (ye, liu)]
    schooling += [h for h in hh if h["category"] == "边缘易致贫户" and h not in schooling]
    students = [(ye, D(300), "小学"), (liu, D(500), "高中")]
    students += [(schooling[0], D(300), "初中"), (schooling[1], D(500), "大学")]
    for month in range(1, 12):
        date = workday(datetime.date(2024, month, 15))
        for h, amount, school in students:
            fund_spend(book, date, f"{WELFARE}:助学金", BASIC, F630, OTHER_INCOME, amount,
                       f"{month}月助学金（{school}）：{h['village']}{h['name']}户，"
                       f"“6·30”定向助学捐款列支，转入一卡通", h["id"], bank_ref(date),
                       purpose="助学")

    # --- Public-welfare jobs 公益岗位: accrued at month end, paid on the 10th ---------------
    jobs = [h for h in hh if h["category"] in ("边缘易致贫户", "关注户") and h["labour"] != "none"]
    jobs = [(jobs[0], D("1500.00"), "村道保洁员"), (jobs[1], D("1200.00"), "护林员"),
            (jobs[2], D("1200.00"), "河道巡查员")]
    for month in range(1, 12):
        end = month_end(2024, month)
        for h, wage, post in jobs:
            book.add(end, [(f"{WELFARE}:公益岗位工资", wage, h["id"]), (WAGES, -wage, h["id"])],
                     f"计提{month}月公益性岗位（{post}）工资：{h['village']}{h['name']}，"
                     f"资产收益列支", f"工资表2024-{month:02d}")
        if month > 1:
            date = workday(datetime.date(2024, month, 10))
            for h, wage, post in jobs:
                book.add(date, [(WAGES, wage, h["id"]), (BASIC, -wage, h["id"])],
                         f"发放{month - 1}月公益性岗位（{post}）工资：{h['name']}，转入一卡通",
                         bank_ref(date))

    # --- Relief grants: approved (after 公示), then paid within 5 working days -------------
    # 陈亚生's reserve-fund grant is not here: the demo applies for it with `townledger grant`
    # and takes it through the three gates (村级核实, 部门数据比对, 行业稽核) before paying it.
    fish = next(h for h in hh if h["name"] == "陈亚生")
    typhoon = [h for h in hh if "因灾" in h["causes"] and h is not fish]
    assert typhoon
    grants = [
        (datetime.date(2024, 4, 18), datetime.date(2024, 4, 23), ye, D("8000.00"), DYN,
         SUBSIDY_INCOME, BASIC, "大病救助",
         f"动态帮扶资金临时救助：胡荔村{ye['name']}肺癌晚期住院、配偶需手术，家庭无劳动能力，"
         "村民代表会议提议、镇审核、公示5个工作日无异议", "程村农办〔2024〕12号"),
        (datetime.date(2024, 8, 20), datetime.date(2024, 8, 23), ye, D("5000.00"), F630,
         OTHER_INCOME, BASIC, "大病救助",
         f"“6·30”定向大病救助捐款：胡荔村{ye['name']}化疗期间二次救助，公示5个工作日无异议",
         "程村农办〔2024〕33号"),
    ] + [
        (datetime.date(2024, 9, 19), datetime.date(2024, 9, 24), h, D("2000.00"), DYN,
         SUBSIDY_INCOME, BASIC, "临时救助",
         f"动态帮扶资金临时救助：{h['village']}{h['name']}户台风“摩羯”受灾，公示无异议",
         f"程村农办〔2024〕{40 + i}号")
        for i, h in enumerate(typhoon)
    ]
    for approve, pay, h, amount, fund, income, bank, purpose, memo, doc in grants:
        fund_spend(book, approve, f"{WELFARE}:{purpose}", bank, fund, income, amount,
                   memo, h["id"], doc, via_farmer=True, purpose=purpose)
        book.add(pay, [(f"{FARMER}:{h['id']}", amount, h["id"]), (bank, -amount, h["id"])],
                 f"支付{purpose}款：{h['name']}，转入一卡通", bank_ref(pay))

    # --- 631 job awards 以奖代补: 1,500 per monitored worker employed over half a year -------
    workers = [h for h in hh if h["category"] in ("关注户", "边缘易致贫户") and h["labour"] == "full"
               and h not in [j[0] for j in jobs]][:4]
    approve, pay = datetime.date(2024, 10, 17), datetime.date(2024, 10, 22)
    for h in workers:
        fund_spend(book, approve, f"{WELFARE}:就业奖补", F631_BANK, F631, SUBSIDY_INCOME,
                   D("1500.00"),
                   f"631资金就业奖补：{h['village']}{h['name']}稳定就业满6个月，以奖代补1500元，公示无异议",
                   h["id"], "程村农办〔2024〕45号", via_farmer=True, purpose="以奖代补")
        book.add(pay, [(f"{FARMER}:{h['id']}", D("1500.00"), h["id"]),
                       (F631_BANK, D("-1500.00"), h["id"])],
                 f"支付就业奖补：{h['name']}，转入一卡通", bank_ref(pay))

    # --- Bank interest, quarterly on the 21st of the quarter's last month -------------------
    for month in (3, 6, 9):
        date = datetime.date(2024, month, 21)
        for bank, credit, who in [(RESERVE_BANK, RESERVE, "储备金专户"), (F631_BANK, F631, "631专户"),
                                  (BASIC, OTHER_INCOME, "基本户")]:
            # A plausible quarter's demand-deposit interest (0.15% a year) on the opening balance.
            base = {RESERVE_BANK: reserve_open, F631_BANK: f631_open,
                    BASIC: basic_own + dyn_open + f630_open}[bank]
            interest = fen(base * D("0.0015") / 4)
            book.add(date, [(bank, interest), (credit, -interest)],
                     f"{who}第{month // 3}季度结息" + ("，利息归入专项资金" if credit != OTHER_INCOME else ""),
                     bank_ref(date))

    # --- Management expenses, petty cash, the advance ---------------------------------------
    for month in range(1, 12):
        date = month_end(2024, month)
        date = date - datetime.timedelta(days=max(0, date.weekday() - 4))
        fee = D("15.00") if month % 3 else D("45.00")
        book.add(date, [(ADMIN, fee), (BASIC, -fee)],
                 f"基本户{month}月账户管理费及短信通知费", bank_ref(date))
    for date, amount in [(datetime.date(2024, 3, 4), D("2000.00")),
                         (datetime.date(2024, 8, 5), D("2000.00"))]:
        book.add(date, [(CASH, amount), (BASIC, -amount)], "提取备用金（现金）", bank_ref(date))
    for date, amount, memo in [
        (datetime.date(2024, 1, 26), D("386.50"), "购办公用品（监测台账、档案盒）"),
        (datetime.date(2024, 3, 28), D("420.00"), "印制防返贫监测对象公示表及村务公开栏"),
        (datetime.date(2024, 5, 16), D("260.00"), "防返贫入户排查交通费"),
        (datetime.date(2024, 7, 3), D("512.80"), "村务公开栏维修材料费"),
        (datetime.date(2024, 9, 26), D("300.00"), "台风“摩羯”灾后入户核查交通费"),
        (datetime.date(2024, 11, 8), D("645.00"), "印制2024年第三季度村务财务公开表"),
    ]:
        book.add(date, [(ADMIN, amount), (CASH, -amount)], memo, f"现付{date:%m%d}")
    d = datetime.date(2024, 2, 6)
    book.add(d, [(ADMIN, D("1860.00")), (CASH, D("140.00")), (RECEIVABLE, D("-2000.00"))],
             "镇农办报销防返贫监测培训差旅费1860元，退回备用金余款140元，结清应收款", "报销单2024-02-01")

    book.txns.sort(key=lambda t: (t[1], t[0]))
    # Renumber by date within each month so ids read in date order.
    counter = Counter()
    numbered = []
    for _, date, rows in book.txns:
        month = date.strftime("%Y-%m")
        counter[month] += 1
        numbered.append((f"{month}-{counter[month]:03d}", date, rows))
    return numbered


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
EN_HEADER = ["id", "village", "name", "id_number", "members", "per_capita_income", "category",
             "risk_level", "risk_causes", "labour", "bank_card"]
ZH_HEADER = ["户编号", "村", "户主姓名", "身份证号", "人口", "人均纯收入", "类别", "风险等级",
             "风险类型", "劳动能力", "一卡通账号"]


def write_households_csv(hh, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(EN_HEADER)
        for h in hh:
            w.writerow([h["id"], h["village"], h["name"], h["id_number"], h["members"],
                        f"{h['income']:.2f}", h["category"], h["risk_level"],
                        ";".join(h["causes"]), h["labour"], h["bank_card"]])


FIXED_TIME = datetime.datetime(2024, 12, 1, 9, 0, 0)


def write_households_xlsx(hh, path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "监测对象台账"
    ws.append(ZH_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for h in hh:
        # Income as a number cell (as clerks type it); ID and card numbers as text cells, since a
        # number cell would keep only 15 digits.
        ws.append([h["id"], h["village"], h["name"], h["id_number"], h["members"],
                   float(h["income"]), h["category"] or None, h["risk_level"] or None,
                   "、".join(h["causes"]) or None, LABOUR_ZH[h["labour"]], h["bank_card"]])
    for row in ws.iter_rows(min_row=2):
        row[3].number_format = "@"
        row[10].number_format = "@"
        row[5].number_format = "0.00"
    for col, width in zip("ABCDEFGHIJK", [8, 8, 10, 21, 6, 11, 15, 8, 20, 11, 22]):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "townledger demo"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    # Rewrite the archive with fixed entry times so the file is byte-for-byte reproducible.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = normalise_core(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            out.writestr(fixed, data)


def normalise_core(data):
    import re

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<3>",
                  data)


VOUCHER_HEADER = ["txn_id", "date", "account", "amount", "memo", "household", "ref",
                  "fund", "purpose", "source", "donor"]


def write_vouchers(txns, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(VOUCHER_HEADER)
        for txn_id, date, rows in txns:
            for account, amount, memo, hh, ref, tags in rows:
                w.writerow([txn_id, date.isoformat(), account, f"{amount:.2f}", memo, hh, ref]
                           + [tags.get(k) or "" for k in ("fund", "purpose", "source", "donor")])


BAD_VOUCHERS = """txn_id,date,account,amount,memo,household,ref
B-001,2024-02-05,支出:管理费用,120.00,购办公用品,,现付0205
B-001,2024-02-05,资产:库存现金,-120.00,购办公用品,,现付0205
B-002,2024-02-06,支出:管理费用,100.00,不平衡：借方100元、贷方90元,,现付0206
B-002,2024-02-06,资产:库存现金,-90.00,不平衡：借方100元、贷方90元,,现付0206
B-003,2024-02-07,支出:管理费用,12.345,金额有三位小数,,现付0207
B-003,2024-02-07,资产:库存现金,-12.345,金额有三位小数,,现付0207
B-004,2024-02-08,支出:管理费用,一百元,金额是文字,,现付0208
B-004,2024-02-08,资产:库存现金,-100.00,金额是文字,,现付0208
B-005,2024-13-01,支出:管理费用,50.00,日期不存在（13月）,,现付1301
B-005,2024-13-01,资产:库存现金,-50.00,日期不存在（13月）,,现付1301
B-006,2024-02-09,费用:招待费,80.00,科目不存在,,现付0209
B-006,2024-02-09,资产:库存现金,-80.00,科目不存在,,现付0209
B-007,2024-02-10,支出:公益支出:临时救助,,金额为空,H0001,程村农办〔2024〕99号
B-007,2024-02-10,资产:银行存款:基本户,-500.00,金额为空,H0001,NX202402100001
B-008,2024-02-12,资产:银行存款:基本户,300.00,正常的一笔,,NX202402120001
B-008,2024-02-12,收入:其他收入,-300.00,正常的一笔,,NX202402120001
"""


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------
def check(hh, txns):
    assert len(hh) == 60
    assert all(id_is_valid(h["id_number"]) for h in hh)
    assert len({h["id_number"] for h in hh}) == len(hh)
    assert all(len(h["bank_card"]) == 19 and h["bank_card"].isdigit() for h in hh)
    cats = Counter(h["category"] for h in hh)
    assert cats["脱贫不稳定户"] == 10 and cats["边缘易致贫户"] == 22 and cats["突发严重困难户"] == 4
    assert all(1 <= h["members"] <= 7 for h in hh)
    assert all(D(3000) <= h["income"] <= D(15000) for h in hh)
    assert any("䶮" in h["name"] for h in hh)
    monitored = [h for h in hh if h["category"] in ("脱贫不稳定户", "边缘易致贫户")]
    assert sum(1 for h in monitored if {"因病", "因残"} & set(h["causes"])) == 20
    seen = set()
    last = None
    for txn_id, date, rows in txns:
        assert txn_id not in seen, txn_id
        seen.add(txn_id)
        assert 2 <= len(rows) <= 4
        assert sum(r[1] for r in rows) == 0, txn_id
        assert all(r[1] == r[1].quantize(CENT) and r[1] != 0 for r in rows), txn_id
        assert datetime.date(2024, 1, 1) <= date <= datetime.date(2024, 11, 30)
        assert last is None or date >= last
        last = date
    # Re-read the written file: contiguity and balance to the fen, from the text.
    with open(HERE / "vouchers-2024.csv", encoding="utf-8") as f:
        sums, order = OrderedDict(), []
        for row in csv.DictReader(f):
            t = row["txn_id"]
            if not order or order[-1] != t:
                assert t not in sums, f"{t} is not contiguous"
                order.append(t)
            sums[t] = sums.get(t, D(0)) + D(row["amount"])
        assert all(v == 0 for v in sums.values())


def summary(hh, txns):
    cats = Counter(h["category"] or "(empty)" for h in hh)
    accounts = sorted({r[0] for _, _, rows in txns for r in rows})
    print(f"households: {len(hh)}", dict(cats))
    print("villages:", dict(Counter(h["village"] for h in hh)))
    print(f"transactions: {len(txns)}, postings: {sum(len(r) for _, _, r in txns)}")
    bal = {}
    for _, _, rows in txns:
        for a, amt, *_ in rows:
            bal[a] = bal.get(a, D(0)) + amt
    print("accounts used and balances at 2024-11-30:")
    for a in accounts:
        print(f"  {a:32} {bal[a]:>16,.2f}")


def main():
    hh = make_households()
    txns = make_vouchers(hh)
    write_households_csv(hh, HERE / "households.csv")
    write_households_xlsx(hh, HERE / "households.xlsx")
    write_vouchers(txns, HERE / "vouchers-2024.csv")
    (HERE / "vouchers-2024-bad.csv").write_text(BAD_VOUCHERS, encoding="utf-8")
    check(hh, txns)
    summary(hh, txns)


if __name__ == "__main__":
    main()
