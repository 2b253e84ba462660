"""Real password hashers for tests: they hash, and remember which thread did."""

from __future__ import annotations

import threading

from django.contrib.auth.hashers import MD5PasswordHasher, PBKDF2PasswordHasher

hashing_threads: list[str] = []


class ThreadRecordingMD5PasswordHasher(MD5PasswordHasher):
    algorithm = "recording_md5"

    def encode(self, password: str, salt: str) -> str:
        hashing_threads.append(threading.current_thread().name)
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        hashing_threads.append(threading.current_thread().name)
        return super().verify(password, encoded)


class SlowPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with enough iterations to take a noticeable fraction of a second."""

    algorithm = "slow_pbkdf2_sha256"
    iterations = 2_000_000


class UnavailableHasher(PBKDF2PasswordHasher):
    """A preferred hasher whose library is not installed, as Argon2 without argon2-cffi.

    Verifying its own hashes never happens (nobody has one); encoding, as
    for a hash upgrade or the dummy hash for an unknown user, raises.
    """

    algorithm = "unavailable"
    library = "abs_hasher_library_that_is_not_installed"

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        self._load_library()  # type: ignore[attr-defined]  # Django's, missing from the stubs
        raise AssertionError("unreachable: the library never loads")
