"""opwatch.runtime.tune_allocator: the model's short-lived buffers are reused, not
mapped and faulted in again on every batch, whatever the environment says (Dask's
nannies start workers with MALLOC_TRIM_THRESHOLD_=65536). Page faults are counted, not
timed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Allocate, write and free a 16 MB buffer 20 times (a batch's activations) with glibc's
# malloc; print the minor page faults taken after the first time.
_PROBE = """
import ctypes, resource, sys
from opwatch.runtime import tune_allocator
if sys.argv[1] == "tuned":
    assert tune_allocator()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
SIZE = 16 << 20

def batch():
    buffer = libc.malloc(SIZE)
    ctypes.memset(buffer, 1, SIZE)  # written, as activations are
    libc.free(buffer)

batch()  # first allocation: the heap grows once
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    batch()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}  # as a Dask worker starts
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.split()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt only")
def test_buffers_are_reused_after_tuning_under_dask_worker_settings() -> None:
    pages = (16 << 20) // os.sysconf("SC_PAGE_SIZE")
    untuned, tuned = _faults("default"), _faults("tuned")
    assert untuned > 10 * pages  # each buffer mapped and faulted in again
    assert tuned < pages  # the freed buffer is reused
