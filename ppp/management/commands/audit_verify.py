"""Walk the audit chain; exit non-zero naming the first entry that was edited, removed or reordered.

On success the command prints the chain head (sequence and hash). Keep that line somewhere the
database's administrators cannot write (a ticket, a signed email, another system) and pass it back
with --anchor: someone with superuser rights could rewrite every entry after the one they edited and
the head too, and only a hash kept outside the database exposes that.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ppp.audit import chain_head, verify_chain
from ppp.models import AuditEntry

_ANCHOR = re.compile(r"^#?(?P<sequence>[0-9]{1,18}):(?P<hash>[0-9a-fA-F]{64})$")


def parse_anchor(text: str) -> tuple[int, str]:
    match = _ANCHOR.match(text.strip())
    if match is None or int(match["sequence"]) < 1:
        raise CommandError(f"--anchor {text!r}: expected SEQUENCE:SHA256, e.g. 1042:9f86d08...")
    return int(match["sequence"]), match["hash"].lower()


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log (and, with --anchor, hashes recorded outside it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQUENCE:SHA256",
            help="an entry hash recorded earlier (the head printed by a previous run); repeatable",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors: dict[int, str] = {}
        for text in options["anchor"]:
            sequence, entry_hash = parse_anchor(text)
            if anchors.get(sequence, entry_hash) != entry_hash:
                raise CommandError(f"--anchor gives two different hashes for entry #{sequence}")
            anchors[sequence] = entry_hash
        problem = verify_chain(anchors=anchors)
        if problem is not None:
            raise CommandError(f"audit chain broken at {problem}")
        count = AuditEntry.objects.count()
        sequence, last_hash = chain_head()
        self.stdout.write(
            self.style.SUCCESS(f"audit chain intact: {count} entries; head #{sequence} sha256 {last_hash}")
        )
        if sequence:
            self.stdout.write(f"anchor for the next run: --anchor {sequence}:{last_hash}")
