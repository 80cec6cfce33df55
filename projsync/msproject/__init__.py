"""Microsoft Project files (.mpp, MSPDI .xml, .mpx) for the plan server, read
and written through MPXJ on a Java virtual machine.

It imports the plan server, never the ledger nor the sync.
"""
