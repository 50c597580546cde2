"""Signals of the dossiers app.

``status_changed`` is sent *inside* the transaction of every status change of a dossier
(submission included, with ``from_status=None``), after the dossier row and its
``DossierEvent`` are written. Receivers that keep derived data (statistics aggregates)
write in the same transaction, so they can never disagree with the dossiers; receivers
must not do slow or external work (queue it with ``transaction.on_commit`` instead).

Arguments: ``dossier`` (the saved ``Dossier``), ``from_status`` (int or ``None``),
``to_status`` (int), ``at`` (aware datetime of the change), ``actor`` (``Person`` or ``None``).
"""

from __future__ import annotations

from django.dispatch import Signal

status_changed = Signal()
