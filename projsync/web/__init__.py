"""The web server: the REST API under ``/api/v1`` and the pages people use.

Thin, as the command line is: it parses, checks who is asking and what they
may see, calls the parts' services, and renders. Users, API tokens and page
sessions live in the web server's own store (``web/tables.py``).
"""
