"""The ``projsync`` command line: parse, call a service, render. Nothing more."""
