"""Group programmes: schedules, sessions, enrolment with a waiting list, attendance,
feedback at the end of a group."""
