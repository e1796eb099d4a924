"""Victims' identities sealed at rest with AES-GCM (`cryptography`), under a key from settings.

The database holds only nonce + ciphertext + tag; the pseudonym is bound in as associated data,
so a sealed identity copied onto another victim's row does not open. The key is derived from
CTIP_VICTIM_KEY (or CTIP_VICTIM_KEY_FILE) with HKDF, so an operator may give any long secret.
In development the published development key is used, with a warning: it protects nothing.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ctip.config import DEVELOPMENT_VICTIM_KEY, Settings, get_settings

NONCE_BYTES = 12
VERSION = b"\x01"
"""The first byte of every sealed identity: which scheme sealed it (room for key rotation)."""
log = logging.getLogger(__name__)
_configured: AESGCM | None = None
_from_settings: tuple[Settings, AESGCM] | None = None


class IdentityUnreadable(RuntimeError):
    """A sealed identity that this key does not open (wrong key, or the bytes were changed)."""


def cipher_for(material: bytes) -> AESGCM:
    """The AES-256-GCM cipher for a key secret (HKDF-SHA256, so any long secret will do)."""
    key = HKDF(hashes.SHA256(), 32, salt=b"ctip victim identity", info=b"aes-256-gcm v1")
    return AESGCM(key.derive(material))


def _cipher_of(settings: Settings) -> AESGCM:
    """The settings' cipher, derived once per settings object (the process has one)."""
    global _from_settings
    if _from_settings is None or _from_settings[0] is not settings:
        material = settings.victim_key_material()
        if material == DEVELOPMENT_VICTIM_KEY:
            log.warning("victim identities are sealed with the development key: not real data")
        _from_settings = (settings, cipher_for(material))
    return _from_settings[1]


def configure(cipher: AESGCM | None) -> None:
    """Seal with `cipher` instead of the process settings' key (None: back to the settings)."""
    global _configured
    _configured = cipher


def current_cipher() -> AESGCM:
    """The cipher in force: configured, else from the process settings (derived once)."""
    return _configured if _configured is not None else _cipher_of(get_settings())


def seal(identity: dict[str, Any], pseudonym: str, cipher: AESGCM | None = None) -> bytes:
    """The identity as version + nonce + ciphertext, bound to the victim's pseudonym."""
    plain = json.dumps(identity, ensure_ascii=False, sort_keys=True).encode("utf-8")
    nonce = os.urandom(NONCE_BYTES)
    sealed = (cipher or current_cipher()).encrypt(nonce, plain, pseudonym.encode("ascii"))
    return VERSION + nonce + sealed


def unseal(blob: bytes, pseudonym: str, cipher: AESGCM | None = None) -> dict[str, Any]:
    """The identity sealed for this pseudonym; refused (without detail) when it does not open."""
    if blob[:1] != VERSION:
        raise IdentityUnreadable(f"{pseudonym}: unknown identity sealing")
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        plain = (cipher or current_cipher()).decrypt(nonce, sealed, pseudonym.encode("ascii"))
    except InvalidTag:
        raise IdentityUnreadable(f"{pseudonym}: the identity does not open with this key") from None
    value: dict[str, Any] = json.loads(plain)
    return value
