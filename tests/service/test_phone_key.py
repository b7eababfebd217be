"""Customers are found by phone number through a keyed hash: the secret lives in MOQI_HOME
(created by `moqi init`, 0600, never replaced) or MOQI_SECRET_KEY; rows keyed the old way are
re-keyed by `moqi init`."""

import hashlib
import stat

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from moqi.cli import app
from moqi.db import session_scope
from moqi.nlp.mask import mask_pii
from moqi.secret import SecretMissing, instance_secret, secret_path
from moqi.service import services as desk
from moqi.service.models import Customer
from moqi.settings import get_settings


def old_key(phone: str) -> str:
    """The key moqi stored before: SHA-256 of a public prefix and the number."""
    digits = "".join(ch for ch in phone if ch.isdigit())[-11:]
    return hashlib.sha256(f"moqi-phone:{digits}".encode()).hexdigest()


def init(*args: str):
    return CliRunner().invoke(app, ["init", *args])


def test_the_key_is_keyed_with_the_instance_secret(monkeypatch):
    key = desk.phone_key("13812345678")
    assert key.startswith("h1:") and len(key) == 3 + 64 <= 80
    assert key[3:] != old_key("13812345678")
    # However the number is written, it is the same number.
    assert desk.phone_key("+86 138-1234-5678") == key
    # Another secret, another key: the database alone does not say which number it is.
    monkeypatch.setenv("MOQI_SECRET_KEY", "another machine's secret")
    get_settings.cache_clear()
    assert desk.phone_key("13812345678") != key


def test_init_creates_a_private_secret_and_a_second_init_keeps_it(db_url, instance):
    secret_path().unlink()  # the test instance starts with one; start from none
    done = init()
    assert done.exit_code == 0, done.output
    path = instance / "secret.key"
    assert f"secret: {path} (created)" in done.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    assert len(first.strip()) == 64
    done = init()
    assert done.exit_code == 0, done.output
    assert f"secret: {path} (kept)" in done.output
    assert path.read_text() == first


def test_the_setting_overrides_the_file_and_init_makes_none(db_url, instance, monkeypatch):
    secret_path().unlink()
    monkeypatch.setenv("MOQI_SECRET_KEY", "shared by every machine")
    get_settings.cache_clear()
    done = init()
    assert done.exit_code == 0, done.output
    assert "secret: MOQI_SECRET_KEY" in done.output
    assert not (instance / "secret.key").exists()
    assert instance_secret() == b"shared by every machine"


def test_lookup_by_phone_after_init(db_url, db):
    done = init("--demo")
    assert done.exit_code == 0, done.output
    with session_scope(db) as s:
        stored = s.get(Customer, "C1001")
        assert stored.phone_key.startswith("h1:")
        assert desk.find_customer(s, "13800001001").id == "C1001"
        assert desk.find_customer(s, "138 0000 1001").id == "C1001"
        with pytest.raises(desk.NotFound, match="no customer '13800009999'"):
            desk.find_customer(s, "13800009999")


def test_init_rekeys_legacy_rows(db_url, db):
    legacy = {
        "L1": "13812345678",  # a mobile: 4 hidden digits
        "L2": "+86 13987654321",  # with the country code
        "L3": "020-87654321",  # a landline
        "L4": "0755-1234567",  # a landline whose **** hides 3 digits
        "L5": "10086",  # too short to be masked at all
    }
    with session_scope(db) as s:
        for cid, phone in legacy.items():
            s.add(Customer(id=cid, phone_masked=mask_pii(phone), phone_key=old_key(phone)))
        # A key that matches no number its mask allows: it cannot be recovered.
        s.add(Customer(id="L6", phone_masked="138****0000", phone_key=old_key("13912340000")))
        s.add(Customer(id="L7", phone_masked="", phone_key=None))
    done = init()
    assert done.exit_code == 0, done.output
    assert (
        "customers re-keyed with the secret: 5; numbers not recoverable (found by id only now): 1"
        in done.output
    )
    with session_scope(db) as s:
        keys = dict(s.execute(select(Customer.id, Customer.phone_key)).all())
        assert keys["L6"] is None and keys["L7"] is None
        for cid, phone in legacy.items():
            assert keys[cid] == desk.phone_key(phone)
            assert desk.find_customer(s, phone).id == cid
    # Nothing left to re-key the second time.
    done = init()
    assert done.exit_code == 0 and "re-keyed" not in done.output, done.output


def test_recover_phone_gives_up_on_masks_hiding_too_much():
    card = "6222020202020202020"
    assert desk.recover_phone(mask_pii(card), old_key(card)) is None
    assert desk.recover_phone("138****5678", "not hex") is None


def test_a_missing_secret_is_reported_not_recreated(db_url, loaded_db, instance):
    secret_path().unlink()
    with session_scope(loaded_db) as s, pytest.raises(SecretMissing, match="run `moqi init`"):
        desk.find_customer(s, "13800001001")
    # Commands refuse to run rather than make a secret of their own.
    done = CliRunner().invoke(app, ["kb", "hot"])
    assert done.exit_code == 2
    assert (
        "no instance secret" in done.output
        and "moqi init" in done.output
        and "MOQI_SECRET_KEY" in done.output
    )
    assert not (instance / "secret.key").exists()


def test_init_on_a_database_keyed_elsewhere_refuses_a_new_secret(db_url, loaded_db, instance):
    # A second machine on a shared database, without the first machine's secret.
    secret_path().unlink()
    done = init()
    assert done.exit_code == 2
    assert "keyed with an instance secret this machine does not have" in done.output
    assert not (instance / "secret.key").exists()
