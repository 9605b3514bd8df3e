"""Tenant isolation for every cases route: Charlie (another seller) and Bob get 404 for
anything of Alice's, through her slug or through their own; the console answers 404 to
non-operators and keeps sellers' cases out of the operator's desk; a member sees only
their own complaints."""

import pytest

from jikim.cases import actions, urls
from jikim.cases.models import CaseEvent, ContactLog
from tests.audit.support import make_operator
from tests.cases import helpers

pytestmark = pytest.mark.django_db

TENANT = {
    "cases": "cases/",
    "case_new": "cases/new/",
    "case_detail": "cases/{case}/",
    "consultations": "consultations/",
    "consultation_new": "consultations/new/",
    "consultation_detail": "consultations/{consultation}/",
    "recording_audio": "recordings/{recording}/audio/",
}
MEMBER = {"my_complaints": "/complaints/", "my_complaint": "/complaints/{complaint}/"}


@pytest.fixture
def world(alice, settings, tmp_path):
    helpers.use_recordings_dir(settings, tmp_path)
    case = helpers.seller_case(alice)
    consultation = helpers.consultation(alice, helpers.tenant_of(alice), case=case)
    recording = actions.do_attach_recording(alice, consultation, data=helpers.wav())
    return {
        "case": case.pk,
        "consultation": consultation.pk,
        "recording": recording.pk,
        "complaint": helpers.member_complaint(alice).pk,
    }


def test_every_cases_route_is_covered_here() -> None:
    names = {p.name for p in urls.tenant_urlpatterns + urls.member_urlpatterns}
    names |= {p.name for p in urls.console_urlpatterns}
    assert names == set(TENANT) | {f"console_{n}" for n in TENANT} | set(MEMBER)


@pytest.mark.parametrize("name", sorted(TENANT))
def test_other_sellers_get_404_for_alices_desk(name, world, bob, charlie, login) -> None:
    path = TENANT[name].format(**world)
    for stranger in (login(charlie), login(bob)):
        assert stranger.get(f"/t/alice/{path}").status_code == 404, name
        if "{" in TENANT[name]:  # Alice's ids through the stranger's own desk
            assert stranger.get(f"/t/charlie/{path}").status_code in (404,), name
            assert stranger.get(f"/t/bob/{path}").status_code == 404, name


def test_strangers_cannot_change_alices_case_through_their_own_desk(world, charlie, login) -> None:
    client = login(charlie)
    before = (CaseEvent.objects.count(), ContactLog.objects.count())
    for data in (
        {"op": "status", "to": "investigating"},
        {"op": "contact", "kind": "call_out", "note": "x"},
        {"op": "dispute", "kind": "lawsuit", "note": ""},
    ):
        assert client.post(f"/t/charlie/cases/{world['case']}/", data).status_code == 404
    assert (
        client.post(f"/t/charlie/consultations/{world['consultation']}/", {"op": "end"}).status_code
        == 404
    )
    assert (CaseEvent.objects.count(), ContactLog.objects.count()) == before


@pytest.mark.parametrize("name", sorted(TENANT))
def test_console_routes_are_404_for_sellers_and_keep_seller_rows_out(
    name, world, alice, login
) -> None:
    path = TENANT[name].format(**world)
    assert login(alice).get(f"/console/{path}").status_code == 404
    operator = login(make_operator("cs_park", "cs_staff"))
    expected = 404 if "{" in TENANT[name] and name != "case_detail" else 200
    if name == "case_detail":
        expected = 404  # a seller's CS case is not on the operator's desk
    assert operator.get(f"/console/{path}").status_code == expected, name


@pytest.mark.parametrize("name", sorted(MEMBER))
def test_members_see_only_their_own_complaints(name, world, alice, bob, login) -> None:
    path = MEMBER[name].format(**world)
    assert login(alice).get(path).status_code == 200
    response = login(bob).get(path)
    if name == "my_complaint":
        assert response.status_code == 404
    else:
        assert "정산 금액 문의" not in response.content.decode()
