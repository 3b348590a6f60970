"""Referral pathways: the service catalogue (HSDS), referrals with a FHIR Task-style
lifecycle, notices to the referrer, stalled paths."""
