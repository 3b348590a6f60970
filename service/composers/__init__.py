"""The top floor: use cases that read or act across domains (a client's pathway,
recording attendance, calendar feeds, the demo)."""
