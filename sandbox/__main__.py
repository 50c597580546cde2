"""``python -m sandbox <command>``: Django's manage.py for the national sandbox."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.executable} -m sandbox", *sys.argv[1:]])


if __name__ == "__main__":
    main()
