"""A staff member's day or week in one answer: their groups' sessions (attendance still
to record, the clients' answers), their coaching meetings, stalled paths, follow-ups
waiting for them, exits to record, unread notices. Clients by first name and surname
initial, and only those the staff member reaches."""
