"""A course as one standalone HTML page with a print style: what `moqi training courseware`
writes for trainers to print or hand out without a server."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt

from moqi.training.courseware import Course

_md = MarkdownIt("commonmark", {"html": False}).enable("table")
_STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 60em; margin: 2em auto; line-height: 1.7; color: #222; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }
blockquote { margin: 4px 0 4px 1em; padding-left: 8px; border-left: 3px solid #bbb; color: #444; }
.muted { color: #666; }
@media print { body { margin: 0; font-size: 11pt; } h2 { break-after: avoid; }
               tr { break-inside: avoid; } }
"""


def course_html(course: Course) -> str:
    """The course as a complete HTML document (content text escaped, never run)."""
    parts = [
        "<!doctype html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(course.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(course.title)}</h1>",
        f'<p class="muted">依据内容修订版 {course.revision}（指纹 {escape(course.fingerprint)}）生成</p>',
    ]
    for s in course.sections:
        parts.append(f"<section><h2>{escape(s.heading)}</h2>{_md.render(s.markdown)}</section>")
    parts.append("</body></html>")
    return "\n".join(parts)
