"""Dossiers (hồ sơ): online submission, codes, deadlines on the working-day calendar, tracking."""
