"""Annual LOS reporting pipeline.

Stages, in the order the data flows: read -> validate -> classify -> compute -> write.
Each stage is one module; no stage reaches back into an earlier one.
"""

import os as _os

# numpy asks Linux for transparent huge pages for each array of 4 MiB and more (madvise). Where
# the kernel then makes them on the spot, by compacting memory, the first touch of such an array
# is slow: on the benchmark's machine 500 MB of new arrays took 3.4-7.4 s to touch with the
# advice and 0.36 s without, and a million-line year 23.4 s against 25.5 s (medians of eight
# interleaved pairs). Asked before numpy is imported, which reads it once; a value the user has
# set is kept. Figures are the same either way: this only decides how the system backs memory.
_os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

from pipeline.memory import collector_paused as _collector_paused

# 0.1 s of pandas' import, and what it made kept out of later collections (pipeline/memory.py).
with _collector_paused(keep=True):
    import pandas as _pandas  # after the setting above, which numpy reads when imported

__version__ = "0.1.0"

# pandas keeps text in Arrow arrays when pyarrow is installed (the fast read of large workbooks,
# `pipeline.read.fast_xlsx`, brings it). The pipeline was built and measured on pandas' own
# text arrays: with Arrow's, a million-line year took 0.7 s longer and 350 MiB more. The outputs
# are the same either way (the example's 63 files compared byte for byte).
_pandas.set_option("mode.string_storage", "python")
