"""Thin Chalice blueprints. Each parses input, calls a plain service and formats output."""
