"""projsync: project accounting and project scheduling, kept in two-way sync."""

__version__ = "0.1.0"
