"""The client's own page: its links (bearer secrets, stored as digests) and the
clients' answers ("I'll come" / "I can't come") to sessions and meetings."""
