"""iCalendar building (RFC 5545 feeds, iTIP invites), what an event says in each language,
and the table of calendar subscription links."""
