"""Redmine 5 as projsync's plan side: its REST client, its custom fields, its time entries."""
