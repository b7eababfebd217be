"""The WeChat official account (公众号) protocol: signatures, safe-mode crypto, inbound XML, replies.

WeChat calls our URL in one of two modes. In plain mode the POST body is the message XML and
the query carries `signature = sha1(sorted(token, timestamp, nonce))`, the same signature the
URL verification (GET with `echostr`) checks. In safe mode (安全模式) the body is an envelope
`<xml><ToUserName/><Encrypt/></xml>` and the query adds `msg_signature`, the sha1 of the four
sorted values token, timestamp, nonce and Encrypt. Encrypt is base64 of AES-256-CBC over

    16 random bytes + 4-byte big-endian length + message XML + appid

padded PKCS#7-style to a multiple of 32 bytes, with the key the 43-character EncodingAESKey
decoded as base64 and the IV its first 16 bytes. Replies go back the same way.

WeChat waits 5 s for an answer and then retries, three times in all, so the route answers at
once (empty body or `ACK_BODY`) and processes after. A retry must make one utterance, not
three: `Message.dedupe_key` names a message across retries ("msg:<MsgId>"; events carry no
MsgId, so "evt:<openid>:<CreateTime>:<Event>"), for the unique constraint that stores it.

Pure: no database, no web, no clock read; times and random bytes are passed in where needed.
Traditional characters in messages are kept as sent; normalisation happens later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from moqi.channels.inbound import Inbound
from moqi.errors import Invalid

# WeChat's own messages are a few KiB at most; anything near this limit is not from WeChat.
MAX_BODY_BYTES = 64 * 1024
# What the route answers at once, before processing; WeChat then stops retrying.
ACK_BODY = "success"
# WeChat pads to 32 bytes, not AES's 16: its PKCS#7 uses the key length as the block size.
_PAD_BLOCK = 32
_RANDOM_BYTES = 16


class WeChatError(Invalid):
    """A request from (or for) WeChat that we refuse; `code` names which check failed."""


# -- signatures ---------------------------------------------------------------------------------


def _sha1_sorted(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def _same(expected: str, given: str) -> bool:
    # compare_digest refuses non-ASCII str, and the signature comes from the query string;
    # bytes keep a hostile value a plain mismatch.
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def url_signature(token: str, timestamp: str, nonce: str) -> str:
    """The `signature` query value: sha1 hex of token, timestamp and nonce, sorted and joined."""
    return _sha1_sorted(token, timestamp, nonce)


def check_signature(token: str, timestamp: str, nonce: str, signature: str) -> bool:
    """Whether `signature` is WeChat's for this token (URL verification and plain mode)."""
    return _same(url_signature(token, timestamp, nonce), signature)


def msg_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """The safe-mode `msg_signature`: sha1 hex of the four values sorted and joined."""
    return _sha1_sorted(token, timestamp, nonce, encrypted)


def check_msg_signature(
    token: str, timestamp: str, nonce: str, encrypted: str, signature: str
) -> bool:
    """Whether `signature` is WeChat's `msg_signature` for this Encrypt value."""
    return _same(msg_signature(token, timestamp, nonce, encrypted), signature)


# -- safe mode ----------------------------------------------------------------------------------


