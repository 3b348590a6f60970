"""Two-way SMS: the replies the SMS gateway hands over, understood as an answer to a
session or meeting, an opt-out, or a message for the client's workers."""
