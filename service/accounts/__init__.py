"""Organisations, staff accounts, signing in and out."""
