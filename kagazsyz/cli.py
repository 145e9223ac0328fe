"""The ``kagazsyz`` command: Django's management commands under the project's own name."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kagazsyz.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kagazsyz", *sys.argv[1:]])


if __name__ == "__main__":
    main()
