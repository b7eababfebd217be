"""The research pages' charts as server-side SVG (no script, no charting library): the journey's
importance × performance scatter with its quadrant lines, and a panel's mean per question wave on
wave with 95% whiskers."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

W, H, PAD = 560, 360, 40


def _x(v: float, lo: float, hi: float) -> float:
    return PAD + (v - lo) / (hi - lo) * (W - 2 * PAD)


def _y(v: float, lo: float, hi: float) -> float:
    return H - PAD - (v - lo) / (hi - lo) * (H - 2 * PAD)


def scatter(found: dict) -> Markup:
    """x: performance, y: importance, 1–5; dashed lines at the grand means; core needs in red."""
    needs = found["needs"]
    if not needs:
        return Markup("")
    # The axes fit the points (and the grand means), a quarter point beyond them, within 1–5.
    xs = [n["performance"] for n in needs] + [found["performance"]]
    ys = [n["importance"] for n in needs] + [found["importance"]]
    xlo, xhi = max(1.0, min(xs) - 0.25), min(5.0, max(xs) + 0.25)
    ylo, yhi = max(1.0, min(ys) - 0.25), min(5.0, max(ys) + 0.25)
    parts = [
        f'<svg class="ipa" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img" '
        'aria-label="重要度 × 表现 四象限图">',
        f'<rect x="{PAD}" y="{PAD}" width="{W - 2 * PAD}" height="{H - 2 * PAD}" fill="none" stroke="#999"/>',
    ]
    gx, gy = _x(found["performance"], xlo, xhi), _y(found["importance"], ylo, yhi)
    parts.append(
        f'<line x1="{gx:.1f}" y1="{PAD}" x2="{gx:.1f}" y2="{H - PAD}" stroke="#666" stroke-dasharray="4 3"/>'
    )
    parts.append(
        f'<line x1="{PAD}" y1="{gy:.1f}" x2="{W - PAD}" y2="{gy:.1f}" stroke="#666" stroke-dasharray="4 3"/>'
    )
    for label, lx, ly in (
        ("重点改进", PAD + 4, PAD + 14),
        ("保持优势", W - PAD - 60, PAD + 14),
        ("次要改进", PAD + 4, H - PAD - 6),
        ("过度投入", W - PAD - 60, H - PAD - 6),
    ):
        parts.append(f'<text x="{lx}" y="{ly}" font-size="12" fill="#555">{label}</text>')
    parts.append(f'<text x="{W / 2 - 20}" y="{H - 8}" font-size="12">表现 →</text>')
    for value, tx, ty in (
        (xlo, PAD, H - PAD + 14),
        (xhi, W - PAD - 20, H - PAD + 14),
        (ylo, 4, H - PAD),
        (yhi, 4, PAD + 10),
    ):
        parts.append(f'<text x="{tx}" y="{ty}" font-size="10">{value:.2f}</text>')
    parts.append(f'<text x="4" y="{PAD - 10}" font-size="12">↑ 重要度</text>')
    for n in needs:
        x, y = _x(n["performance"], xlo, xhi), _y(n["importance"], ylo, yhi)
        colour = "#c0392b" if n["core"] else "#2c7fb8"
        title = escape(
            f"{n['code']} {n['text']}：重要度 {n['importance']:.2f}，表现 {n['performance']:.2f}"
        )
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" data-code="{escape(n["code"])}">'
            f"<title>{title}</title></circle>"
        )
        if n["core"]:
            parts.append(
                f'<text x="{x + 5:.1f}" y="{y - 5:.1f}" font-size="10">{escape(n["code"])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def wave_bars(report: dict) -> Markup:
    """One group of bars per question, one bar per started wave, whiskers at the 95% interval."""
    waves = [w for w in report["waves"] if w["started_at"]]
    if not waves or not waves[0]["questions"]:
        return Markup("")
    topics = [q["topic"] for q in waves[0]["questions"]]
    colours = ("#9ecae1", "#3182bd", "#08519c", "#6baed6")
    group = (W - 2 * PAD) / len(topics)
    bar = group * 0.8 / len(waves)
    parts = [
        f'<svg class="waves" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img" '
        'aria-label="各题平均分（逐波对比，含 95% 区间）">',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>',
    ]
    for score in (1, 2, 3, 4, 5):
        y = _y(score, 0, 5)
        parts.append(f'<text x="{PAD - 14}" y="{y + 4:.1f}" font-size="10">{score}</text>')
    for qi, topic in enumerate(topics):
        left = PAD + qi * group + group * 0.1
        parts.append(
            f'<text x="{left:.1f}" y="{H - PAD + 14}" font-size="10">{escape(topic[:6])}</text>'
        )
        for wi, wave in enumerate(waves):
            mean = wave["questions"][qi]["mean"] if qi < len(wave["questions"]) else None
            if not mean or mean["value"] is None:
                continue
            x, top = left + wi * bar, _y(mean["value"], 0, 5)
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar - 2:.1f}" height="{H - PAD - top:.1f}" '
                f'fill="{colours[wi % 4]}"><title>第 {wave["number"]} 波 {escape(topic)}：'
                f"{mean['value']:.2f}（{mean['n']} 人）</title></rect>"
            )
            low, high = mean["ci"]
            if low is not None and high is not None:
                cx = x + (bar - 2) / 2
                parts.append(
                    f'<line x1="{cx:.1f}" y1="{_y(min(high, 5), 0, 5):.1f}" x2="{cx:.1f}" '
                    f'y2="{_y(max(low, 0), 0, 5):.1f}" stroke="#333"/>'
                )
    for wi, wave in enumerate(waves):
        parts.append(
            f'<rect x="{W - PAD - 70}" y="{8 + wi * 14}" width="10" height="10" fill="{colours[wi % 4]}"/>'
            f'<text x="{W - PAD - 56}" y="{17 + wi * 14}" font-size="10">第 {wave["number"]} 波</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
