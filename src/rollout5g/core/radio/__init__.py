"""Radio coverage engine: path loss, sector antenna, link budget, fast raster kernels, EMF.

Pure functions over numpy arrays and small dataclasses; no Django. See docs/radio-model.md.
"""
