"""The `fangxian` command: Django's management commands under the project's own name.

`fangxian serve`, `fangxian worker`, `fangxian demo`, `fangxian import residents FILE ...`
are management commands of the apps; `fangxian migrate` and the rest are Django's.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangxian.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "fangxian"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
