"""``masthead demo``: set up the demo publication and serve it with a worker beside it."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from masthead.project.demo.loader import (
    demo_password,
    demo_publication_load,
    demo_second_factors_ensure,
    demo_users_ensure,
)
from masthead.project.demo.reach import demo_reach_ensure

# Time, request line, status, size, duration: no address, no referrer, no user agent.
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(B)s %(M)sms'


class Command(BaseCommand):
    help = "Create (once) and serve the demo publication on http://127.0.0.1:8000 with a worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="Web server processes.")
        parser.add_argument("--no-serve", action="store_true", help="Set up the data, then exit.")

    def handle(self, *args, port, workers, no_serve, **options):
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        created = demo_publication_load(progress=lambda msg: self.stdout.write(f"  demo: {msg}"))
        self.stdout.write(
            "Demo publication created." if created else "Reusing the existing demo publication."
        )
        if demo_reach_ensure():
            self.stdout.write("  demo: an example onion address and two mirrors (/mirrors/)")
        users = demo_users_ensure()
        second_factors = demo_second_factors_ensure()
        url = f"http://127.0.0.1:{port}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nMasthead demo: {url}/\n"
                f"Admin:        {url}/admin/\n"
                f"  users {', '.join(users)} — password {demo_password()}\n"
                f"  (kept in {settings.DATA_DIR / 'demo-password'})\n"
            )
        )
        self._print_second_factors(second_factors)
        if no_serve:
            return
        self._serve(port, workers)

    def _print_second_factors(self, second_factors) -> None:
        self.stdout.write(
            "Then a second factor: add the key below to an authenticator app (or scan the\n"
            "set-up link), and enter the six digits it shows; or use a recovery code once.\n"
        )
        for f in second_factors:
            self.stdout.write(
                f"  {f.username}: key {f.totp_secret} (code now: {f.current_code})\n"
                f"    {f.otpauth_uri}\n"
                f"    recovery codes: {' '.join(f.recovery_codes)}"
            )
        self.stdout.write(f"  (kept in {settings.DATA_DIR / 'demo-second-factors.json'})\n")

    def _serve(self, port: int, workers: int) -> None:
        env = {
            **os.environ,
            "MASTHEAD_BASE_URL": os.environ.get("MASTHEAD_BASE_URL", f"http://127.0.0.1:{port}"),
        }
        masthead = [sys.executable, "-m", "masthead.project.cli"]
        processes = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "masthead.project.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    "-",
                    # Gunicorn's default format starts with the client's address (%(h)s):
                    # Masthead logs no reader's address, so the format leaves it out.
                    "--access-logformat",
                    ACCESS_LOG_FORMAT,
                    # Gunicorn's control socket has one fixed path: two servers would collide.
                    "--no-control-socket",
                    # Threads keep connections alive; bench/serve.py measures the difference.
                    "--worker-class",
                    "gthread",
                    "--threads",
                    "4",
                ],
                env=env,
            ),
            subprocess.Popen([*masthead, "worker"], env=env),  # noqa: S603
        ]
        self.stdout.write("Serving. Press Ctrl+C to stop.")

        def stop(*_):
            for p in processes:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for p in processes:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
