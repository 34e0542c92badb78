"""A cheap Argon2 for the test suite only: same algorithm and format, far less memory and time.

Production keeps Django's Argon2 defaults (100 MiB, 2 passes); a test suite that makes hundreds of
people cannot pay that for each one. Hashes carry their parameters, so either verifies the other.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1
