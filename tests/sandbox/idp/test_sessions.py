"""The sandbox's database session store (``sandbox.idp.sessions``)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from sandbox.idp.sessions import SessionStore

from .conftest import last_code

pytestmark = pytest.mark.django_db


def test_it_rotates_the_key_at_sign_in_and_forgets_the_old_session(client, an):
    client.post("/dang-nhap/vneid/", {"so_dinh_danh": "001099012345", "mat_khau": "Vneid@2024"})
    before = client.session.session_key
    assert Session.objects.filter(session_key=before).exists()
    client.post("/dang-nhap/otp/", {"ma_otp": last_code("0912345678"), "action": "confirm"})
    after = client.session.session_key
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    # The challenge id went with the attempt; the sign-in lives under the new key only.
    assert "_auth_user_id" in SessionStore(after).load()
    assert client.get("/tai-khoan/").status_code == 200


def test_it_keeps_the_data_through_a_key_rotation():
    store = SessionStore()
    store["kept"] = "yes"
    store.save()
    old_key = store.session_key
    store.cycle_key()
    store.save()
    assert store.session_key and store.session_key != old_key
    assert SessionStore(store.session_key).load() == {"kept": "yes"}
    assert not Session.objects.filter(session_key=old_key).exists()


def test_it_refuses_to_create_a_session_under_a_key_in_use(monkeypatch):
    first = SessionStore()
    first["who"] = "first"
    first.save()
    keys = iter([first.session_key, "k" * 32])
    second = SessionStore()
    monkeypatch.setattr(second, "_get_new_session_key", lambda: next(keys))
    second["who"] = "second"
    second.save()
    assert second.session_key == "k" * 32
    assert SessionStore(first.session_key).load() == {"who": "first"}
