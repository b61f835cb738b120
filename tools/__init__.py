"""Developer tools that sit beside the pipeline: the example-data generator and benchmarks.

Nothing here is imported by `pipeline/`; the pipeline only reads the files these tools write.
"""
