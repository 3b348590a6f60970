"""Outcomes over time: the situation upon leaving a group or a plan, and the follow-up
six months on that Polku asks the client itself."""
