from typing import Any

from django.core.management.base import BaseCommand

from jikim.accounts import demo
from jikim.accounts.models import Member, Tenant
from jikim.billing import demo as demo_billing
from jikim.cases import demo as demo_cases
from jikim.shipping import demo as demo_orders


class Command(BaseCommand):
    help = (
        "데모 판매자 두 곳(demo, demo2)과 운영사 개인정보 보호책임자를 만들고, demo에 예시 "
        "주문을 불러옵니다. 여러 번 실행해도 안전합니다."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for account in demo.seed():
            if account.password:
                self.stdout.write(
                    f"  {account.note}: 로그인ID {account.login_id} / 비밀번호 {account.password}"
                )
            else:
                self.stdout.write(f"  {account.note}: 로그인ID {account.login_id} (이미 있음)")
        owner, tenant = Member.objects.get(login_id="demo"), Tenant.objects.get(slug="demo")
        batch = demo_orders.seed_orders(owner, tenant)
        if batch is not None:
            self.stdout.write(
                f"  데모상점: 예시 주문 {batch.new_rows}건을 불러왔습니다 — /t/demo/orders/ 에서 "
                f"연락처 뒤 4자리 {demo_orders.SEARCH_HINT}(으)로 찾아 보세요. 주문 파일에 섞여 "
                f"있던 주민등록번호·카드번호 {batch.identifiers_masked}건은 가려서 저장했습니다 "
                f"(/t/demo/imports/{batch.pk}/)."
            )
        if cases := demo_cases.seed_cases(owner, tenant):
            self.stdout.write(
                f"  데모상점: 고객 CS 민원 {cases}건을 접수해 두었습니다 (/t/demo/cases/)."
            )
        if plans := demo_billing.seed_plans():
            self.stdout.write(
                f"  요금제 {plans}개를 만들어 두었습니다 (/t/demo/billing/ 에서 선택)."
            )
        self.stdout.write("데모 데이터 준비 완료. 비밀번호는 처음 만들 때 한 번만 표시됩니다.")
