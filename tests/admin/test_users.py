"""Administrators list, search and edit users: roles, deactivation, reactivation."""

from __future__ import annotations

import re

from portal.accounts.models import User
from portal.core.db import db
from tests.accounts.helpers import live_sessions
from tests.admin.helpers import audit_entries, english, reload_user
from tests.support.factories import make_user
from tests.support.forms import post_form
from tests.support.matrix import login


def _names(page: str, *names: str) -> list[str]:
    return [n for n in names if n in page]


def test_list_shows_roles_and_status(admin_client, personas):
    english(admin_client)
    make_user(name="Ivan Invitado", password=None, verified=False, roles=("reviewer",))
    make_user(name="Dora Desactivada", active=False)
    page = admin_client.get("/admin/users").get_data(as_text=True)
    for name in ("Ana Aplicante", "Rita Revisora", "Ivan Invitado", "Dora Desactivada"):
        assert name in page
    assert "Invitation pending" in page
    assert "Deactivated" in page
    assert "Grants manager" in page


def test_search_by_text_role_and_status(admin_client, personas):
    english(admin_client)
    make_user("ivan@example.org", name="Ivan Invitado", password=None, roles=("reviewer",))
    make_user(name="Dora Desactivada", active=False)
    everyone = ("Ana Aplicante", "Rita Revisora", "Ivan Invitado", "Dora Desactivada")

    page = admin_client.get("/admin/users?q=IVAN@example").get_data(as_text=True)
    assert _names(page, *everyone) == ["Ivan Invitado"]
    page = admin_client.get("/admin/users?q=revisora").get_data(as_text=True)
    assert _names(page, *everyone) == ["Rita Revisora"]
    page = admin_client.get("/admin/users?role=reviewer").get_data(as_text=True)
    assert _names(page, *everyone) == ["Rita Revisora", "Ivan Invitado"]
    page = admin_client.get("/admin/users?status=invited").get_data(as_text=True)
    assert _names(page, *everyone) == ["Ivan Invitado"]
    page = admin_client.get("/admin/users?status=deactivated").get_data(as_text=True)
    assert _names(page, *everyone) == ["Dora Desactivada"]
    page = admin_client.get("/admin/users?q=100%25").get_data(as_text=True)
    assert _names(page, *everyone) == []  # LIKE wildcards are taken literally


def test_pagination_uses_a_fixed_number_of_statements(admin_client, personas, count_queries):
    admin_client.get("/admin/users")  # warm up
    with count_queries() as few:
        assert admin_client.get("/admin/users").status_code == 200
    for n in range(60):
        make_user(f"bulk{n:02d}@example.org", name=f"Bulk {n:02d}", password=None)
    with count_queries() as many:
        first = admin_client.get("/admin/users").get_data(as_text=True)
    assert many.count == few.count
    assert "Page 1 of 2" in first or "1 de 2" in first
    second = admin_client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Bulk 59" in second and "Bulk 00" not in second
    assert admin_client.get("/admin/users?page=999").status_code == 200  # shows the last page


def test_change_roles_is_audited_with_before_and_after(admin_client, personas):
    target = personas["reviewer"]
    url = f"/admin/users/{target.id}"
    response = post_form(
        admin_client,
        f"{url}/roles",
        {"roles": ["reviewer", "finance_officer"]},
        form_url=url,
    )
    assert response.status_code == 302
    assert reload_user(target.id).roles == {"reviewer", "finance_officer"}
    [entry] = audit_entries("user.roles_changed", target.id)
    assert entry.changes == {"roles": [["reviewer"], ["finance_officer", "reviewer"]]}
    assert entry.user_id == personas["admin"].id


def test_unchanged_roles_write_nothing(admin_client, personas):
    target = personas["reviewer"]
    url = f"/admin/users/{target.id}"
    post_form(admin_client, f"{url}/roles", {"roles": ["reviewer"]}, form_url=url)
    assert audit_entries("user.roles_changed", target.id) == []


