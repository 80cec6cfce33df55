"""The ledger fixture of the ledger tests, for the connector tests."""

from tests.ledger.conftest import ledger

__all__ = ["ledger"]