class Crypto:
    """AES-256-CBC of safe mode for one official account.

    >>> c = Crypto("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2")
    >>> c.decrypt(c.encrypt("<xml/>"))
    '<xml/>'
    """

    def __init__(self, aes_key: str, appid: str) -> None:
        if len(aes_key) != 43:
            raise WeChatError(
                f"the EncodingAESKey must be 43 characters, got {len(aes_key)}", code="bad_key"
            )
        try:
            # 43 characters and one "=" are always 32 bytes: an AES-256 key.
            key = base64.b64decode(aes_key + "=", validate=True)
        except binascii.Error as e:
            raise WeChatError(f"the EncodingAESKey is not base64: {e}", code="bad_key") from e
        if not appid:
            raise WeChatError("the appid must not be empty", code="bad_key")
        self._key = key
        self._iv = key[:16]
        self.appid = appid
        self._appid_bytes = appid.encode("utf-8")

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._iv))

    def encrypt(self, xml: str, random16: bytes | None = None) -> str:
        """The Encrypt value for `xml`; `random16` fixes the random prefix (tests only)."""
        prefix = os.urandom(_RANDOM_BYTES) if random16 is None else random16
        if len(prefix) != _RANDOM_BYTES:
            raise WeChatError(f"the random prefix must be {_RANDOM_BYTES} bytes", code="bad_key")
        body = xml.encode("utf-8")
        plain = prefix + struct.pack(">I", len(body)) + body + self._appid_bytes
        pad = _PAD_BLOCK - len(plain) % _PAD_BLOCK
        plain += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted_b64: str) -> str:
        """The message XML inside an Encrypt value; raises WeChatError when it is not ours.

        Check `msg_signature` first (`decrypt_message` does): only then is the ciphertext
        known to come from WeChat, and the errors below tell an attacker nothing.
        """
        if len(encrypted_b64) > MAX_BODY_BYTES:
            raise WeChatError("the encrypted message is larger than 64 KiB", code="too_large")
        try:
            data = base64.b64decode(encrypted_b64, validate=True)
        except (binascii.Error, ValueError) as e:
            raise WeChatError(f"Encrypt is not base64: {e}", code="bad_ciphertext") from e
        if not data or len(data) % 16:
            raise WeChatError("Encrypt is not a whole number of AES blocks", code="bad_ciphertext")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= _PAD_BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise WeChatError("Encrypt has bad padding (wrong key?)", code="bad_ciphertext")
        content = plain[_RANDOM_BYTES:-pad]
        if len(content) < 4:
            raise WeChatError("Encrypt is too short to hold a message", code="bad_ciphertext")
        (length,) = struct.unpack(">I", content[:4])
        if length > len(content) - 4:
            raise WeChatError("Encrypt gives a length past its end", code="bad_ciphertext")
        body, from_appid = content[4 : 4 + length], content[4 + length :]
        if from_appid != self._appid_bytes:
            shown = from_appid.decode("utf-8", "replace")
            raise WeChatError(
                f"the message is for appid {shown!r}, not {self.appid!r}", code="appid_mismatch"
            )
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise WeChatError("the decrypted message is not UTF-8", code="bad_ciphertext") from e


def decrypt_message(
    crypto: Crypto,
    token: str,
    envelope_xml: str | bytes,
    timestamp: str,
    nonce: str,
    signature: str,
) -> str:
    """The message XML of a safe-mode POST: envelope parsed, `msg_signature` checked, decrypted."""
    _to_user, encrypted = parse_envelope(envelope_xml)
    if not check_msg_signature(token, timestamp, nonce, encrypted, signature):
        raise WeChatError("msg_signature does not match: not from WeChat", code="bad_signature")
    return crypto.decrypt(encrypted)


# -- inbound XML --------------------------------------------------------------------------------


class _NoDoctype(ET.TreeBuilder):
    """A tree builder that refuses any DOCTYPE, so no entity is ever declared.

    Entities are how XML reads local files (XXE) and expands a few bytes into gigabytes
    (billion laughs); WeChat never sends a DOCTYPE, so refusing it costs nothing. The parser
    calls this before it reads the internal subset, and an entity used without a DOCTYPE is
    an undefined entity, a parse error.
    """

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise WeChatError(
            "XML with a DOCTYPE is refused (entity declarations are not accepted)",
            code="malformed_xml",
        )


def _parse_xml(xml_text: str | bytes) -> ET.Element:
    # Check the size before encoding: a str is never longer in characters than in bytes.
    if len(xml_text) > MAX_BODY_BYTES or (
        isinstance(xml_text, str) and len(xml_text.encode("utf-8")) > MAX_BODY_BYTES
    ):
        raise WeChatError("the message is larger than 64 KiB", code="too_large")
    parser = ET.XMLParser(target=_NoDoctype())
    try:
        parser.feed(xml_text)
        root = parser.close()
    except ET.ParseError as e:
        raise WeChatError(f"malformed XML: {e}", code="malformed_xml") from e
    if root.tag != "xml":
        raise WeChatError(f"the root element is <{root.tag}>, not <xml>", code="malformed_xml")
    return root


def _field(root: ET.Element, tag: str) -> str | None:
    el = root.find(tag)
    if el is None:
        return None
    return el.text or ""


