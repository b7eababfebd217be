"""A plan as plain text for the terminal (zh-CN), section by section."""

from __future__ import annotations

from moqi.workforce import kpi
from moqi.workforce.plan import Plan
from moqi.workforce.plan_check import SimulationCheck

MODEL_NAMES = {"erlang_c": "Erlang C（不计放弃）", "erlang_a": "Erlang A（含耐心与放弃）"}
SL_NAMES = {
    "offered": "门限内接通 / 呼入量（放弃计入分母）",
    "answered": "门限内接通 / (呼入量 − 放弃量)（放弃不计）",
    "short_abandons_excluded": "门限内接通 / (呼入量 − 门限内放弃)（短时放弃不计）",
}


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def secs(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}s"


def sl_name(definition: str) -> str:
    """The definition in words, zh-CN, with the code planners pass to --sl-definition."""
    return f"{SL_NAMES[definition]}〔{definition}〕"


def render(plan: Plan) -> str:
    """The whole plan: history KPIs and balance, forecast error, requirement and roster, simulation."""
    o, rep, im = plan.options, plan.kpis, plan.interval_min
    d = o.sl_definition
    lines = [
        f"服务水平定义：{sl_name(d)}；门限 {plan.threshold_s} 秒；目标 {o.target_sl:.0%}；模型 {MODEL_NAMES[plan.model]}"
        + (f"，平均耐心 {o.patience_s:g} 秒" if o.patience_s else "")
        + f"；缩减率 {o.shrinkage:.0%}",
        "",
    ]
    t = rep.total
    days = sorted(rep.by_day)
    lines += [
        f"== 历史 KPI（{days[0]} 至 {days[-1]}，{len(days)} 天，{im} 分钟时段）==",
        f"呼入 {t.offered:,}  接通率 {pct(t.answer_rate)}  服务水平 {pct(t.service_level(d))}  ASA {secs(t.asa_s)}  放弃率 {pct(t.abandon_rate)}  占用率 {pct(t.occupancy)}",
    ]
    b = rep.balance
    if b.spread is not None and b.best_slot is not None and b.worst_slot is not None:  # all or none
        lines.append(
            f"平衡度：最好时段 {kpi.slot_label(b.best_slot, im)} 接通率 {pct(b.best_rate)}，最差时段 {kpi.slot_label(b.worst_slot, im)} {pct(b.worst_rate)}，"
            f"差距 {b.spread:.1%}（话务量不低于平均时段 {kpi.BALANCE_MIN_SHARE:.0%} 的 {b.slots_considered} 个时段；加权标准差 {b.weighted_std:.1%}）"
        )
    lines += [
        "",
        f"{'时段':<12}{'呼入':>9}{'接通率':>8}{'服务水平':>8}{'ASA':>8}{'放弃率':>8}{'占用率':>8}",
    ]
    for m, k in rep.by_slot.items():
        lines.append(
            f"{kpi.slot_label(m, im):<12}{k.offered:>10,}{pct(k.answer_rate):>10}{pct(k.service_level(d)):>10}{secs(k.asa_s):>9}{pct(k.abandon_rate):>10}{pct(k.occupancy):>10}"
        )
    a = plan.accuracy
    lines += ["", "== 预测误差（留出最近周，只用其前的数据预测）=="]
    if a.wape is None:
        lines.append("历史不足，无法留出周评估误差")
    else:
        lines.append(
            f"{a.first_day} 至 {a.last_day}（{a.days} 天，剔除节假日 {a.excluded_holidays} 天）：WAPE {pct(a.wape)}，MAPE {pct(a.mape)}（≥10 通的时段）；"
            f"对照“上周同日”朴素预测：WAPE {pct(a.naive_wape)}，MAPE {pct(a.naive_mape)}"
        )
    lines += ["", "== 下周预测 =="]
    for day in plan.days:
        note = (
            f"  节假日：{day.holiday}（按周日规律预测，仅供参考）"
            if day.holiday and "调休" not in day.holiday
            else (f"  {day.holiday}" if day.holiday else "")
        )
        lines.append(
            f"{day.day} {kpi.WEEKDAYS[day.day.weekday()]}  呼入 {day.calls.sum():,.0f}{note}"
        )
    lines += ["", _roster_text(plan)]
    if plan.simulation is not None:
        lines += ["", _simulation_text(plan, plan.simulation)]
    return "\n".join(lines)


