"""Periodic checks of the registry."""

from __future__ import annotations

from rollout5g.platform.jobs import periodic


@periodic("sites.purge_uploads", minutes=60)
def purge_uploads():
    """Delete 工参 uploads that were previewed but never imported, after ROLLOUT5G_UPLOAD_KEEP_HOURS."""
    from .imports.limits import purge_stale_uploads
    from .imports.views import imports_dir

    return purge_stale_uploads(imports_dir())
