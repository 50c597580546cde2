"""People, businesses, their national identities, login log and the audit trail."""
