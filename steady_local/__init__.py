"""Local stand-in for AWS: provisioning, demo accounts, snapshots and ``make run``.

Used by the local runner and the tests; never by the Lambda. Only this package imports moto.
"""
