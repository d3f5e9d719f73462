"""The audit log as an administrator reads and searches it: a read-only view over every
domain's events, each field named by the form that edits it.

It sits above the domains, beside their views, so that the core ``registry.audit`` (the events
and how every write records one) imports no domain.
"""
