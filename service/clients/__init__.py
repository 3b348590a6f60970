"""Client records, their responsible workers, consent and the audit trail."""
