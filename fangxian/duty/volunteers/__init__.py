"""Volunteers, staff and volunteer teams; the public sign-up."""
