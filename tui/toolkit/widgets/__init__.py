"""Reusable widgets: form fields, step indicator, SQL-backed record list, footer, card."""
