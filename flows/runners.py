"""Which Prefect task runner runs the pipeline's chunk tasks: threads, or Dask."""

from __future__ import annotations

from typing import Any

from prefect.task_runners import ThreadPoolTaskRunner

from opwatch.settings import Settings

DASK_MISSING = (
    "Dask needs the `dask` extra (prefect-dask): pip install -e '.[dask]' "
    "(every Dask worker needs it too, with the project installed)."
)


class DaskUnavailableError(RuntimeError):
    """prefect-dask is not installed."""


def local_cluster_kwargs(settings: Settings) -> dict[str, Any]:
    """A LocalCluster of `dask_workers` processes, one thread each, on loopback only,
    whose workers load the models as they start."""
    return {
        "n_workers": settings.dask_workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
        "plugins": (_model_preload(settings),),
    }


def _model_preload(settings: Settings) -> Any:
    from opwatch.flows.dask_plugins import ModelPreload  # needs distributed: the dask extra

    return ModelPreload(settings)


def task_runner_for(settings: Settings) -> Any:
    """ThreadPoolTaskRunner(max_workers), or a DaskTaskRunner on the scheduler at
    `dask_address`, or on a LocalCluster it starts when `dask` is set."""
    if not settings.uses_dask:
        return ThreadPoolTaskRunner(max_workers=settings.max_workers)
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as error:
        raise DaskUnavailableError(DASK_MISSING) from error
    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs=local_cluster_kwargs(settings),
    )
