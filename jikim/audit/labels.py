"""What each access-record action is called on the privacy officer's screens. The records
keep the short codes (stable, searchable); the pages say what happened in Korean.
tests/audit/test_action_labels.py finds every code the product writes and checks it is here."""

from __future__ import annotations

from typing import Final

ACTION_LABELS: Final[dict[str, str]] = {
    # Reading personal data
    "view": "조회",
    "list": "목록 조회",
    "search": "검색",
    "unmask": "원문 열람",
    "download": "다운로드",
    "export": "내보내기",
    "notify": "통지 발송",
    "import.read_staged": "업로드 파일 읽기",
    "refused.frozen": "열람 거부 (처리정지)",
    "view.refused_frozen": "조회 거부 (처리정지)",
    "create.refused_frozen": "등록 거부 (처리정지)",
    "separated.lawful_access": "분리보관 정보 열람 (법적 근거)",
    # Sign-in and members
    "login": "로그인",
    "login.failed": "로그인 실패",
    "login.refused_locked": "로그인 거부 (잠김)",
    "logout": "로그아웃",
    "mfa.added": "2단계 인증 등록",
    "mfa.removed": "2단계 인증 해제",
    "mfa.reset": "복구 코드 새로 만들기",
    "member.signup": "회원 가입",
    "member.update": "회원정보 수정",
    "member.withdraw": "회원 탈퇴",
    "consent.given": "동의",
    "consent.withdrawn": "동의 철회",
    "cookie.consent": "쿠키 동의",
    "cookie.withdraw": "쿠키 동의 철회",
    # Access rights (C9-02)
    "role.grant": "권한 부여",
    "role.change": "권한 변경",
    "role.revoke": "권한 회수",
    "operator_role.change": "운영자 역할 변경",
    "staff.invite": "직원 초대",
    "staff.invite_revoke": "직원 초대 취소",
    "api_key.create": "API 키 발급",
    "api_key.revoke": "API 키 폐기",
    # Shipping data
    "create": "등록",
    "update": "수정",
    "upload": "파일 업로드",
    "import.mapping": "업로드 열 지정",
    "import.commit_requested": "업로드 저장 요청",
    "import.cancel": "업로드 취소",
    "shipping.courier_layout": "택배 양식 변경",
    "shipping.tracking_apply": "송장번호 반영",
    # Retention and destruction
    "shred": "파기 (데이터 키 삭제)",
    "retention.approve": "파기 승인",
    "retention.hold": "보존 조치",
    "retention.hold_release": "보존 조치 해제",
    "retention.tenant_period": "판매자 보관일수 변경",
    # Complaints, consultations, the privacy desk
    "case.receive": "민원 접수",
    "case.status": "민원 상태 변경",
    "case.contact": "민원 연락 기록",
    "case.notified": "민원 결과 통지",
    "case.notify_failed": "민원 결과 통지 실패",
    "case.notify_retry": "민원 결과 다시 통지",
    "case.notify_skipped": "민원 결과 통지 생략",
    "consultation.log": "상담 기록",
    "consultation.end": "상담 종료",
    "recording.upload": "녹음 등록",
    "privacy_desk.receive": "개인정보 문의 접수",
    "privacy_desk.answer": "개인정보 문의 답변",
    "privacy_desk.close": "개인정보 문의 종결",
    # Data subjects' requests
    "rights.received": "정보주체 요구 접수",
    "rights.confirmation_sent": "요구 접수 확인 발송",
    "rights.agent_document": "대리인 위임 서류 등록",
    "rights.agent_verified": "대리인 확인",
    "rights.review": "요구 검토",
    "rights.code_locked": "요구 확인 코드 잠김 (오입력 초과)",
    "rights.delay": "처리 연장 통지",
    "rights.access_package": "열람 자료 작성",
    "rights.notify": "처리 결과 통지",
    # A request's moves (jikim.rights.actions._move writes "rights." + the new state)
    "rights.identity_check": "요구 본인 확인 단계",
    "rights.in_progress": "요구 처리 시작",
    "rights.done": "요구 처리 완료",
    "rights.partly_done": "요구 일부 처리",
    "rights.refused": "요구 거절",
    "rights.withdrawn": "요구 철회",
    # The policy, notices, disclosures and breaches
    "policy.publish": "처리방침 게시",
    "notice.post": "공지 게시",
    "notice.email": "공지 메일 발송",
    "disclosure.provision": "제3자 제공 기록",
    "breach.record": "유출 사고 기록",
    "breach.update": "유출 사고 수정",
    "breach.reported": "유출 신고",
    "breach.notified": "유출 통지",
    # Billing
    "billing.plan_create": "요금제 등록",
    "billing.subscribe": "요금제 가입",
    "billing.invoice_issue": "청구서 발행",
    "billing.invoice_cancel": "청구서 취소",
    "billing.invoice_reprorate": "해지일까지 일할 재계산",
    "billing.invoice_overdue": "납부기한 경과 안내",
    "billing.payment_start": "결제 시작",
    "billing.payment": "결제",
    "billing.payment_failed": "결제 실패",
    "billing.refund": "환불",
    "billing.contract_end": "계약 종료",
    # The records themselves, backups
    "audit.view": "접속기록 열람",
    "audit.review_signoff": "접속기록 월간 검토 서명",
    "audit.download_confirm": "다운로드 사유 확인",
    "audit.prune": "보관기간이 지난 접속기록 삭제",
    "backup.create": "백업 생성",
    "backup.restore": "백업 복원",
}


def action_label(code: str) -> str:
    """The Korean name of an action, or its code for one this table does not know."""
    return ACTION_LABELS.get(code, code)
