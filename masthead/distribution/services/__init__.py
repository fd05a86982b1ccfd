"""Writes of the distribution app: building the static site and keeping it current, bundles,
and deploying to object storage. One module per concern; the public functions are here."""

from masthead.distribution.services.site import (
    BuildError,
    BuildReport,
    render_processes,
    site_build,
    site_update,
)

__all__ = ["BuildError", "BuildReport", "render_processes", "site_build", "site_update"]
