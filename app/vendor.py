"""Front-end libraries, served from node_modules (installed from package-lock.json), never a CDN."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from app.config import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"

# The only files served, by the name pages use.
VENDOR_FILES = {
    "socket.io.esm.min.js": "socket.io-client/dist/socket.io.esm.min.js",
    "hls.min.mjs": "hls.js/dist/hls.min.mjs",
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "jsQR.js": "jsqr/dist/jsQR.js",
}
CACHE_SECONDS = 7 * 24 * 3600

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


@bp.route("/<name>")
def library(name: str):
    """One whitelisted library file."""
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    if not (NODE_MODULES / relative).is_file():
        abort(404, f"{name} is missing: run `npm ci` in the FairCast folder.")
    response = send_from_directory(NODE_MODULES, relative, max_age=CACHE_SECONDS)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    return response
