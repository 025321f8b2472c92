"""Fieldwork's part of the demo (being written)."""
