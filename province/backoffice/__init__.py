"""The officers' back office (Một cửa điện tử): accounts, units, sign-in, profiles."""
