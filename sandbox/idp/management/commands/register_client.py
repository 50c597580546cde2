"""Register (or update) an OIDC relying party of the sandbox SSO."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from oauth2_provider.models import get_application_model

from sandbox.idp.models import Client


class Command(BaseCommand):
    help = "Register or update an OIDC client (confidential, authorization code + PKCE S256, RS256)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--secret", required=True, help="client secret (stored hashed)")
        parser.add_argument("--name", required=True, help="name shown to people at sign-in")
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument("--post-logout-uri", action="append", default=[], dest="post_logout_uris")
        parser.add_argument("--backchannel-uri", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        model: type[Client] = get_application_model()
        if len(options["secret"]) < 16:
            raise CommandError("--secret must be at least 16 characters")
        client = model.objects.filter(client_id=options["client_id"]).first() or model(client_id=options["client_id"])
        client.name = options["name"]
        client.client_type = model.CLIENT_CONFIDENTIAL
        client.authorization_grant_type = model.GRANT_AUTHORIZATION_CODE
        client.algorithm = model.RS256_ALGORITHM
        client.skip_authorization = True
        client.redirect_uris = " ".join(options["redirect_uris"])
        client.post_logout_redirect_uris = " ".join(options["post_logout_uris"])
        client.backchannel_logout_uri = options["backchannel_uri"]
        client.client_secret = options["secret"]
        client.hash_client_secret = True
        client.save()
        self.stdout.write(f"Client {client.client_id} registered ({client.name}).")
