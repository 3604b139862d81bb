"""FairCast: live-streaming job fairs.

Kept free of imports so `faircast serve` can monkey-patch eventlet before anything loads.
"""


def create_app(*args, **kwargs):
    """Build the Flask application (see app.factory.create_app)."""
    from app.factory import create_app as build

    return build(*args, **kwargs)
