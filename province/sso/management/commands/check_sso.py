"""``python -m province check_sso``: can we reach the national SSO as configured?"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from province.sso import provider


class Command(BaseCommand):
    help = "Fetch the SSO provider's discovery document and JWKS and report what is wrong."

    def handle(self, *args: Any, **options: Any) -> None:
        conf = provider.conf()
        self.stdout.write(f"issuer:       {conf['ISSUER']}")
        self.stdout.write(f"client_id:    {conf['CLIENT_ID']}")
        self.stdout.write(f"redirect_uri: {conf['REDIRECT_URI']}")
        try:
            metadata = provider.load_metadata(force=True)
            self.stdout.write(self.style.SUCCESS(f"OK discovery {provider.discovery_url()}"))
            jwks = provider.load_jwks(force=True)
        except (provider.ProviderUnavailable, provider.ProviderMisconfigured) as exc:
            raise CommandError(f"ERROR {exc}") from exc
        rsa = [key for key in jwks["keys"] if key.get("kty") == "RSA"]
        if not rsa:
            raise CommandError("ERROR the JWKS has no RSA key (RS256 is required)")
        kids = ", ".join(str(key.get("kid")) for key in rsa)
        self.stdout.write(self.style.SUCCESS(f"OK JWKS: {len(rsa)} RSA key(s): {kids}"))
        for field in ("userinfo_endpoint", "end_session_endpoint"):
            if metadata.get(field):
                self.stdout.write(self.style.SUCCESS(f"OK {field}: {metadata[field]}"))
            else:
                self.stdout.write(self.style.WARNING(f"WARNING no {field}"))
        if not metadata.get("backchannel_logout_supported"):
            self.stdout.write(self.style.WARNING("WARNING no back-channel logout support"))
        algs = metadata.get("id_token_signing_alg_values_supported") or []
        if algs and "RS256" not in algs:
            raise CommandError(f"ERROR the provider does not sign ID tokens with RS256: {algs}")
