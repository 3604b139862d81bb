"""Employers and the jobs they offer."""
