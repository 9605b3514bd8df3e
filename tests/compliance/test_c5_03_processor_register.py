"""C5-03: the register of processors and third parties shown in the policy is the same
data the code uses — and changing the file changes both."""

import pytest
from django.test import Client

from jikim.policy import bundle, document, page, registers
from jikim.policy.models import PolicyVersion
from tests.policy.pagehtml import processor_rows
from tests.policy.support import changed

pytestmark = pytest.mark.django_db

TOSS = """
[[processors]]
name = "토스페이먼츠"
task = "간편결제"
retention = "결제 완료 후 5년 (전자금융거래법)"
"""


def _billing() -> object | None:
    try:
        from jikim.billing import processors
    except ImportError:  # billing not installed: the page's register is the only reader
        return None
    return processors


def test_c5_03_the_processor_table_on_the_page_is_the_data_the_code_uses() -> None:
    shown = processor_rows(Client().get("/privacy/").content.decode())
    used = [(p.name, p.task, p.retention) for p in registers.processors()]
    assert shown == used and len(used) >= 1
    billing = _billing()
    if billing is not None:
        assert [(p.name, p.task, p.retention) for p in billing.current()] == used
        assert billing.for_gateway("inicis").name == "이니시스"
    grounds = Client().get("/privacy/").content.decode().split('data-register="provision"')[1]
    for ground in registers.current().grounds:
        assert ground.text in grounds


def test_c5_03_changing_the_file_changes_the_page_and_the_code_alike() -> None:
    text = (
        changed(
            (
                'task = "계좌이체 결제, 신용카드결제"',
                'task = "계좌이체 결제, 신용카드결제, 휴대폰결제"',
            )
        )
        + TOSS
    )
    objects = [(p.name, p.task, p.retention) for p in registers.parse(text).processors]
    assert objects == [
        (
            "이니시스",
            "계좌이체 결제, 신용카드결제, 휴대폰결제",
            "해당 업체에서 이미 보유하고 있는 개인정보이기 때문에 별도로 저장하지 않음",
        ),
        ("토스페이먼츠", "간편결제", "결제 완료 후 5년 (전자금융거래법)"),
    ]
    assert processor_rows(page.render(page.build(bundle.parse(text)))) == objects
    billing = _billing()
    if billing is not None:
        assert [(p.name, p.task, p.retention) for p in billing.parse(text)] == objects
    # A fresh install running on the changed file shows it on the live page.
    PolicyVersion.objects.all().delete()
    with document.loaded_from(text):
        assert registers.processors()[1].name == "토스페이먼츠"
        live = processor_rows(Client().get("/privacy/").content.decode())
    assert live == objects
