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
