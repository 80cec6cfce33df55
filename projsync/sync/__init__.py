"""The sync: keeps the ledger and the plan server in two-way agreement, entity by entity."""
