"""Role-play fixtures: the shipped scenarios, and a simulated customer on the shipped engine."""

from __future__ import annotations

import pytest

from moqi.assist import AssistSession, CustomerProfile
from moqi.training.roleplay.customer import SimulatedCustomer
from moqi.training.roleplay.scenario_files import load_scenarios

# A good call through the data-overage scenario, line by line (the answers the states want).
GOOD_OVERAGE = [
    "王先生您别着急，我马上帮您查一下。请问您是机主本人吗？",
    "我看到您这个月通用流量用了33.2个G，套餐包含30个G，超出了3.2个G，按套外每100兆3块钱计费，所以是96元。",
    "系统显示您流量用到80%和100%的时候，给您发过两条提醒短信。",
    "我理解您的心情。我可以帮您申请减免一半，也就是48元，另外建议加一个流量月包，每月30元20个G。",
    "王先生，已经为您办理成功。跟您确认一下：您办理的业务是30元20GB流量月包，办理号码是尾号2001的号码，办理结果是成功。请问信息都正确吗？",
    "不客气，感谢您的理解，祝您生活愉快，再见！",
]


@pytest.fixture(scope="session")
def scenarios():
    return load_scenarios()


@pytest.fixture
def customer(scenarios, engine):
    """A simulated customer of a shipped scenario (by key), opened: the customer has spoken."""

    def make(key: str = "data_overage_complaint", seed: int = 7) -> SimulatedCustomer:
        played = scenarios[key]
        profile = {k: v for k, v in played.customer.items() if k != "phone"}
        sim = SimulatedCustomer(
            played, AssistSession(customer=CustomerProfile.from_dict(profile), engine=engine), seed
        )
        sim.open()
        return sim

    return make
