"""The session store (province/sso/sessions.py): one write of the session per sign-in, a new
key at every sign-in, never another session's row."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import CreateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from province.accounts.models import Person
from province.sso.sessions import SessionStore

pytestmark = pytest.mark.django_db


def session_statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"].split(" ")[0] for q in queries.captured_queries if '"django_session"' in q["sql"]]


def test_it_writes_the_session_once_and_drops_the_old_row_at_sign_in(client, provider):
    state = provider.start(client, "/tai-khoan/")
    old_key = client.session.session_key

    with CaptureQueriesContext(connection) as queries:
        response = provider.callback(client, state)

    assert response.status_code == 302
    # read the visitor's session, delete it, insert the signed-in one: nothing else
    assert session_statements(queries) == ["SELECT", "DELETE", "INSERT"]
    new_key = client.session.session_key
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    stored = SessionStore(session_key=new_key).load()
    assert stored[SESSION_KEY] == str(Person.objects.get().pk)
    assert stored["sso_sid"] == "sid-001"


def test_it_writes_a_new_visitor_session_in_one_statement(client, provider):
    with CaptureQueriesContext(connection) as queries:
        provider.start(client)
    assert session_statements(queries) == ["INSERT"]
    assert Session.objects.filter(session_key=client.session.session_key).exists()


def test_it_keeps_the_data_and_gives_a_new_key_on_rotation():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    old_key = store.session_key

    store.cycle_key()
    new_key = store.session_key
    assert new_key and new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    store.save()
    assert SessionStore(session_key=new_key).load() == {"answer": 42}


def test_it_does_not_write_again_what_it_has_just_written():
    store = SessionStore()
    store["a"] = 1
    store.save()
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert queries.captured_queries == []

    store["a"] = 2
    store.save()
    assert SessionStore(session_key=store.session_key).load() == {"a": 2}


def test_it_writes_again_after_an_in_place_change_marked_modified():
    store = SessionStore()
    store["items"] = [1]
    store.save()
    store["items"].append(2)
    store.modified = True
    store.save()
    assert SessionStore(session_key=store.session_key).load() == {"items": [1, 2]}


def test_it_never_takes_over_another_sessions_row_on_a_key_clash(monkeypatch):
    other = SessionStore()
    other["owner"] = "someone else"
    other.save()
    store = SessionStore()
    store["owner"] = "me"
    store.save()

    monkeypatch.setattr(store, "_get_new_session_key", lambda: other.session_key)
    store.cycle_key()
    with pytest.raises(CreateError):
        store.save()
    assert SessionStore(session_key=other.session_key).load() == {"owner": "someone else"}


def test_it_draws_another_key_when_a_new_session_clashes(monkeypatch):
    other = SessionStore()
    other["owner"] = "someone else"
    other.save()
    keys = iter([other.session_key, "f" * 32])
    store = SessionStore()
    monkeypatch.setattr(store, "_get_new_session_key", lambda: next(keys))
    store["owner"] = "me"
    store.save()

    assert store.session_key == "f" * 32
    assert SessionStore(session_key=other.session_key).load() == {"owner": "someone else"}
    assert SessionStore(session_key="f" * 32).load() == {"owner": "me"}


def test_it_sends_the_new_cookie_after_writing_the_session_in_the_sign_in(client, provider):
    response = provider.login(client, "/tai-khoan/")
    cookie = response.cookies["tthc_sessionid"]
    assert cookie.value == client.session.session_key
    assert client.get("/tai-khoan/").status_code == 200


def test_it_reports_an_unreachable_database_as_such_not_as_a_deleted_session(monkeypatch):
    from django.contrib.sessions.backends.base import UpdateError
    from django.db import OperationalError

    store = SessionStore()
    store["seen"] = 1
    store.save()
    store["seen"] = 2

    def down(*args: object, **kwargs: object) -> None:
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", down)
    with pytest.raises(OperationalError):
        store.save()
    monkeypatch.undo()

    Session.objects.filter(session_key=store.session_key).delete()  # really gone: still UpdateError
    store["seen"] = 3
    with pytest.raises(UpdateError):
        store.save()
