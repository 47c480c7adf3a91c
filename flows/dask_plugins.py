"""Dask worker plugins of the LocalCluster that `opwatch run --dask` starts."""

from __future__ import annotations

import threading
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from opwatch.settings import Settings


class ModelPreload(WorkerPlugin):
    """Each worker starts loading the models in a background thread as it starts, so the
    workers load them side by side while the sources are read, instead of one in the
    run's prepare step and the next in its first extraction. Extract tasks wait for the
    load (the lock in opwatch.tasks.extract); a load that fails here is tried again, and
    reported with its message, by the run's prepare step."""

    name = "opwatch-model-preload"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:  # noqa: ARG002 - the plugin interface
        threading.Thread(target=self._load, name=self.name, daemon=True).start()

    def _load(self) -> None:
        from opwatch.tasks.extract import load_models

        try:
            load_models(self.settings)
        except Exception:  # noqa: BLE001 - the prepare step raises it with its message
            return
