"""``python -m province <command>``: Django's manage.py for the provincial system."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "province.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.executable} -m province", *sys.argv[1:]])


if __name__ == "__main__":
    main()
