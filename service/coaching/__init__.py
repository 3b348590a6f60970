"""Coaching plans with GAS goals and ratings, assessments, the strengths CV, one-to-one
meetings, the continuation plan and confidential notes."""
