"""WeChat messages for the tests: published vectors and inbound XML as WeChat sends it.

Vectors, copied as published:
- URL signature: the issue's (token `test`, timestamp 1410685589, nonce `test`).
- wechatpy (github.com/wechatpy/wechatpy, tests/test_crypto.py): token 123456, key kWxPEV2…,
  receive id wx49f0ab532d5d035a; an echostr, a message to decrypt and a reply encrypted with the
  random prefix "1234567890123456". wechatpy runs them through its WeChat Work class, whose
  cipher is byte for byte the official account's (the appid's place holds the corp id).
- Tencent's official-account sample (WXBizMsgCrypt Python demo by jonyqin, as kept in
  github.com/charlesXu86/Chatbot_CN, Chatbot_Web/impl/weixin/Sample.py): key abcdefg…, token
  spamtest, appid wx2c2769f8efd9abc2, a compatible-mode body carrying the plaintext beside Encrypt.
- Tencent's published walk-through (developer.work.weixin.qq.com/document/path/90968): token
  QDG6eK, key jWmYm7…, receive id wx5823bf96d3bd56c7, with the decrypted message it prints.
"""

# -- published vectors --------------------------------------------------------------------------

WECHATPY_TOKEN = "123456"
WECHATPY_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
WECHATPY_APPID = "wx49f0ab532d5d035a"
WECHATPY_ECHOSTR = (
    "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
)
WECHATPY_ENVELOPE = """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""
WECHATPY_REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
WECHATPY_REPLY_ENCRYPTED = """<xml>
<Encrypt><![CDATA[9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3]]></Encrypt>
<MsgSignature><![CDATA[407518b7649e86ef23978113f92d27afa9296533]]></MsgSignature>
<TimeStamp>1411525903</TimeStamp>
<Nonce><![CDATA[461056294]]></Nonce>
</xml>"""

MP_TOKEN = "spamtest"
MP_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
MP_APPID = "wx2c2769f8efd9abc2"
MP_BODY = """<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>"""

TENCENT_TOKEN = "QDG6eK"
TENCENT_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
TENCENT_APPID = "wx5823bf96d3bd56c7"
TENCENT_ENVELOPE = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt></xml>"

# -- inbound messages as WeChat sends them ------------------------------------------------------

OUR_ACCOUNT = "gh_3a5c2b1d9e7f"
OPENID = "oQ8mZ5xYk2Lr7Vt1Wn3Pq9Sd4Hf6"

TEXT = f"""<xml><ToUserName><![CDATA[{OUR_ACCOUNT}]]></ToUserName>
<FromUserName><![CDATA[{OPENID}]]></FromUserName>
<CreateTime>1718245032</CreateTime>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[查一下我的流量还剩多少]]></Content>
<MsgId>24601234567890123</MsgId>
</xml>"""

VOICE = f"""<xml><ToUserName><![CDATA[{OUR_ACCOUNT}]]></ToUserName>
<FromUserName><![CDATA[{OPENID}]]></FromUserName>
<CreateTime>1718245101</CreateTime>
<MsgType><![CDATA[voice]]></MsgType>
<MediaId><![CDATA[p3Xh0Wq9ZkT5yR2mLs8VdC1nB6fG4jH7aE0uI9oP2tY5wQ]]></MediaId>
<Format><![CDATA[amr]]></Format>
<MediaId16K><![CDATA[]]></MediaId16K>
<Recognition><![CDATA[我上个月话费怎么扣了这么多]]></Recognition>
<MsgId>24601234567890456</MsgId>
</xml>"""

IMAGE = f"""<xml><ToUserName><![CDATA[{OUR_ACCOUNT}]]></ToUserName>
<FromUserName><![CDATA[{OPENID}]]></FromUserName>
<CreateTime>1718245160</CreateTime>
<MsgType><![CDATA[image]]></MsgType>
<PicUrl><![CDATA[http://mmbiz.qpic.cn/mmbiz_jpg/abc123/0]]></PicUrl>
<MsgId>24601234567890789</MsgId>
<MediaId><![CDATA[Qk8sF2rT6yU1iO9pA3sD7fG0hJ4kL8zX2cV6bN5mM1qW]]></MediaId>
</xml>"""


def event(from_user=OPENID, create_time=1718245200, name="subscribe", key=""):
    return f"""<xml><ToUserName><![CDATA[{OUR_ACCOUNT}]]></ToUserName>
<FromUserName><![CDATA[{from_user}]]></FromUserName>
<CreateTime>{create_time}</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[{name}]]></Event>
<EventKey><![CDATA[{key}]]></EventKey>
</xml>"""
