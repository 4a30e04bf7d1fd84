"""The `evidentia` command: Django's management commands plus Evidentia's own.

`evidentia init`, `serve`, `ingest`, `watch`, `fixity`, `doctor`, `token`,
`custody verify` and `demo` are management commands in the apps; `evidentia
migrate`, `evidentia shell` and the rest of Django's come for free.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidentia.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["evidentia", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