def _required(root: ET.Element, tag: str) -> str:
    value = _field(root, tag)
    if value is None or not value.strip():
        raise WeChatError(f"the message has no <{tag}>", code="malformed_xml")
    return value.strip()


def _optional(root: ET.Element, tag: str) -> str | None:
    value = _field(root, tag)
    return value.strip() if value is not None else None


@dataclass(frozen=True, slots=True)
class Message:
    """One inbound message or event, as WeChat sent it.

    `text` is what the customer said: Content for text, the speech recognition (Recognition)
    for voice when WeChat provides it, "" otherwise.
    """

    to_user: str  # our account's original id (gh_…)
    from_user: str  # the customer's openid
    create_time: int  # Unix seconds, WeChat's clock
    msg_type: str
    msg_id: str | None = None
    text: str = ""
    event: str | None = None  # subscribe, unsubscribe, CLICK, VIEW, SCAN, LOCATION, …
    event_key: str | None = None
    media_id: str | None = None
    pic_url: str | None = None

    @property
    def dedupe_key(self) -> str:
        """The same for WeChat's retries of one message, different for any two messages."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"evt:{self.from_user}:{self.create_time}:{self.event or self.msg_type}"


def parse_message(xml_text: str | bytes) -> Message:
    """The Message in a plain-mode body (or a decrypted safe-mode one)."""
    root = _parse_xml(xml_text)
    create_time = _required(root, "CreateTime")
    if not (create_time.isascii() and create_time.isdigit()):
        raise WeChatError(f"CreateTime {create_time!r} is not a number", code="malformed_xml")
    # WeChat adds types over the years; an unknown one is still a message, with no text.
    msg_type = _required(root, "MsgType")
    if msg_type == "text":
        text = _field(root, "Content") or ""
    elif msg_type == "voice":
        text = _field(root, "Recognition") or ""
    else:
        text = ""
    return Message(
        to_user=_required(root, "ToUserName"),
        from_user=_required(root, "FromUserName"),
        create_time=int(create_time),
        msg_type=msg_type,
        msg_id=_optional(root, "MsgId") or None,
        text=text,
        event=_optional(root, "Event") if msg_type == "event" else None,
        event_key=_optional(root, "EventKey"),
        media_id=_optional(root, "MediaId"),
        pic_url=_optional(root, "PicUrl"),
    )


def parse_envelope(xml_text: str | bytes) -> tuple[str, str]:
    """(ToUserName, Encrypt) of a safe-mode body; ToUserName is "" when absent."""
    root = _parse_xml(xml_text)
    return _optional(root, "ToUserName") or "", _required(root, "Encrypt")


# -- replies ------------------------------------------------------------------------------------


def _cdata(value: str) -> str:
    # "]]>" would end the section early; split it across two sections instead.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def reply_text(to_user: str, from_user: str, text: str, create_time: int) -> str:
    """The passive text reply: to the customer's openid, from our account."""
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName>"
        f"<FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime>"
        f"<MsgType>{_cdata('text')}</MsgType>"
        f"<Content>{_cdata(text)}</Content></xml>"
    )


def encrypted_reply(
    crypto: Crypto,
    token: str,
    xml: str,
    timestamp: str,
    nonce: str,
    random16: bytes | None = None,
) -> str:
    """The safe-mode envelope of a reply: Encrypt, MsgSignature, TimeStamp and Nonce."""
    if not (timestamp.isascii() and timestamp.isdigit()):
        raise WeChatError(f"timestamp {timestamp!r} is not a number", code="malformed_xml")
    encrypted = crypto.encrypt(xml, random16)
    signature = msg_signature(token, timestamp, nonce, encrypted)
    return (
        "<xml>\n"
        f"<Encrypt>{_cdata(encrypted)}</Encrypt>\n"
        f"<MsgSignature>{_cdata(signature)}</MsgSignature>\n"
        f"<TimeStamp>{timestamp}</TimeStamp>\n"
        f"<Nonce>{_cdata(nonce)}</Nonce>\n"
        "</xml>"
    )


def inbound(message: Message) -> Inbound:
    """The message as the intake takes it (the openid is the sender)."""
    return Inbound(
        channel="wechat",
        sender=message.from_user,
        key=message.dedupe_key,
        kind=message.msg_type,
        text=message.text,
        event=message.event,
        event_key=message.event_key,
    )
