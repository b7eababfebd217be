"""Fixtures of the portal tests: an app on the demo database, and the sign-in code as the
outbox holds it (what the customer's phone would show)."""

import re

import pytest
from sqlalchemy import select

from moqi.db import session_scope
from moqi.service.outbox.models import OutboxMessage
from tests.conftest import serving

# The demo customers (moqi/data/demo/customers.yaml).
WANG = "13800001001"  # 东莞, an overage charge, in an area with a known broadband fault
CHEN = "13800001002"  # a trip to Tokyo tomorrow, roaming not opened
UNKNOWN = "13912345678"


@pytest.fixture
def app(loaded_db, db_url):
    yield from serving(db_url)


@pytest.fixture
def sms_code(loaded_db):
    """The newest sign-in code texted to a customer, read from the outbox."""

    def read(customer_id: str) -> str:
        with session_scope(loaded_db) as s:
            body = s.scalar(
                select(OutboxMessage.body)
                .where(
                    OutboxMessage.kind == "verify_code", OutboxMessage.customer_id == customer_id
                )
                .order_by(OutboxMessage.id.desc())
                .limit(1)
            )
        assert body, f"no code was texted to {customer_id}"
        return re.match(r"(\d{6})", body).group(1)

    return read
