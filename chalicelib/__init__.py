"""Steady's Lambda runtime: plain services that know nothing of HTTP, plus thin Chalice routes."""
