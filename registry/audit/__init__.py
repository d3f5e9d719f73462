"""Audit events: every write leaves one."""

from .services import change, record_event

__all__ = ["change", "record_event"]
