"""Notices: a staff member's list of what needs their eye, read or not: changes others
made to their referrals, and messages their clients sent by SMS."""