def _roster_text(plan: Plan) -> str:
    im, r = plan.interval_min, plan.roster
    head = "== 需求与排班（每格：需要/排班，+超配 −缺员；需要 = Erlang 坐席 ÷ (1 − 缩减率)）=="
    lines = [head]
    if r is not None:
        state = "最优解" if r.status == "optimal" else "可行解（未证明最优，已到求解时限）"
        lines.append(
            f"排班求解：{state}；{r.agents} 人，带薪 {r.paid_hours:,.0f} 小时；缺员 {int(r.under.sum())} 人·时段，超配 {int(r.over.sum())} 人·时段；"
            f"目标值 {r.objective:,.1f}（下界 {r.bound:,.1f}），用时 {r.solve_s:.1f} 秒"
        )
    lines.append(
        f"{'时段':<12}"
        + "".join(
            f"{kpi.WEEKDAYS[d.day.weekday()] + d.day.strftime('%m-%d'):>14}" for d in plan.days
        )
    )
    for s in range(plan.required.shape[1]):
        cells = []
        for k in range(len(plan.days)):
            need = int(plan.required[k, s])
            if r is None:
                cells.append(f"{need:>14}")
                continue
            have = int(r.scheduled[k, s])
            mark = f"+{have - need}" if have > need else (f"−{need - have}" if have < need else "")
            cells.append(f"{f'{need}/{have}{mark}':>16}")
        lines.append(f"{kpi.slot_label(s * im, im):<12}" + "".join(cells))
    if r is not None:
        first = plan.days[0].day
        lines.append(f"{first} 的班次（其余各日见 --json）：")
        for (day, shift), n in sorted(
            r.starts.items(), key=lambda kv: (kv[0][0], kv[0][1].start_min, kv[0][1].length_min)
        ):
            if day == 0:
                lines.append(f"  {shift.label()} × {n}")
    return "\n".join(lines)


def _simulation_text(plan: Plan, c: SimulationCheck) -> str:
    o = plan.options
    lines = [
        f"== 仿真检验（SimPy，{'、'.join(str(d) for d in c.days)}，种子 {o.seed}，{c.simulated_calls:,} 通）==",
        f"与 Erlang 的平均差距（按呼入加权）：服务水平 {pct(c.mean_abs_sl_gap)}，接通率 {pct(c.mean_abs_answer_gap)}；服务水平定义：{sl_name(o.sl_definition)}",
        "差距从哪里来：每个时段仿真的电话不多，服务水平是抽样结果，单靠随机就会偏离 Erlang（±为 95% 范围）；"
        "Erlang 把每个时段当作互不相干的稳态，仿真则把没接完的排队带进下一时段，呼入陡增、人手紧时差距最大。"
        f"超出随机波动的时段标 ⚠：{sum(r['within_noise'] is False for r in c.rows)} / {sum(r['within_noise'] is not None for r in c.rows)} 个。",
        f"{'日期':<12}{'时段':<12}{'坐席':>6}{'呼入':>7}{'仿真接通率':>10}{'Erlang':>9}{'仿真服务水平':>10}{'Erlang':>9}",
    ]
    for row in c.rows:
        if not row["simulated_offered"]:
            continue
        noise = f"  ±{pct(row['sl_noise'])}" if row["sl_noise"] is not None else ""
        flag = " ⚠" if row["within_noise"] is False else ""
        lines.append(
            f"{row['day']:<12}{kpi.slot_label(row['slot'] * plan.interval_min, plan.interval_min):<12}{row['agents']:>7}{row['simulated_offered']:>9}{pct(row['simulated_answer_rate']):>13}"
            f"{pct(row['erlang_answer_rate']):>10}{pct(row['simulated_service_level']):>14}{pct(row['erlang_service_level']):>10}{noise}{flag}"
        )
    return "\n".join(lines)
