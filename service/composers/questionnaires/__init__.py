"""Questionnaires as data, rounds opened for a programme, answers from clients (on their
page) and staff, anonymous rounds that keep no link from an answer to a person, and
results by role with small cells suppressed (issue 19, point 3)."""
