"""Accounts: organisers, hosts and seekers; passwords, sessions and API tokens."""
