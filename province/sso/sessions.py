"""Database sessions with fewer statements per sign-in (``SESSION_ENGINE``).

Django's database store; what is stored, where and for how long are unchanged. Every
sign-in rotates the session id (``cycle_key``, through ``django.contrib.auth.login``), and
the stock store spends seven statements on that before the response writes the session
again: look a fresh key up, insert an empty row under it (in a savepoint), read the old row
back, delete it, then update the new row with the data (in a transaction of its own). Here:

- a new key is not first looked up (nor drawn a character at a time): keys are 32 random
  characters (~165 bits) and the row is always *inserted* (``must_create``), so the
  primary key already refuses a duplicate (``CreateError``: ``create`` draws another key;
  a rotated key's first save raises rather than take over another session's row);
- ``cycle_key`` deletes the old row at once and gives the session its new key at once (the
  sign-in records it next to the provider's session id), but inserts the row only at the
  next save;
- a save with nothing changed since this store's previous save is not repeated, so the
  sign-in can write the session inside its own transaction without the response writing
  it a second time;
- deleting a row is one ``DELETE`` instead of a ``SELECT`` then a ``DELETE``;
- a database that cannot be reached while the session is saved raises its own error (a
  503 page, "try again"), not Django's ``UpdateError``, which the session middleware turns
  into a 400 "the session was deleted" (seen during a PostgreSQL restart under load).
"""

from __future__ import annotations

import secrets

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import InterfaceError, OperationalError

_KEY_LENGTH = 32
_BASE = len(VALID_KEY_CHARS)
_KEY_SPACE = _BASE**_KEY_LENGTH


class SessionStore(DbSessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        self._row_pending = False  # the key is new: the next save inserts its row
        self._stored = False  # the row holds what this store holds (saved, unchanged since)
        super().__init__(session_key)

    @property
    def modified(self) -> bool:
        return self._modified

    @modified.setter
    def modified(self, value: bool) -> None:
        # SessionBase sets ``modified`` on every change (and callers do after changing a
        # value in place), so this is where "changed since the last save" is learnt.
        self._modified = value
        if value:
            self._stored = False

    def _get_new_session_key(self) -> str:
        # 32 characters of VALID_KEY_CHARS, as Django's, from one read of the system's random
        # source (get_random_string reads it once per character): 256 random bits reduced
        # modulo 36**32 (~2**165), a bias of at most 2**-90
        value = int.from_bytes(secrets.token_bytes(32), "big") % _KEY_SPACE
        chars = []
        for _ in range(_KEY_LENGTH):
            value, digit = divmod(value, _BASE)
            chars.append(VALID_KEY_CHARS[digit])
        return "".join(chars)

    def create(self) -> None:
        super().create()  # inserts the row, then sets ``modified`` (the cookie must go out)
        self._row_pending = False
        self._stored = True

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            self.create()
            return
        if self._row_pending:
            must_create = True
        elif self._stored and not must_create:
            return
        try:
            super().save(must_create=must_create)
        except UpdateError as exc:
            # Django's store reports any database error of an update as "no such row"
            cause = exc.__context__
            if isinstance(cause, (OperationalError, InterfaceError)):
                raise cause from None
            raise
        self._row_pending = False
        self._stored = True

    def cycle_key(self) -> None:
        data = dict(self.items())
        old_key = self.session_key
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._row_pending = True
        self.modified = True
        if old_key:
            self.delete(old_key)

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key=session_key).delete()
