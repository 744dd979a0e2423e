"""Every pytest run (unit tests and nbval over notebooks) uses a throwaway store, never a real one."""

from __future__ import annotations

import os
import tempfile

if "ESPEC_DB_URL" not in os.environ:
    _folder = tempfile.mkdtemp(prefix="espec-test-store-")
    os.environ["ESPEC_DB_URL"] = f"sqlite:///{_folder}/workbook.db"
    # Kernels only check the store's revision (the server upgrades it): do what the server would.
    from espec_widgets.store import upgrade

    upgrade(os.environ["ESPEC_DB_URL"])

if "ESPEC_CACHE_DIR" not in os.environ:
    os.environ["ESPEC_CACHE_DIR"] = tempfile.mkdtemp(prefix="espec-test-cache-")
