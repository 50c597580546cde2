"""Outgoing notifications (SMS, e-mail) behind small backends chosen by settings."""
