"""The message outbox: reminders, invites and notices written with the change that causes
them, composed in the client's language and delivered by e-mail and SMS."""
