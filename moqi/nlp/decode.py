"""Text files as Chinese offices save them: UTF-8 (with or without a BOM) or GBK/GB18030.

Windows tools in Chinese locales (Excel, many ASR and ACD exports) still write GBK by
default, so a file that is not UTF-8 is tried as GB18030 (a superset of GBK and GB2312)
before it is refused.
"""

from __future__ import annotations


class NotText(ValueError):
    """Bytes that are neither UTF-8 nor GB18030; the message names the first bad byte."""


def decode_text(data: bytes) -> str:
    """`data` as text; NotText when no encoding a Chinese office uses reads it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise NotText(f"not UTF-8 or GBK text (byte {utf8.start})") from None
