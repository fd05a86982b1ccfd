"""``masthead nginx-config``: the nginx configuration that serves the built site."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from masthead.distribution.services.nginx import nginx_config, nginx_standalone_config


class Command(BaseCommand):
    help = (
        "Print an nginx server block serving the static output: Onion-Location header, "
        "year-long caching of hashed assets, short caching of pages, the app behind it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--root", type=Path, default=settings.STATIC_OUTPUT_DIR)
        parser.add_argument("--listen", default="80", help="nginx listen value, e.g. 443 ssl")
        parser.add_argument(
            "--server-name",
            action="append",
            dest="server_names",
            help="Host names (repeat; default: MASTHEAD_BASE_URL's host).",
        )
        parser.add_argument(
            "--app",
            default="",
            help="The app's address for forms and the admin, e.g. "
            "http://127.0.0.1:8000 (default: none, a static-only copy).",
        )
        parser.add_argument(
            "--onion",
            help="The onion origin for the Onion-Location header (default: the address set in "
            "the admin; '' for none).",
        )
        parser.add_argument(
            "--source-page",
            help="The path of the 'Contact us securely' page, e.g. /contact-securely/, served "
            "with no-store and no-referrer headers (default: the page's path; '' for none).",
        )
        parser.add_argument(
            "--real-ip-from",
            action="append",
            metavar="CIDR",
            help="A CDN or load balancer in front of nginx: its networks (repeat, or "
            "comma-separated), whose X-Forwarded-For nginx believes (default: "
            "MASTHEAD_TRUSTED_PROXIES without loopback; '' for none).",
        )
        parser.add_argument("--portable-root", type=Path, help="Also serve the portable copy…")
        parser.add_argument("--portable-prefix", default="/offline/", help="…under this path.")
        parser.add_argument(
            "--standalone",
            type=Path,
            metavar="PREFIX",
            help="Print a complete nginx.conf keeping its pid, logs and temp files in PREFIX.",
        )

    def handle(
        self,
        *args,
        root,
        listen,
        server_names,
        app,
        onion,
        source_page,
        real_ip_from,
        portable_root,
        portable_prefix,
        standalone,
        **options,
    ):
        if root is None:
            raise CommandError("Say which directory to serve: --root DIR (or MASTHEAD_STATIC_OUT).")
        try:
            server = nginx_config(
                root=root,
                listen=listen,
                server_names=server_names,
                app=app,
                portable_root=portable_root,
                portable_prefix=portable_prefix,
                onion_origin=onion,
                source_page_path=source_page,
                real_ip_from=real_ip_from,
                # A standalone config logs under its prefix; an installed one beside nginx's.
                access_log="" if standalone else "/var/log/nginx/masthead.access.log",
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if standalone:
            server = nginx_standalone_config(server=server, prefix=standalone)
        self.stdout.write(server, ending="")