def test_unknown_role_is_refused(admin_client, personas):
    english(admin_client)
    target = personas["reviewer"]
    url = f"/admin/users/{target.id}"
    response = post_form(admin_client, f"{url}/roles", {"roles": ["emperor"]}, form_url=url)
    assert response.status_code == 400
    assert "not a valid choice" in response.get_data(as_text=True)
    assert reload_user(target.id).roles == {"reviewer"}


def test_admin_cannot_remove_own_admin_role(admin_client, personas):
    english(admin_client)
    me = personas["admin"]
    url = f"/admin/users/{me.id}"
    response = post_form(
        admin_client,
        f"{url}/roles",
        {"roles": ["grants_manager"]},
        form_url=url,
        follow_redirects=True,
    )
    assert "You cannot remove your own administrator role." in response.get_data(as_text=True)
    assert reload_user(me.id).roles == {"admin"}
    assert audit_entries("user.roles_changed", me.id) == []


def test_admin_may_add_roles_to_self(admin_client, personas):
    me = personas["admin"]
    url = f"/admin/users/{me.id}"
    post_form(admin_client, f"{url}/roles", {"roles": ["admin", "grants_manager"]}, form_url=url)
    assert reload_user(me.id).roles == {"admin", "grants_manager"}


def test_deactivation_logs_the_user_out_everywhere(app, admin_client, personas):
    target = personas["grants_manager"]
    victim_client = app.test_client()
    login(victim_client, target.email)
    assert victim_client.get("/audit/").status_code == 200
    assert len(live_sessions(target)) == 1

    url = f"/admin/users/{target.id}"
    assert post_form(admin_client, f"{url}/deactivate", form_url=url).status_code == 302

    user = reload_user(target.id)
    assert not user.is_active
    assert live_sessions(target) == []  # its sessions are revoked, not only refused
    response = victim_client.get("/audit/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    [entry] = audit_entries("user.deactivated", target.id)
    assert entry.changes == {"is_active": [True, False]}
    [ended] = audit_entries("user_session.revoked", target.id)
    assert ended.changes["reason"] == "deactivated"


def test_admin_cannot_deactivate_self(admin_client, personas):
    english(admin_client)
    me = personas["admin"]
    url = f"/admin/users/{me.id}"
    response = post_form(admin_client, f"{url}/deactivate", form_url=url, follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert reload_user(me.id).is_active
    assert audit_entries("user.deactivated", me.id) == []
    assert admin_client.get("/admin/users").status_code == 200  # still logged in


def test_reactivation(admin_client, personas):
    target = make_user(name="Dora Desactivada", active=False)
    url = f"/admin/users/{target.id}"
    assert post_form(admin_client, f"{url}/reactivate", form_url=url).status_code == 302
    assert reload_user(target.id).is_active
    [entry] = audit_entries("user.reactivated", target.id)
    assert entry.changes == {"is_active": [False, True]}


def test_user_page_shows_memberships_and_history_link(admin_client, personas):
    english(admin_client)
    applicant = personas["applicant"]
    page = admin_client.get(f"/admin/users/{applicant.id}").get_data(as_text=True)
    assert "Org A A.C." in page
    assert f"/audit/?object_type=user&amp;object_id={applicant.id}" in page
    assert re.search(r'<input checked[^>]*type="checkbox" value="applicant"', page)
    assert not re.search(r'<input checked[^>]*type="checkbox" value="admin"', page)
    assert "Owner (signatory)" in page


def test_deactivated_admin_loses_access(app, personas):
    other_admin = db.session.get(User, personas["admin"].id)
    client = app.test_client()
    login(client, other_admin.email)
    other_admin = db.session.get(User, other_admin.id)
    other_admin.is_active = False
    db.session.commit()
    response = client.get("/admin/users")
    assert response.status_code in (302, 403)
