"""The ledger: the ERP side of projsync (projects, activities, workers, postings).

It never imports the plan server nor the sync: they are other systems.
"""
