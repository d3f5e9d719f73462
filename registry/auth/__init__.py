"""Accounts, roles and permissions, sign-in and sessions."""
