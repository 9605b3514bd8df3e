"""Reading the tables of the rendered policy page back (as a reader would see them)."""

from __future__ import annotations

import html
import re

_CELL = re.compile(r'<td class="([a-z-]+)">(.*?)</td>', re.S)


def _cells(row: str) -> dict[str, str]:
    return {
        cls: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for cls, text in _CELL.findall(row)
    }


def retention_rows(page: str) -> dict[str, dict[str, str]]:
    """rule id → {"rule-label", "rule-basis", "rule-period"} of the page's §4 tables."""
    rows = re.findall(r'<tr data-rule="([^"]+)">(.*?)</tr>', page, re.S)
    return {rule: _cells(row) for rule, row in rows}


def processor_rows(page: str) -> list[tuple[str, str, str]]:
    table = page.split('data-testid="processors"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    out = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = _cells(row)
        out.append((cells["processor-name"], cells["processor-task"], cells["processor-retention"]))
    return out


def values(page: str, testid: str) -> list[str]:
    found = re.search(rf'data-testid="{testid}">(.*?)</p>', page, re.S)
    assert found, testid
    return [v.strip() for v in html.unescape(found.group(1)).split(",") if v.strip()]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
