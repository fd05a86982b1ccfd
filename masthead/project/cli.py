"""The ``masthead`` command: Django's management commands with Masthead's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.project.settings")
    from masthead.project.config import ConfigError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - loads the settings, validating the environment
    except ConfigError as exc:
        sys.stderr.write(f"masthead: configuration error in {exc}\n")
        sys.exit(2)

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
