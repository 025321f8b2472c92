"""`fangxian serve`: the production WSGI server (gunicorn) with whitenoise for static files.

TLS: put a reverse proxy (nginx, Caddy) with HTTPS in front, or pass --certfile and
--keyfile; the checkpoint console needs a secure context (HTTPS or localhost).
"""

import atexit
import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application
from gunicorn.app.base import BaseApplication

# gunicorn's largest request line (its default is 4094): a long search or filter link still
# reaches Django, which answers in the user's language, instead of gunicorn's bare 414 page.
LIMIT_REQUEST_LINE = 8190


def gunicorn_config(*, bind: str, workers: int, threads: int, certfile: str | None = None,
                    keyfile: str | None = None) -> dict:
    config = {
        "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
        "accesslog": "-", "timeout": 120, "graceful_timeout": 10,
        "limit_request_line": LIMIT_REQUEST_LINE,
        # The access log records the path only: no query string, which can hold a search term.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
    }
    if certfile:
        config.update(certfile=certfile, keyfile=keyfile)
    return config


class Command(BaseCommand):
    help = "Serve Fangxian with gunicorn (never runserver outside development)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("FANGXIAN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("FANGXIAN_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--certfile")
        parser.add_argument("--keyfile")
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument("--with-worker", action="store_true",
                            help="also run `fangxian worker` (background tasks such as the roster solver) "
                                 "beside the server, stopped with it; for one machine, as `make run` does")

    def handle(self, *args, bind, workers, threads, certfile, keyfile, no_collectstatic, with_worker, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        config = gunicorn_config(bind=bind, workers=workers, threads=threads, certfile=certfile, keyfile=keyfile)

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self):
                return get_wsgi_application()  # what fangxian.wsgi serves, in this configured process

        if with_worker:
            worker = subprocess.Popen([sys.executable, "-m", "fangxian.cli", "worker"])
            atexit.register(worker.terminate)
        self.stdout.write(f"Fangxian: http{'s' if certfile else ''}://{bind}/")
        Server().run()
