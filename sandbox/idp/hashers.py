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

import hashlib
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher, BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare


class VneidArgon2Hasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1


class ClientSecretHasher(BasePasswordHasher):
    """Salted SHA-256 for OIDC client secrets (``CLIENT_SECRET_HASHER``).

    Client secrets are random strings of at least 128 bits made by machines, not passwords
    chosen by people: nothing can be guessed, so key stretching adds cost (a second
    Argon2 per token request) without adding security. Passwords keep Argon2id.
    """

    algorithm = "sha256_secret"

    def encode(self, password: str, salt: str) -> str:
        if not salt or "$" in salt:
            raise ValueError("salt must be provided and cannot contain $.")
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict[str, str]:
        algorithm, salt, digest = encoded.split("$", 2)
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "salt": mask_hash(decoded["salt"]),
            "hash": mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password: str, encoded: str) -> None:
        return None
