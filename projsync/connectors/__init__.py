"""Connectors: each is one side of the bridge (the built-in ledger and plan
server, Microsoft Project files, Redmine), seen by the sync only through the
protocol of ``base.py``."""
