"""Test session set-up: a private var directory (keys, files) per run."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("KAGAZSYZ_ENV", "test")
os.environ.setdefault("KAGAZSYZ_VAR", tempfile.mkdtemp(prefix="kagazsyz-test-"))
