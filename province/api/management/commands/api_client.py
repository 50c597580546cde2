"""Register, list and stop clients of the integration API (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from province.api import services
from province.api.models import ApiClient, known_scopes


class Command(BaseCommand):
    help = "Clients of the integration API: create (prints the secret once), list, deactivate."

    def add_arguments(self, parser: CommandParser) -> None:
        known = known_scopes()
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="register a client, or replace the secret of --client-id")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--scopes",
            required=True,
            help=f"space- or comma-separated, among: {', '.join(known)}",
        )
        create.add_argument("--kind", default=ApiClient.Kind.KIOSK, choices=ApiClient.Kind.values)
        create.add_argument("--client-id", default="", help="default: a random id")
        create.add_argument(
            "--secret",
            default="",
            help="a fixed secret (demo set-ups only; refused in production); default: a random one",
        )
        create.add_argument("--rate", type=int, default=0, help="requests per minute (0: the default)")
        actions.add_parser("list", help="list clients (never their secrets)")
        deactivate = actions.add_parser("deactivate", help="refuse new tokens and revoke the current ones")
        deactivate.add_argument("--client-id", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            for client in ApiClient.objects.select_related("application").order_by("id"):
                state = "active" if client.is_active else "inactive"
                self.stdout.write(
                    f"{client.application.client_id}\t{client.name}\t{client.kind}\t{client.scopes}\t{state}"
                )
        else:
            try:
                services.api_client_deactivate(client_id=options["client_id"])
            except ApiClient.DoesNotExist as exc:
                raise CommandError(f"no client {options['client_id']!r}") from exc
            self.stdout.write(f"Client {options['client_id']} deactivated; its tokens are revoked.")

    def _create(self, options: dict[str, Any]) -> None:
        if options["secret"] and settings.APP_ENV == "production":
            raise CommandError("--secret is for demo set-ups: in production let the command make one")
        if options["rate"] < 0:
            raise CommandError("--rate must be 0 or more")
        scopes = options["scopes"].replace(",", " ").split()
        try:
            credentials = services.api_client_save(
                name=options["name"],
                kind=options["kind"],
                scopes=scopes,
                client_id=options["client_id"],
                client_secret=options["secret"],
                rate_per_minute=options["rate"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"client_id:     {credentials.client_id}")
        self.stdout.write(f"client_secret: {credentials.client_secret}")
        self.stdout.write(f"scopes:        {credentials.client.scopes}")
        self.stdout.write("The secret is stored hashed: keep it now, it cannot be shown again.")
