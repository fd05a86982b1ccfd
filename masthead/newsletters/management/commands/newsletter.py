"""``masthead newsletter send <edition>``: send an edition from this terminal, with progress.

The send is the same one the worker runs: started (if it was not), then sent from this
process. Workers may share it; stopping this command (Ctrl+C, or a kill) loses nothing, and
running it again, or the worker's dispatcher, finishes the rest.
"""

from django.core.management.base import BaseCommand, CommandError

from masthead.core.management.progress_stream import ProgressStream
from masthead.core.numbers import whole_number
from masthead.newsletters import selectors
from masthead.newsletters.models import Edition
from masthead.newsletters.progress import Progress
from masthead.newsletters.services import sending


class Command(BaseCommand):
    help = "Newsletter operations: `send <edition id>`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="Send an edition now, from this process.")
        send.add_argument("edition", help="The edition's id (see Newsletters → Editions).")

    def handle(self, *args, action, edition, **options):
        number = whole_number(edition)
        if number is None:
            raise CommandError(f"The edition is given by its number, got {edition!r}.")
        item = Edition.objects.select_related("newsletter").filter(pk=number).first()
        if item is None:
            raise CommandError(f"There is no edition {edition}.")
        if item.status == Edition.Status.SENT:
            self.stdout.write(f"Edition {item.pk} “{item}” was already sent.")
            return
        try:
            item = sending.edition_send_start(edition=item)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        sending.ledger_fill(edition=item)
        item.refresh_from_db()
        already = selectors.edition_progress(edition=item).sent
        bar = Progress(
            total=item.recipients_total,
            label=f"Edition {item.pk}",
            unit="emails",
            stream=ProgressStream(self.stderr),
        )
        bar.update_to(already)
        try:
            # Waits for rows another run holds (a killed one: until its lease runs out).
            report = sending.edition_send_run(
                edition_id=item.pk,
                progress=lambda sent, total: bar.update_to(already + sent),
                wait_for_others=True,
            )
        finally:
            bar.close()
        counts = selectors.edition_progress(edition=item).counts
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        rate = report.sent / report.seconds if report.seconds else 0
        self.stdout.write(
            f"Edition {item.pk}: sent {report.sent} from this process in {report.seconds:.1f}s "
            f"({rate:.0f}/s). Ledger: {summary}."
        )
        if report.finished:
            self.stdout.write(self.style.SUCCESS("Every recipient has an outcome."))
        else:
            self.stdout.write("Some recipients are still waiting (retries, or other workers).")
