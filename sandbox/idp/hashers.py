"""Argon2id password hashing with parameters chosen for this service.

Django's own Argon2PasswordHasher uses memory_cost=100 MiB, parallelism=8, which on a
2-core web host costs ~100 ms and 100 MiB per login; at 30 logins/s/core that is not
affordable. We follow OWASP's Password Storage Cheat Sheet minimum for Argon2id
(m=19 MiB, t=2, p=1), which gives the same resistance per byte of attacker memory and
keeps one hash around 20-30 ms here (bench/argon2_cost.py measures it; docs/benchmarks.md
records it). Changing these values re-hashes each password at its next successful login
(Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class VneidArgon2Hasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
