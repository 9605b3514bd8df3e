"""Why an uploaded order file was refused as a whole.

A refusal carries a stable `code` (for the UI, tests and metrics) and a Korean message
the seller can act on. Neither ever contains anything read from the file, nor the file
password: messages are chosen from the fixed table below, so a log line or an error
report built from a refusal cannot leak a recipient's data.
"""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    "empty": "파일이 비어 있습니다. 주문 내역이 들어 있는 파일인지 확인해 주세요.",
    "too_large": "파일이 너무 큽니다. 기간을 나누어 여러 파일로 내려받은 뒤 올려 주세요.",
    "too_many_rows": "행이 너무 많습니다. 기간을 나누어 여러 파일로 내려받은 뒤 올려 주세요.",
    "too_many_cells": (
        "표의 크기(빈 칸 포함)가 너무 큽니다. 엑셀에서 주문 내역 아래·오른쪽의 "
        "필요 없는 행과 열을 삭제하고 다시 저장해 올려 주세요."
    ),
    "corrupt": (
        "파일이 손상되었거나 끝까지 전송되지 않았습니다. 판매자센터에서 다시 내려받아 올려 주세요."
    ),
    "password_required": (
        "비밀번호가 걸린 파일입니다. 엑셀에서 파일을 열 때 쓰는 비밀번호를 함께 입력해 주세요."
    ),
    "wrong_password": "비밀번호가 맞지 않습니다. 비밀번호를 확인한 뒤 다시 입력해 주세요.",
    "unsupported_encryption": (
        "이 방식으로 비밀번호가 걸린 파일은 열 수 없습니다. 엑셀에서 비밀번호를 해제하거나 "
        "'Excel 통합 문서(.xlsx)'로 다시 저장한 뒤 올려 주세요."
    ),
    "unknown_format": (
        "어느 판매처의 주문 파일인지 알아볼 수 없습니다. 스마트스토어·쿠팡·G마켓/옥션·11번가에서 "
        "내려받은 원본 파일이거나, 열 이름을 직접 지정한 파일이어야 합니다."
    ),
    "contract_ended": (
        "서비스 계약이 해지된 회사라 주문을 새로 올릴 수 없습니다. 이미 받은 주문은 "
        "파기 전까지 조회하고 내려받을 수 있습니다."
    ),
    "too_few_columns": (
        "주문 파일로 보기에는 열이 너무 적습니다. 주문번호·수취인 이름·연락처·주소가 "
        "각각 다른 열에 있는 엑셀 또는 CSV 파일이어야 합니다. "
        "판매처에서 내려받은 원본 파일을 올려 주세요."
    ),
    "html_disguised": (
        "웹페이지(HTML) 형식으로 저장된 파일입니다. 엑셀에서 연 뒤 "
        "'Excel 통합 문서(.xlsx)'로 다시 저장해 올려 주세요."
    ),
    "not_spreadsheet": (
        "엑셀(xlsx, xls), ODS 또는 CSV 파일만 올릴 수 있습니다. 주문 내역 파일인지 확인해 주세요."
    ),
    "bad_encoding": (
        "글자 인코딩을 알아볼 수 없습니다. 엑셀에서 'CSV UTF-8' 형식으로 다시 저장해 올려 주세요."
    ),
    "no_header": (
        "지정한 열 이름이 들어 있는 제목 행을 파일 윗부분(10행 이내)에서 찾지 못했습니다. "
        "열 이름 지정을 확인해 주세요."
    ),
    "no_orders": "제목 행만 있고 주문이 한 건도 없습니다. 주문이 들어 있는 파일인지 확인해 주세요.",
    "bad_mapping": "열 이름 지정이 올바르지 않습니다. 적어도 주문번호 열은 지정해야 합니다.",
    "stale_preview": (
        "서비스가 갱신되어 미리보기 결과를 더 이상 쓸 수 없습니다. 아무것도 저장되지 "
        "않았으니 파일을 다시 올려 주세요."
    ),
}


class FileRefused(Exception):
    """The uploaded file cannot be imported at all; nothing from it was kept."""

    code: str
    message: str

    def __init__(self, code: str) -> None:
        if code not in MESSAGES:
            # A typo in a code would silently show the wrong advice; fail loudly in tests.
            raise ValueError(f"unknown refusal code: {code!r}")
        self.code = code
        # Only fixed text: no caller can slip a cell value or a password into the message.
        self.message = MESSAGES[code]
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type[FileRefused], tuple[str]]:
        # Background tasks pickle exceptions; rebuild from the code alone.
        return (FileRefused, (self.code,))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"FileRefused({self.code!r})"
