"""Annual LOS reporting pipeline.

Stages, in the order the data flows: read -> validate -> classify -> compute -> write.
Each stage is one module; no stage reaches back into an earlier one.
"""

__version__ = "0.1.0"
