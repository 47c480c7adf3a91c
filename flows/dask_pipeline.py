"""The pipeline with a Dask task runner, for deployments (deploy/prefect.yaml).

The runner is chosen when a flow run imports this module: OPWATCH_DASK_ADDRESS
(tcp://HOST:PORT) names the scheduler of an existing cluster; without it a LocalCluster
of OPWATCH_DASK_WORKERS processes is started for the run.
"""

from __future__ import annotations

from opwatch.flows.pipeline import configured_pipeline
from opwatch.settings import load_settings

dask_pipeline = configured_pipeline(load_settings(dask=True))
