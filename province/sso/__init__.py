"""OpenID Connect relying party to the national SSO (DVCQG / VNeID), with claim mapping."""
