"""RSA signing keys of the sandbox's OIDC provider.

The active key signs ID and logout tokens; inactive keys stay published in the JWKS so that
tokens signed before a rotation still verify (``python -m sandbox rotate_keys``). Keys come
from ``SANDBOX_OIDC_RSA_PRIVATE_KEY`` (or ``_FILE``) when set, else from PEM files in the key
folder, created on first use. This module is imported by settings, so it must not touch
Django models.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ACTIVE_NAME = "active.pem"
INACTIVE_DIR = "inactive"


def generate_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _write_exclusive(path: Path, pem: str) -> None:
    """Write ``pem`` to ``path`` unless another process got there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(pem, encoding="ascii")
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)  # atomic: fails if the file exists
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def load_keys(key_dir: Path, env_pem: str = "") -> tuple[str, list[str]]:
    """Return (active PEM, inactive PEMs), creating the active key file if needed."""
    inactive_dir = key_dir / INACTIVE_DIR
    inactive = sorted(inactive_dir.glob("*.pem")) if inactive_dir.exists() else []
    inactive_pems = [p.read_text(encoding="ascii") for p in inactive]
    if env_pem:
        return env_pem, inactive_pems
    active = key_dir / ACTIVE_NAME
    if not active.exists():
        _write_exclusive(active, generate_pem())
    return active.read_text(encoding="ascii"), inactive_pems


def rotate(key_dir: Path, keep_inactive: int = 1) -> None:
    """Move the active key to the inactive set and create a new active key."""
    active = key_dir / ACTIVE_NAME
    inactive_dir = key_dir / INACTIVE_DIR
    inactive_dir.mkdir(parents=True, exist_ok=True)
    if active.exists():
        existing = sorted(inactive_dir.glob("*.pem"))
        index = int(existing[-1].stem) + 1 if existing else 1
        active.rename(inactive_dir / f"{index:04d}.pem")
    _write_exclusive(active, generate_pem())
    for old in sorted(inactive_dir.glob("*.pem"))[: -keep_inactive or None]:
        old.unlink()
