"""Settings of the test run: the product's settings, with a data directory of its own.

Every ``pytest`` run gets a fresh temporary data directory (database, media, coverage rasters, secret key), removed
when the run ends, whatever ``ROLLOUT5G_DATA_DIR`` or ``HOME`` say — a test never touches ``~/.rollout5g`` or a
user's demo. Passwords are hashed with a fast hasher: tests create many users and the hash's strength is not what
they test.
"""

import atexit
import os
import shutil
import tempfile

_DATA_DIR = tempfile.mkdtemp(prefix="rollout5g-test-")
os.environ["ROLLOUT5G_DATA_DIR"] = _DATA_DIR
atexit.register(shutil.rmtree, _DATA_DIR, ignore_errors=True)

from rollout5g.web.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
