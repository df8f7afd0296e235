"""Accounts, roles and the one object-level permission mechanism (``restrict(user, action)``)."""
