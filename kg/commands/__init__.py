"""The ``kg`` command line, loaded a command at a time.

:mod:`kg.commands.base` holds the group, its table of commands (each named by the module that
defines it, imported when the command runs or ``kg --help`` lists it) and the options the
commands share; :mod:`kg.commands.query` holds ``kg query``, which imports only what a query
needs (no rdflib, no facade); :mod:`kg.cli` holds the other commands.
"""
