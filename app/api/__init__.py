"""The REST API under /api/v1: JSON in, JSON out, one error shape, described by OpenAPI."""
