"""Migrations: they build the schema the models describe, and carry an older instance's data forward."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, String, column, create_engine, insert, select, table

from moqi.db.migrate import alembic_config
from moqi.models import metadata


def test_the_migrated_schema_is_the_models(db_url):
    eng = create_engine(db_url)
    with eng.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": False}), metadata
        )
    eng.dispose()
    assert diff == [], "a model changed without a migration (or the reverse)"


def test_scripts_of_an_older_instance_get_the_conditions_their_words_implied(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    eng = create_engine(url)
    cfg = alembic_config(url)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
    scripts = table(
        "scripts",
        *(
            column(c, String)
            for c in ("id", "kind", "reason", "emotion", "brand", "region", "stage", "text")
        ),
    )
    rows = [
        ("A1", "guidance", "*", "您先说说遇到了什么情况？"),
        ("A2", "apology", "*", "让您为同一件事打了这么多次电话，真的很抱歉。"),
        ("A3", "confirmation", "*", "跟您确认：尾号{number}的{business}已经办理成功。"),
        ("A4", "confirmation", "*", "跟您如实说明：{business}这次没有办理成功。"),
        ("A5", "empathy", "bill_dispute", "多扣的钱我一定帮您查清楚。"),
    ]
    with eng.begin() as conn:
        conn.execute(
            insert(scripts).values(
                [
                    {
                        "id": i,
                        "kind": k,
                        "reason": r,
                        "emotion": "*",
                        "brand": "*",
                        "region": "*",
                        "stage": "*",
                        "text": t,
                    }
                    for i, k, r, t in rows
                ]
            )
        )
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with eng.connect() as conn:
        now = table("scripts", column("id", String), column("conditions", JSON))
        got = dict(conn.execute(select(now.c.id, now.c.conditions).order_by(now.c.id)).all())
    eng.dispose()
    assert got == {
        "A1": ["need_open"],
        "A2": ["repeat_contact"],
        "A3": ["succeeded"],
        "A4": ["failed"],
        "A5": [],
    }


def _cli(*args, home):
    import os
    import subprocess
    import sys

    env = {**os.environ, "MOQI_HOME": str(home)}
    env.pop("MOQI_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "moqi", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_commands_on_an_older_schema_say_to_run_init_and_init_upgrades(tmp_path):
    home = tmp_path / "home"
    url = f"sqlite:///{home / 'moqi.sqlite3'}"
    home.mkdir()
    eng = create_engine(url)
    cfg = alembic_config(url)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
    eng.dispose()
    done = _cli("kb", "hot", home=home)
    assert done.returncode == 2
    assert (
        done.stderr.startswith("moqi: error: the database at sqlite:///")
        and "has schema 0005" in done.stderr
    )
    assert "run `moqi init`" in done.stderr and "Traceback" not in done.stderr
    assert _cli("init", home=home).returncode == 0
    assert _cli("kb", "hot", home=home).returncode == 0


def test_a_schema_from_a_newer_moqi_is_refused_not_touched(tmp_path):
    home = tmp_path / "home"
    assert _cli("init", home=home).returncode == 0
    eng = create_engine(f"sqlite:///{home / 'moqi.sqlite3'}")
    with eng.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    done = _cli("kb", "hot", home=home)
    assert (
        done.returncode == 2
        and "written by a newer moqi" in done.stderr
        and "Traceback" not in done.stderr
    )
    done = _cli("init", home=home)
    assert (
        done.returncode == 2
        and "written by a newer moqi" in done.stderr
        and "Traceback" not in done.stderr
    )
    with eng.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "9999"
    eng.dispose()
